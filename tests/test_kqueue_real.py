"""The kqueue backend on a real kqueue library (opt-in: set RAWNET_KQUEUE_LIB, e.g. to
a libkqueue built by hand; see docs/pollers.md). CI has none: there the kqueue
backend is tested against the fake library of tests/test_pollers.py.

The test runs in a child process, since this process's poller is chosen already.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

LIB = os.environ.get("RAWNET_KQUEUE_LIB", "")

pytestmark = pytest.mark.skipif(
    not LIB, reason="opt-in: set RAWNET_KQUEUE_LIB to a kqueue library (such as libkqueue)")

# Connections one after another, each closed before the next: the kernel hands the
# next sockets the numbers just closed. Under libkqueue, before netpollclose deleted
# the filters, the first reused number never reported an event and the Read (or the
# Dial) slept in kevent forever (issue 12, defect 6).
CHILD = textwrap.dedent("""
    import rawnet
    from rawnet.runtime import netpoll

    ln = rawnet.Listen("tcp", "127.0.0.1:0")
    try:
        for size in (1, 4096, 65536):
            for _ in range(3):
                c = rawnet.Dial("tcp", str(ln.Addr()))
                s = ln.Accept()
                assert c.Write(bytes(size)) == size
                buf, got = bytearray(size), 0
                while got < size:
                    got += s.Read(memoryview(buf)[got:])
                c.Close()
                s.Close()
    finally:
        ln.Close()
    print(netpoll.backend.__name__)
""")


def test_reused_fd_numbers_get_events_on_a_real_kqueue() -> None:
    env = dict(os.environ, RAWNET_POLLER="kqueue")
    out = subprocess.run([sys.executable, "-c", CHILD], env=env, capture_output=True,
                         text=True, timeout=30, check=False)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "rawnet.bsd.netpoll_kqueue"
