"""The Go -> Python map: generated from the markers (docs/go-map.md is current), and
complete against the function inventory of the Go files the core stack mirrors."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

pytestmark = pytest.mark.timeout(60)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
INVENTORY = os.path.join(ROOT, "docs", "go-inventory.md")
sys.path.insert(0, os.path.join(ROOT, "tools"))
import gomap  # noqa: E402

# Inventory section -> the Go file its functions live in.
SECTIONS = {
    "### 1.6": "src/runtime/netpoll.go",
    "### 2.3": "src/runtime/netpoll_epoll.go",
    "### 3.2": "src/runtime/netpoll_kqueue.go",
    "### 3.3": "src/runtime/netpoll_kqueue_event.go",
    "### 3.4": "src/runtime/netpoll_kqueue_pipe.go",
    "### 6.1": "src/internal/poll/fd_poll_runtime.go",
    "### 6.3": "src/internal/poll/fd_mutex.go",
    "### 6.4": "src/internal/poll/fd_unix.go",
    "### 7.2": "src/net/fd_unix.go",
    "### 7.3": "src/net/sock_posix.go",
}

# What the inventory lists that rawnet does not mirror (yet), and why.
NOT_MIRRORED = {
    "poll_runtime_pollWaitCanceled": "Windows only",
    "pollDesc.waitCanceled": "Windows only",
    "runtimeNano": "the runtime's nanotime (time.monotonic_ns) is imported directly",
    "FD.SetBlocking": "os.File support is not built",
    "FD.Pread": "os.File support is not built",
    "FD.Pwrite": "os.File support is not built",
    "FD.Fchmod": "os.File support is not built",
    "FD.Dup": "File() is not built",
    "FD.ReadFrom": "UDP and unix datagram sockets are not built yet",
    "ReadFromInet4": "UDP is not built yet",
    "ReadMsg": "UDP and unix sockets are not built yet",
    "WriteMsg": "UDP and unix sockets are not built yet",
    "FD.WriteOnce": "a Go test helper",
    "newUnixFile": "File() is not built",
    "netFD.dup": "File() is not built",
    "netFD.listenDatagram": "UDP is not built yet",
    "netFD.ctrlNetwork": "Control hooks are not built",
}


def inventory(section: str) -> list[str]:
    text = open(INVENTORY, encoding="utf-8").read()
    i = text.index(section)
    j = text.index("\n#", i + 5)
    pat = re.compile(r"^\* `(?:\((\w+) \*?(\w+)\) )?(\w+)\(", re.M)
    return [(m.group(2) + "." if m.group(2) else "") + m.group(3)
            for m in pat.finditer(text[i:j])]


def test_go_map_is_generated_from_markers() -> None:
    r = subprocess.run([sys.executable, os.path.join(ROOT, "tools", "gomap.py"), "--check"],
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r.stderr


@pytest.mark.parametrize("section", sorted(SECTIONS))
def test_markers_cover_inventory(section: str) -> None:
    marked = {sym for go_file, sym, *_ in gomap.markers() if go_file == SECTIONS[section]}
    symbols = inventory(section)
    assert symbols, "the inventory section has no functions: parser out of date"
    missing = [s for s in symbols if s not in marked and s not in NOT_MIRRORED]
    assert not missing, f"{SECTIONS[section]}: no marker for {missing}"


def test_every_marker_names_a_python_definition() -> None:
    bad = [(py, line) for _, _, py, line, name in gomap.markers() if name == "?"]
    assert not bad
