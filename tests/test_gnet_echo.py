"""``python -m rawnet gnet-echo``: the echo server on rawnet.gnet's engine, run as a
process; it prints its address, echoes, and exits 0 on SIGINT or SIGTERM."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys

import pytest

pytestmark = pytest.mark.timeout(60)

DEADLINE = 20.0


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_gnet_echo_serves_and_stops_on_signal(sig: signal.Signals) -> None:
    with subprocess.Popen([sys.executable, "-m", "rawnet", "gnet-echo", "127.0.0.1:0"],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as p:
        try:
            assert p.stdout is not None and p.stderr is not None
            line = p.stdout.readline()
            assert line.startswith("rawnet gnet echo server listening on "), (
                line + p.stderr.read())
            host, port = line.rsplit(" ", 1)[1].strip().rsplit(":", 1)
            with socket.create_connection((host, int(port)), timeout=DEADLINE) as c:
                for msg in (b"hello", b"x" * 100_000):
                    c.sendall(msg)
                    got = b""
                    while len(got) < len(msg):
                        chunk = c.recv(65536)
                        assert chunk
                        got += chunk
                    assert got == msg
                p.send_signal(sig)  # with a connection open: it is closed on the way out
                assert c.recv(1) == b""
            assert p.wait(timeout=DEADLINE) == 0, p.stderr.read()
            assert p.stdout.read() == "rawnet gnet echo server stopped\n"
        finally:
            if p.poll() is None:
                p.kill()
