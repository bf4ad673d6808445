"""rawnet.gnet's engine: gnet v2.10.0's gnet_test.go, the parts that apply to TCP.

Each test runs ``gnet.Run`` on a thread of its own and talks to it with stdlib
``socket`` clients (independent of rawnet). The handler's ``OnBoot`` hands the test
the Engine, whose ``Addrs()`` gives the port the kernel picked for ":0"; every wait
has a deadline, and ``serve`` stops the engine and joins its thread on the way out.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from rawnet.gnet import codec, gnet
from rawnet.gnet.load_balancer import LeastConnections, LoadBalancing, RoundRobin, SourceAddrHash
from rawnet.gnet.options import (
    Option,
    WithEdgeTriggeredIO,
    WithLoadBalancing,
    WithMulticore,
    WithNumEventLoop,
    WithReadBufferCap,
    WithReusePort,
    WithSocketRecvBuffer,
    WithSocketSendBuffer,
    WithTicker,
    WithWriteBufferCap,
)
from rawnet.gnet.pkg.buffer import ErrShortBuffer
from rawnet.gnet.pkg.errors import ErrInvalidNetworkAddress, ErrUnsupportedProtocol
from rawnet.net.internal import socktest
from rawnet.net.net import Addr
from rawnet.net.tcpsock import TCPAddr
from rawnet.sys.errno import EMFILE

pytestmark = pytest.mark.timeout(60)

DEADLINE = 20.0  # seconds: the bound of any single wait


class Handler(gnet.BuiltinEventEngine):
    """A handler that tells the test when the engine is up, and what it saw."""

    def __init__(self) -> None:
        self.eng: gnet.Engine | None = None
        self.booted = threading.Event()
        self.shutdown = threading.Event()
        self.closed: list[BaseException | None] = []

    def OnBoot(self, eng: gnet.Engine) -> gnet.Action | None:
        self.eng = eng
        self.booted.set()
        return None

    def OnShutdown(self, eng: gnet.Engine) -> None:
        self.shutdown.set()

    def OnClose(self, c: gnet.Conn, err: BaseException | None) -> gnet.Action | None:
        self.closed.append(err)
        return None


class Echo(Handler):
    def OnTraffic(self, c: gnet.Conn) -> gnet.Action | None:
        c.Write(c.Next(-1))
        return None


@contextmanager
def running(h: Handler, addrs: list[str], *opts: Option) -> Iterator[list[Addr]]:
    """Rotate h over addrs in a thread; yield the addresses it is bound to; stop it
    and join the thread at the end, re-raising what Rotate raised."""
    errors: list[BaseException] = []

    def run() -> None:
        try:
            gnet.Rotate(h, addrs, *opts)
        except BaseException as e:
            errors.append(e)

    t = threading.Thread(target=run)
    t.start()
    try:
        assert h.booted.wait(DEADLINE) or errors, "the engine did not boot"
        if errors:
            raise errors[0]
        assert h.eng is not None
        yield h.eng.Addrs()
    finally:
        if h.eng is not None and not h.eng.eng.isShutdown():
            h.eng.Stop(DEADLINE)
        t.join(DEADLINE)
        assert not t.is_alive()
    if errors:
        raise errors[0]


def hostPort(a: Addr) -> tuple[str, int]:
    """(host, port) of a TCP or UDP address, for a stdlib socket."""
    assert isinstance(a, TCPAddr)  # UDPAddr is one too
    return a.IP.String() if a.IP else "127.0.0.1", a.Port


@contextmanager
def serve(h: Handler, *opts: Option, addr: str = "tcp://127.0.0.1:0"
          ) -> Iterator[tuple[str, int]]:
    """Run h on addr in a thread; yield the (host, port) it listens on."""
    with running(h, [addr], *opts) as addrs:
        yield hostPort(addrs[0])


def dial(addr: tuple[str, int]) -> socket.socket:
    return socket.create_connection(addr, timeout=DEADLINE)


def recvn(c: socket.socket, n: int) -> bytes:
    got = bytearray()
    while len(got) < n:
        chunk = c.recv(n - len(got))
        assert chunk, f"EOF after {len(got)} of {n} bytes"
        got += chunk
    return bytes(got)


def echoes(c: socket.socket, msg: bytes) -> None:
    c.sendall(msg)
    assert recvn(c, len(msg)) == msg


LBS: list[LoadBalancing] = [RoundRobin, LeastConnections, SourceAddrHash]


@pytest.mark.parametrize("lb", LBS, ids=lambda lb: lb.name)
@pytest.mark.parametrize("reuseport", [False, True], ids=["reactor", "reuseport"])
@pytest.mark.parametrize("et", [False, True], ids=["LT", "ET"])
@pytest.mark.parametrize("multicore", [False, True], ids=["1loop", "multicore"])
def test_TestServe_tcp(multicore: bool, et: bool, reuseport: bool, lb: LoadBalancing) -> None:
    """gnet_test.go TestServe's TCP cases: several clients, small and large messages
    (a large one overflows the socket buffers and goes through the outbound buffer)."""
    h = Echo()
    opts = [WithMulticore(multicore), WithEdgeTriggeredIO(et), WithReusePort(reuseport),
            WithLoadBalancing(lb)]
    with serve(h, *opts) as addr:
        clients = [dial(addr) for _ in range(4)]
        try:
            for i, c in enumerate(clients):
                echoes(c, b"hello %d" % i)
            big = bytes(range(256)) * 4096  # 1 MiB

            def bigEcho(c: socket.socket) -> None:
                sender = threading.Thread(target=c.sendall, args=(big,))
                sender.start()
                assert recvn(c, len(big)) == big
                sender.join(DEADLINE)

            bigEcho(clients[0])
            assert h.eng is not None and h.eng.CountConnections() == 4
        finally:
            for c in clients:
                c.close()


def test_TestServe_NumEventLoop_spreads_connections() -> None:
    """Round robin over 3 loops: 6 connections, 2 on each."""
    h = Echo()
    with serve(h, WithNumEventLoop(3)) as addr:
        clients = [dial(addr) for _ in range(6)]
        try:
            for c in clients:
                echoes(c, b"x")  # each is registered once it echoes
            assert h.eng is not None
            assert [el.countConn() for el in h.eng.eng.loops()] == [2, 2, 2]
        finally:
            for c in clients:
                c.close()


class Ticker(Handler):
    def __init__(self) -> None:
        super().__init__()
        self.ticks = 0

    def OnTick(self) -> tuple[float, gnet.Action | None]:
        self.ticks += 1
        return 0.001, gnet.Shutdown if self.ticks == 5 else None


@pytest.mark.parametrize("reuseport", [False, True], ids=["reactor", "reuseport"])
def test_TestTick(reuseport: bool) -> None:
    """OnTick runs again after the delay it returns; its Shutdown stops the engine."""
    h = Ticker()
    with serve(h, WithTicker(True), WithReusePort(reuseport)):
        assert h.shutdown.wait(DEADLINE)
    assert h.ticks >= 5


class ShutdownOnTraffic(Echo):
    def OnTraffic(self, c: gnet.Conn) -> gnet.Action | None:
        if bytes(c.Peek(-1)) == b"shutdown":
            return gnet.Shutdown
        return super().OnTraffic(c)


def test_TestShutdown_action() -> None:
    """A handler's Shutdown stops the engine: OnShutdown, then every connection is
    closed (the other client sees EOF)."""
    h = ShutdownOnTraffic()
    with serve(h) as addr, dial(addr) as other, dial(addr) as c:
        echoes(other, b"ping")
        c.sendall(b"shutdown")
        assert h.shutdown.wait(DEADLINE)
        assert other.recv(1) == b""
        assert c.recv(1) == b""
    assert h.eng is not None and h.eng.CountConnections() == -1


def test_TestStop_from_another_thread() -> None:
    """Engine.Stop stops a running engine with open connections; Run returns."""
    h = Echo()
    with serve(h) as addr, dial(addr) as c:
        echoes(c, b"ping")
        assert h.eng is not None
        h.eng.Stop(DEADLINE)
        assert h.shutdown.is_set()
        assert c.recv(1) == b""
        assert h.closed == [None]


def test_TestStop_by_address() -> None:
    h = Echo()
    with serve(h, addr="tcp4://127.0.0.1:0"):
        gnet.Stop("tcp4://127.0.0.1:0", DEADLINE)
        assert h.shutdown.is_set()


class Worker(Handler):
    """OnTraffic hands each request to a thread, which answers with AsyncWrite (or
    Wake, or Close), as gnet's tests do with a goroutine pool."""

    def __init__(self, how: str) -> None:
        super().__init__()
        self.how = how
        self.done = threading.Event()
        self.cbErrors: list[BaseException | None] = []
        self.threads: list[threading.Thread] = []
        self.woken = False

    def callback(self, c: gnet.Conn, err: BaseException | None) -> None:
        self.cbErrors.append(err)
        self.done.set()

    def OnTraffic(self, c: gnet.Conn) -> gnet.Action | None:
        if self.woken:  # the Wake: no new bytes
            assert c.InboundBuffered() == 0
            c.Write(b"woken")
            return None
        data = bytes(c.Next(-1))
        t = threading.Thread(target=self.answer, args=(c, data))
        self.threads.append(t)
        t.start()
        return None

    def answer(self, c: gnet.Conn, data: bytes) -> None:
        if self.how == "write":
            c.AsyncWrite(data.upper(), self.callback)
        elif self.how == "writev":
            c.AsyncWritev([data, b"|", data.upper()], self.callback)
        elif self.how == "wake":
            self.woken = True
            c.Wake(self.callback)
        else:
            c.CloseWithCallback(self.callback)


