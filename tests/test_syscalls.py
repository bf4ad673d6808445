"""The syscall sequences of Listen, Accept, Read, Write, Dial, Close and a read-deadline
expiry match Go's (go-netpoll.md §8), as recorded by rawnet's own syscall gate.

The scenarios run in a fresh interpreter (tests/scripts/go_sequences.py) so that the
once-per-process calls are in the record too. Poller calls (epoll_pwait) depend on
scheduling and are left out of the comparison, as they are when strace output of Go
programs is compared.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest

pytestmark = [
    pytest.mark.timeout(60),
    # Go's Linux sequences include the epoll calls: they compare on epoll only.
    pytest.mark.skipif((os.environ.get("RAWNET_POLLER") or "epoll") != "epoll",
                       reason="Go's Linux syscall sequences are epoll's"),
]

AF_INET6, AF_INET = "AF_INET6", "AF_INET"
STREAM = "SOCK_STREAM|SOCK_CLOEXEC|SOCK_NONBLOCK"
IPPROTO_TCP, IPPROTO_IPV6, SOL_SOCKET = 6, 41, 1
IPV6_V6ONLY, SO_REUSEADDR, SO_ERROR, SO_KEEPALIVE = 26, 2, 4, 9
TCP_NODELAY, TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT = 1, 4, 5, 6
EPOLL_CTL_ADD, EPOLL_CTL_DEL = 1, 2
ET_EVENTS = 0x1 | 0x4 | 0x2000 | 0x80000000  # EPOLLIN|EPOLLOUT|EPOLLRDHUP|EPOLLET
EAGAIN, EINPROGRESS = -11, -115


@pytest.fixture(scope="module")
def run() -> dict[str, Any]:
    script = os.path.join(os.path.dirname(__file__), "scripts", "go_sequences.py")
    out = subprocess.run([sys.executable, script], capture_output=True, text=True,
                         timeout=30, check=True).stdout
    phases: dict[str, list[tuple[Any, ...]]] = {}
    summary: dict[str, Any] = {}
    for line in out.splitlines():
        d = json.loads(line)
        if "phase" not in d:
            summary = d
            continue
        if d["name"] == "epoll_pwait":
            continue
        phases.setdefault(d["phase"], []).append((d["name"], *d["args"], d["ret"]))
    return {"phases": phases, **summary}


def fds(calls: list[tuple[Any, ...]], fd: int) -> list[tuple[Any, ...]]:
    """The calls made on fd (epoll_ctl counts for the fd it registers)."""
    return [c for c in calls if (c[0] == "epoll_ctl" and c[2] == fd) or
            (c[0] not in ("epoll_ctl", "socket", "epoll_create1", "eventfd2", "openat")
             and c[1] == fd)]


def test_listen_sequence(run: dict[str, Any]) -> None:
    calls = run["phases"]["listen"]
    # One-time IP stack probe, then the listener (proto 0, dual-stack [::]).
    p4, p6a, p6b = calls[0][-1], calls[2][-1], calls[5][-1]
    assert calls[:10] == [
        ("socket", AF_INET, STREAM, IPPROTO_TCP, p4),
        ("close", p4, 0),
        ("socket", AF_INET6, STREAM, IPPROTO_TCP, p6a),
        ("setsockopt", p6a, IPPROTO_IPV6, IPV6_V6ONLY, 1, 0),
        ("bind", p6a, 0),
        ("socket", AF_INET6, STREAM, IPPROTO_TCP, p6b),
        ("setsockopt", p6b, IPPROTO_IPV6, IPV6_V6ONLY, 0, 0),
        ("bind", p6b, 0),
        ("close", p6b, 0),
        ("close", p6a, 0),
    ]
    rest = calls[10:]
    s = rest[0][-1]
    somaxconn = int(open("/proc/sys/net/core/somaxconn").read().split()[0])
    names = [c[0] for c in rest]
    assert rest[0] == ("socket", AF_INET6, STREAM, 0, s)
    assert rest[1] == ("setsockopt", s, IPPROTO_IPV6, IPV6_V6ONLY, 0, 0)
    assert rest[2][:2] == ("openat", "/proc/sys/net/core/somaxconn")
    # The poller is created with the first pollable fd: epoll_create1, eventfd2 and
    # the eventfd's registration come right before the listener's.
    mine = [c for c in rest if c[0] not in ("epoll_create1", "eventfd2") and
            not (c[0] == "epoll_ctl" and c[3] == 1)]
    assert fds(mine, s) == [
        ("setsockopt", s, IPPROTO_IPV6, IPV6_V6ONLY, 0, 0),
        ("setsockopt", s, SOL_SOCKET, SO_REUSEADDR, 1, 0),
        ("bind", s, 0),
        ("listen", s, go_backlog(somaxconn), 0),
        ("epoll_ctl", EPOLL_CTL_ADD, s, ET_EVENTS, 0),
        ("getsockname", s, 0),
    ]
    assert names.index("epoll_create1") < names.index("eventfd2") < names.index("getsockname")
    assert run["laddr"].startswith("[::]:")


def go_backlog(somaxconn: int) -> int:
    # Go: sock_linux.go maxListenerBacklog on a kernel >= 4.1 (32-bit backlog).
    return somaxconn if somaxconn else 128


def test_accept_dial_sequence(run: dict[str, Any]) -> None:
    (first,) = run["phases"]["accept-empty"]
    assert first[0] == "accept4" and first[2] == "SOCK_CLOEXEC|SOCK_NONBLOCK"
    assert first[-1] == EAGAIN  # the optimistic try before parking
    calls = run["phases"]["dial+accept"]
    c = calls[0][-1]
    assert calls[0] == ("socket", AF_INET, STREAM, 0, c)
    assert fds(calls, c) == [
        ("connect", c, EINPROGRESS),
        ("epoll_ctl", EPOLL_CTL_ADD, c, ET_EVENTS, 0),
        ("getsockopt", c, SOL_SOCKET, SO_ERROR, 0),
        ("getpeername", c, 0),
        ("getsockname", c, 0),
    ] + keepalive_sequence(c)
    (acc,) = [x for x in calls if x[0] == "accept4"]
    s = acc[-1]
    assert acc[2] == "SOCK_CLOEXEC|SOCK_NONBLOCK" and s > 0
    assert fds(calls, s) == [
        ("epoll_ctl", EPOLL_CTL_ADD, s, ET_EVENTS, 0),
        ("getsockname", s, 0),
    ] + keepalive_sequence(s)
    # A v4 client on a dual-stack listener prints as IPv4 on both sides.
    assert run["s"][0].startswith("127.0.0.1:") and run["s"][1] == run["c"][0]


def keepalive_sequence(fd: int) -> list[tuple[Any, ...]]:
    return [
        ("setsockopt", fd, IPPROTO_TCP, TCP_NODELAY, 1, 0),
        ("setsockopt", fd, SOL_SOCKET, SO_KEEPALIVE, 1, 0),
        ("setsockopt", fd, IPPROTO_TCP, TCP_KEEPIDLE, 15, 0),
        ("setsockopt", fd, IPPROTO_TCP, TCP_KEEPINTVL, 15, 0),
        ("setsockopt", fd, IPPROTO_TCP, TCP_KEEPCNT, 9, 0),
    ]


def test_read_write_sequence(run: dict[str, Any]) -> None:
    calls = run["phases"]["read-empty+write"]
    assert [(c[0], c[-1]) for c in calls] == [
        ("read", EAGAIN), ("write", 5), ("read", 5),
    ]


def test_read_deadline_sequence(run: dict[str, Any]) -> None:
    # One read that parks; the expiry wakes it with no syscall of its own, and the
    # second Read fails at once without a read(2): the expiry is sticky.
    calls = run["phases"]["read-deadline"]
    assert [(c[0], c[-1]) for c in calls] == [("read", EAGAIN)]
    assert run["errors"]["read-deadline"].endswith(": i/o timeout")
    assert run["errors"]["read-deadline"].startswith("read tcp 127.0.0.1:")


def test_close_sequences(run: dict[str, Any]) -> None:
    ph = run["phases"]
    s_read = ph["close-blocked-read"]
    s = s_read[0][1]
    assert s_read == [("read", s, EAGAIN), ("epoll_ctl", EPOLL_CTL_DEL, s, 0, 0), ("close", s, 0)]
    assert "second-close" not in ph  # a second Close makes no syscall
    ln_calls = ph["close-blocked-accept"]
    ln = ln_calls[0][1]
    assert ln_calls == [("accept4", ln, "SOCK_CLOEXEC|SOCK_NONBLOCK", EAGAIN),
                        ("epoll_ctl", EPOLL_CTL_DEL, ln, 0, 0), ("close", ln, 0)]
    e = run["errors"]
    laddr, raddr = run["s"]
    assert e["read-closed"] == f"read tcp {laddr}->{raddr}: use of closed network connection"
    assert e["second-close"] == f"close tcp {laddr}->{raddr}: use of closed network connection"
    assert e["accept-closed"] == f"accept tcp {run['laddr']}: use of closed network connection"
