"""rawnet never imports stdlib networking, not even indirectly."""

from __future__ import annotations

import os
import subprocess
import sys

import greenlet
import pytest

pytestmark = pytest.mark.timeout(60)

FORBIDDEN = ("socket", "_socket", "select", "selectors", "asyncio", "ssl", "socketserver",
             "http", "urllib", "ipaddress")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

SCRIPT = """
import sys
FORBIDDEN = sys.argv[1].split(",")
sys.path[:0] = sys.argv[2:]
assert not [m for m in sys.modules if m.split(".")[0] in FORBIDDEN], "loaded at start-up"
import rawnet
ln = rawnet.Listen("tcp", "127.0.0.1:0")
def echo():
    c = ln.Accept()
    b = bytearray(16)
    n = c.Read(b)
    c.Write(b[:n])
    c.Close()
rawnet.go(echo)
c = rawnet.Dial("tcp", str(ln.Addr()))
c.Write(b"ping")
b = bytearray(16)
assert bytes(b[:c.Read(b)]) == b"ping"
c.Close()
ln.Close()
print(" ".join(sorted(sys.modules)))
"""


def modules_after_echo(env: dict[str, str] | None = None) -> set[str]:
    """The modules a fresh interpreter holds after ``import rawnet`` and one echo
    round trip (Listen, Dial, Accept, Write, Read), run with env (default: this
    process's environment). tests/test_layering.py uses it too."""
    # -S: no site module, whose .pth hooks import urllib and ipaddress on some machines
    # before any user code runs; rawnet and greenlet are put on the path by hand.
    greenlet_dir = os.path.dirname(os.path.dirname(greenlet.__file__))
    out = subprocess.run(
        [sys.executable, "-S", "-c", SCRIPT, ",".join(FORBIDDEN), ROOT, greenlet_dir],
        capture_output=True, text=True, timeout=30, check=True, cwd="/", env=env,
    ).stdout
    return set(out.split())


def test_no_stdlib_networking_after_echo() -> None:
    loaded = modules_after_echo()
    assert "rawnet.net.dial" in loaded
    bad = sorted(m for m in loaded if m.split(".")[0] in FORBIDDEN)
    assert not bad, f"stdlib networking imported: {bad}"