@pytest.mark.parametrize("how,reply", [("write", b"HELLO"), ("writev", b"hello|HELLO"),
                                       ("wake", b"woken"), ("close", b"")])
def test_TestAsync_from_another_thread(how: str, reply: bytes) -> None:
    """AsyncWrite, AsyncWritev, Wake and CloseWithCallback from a thread that is not
    the loop's; the callback runs once it is done, with no error."""
    h = Worker(how)
    with serve(h) as addr, dial(addr) as c:
        c.sendall(b"hello")
        assert recvn(c, len(reply)) == reply
        assert h.done.wait(DEADLINE)
        if how == "close":
            assert c.recv(1) == b""
    for t in h.threads:
        t.join(DEADLINE)
    assert h.cbErrors == [None]


class Reader(Handler):
    """Reads 4-byte frames with Peek/Discard/Next/Read, leaving partial ones buffered."""

    def __init__(self) -> None:
        super().__init__()
        self.frames: list[bytes] = []
        self.got = threading.Event()

    def OnTraffic(self, c: gnet.Conn) -> gnet.Action | None:
        while c.InboundBuffered() >= 4:
            head = bytes(c.Peek(2))
            assert c.Discard(2) == 2
            if head == b"N:":
                self.frames.append(bytes(c.Next(2)))
            else:
                buf = bytearray(2)
                assert c.Read(buf) == 2
                self.frames.append(bytes(buf))
            if len(self.frames) == 3:
                self.got.set()
        with pytest.raises(ErrShortBuffer):
            c.Next(5)
        return None


