"""rawnet.gnet's engine over Unix domain sockets, and Rotate over TCP, UDP and Unix
at once (gnet v2.10.0: the unix cases of gnet_test.go).

The socket file lives in pytest's tmp_path; stdlib AF_UNIX sockets are the clients.
"""

from __future__ import annotations

import os
import socket
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_gnet_engine import DEADLINE, Echo, hostPort, recvn, running

from rawnet.gnet import gnet
from rawnet.gnet.options import WithNumEventLoop, WithReusePort
from rawnet.gnet.pkg.socket.sockaddr import UDPAddr, UnixAddr

pytestmark = pytest.mark.timeout(60)


class Recorder(Echo):
    """An echo that records the addresses its stream connections report."""

    def __init__(self) -> None:
        super().__init__()
        self.addrs: list[tuple[str, str, str]] = []  # (network, local, remote)

    def OnOpen(self, c: gnet.Conn) -> tuple[bytes | None, gnet.Action | None]:
        local, remote = c.LocalAddr(), c.RemoteAddr()
        assert local is not None and remote is not None
        self.addrs.append((local.Network(), local.String(), remote.Network()))
        return None, None


def dialUnix(path: Path) -> socket.socket:
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(DEADLINE)
    s.connect(str(path))
    return s


def echoes(s: socket.socket) -> None:
    for n in (1, 1000, 100_000):
        msg = os.urandom(n)
        s.sendall(msg)
        assert recvn(s, n) == msg


@pytest.fixture
def umask() -> Iterator[int]:
    """A known umask for the test (the process's is restored after)."""
    old = os.umask(0o027)
    try:
        yield 0o027
    finally:
        os.umask(old)


@pytest.mark.parametrize("loops", [1, 3])
def test_unix_echo(tmp_path: Path, umask: int, loops: int) -> None:
    path = tmp_path / "gnet.sock"
    h = Recorder()
    with running(h, [f"unix://{path}"], WithNumEventLoop(loops)) as addrs:
        assert addrs == [UnixAddr(str(path))]
        # bind created the file: a socket, 0777 less the umask.
        st = path.stat()
        assert stat.S_ISSOCK(st.st_mode)
        assert stat.S_IMODE(st.st_mode) == 0o777 & ~umask
        clients = [dialUnix(path) for _ in range(5)]
        try:
            for s in clients:
                echoes(s)
        finally:
            for s in clients:
                s.close()
    assert not path.exists()  # removed on Stop
    assert h.addrs == [("unix", str(path), "unix")] * 5


def test_unix_replaces_a_stale_file(tmp_path: Path) -> None:
    """A file left at the path (a crashed server's socket, say) is removed before
    bind, as gnet does; the engine then owns the path and removes it on Stop."""
    path = tmp_path / "gnet.sock"
    path.write_text("stale")
    with running(Echo(), [f"unix://{path}"]):
        assert stat.S_ISSOCK(path.stat().st_mode)
        with dialUnix(path) as s:
            echoes(s)
    assert not path.exists()


def test_unix_turns_ReusePort_off(tmp_path: Path) -> None:
    """AF_UNIX has no SO_REUSEPORT: with a Unix address gnet turns it off (and runs
    the main reactor)."""
    path = tmp_path / "gnet.sock"
    h = Echo()
    with running(h, [f"unix://{path}"], WithReusePort(True), WithNumEventLoop(2)):
        with dialUnix(path) as s:
            echoes(s)  # served: the loops are up
        assert h.eng is not None
        assert not h.eng.eng.opts.ReusePort and h.eng.eng.ingress is not None


@pytest.mark.parametrize("loops", [1, 3])
def test_Rotate_tcp_udp_unix(tmp_path: Path, loops: int) -> None:
    """One engine on a TCP, a UDP and a Unix address (gnet.Rotate). UDP turns
    SO_REUSEPORT on, so each loop has its own TCP and UDP sockets; the Unix listener,
    which cannot be bound twice, is shared by the loops."""
    path = tmp_path / "gnet.sock"
    h = Recorder()
    addrs = ["tcp://127.0.0.1:0", "udp://127.0.0.1:0", f"unix://{path}"]
    with running(h, addrs, WithNumEventLoop(loops)) as bound:
        assert h.eng is not None and h.eng.eng.opts.ReusePort
        byNet = {a.Network(): a for a in bound}
        assert set(byNet) == {"tcp", "udp", "unix"}
        assert isinstance(byNet["udp"], UDPAddr)
        tcp = [socket.create_connection(hostPort(byNet["tcp"]), timeout=DEADLINE)
               for _ in range(4)]
        unix = [dialUnix(path) for _ in range(4)]
        udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        udp.settimeout(DEADLINE)
        try:
            for s in tcp + unix:
                echoes(s)
            for n in (1, 5000):
                udp.sendto(b"u" * n, hostPort(byNet["udp"]))
                assert udp.recv(n + 1) == b"u" * n
        finally:
            for s in [*tcp, *unix, udp]:
                s.close()
    assert not path.exists()
    assert sorted(net for net, _, _ in h.addrs) == ["tcp"] * 4 + ["unix"] * 4
