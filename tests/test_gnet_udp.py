"""rawnet.gnet's engine over UDP (gnet v2.10.0: the UDP cases of gnet_test.go).

Each datagram is one OnTraffic with a conn of its own: RemoteAddr is the sender and
Write answers it with sendto. Stdlib UDP sockets are the clients; each sends a
datagram and waits for its echo before the next (lock-step, so nothing is lost on
loopback), with a deadline on every wait.
"""

from __future__ import annotations

import socket
import threading

import pytest
from test_gnet_engine import DEADLINE, Echo, Handler, hostPort, running

from rawnet.gnet import gnet
from rawnet.gnet.options import WithMulticore, WithNumEventLoop, WithTicker
from rawnet.gnet.pkg.errors import ErrUnsupportedOp
from rawnet.gnet.pkg.socket.sockaddr import UDPAddr

pytestmark = pytest.mark.timeout(60)

SIZES = [1, 100, 1500, 9000, 32 * 1024, 60 * 1024]  # the read buffer is 64 KiB


def hasIPv6Loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


class Recorder(Echo):
    """An echo that records the addresses each datagram's conn reports."""

    def __init__(self) -> None:
        super().__init__()
        self.opened = 0
        self.remotes: set[tuple[str, str, int]] = set()  # (network, ip, port)
        self.locals: set[str] = set()

    def OnOpen(self, c: gnet.Conn) -> tuple[bytes | None, gnet.Action | None]:
        self.opened += 1
        return None, None

    def OnTraffic(self, c: gnet.Conn) -> gnet.Action | None:
        remote, local = c.RemoteAddr(), c.LocalAddr()
        assert isinstance(remote, UDPAddr) and local is not None
        assert remote.IP is not None
        self.remotes.add((remote.Network(), remote.IP.String(), remote.Port))
        self.locals.add(local.String())
        return super().OnTraffic(c)


def client(family: int) -> socket.socket:
    """A UDP socket bound to the loopback address (so that its name is the one the
    server sees)."""
    s = socket.socket(family, socket.SOCK_DGRAM)
    s.settimeout(DEADLINE)
    s.bind(("::1" if family == socket.AF_INET6 else "127.0.0.1", 0))
    return s


def echoes(s: socket.socket, server: tuple[str, int], sizes: list[int]) -> None:
    """Send a datagram of each size; each comes back whole, from the server."""
    for i, n in enumerate(sizes):
        msg = bytes([i % 256]) * n
        s.sendto(msg, server)
        got, frm = s.recvfrom(128 * 1024)
        assert got == msg
        assert frm[:2] == server


@pytest.mark.parametrize("addr", ["udp://127.0.0.1:0", "udp4://127.0.0.1:0",
                                  "udp6://[::1]:0"])
def test_udp_echo(addr: str) -> None:
    if addr.startswith("udp6") and not hasIPv6Loopback():
        pytest.skip("no IPv6 loopback")
    family = socket.AF_INET6 if addr.startswith("udp6") else socket.AF_INET
    h = Recorder()
    with running(h, [addr]) as addrs:
        server = hostPort(addrs[0])
        assert addrs[0].Network() == "udp"
        clients = [client(family) for _ in range(4)]
        try:
            for s in clients:
                echoes(s, server, SIZES)
            senders = {("udp", *s.getsockname()[:2]) for s in clients}
        finally:
            for s in clients:
                s.close()
    # One conn per datagram, each with its sender's address; no OnOpen, no OnClose.
    assert h.remotes == senders
    assert h.locals == {addrs[0].String()}
    assert h.opened == 0 and h.closed == []


class TickedEcho(Echo):
    """Echo, and say when the first tick came: the engine starts its ticker once every
    loop runs (OnBoot comes before the loops start, as in gnet)."""

    def __init__(self) -> None:
        super().__init__()
        self.ticked = threading.Event()

    def OnTick(self) -> tuple[float, gnet.Action | None]:
        self.ticked.set()
        return 3600.0, None


def test_udp_multicore() -> None:
    """Several loops, each with a socket of its own on the port (SO_REUSEPORT, which
    gnet turns on for UDP): every client is answered, by whichever loop the kernel
    gave its datagrams to."""
    h = TickedEcho()
    with running(h, ["udp://127.0.0.1:0"], WithMulticore(True), WithNumEventLoop(4),
                 WithTicker(True)) as addrs:
        server = hostPort(addrs[0])
        assert h.ticked.wait(DEADLINE), "the loops never started"
        assert h.eng is not None and len(h.eng.eng.loops()) == 4
        clients = [client(socket.AF_INET) for _ in range(16)]
        try:
            for s in clients:
                echoes(s, server, [10, 1000, 20000])
        finally:
            for s in clients:
                s.close()


class Later(Handler):
    """Keeps each datagram's conn, answers it from another thread with AsyncWrite
    after OnTraffic has returned (the conn keeps its sender), and checks Writev."""

    def __init__(self) -> None:
        super().__init__()
        self.done = threading.Event()
        self.errors: list[BaseException | None] = []

    def OnTraffic(self, c: gnet.Conn) -> gnet.Action | None:
        data = bytes(c.Next(-1))
        with pytest.raises(ErrUnsupportedOp):
            c.Writev([data])

        def reply() -> None:
            c.AsyncWrite(b"late:" + data, lambda _c, err: self.errors.append(err))
            self.done.set()

        threading.Thread(target=reply).start()
        return None


def test_udp_AsyncWrite_after_OnTraffic() -> None:
    h = Later()
    with running(h, ["udp://127.0.0.1:0"]) as addrs:
        with client(socket.AF_INET) as s:
            s.sendto(b"ping", hostPort(addrs[0]))
            assert s.recv(100) == b"late:ping"
        assert h.done.wait(DEADLINE)
    assert h.errors == [None]


class ShutdownOnTraffic(Handler):
    def OnTraffic(self, c: gnet.Conn) -> gnet.Action | None:
        return gnet.Shutdown


def test_udp_Shutdown_action() -> None:
    h = ShutdownOnTraffic()
    with running(h, ["udp://127.0.0.1:0"]) as addrs:
        with client(socket.AF_INET) as s:
            s.sendto(b"stop", hostPort(addrs[0]))
        assert h.shutdown.wait(DEADLINE)
