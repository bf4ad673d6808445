"""``python -m rawnet echo``: serves, echoes, stops cleanly with status 0 on SIGTERM
and SIGINT."""

from __future__ import annotations

import signal
import subprocess
import sys

import pytest

import rawnet

pytestmark = pytest.mark.timeout(60)


def start(addr: str) -> tuple[subprocess.Popen[str], str]:
    p = subprocess.Popen([sys.executable, "-m", "rawnet", "echo", addr],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert p.stdout is not None
    line = p.stdout.readline()  # waits for the server to be up: no sleep needed
    assert line.startswith("rawnet echo server listening on "), line
    return p, line.rsplit(" ", 1)[1].strip()


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_echo_cli(sig: int) -> None:
    p, addr = start("127.0.0.1:0")
    try:
        conns = [rawnet.Dial("tcp", addr) for _ in range(3)]
        buf = bytearray(64)
        for i, c in enumerate(conns):
            msg = b"hello %d" % i
            c.Write(msg)
            got = b""
            while len(got) < len(msg):
                got += bytes(buf[: c.Read(buf)])
            assert got == msg
        conns[0].Close()  # one client gone, two still connected at shutdown
        p.send_signal(sig)
        out, err = p.communicate(timeout=20)
        for c in conns[1:]:
            c.Close()
    finally:
        if p.poll() is None:
            p.kill()
            p.communicate()
    assert p.returncode == 0, err
    assert "rawnet echo server stopped" in out
    assert "Traceback" not in err, err


def test_echo_cli_bad_address() -> None:
    r = subprocess.run([sys.executable, "-m", "rawnet", "echo", "127.0.0.1:99999"],
                       capture_output=True, text=True, timeout=20)
    assert r.returncode == 1
    assert r.stderr.strip() == "rawnet: listen tcp: address 99999: invalid port"