def test_TestConn_reader_methods_keep_the_rest() -> None:
    """What OnTraffic leaves unread is kept for the next call (the inbound ring)."""
    h = Reader()
    with serve(h) as addr, dial(addr) as c:
        # Frames split across sends (the reads may split or join them again).
        for part in (b"N:a", b"bR:", b"cdN", b":ef"):
            c.sendall(part)
        assert h.got.wait(DEADLINE)
    assert h.frames == [b"ab", b"cd", b"ef"]


class Flood(Echo):
    """Echo, recording the most bytes ever queued for a peer."""

    def __init__(self) -> None:
        super().__init__()
        self.maxOut = 0

    def OnTraffic(self, c: gnet.Conn) -> gnet.Action | None:
        c.Write(c.Next(-1))
        self.maxOut = max(self.maxOut, c.OutboundBuffered())
        return None


@pytest.mark.parametrize("et", [False, True], ids=["LT", "ET"])
def test_back_pressure_on_a_client_that_does_not_read(et: bool) -> None:
    """A client that sends and never reads: past WriteBufferCap the server stops
    reading it, so the client's sends block (they would not without back-pressure:
    the server would buffer everything) and the queue stays bounded. Once the client
    reads, everything comes back in order."""
    cap, rcap = 8192, 4096
    h = Flood()
    opts = [WithWriteBufferCap(cap), WithReadBufferCap(rcap), WithEdgeTriggeredIO(et),
            WithSocketRecvBuffer(8192), WithSocketSendBuffer(8192)]
    with serve(h, *opts) as addr:
        with socket.socket() as c:
            c.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8192)
            c.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 8192)
            c.settimeout(DEADLINE)
            c.connect(addr)
            c.settimeout(0.5)  # a send blocked this long: the server stopped reading
            block = bytes(range(256)) * 16
            sent = bytearray()
            limit = 64 << 20  # without back-pressure all of it would go through
            try:
                while len(sent) < limit:
                    c.sendall(block)
                    sent += block
            except TimeoutError:
                pass
            assert len(sent) < limit, "the server never stopped reading"
            assert h.maxOut <= cap + rcap
            # Read the echo back while the connection stays open: the server resumes
            # reading as its queue drains. (A half-close here would race: on EOF gnet
            # closes the connection at once, dropping what the socket cannot take
            # without blocking.) What sendall had partly sent comes after `sent`.
            c.settimeout(DEADLINE)
            got = bytearray()
            while len(got) < len(sent):
                chunk = c.recv(65536)
                assert chunk, "the server closed before echoing everything"
                got += chunk
            assert got[: len(sent)] == sent


def test_accept_EMFILE_backs_off_and_recovers() -> None:
    """accept4 failing with EMFILE (out of descriptors) does not end the engine, as it
    does gnet's: the loop backs off and accepts the connection afterwards."""
    h = Echo()
    with socktest.Switch() as sw:
        emfile = sw.inject("accept4", errno=EMFILE, times=3)
        with serve(h) as addr, dial(addr) as c:
            echoes(c, b"served after the back-off")
    assert emfile.injected == 3


def test_Engine_Dup_and_Addrs() -> None:
    h = Echo()
    with serve(h) as addr:
        assert h.eng is not None
        with socket.socket(fileno=h.eng.Dup()) as dup:  # the same listening socket
            assert dup.getsockname() == addr


@pytest.mark.parametrize("addr,err", [
    ("127.0.0.1:0", ErrInvalidNetworkAddress), ("tcp://", ErrInvalidNetworkAddress),
    ("tcp://:0/path", ErrInvalidNetworkAddress), ("udp://:0/path", ErrInvalidNetworkAddress),
    ("unix://", ErrInvalidNetworkAddress), ("sctp://:0", ErrUnsupportedProtocol)])
def test_parseProtoAddr_errors(addr: str, err: type[Exception]) -> None:
    with pytest.raises(err):
        gnet.Run(Echo(), addr)


def test_parseProtoAddr() -> None:
    assert gnet.parseProtoAddr("tcp://:9000") == ("tcp", ":9000")
    assert gnet.parseProtoAddr("tcp6://[::1]:0") == ("tcp6", "[::1]:0")
    assert gnet.parseProtoAddr("udp4://127.0.0.1:53") == ("udp4", "127.0.0.1:53")
    # unix: the URL's host and path joined and cleaned, as gnet's path.Join.
    assert gnet.parseProtoAddr("unix:///run//x.sock") == ("unix", "/run/x.sock")
    assert gnet.parseProtoAddr("unix://x.sock") == ("unix", "x.sock")


class LineEcho(Handler):
    """Echoes lines; a line longer than the codec's maxLength closes the connection."""

    def __init__(self) -> None:
        super().__init__()
        self.codec = codec.LineBasedFrameCodec(1024)
        self.tooLong: list[int] = []

    def OnTraffic(self, c: gnet.Conn) -> gnet.Action | None:
        while True:
            try:
                line = self.codec.Decode(c)
            except codec.ErrIncompletePacket:
                return None
            except codec.TooLongFrameError as e:
                self.tooLong.append(c.InboundBuffered())
                assert e.maxFrameLength == 1024
                return gnet.Close
            c.Write(self.codec.Encode(c, line))


def test_line_codec_maxLength_closes_a_peer_without_newlines() -> None:
    """A peer that never sends the delimiter is cut off once it has sent more than
    maxLength bytes: the server's inbound buffer stays bounded."""
    h = LineEcho()
    with serve(h) as addr, dial(addr) as c:
        c.sendall(b"hello\n")
        assert recvn(c, 6) == b"hello\n"
        try:
            c.sendall(b"x" * 200_000)  # the server may close before all is sent
        except ConnectionError:
            pass
        # Closed by the server: EOF, or a reset (closing a socket with unread bytes
        # sends RST).
        try:
            assert c.recv(1) == b""
        except ConnectionResetError:
            pass
    assert len(h.tooLong) == 1 and 1024 < h.tooLong[0] <= 1024 + 64 * 1024
