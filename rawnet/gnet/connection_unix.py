"""A connection of the engine (gnet v2.10.0: connection_unix.go, connection_linux.go).

A ``conn`` belongs to one event loop, and everything but the ``Async*`` methods,
``Wake``, ``Close``/``CloseWithCallback`` and the socket-option setters must be called
on that loop's thread, from inside an event handler: they touch the buffers with no
lock, as in gnet.

Inbound. During ``OnTraffic``, the bytes just read sit in the loop's shared read
buffer; ``c.buffer`` is a view of them. Whatever the handler leaves unread is copied
into the connection's own ``inboundBuffer`` (an elastic ring, allocated only while it
holds bytes) after the handler returns. The ``Reader`` methods (``Read``, ``Next``,
``Peek``, ``Discard``) see the two as one stream: the ring first, then the fresh bytes.
A view returned by ``Next`` or ``Peek`` may point into the shared buffer: it is valid
until the handler returns.

Outbound. ``Write`` writes to the socket at once when nothing is queued; whatever the
kernel does not take goes into ``outboundBuffer`` (a ring up to ``WriteBufferCap``, then
a list) and the fd is watched for writability, so the loop sends the rest
(``eventloop.write``) as the peer reads.

Datagrams (UDP). A UDP socket has one ``conn`` per datagram (``newUDPConn``, made
by ``eventloop.readUDP``): its buffer is the datagram, its ``remote`` the sender,
and ``Write`` sends one datagram back to the sender with sendto(2), at once (nothing
is queued: a datagram the socket cannot take is an error, not a partial write).
It is never registered, has no ``OnOpen``/``OnClose``, and is released when
``OnTraffic`` returns; ``AsyncWrite`` keeps working afterwards (it, too, sends at
once, from the calling thread), ``Writev``/``AsyncWritev`` are not supported.

Where Python differs from gnet:
- errors are raised: a failed write closes the connection (as in gnet) and raises the
  ``os.SyscallError``; ``Next``/``Peek`` beyond what is buffered raise ``ErrShortBuffer``;
- ``readPaused`` is rawnet's: back-pressure (eventloop_unix.py);
- a datagram ``AsyncWrite`` calls its callback with the connection and the error
  (gnet's passes nil, nil);
- not built: ``SendTo`` (UDP), ``ReadFrom``/``WriteTo``, ``EventLoop``,
  ``SafeContext``, the ``Set*Deadline`` methods (gnet's return ErrUnsupportedOp).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Final

from ..io import EOF
from ..net.net import Addr, ErrClosed
from ..os.error import SyscallError
from ..sys import Sockaddr
from ..sys import syscall_linux as sc
from ..sys import zerrors_linux as c
from ..sys.errno import EAGAIN, Errno
from .pkg.buffer import BytesLike, ErrShortBuffer, elastic
from .pkg.errors import ErrUnsupportedOp
from .pkg.io.io_linux import Writev
from .pkg.netpoll import defs_poller_epoll as netpoll
from .pkg.netpoll.defs_poller import PollAttachment
from .pkg.queue.queue import HighPriority, LowPriority
from .pkg.socket import fd_unix, sockopts_posix, sockopts_unix
from .pkg.socket.sockaddr import SockaddrToUDPAddr

if TYPE_CHECKING:
    from .eventloop_unix import eventloop
    from .gnet import AsyncCallback

_empty: Final = memoryview(b"")


# gnet: connection_unix.go conn
class conn:
    def __init__(self, proto: str, fd: int, el: eventloop, sa: Sockaddr | None,
                 localAddr: Addr | None, remoteAddr: Addr | None) -> None:
        self.fd = fd
        self.ctx: object = None  # the application's, from SetContext
        self.remote = sa  # the peer's sockaddr
        self.proto = proto  # "tcp", "udp" or "unix"
        self.isDatagram = proto == "udp"
        self.localAddr = localAddr
        self.remoteAddr = remoteAddr
        self.loop = el
        self.outboundBuffer = elastic.New(el.engine.opts.WriteBufferCap)
        self.pollAttachment = PollAttachment(fd, self.processIO)
        self.inboundBuffer = elastic.RingBuffer()  # what OnTraffic left unread
        self.buffer = _empty  # the bytes of the latest read, in the loop's buffer
        self.opened = False  # OnOpen has been called (and OnClose not yet)
        self.isEOF = False  # the peer shut its side: read until EAGAIN
        self.readPaused = False  # rawnet's back-pressure: not read until drained

    # gnet: connection_unix.go conn.release
    def release(self) -> None:
        """Forget the connection's state and give its buffers back (it is closing)."""
        self.opened = False
        self.isEOF = False
        self.ctx = None
        self.buffer = _empty
        self.localAddr = self.remoteAddr = None
        if not self.isDatagram:  # a datagram's sender stays, for AsyncWrite
            self.remote = None
            self.inboundBuffer.Done()
            self.outboundBuffer.Release()

    # gnet: connection_unix.go conn.open
    def open(self, buf: BytesLike) -> None:
        """Send what OnOpen returned; what the socket does not take is queued."""
        data = memoryview(buf)
        while len(data) > 0:
            n = sc.Write(self.fd, data)
            if n == -EAGAIN:
                self.outboundBuffer.Write(data)
                return
            if n < 0:
                raise SyscallError("write", Errno(-n))
            data = data[n:]

    # gnet: connection_unix.go conn.write
    def write(self, data: BytesLike) -> int:
        """Write data now, or queue it behind bytes already queued; returns len(data).

        Level-triggered, a short write queues the rest and asks for writable events;
        edge-triggered, it writes again until EAGAIN (the fd is always watched for
        writability then). An error closes the connection and is raised."""
        n = len(data)
        if not self.outboundBuffer.IsEmpty():
            # Bytes are queued: these go after them, in order.
            self.outboundBuffer.Write(data)
            return n
        isET = self.loop.engine.opts.EdgeTriggeredIO
        view = memoryview(data)
        while True:
            sent = sc.Write(self.fd, view)
            if sent == -EAGAIN:
                sent = 0
                break
            if sent < 0:
                self.failed("write", sent)
            view = view[sent:]
            if not (isET and len(view) > 0):
                break
        if len(view) > 0:  # the socket's buffer is full: the loop sends the rest
            self.outboundBuffer.Write(view)
            if not isET:
                self.loop.poller.ModReadWrite(self.pollAttachment, False)
        return n

    # gnet: connection_unix.go conn.writev
    def writev(self, bs: Sequence[BytesLike]) -> int:
        """Write the buffers of bs in order, with writev(2); as write otherwise."""
        n = sum(len(b) for b in bs)
        if not self.outboundBuffer.IsEmpty():
            self.outboundBuffer.Writev(bs)
            return n
        isET = self.loop.engine.opts.EdgeTriggeredIO
        rest = [memoryview(b) for b in bs]
        remaining = n
        while True:
            sent = Writev(self.fd, rest)
            if sent == -EAGAIN:
                break
            if sent < 0:
                self.failed("writev", sent)
            remaining -= sent
            rest = skip(rest, sent)
            if not (isET and remaining > 0):
                break
        if remaining > 0:
            self.outboundBuffer.Writev(rest)
            if not isET:
                self.loop.poller.ModReadWrite(self.pollAttachment, False)
        return n

    def failed(self, syscall: str, r: int) -> None:
        """A write failed with -r: close the connection, raise the error (gnet's
        deferred close in write and writev)."""
        err = SyscallError(syscall, Errno(-r))
        self.loop.close(self, err)
        raise err

    # gnet: connection_unix.go conn.sendTo
    def sendTo(self, buf: BytesLike) -> int:
        """Send buf as one datagram to the sender of the datagram being answered."""
        assert self.remote is not None  # the server's side: an unconnected socket
        r = sc.Sendto(self.fd, buf, 0, self.remote)
        if r < 0:
            raise SyscallError("sendto", Errno(-r))
        return len(buf)

    # gnet: connection_unix.go conn.resetBuffer
    def resetBuffer(self) -> None:
        self.buffer = _empty
        self.inboundBuffer.Done()

    # gnet: connection_unix.go conn.Read
    def Read(self, p: bytearray | memoryview) -> int:
        """Copy up to len(p) unread bytes into p and consume them; returns how many.
        Raises ErrShortBuffer when there is nothing to read (and p is not empty)."""
        n = 0
        if not self.inboundBuffer.IsEmpty():
            n = self.inboundBuffer.Read(p)
        m = min(len(p) - n, len(self.buffer))
        p[n : n + m] = self.buffer[:m]
        self.buffer = self.buffer[m:]
        if n + m == 0 and len(p) > 0:
            raise ErrShortBuffer()
        return n + m

    # gnet: connection_unix.go conn.Next
    def Next(self, n: int) -> memoryview:
        """The next n bytes (all of them if n <= 0), consumed. Raises ErrShortBuffer if
        fewer are buffered."""
        total = self.InboundBuffered()
        if n > total:
            raise ErrShortBuffer()
        if n <= 0:
            n = total
        if self.inboundBuffer.IsEmpty():  # a view of the loop's buffer, no copy
            buf = self.buffer[:n]
            self.buffer = self.buffer[n:]
            return buf
        out = bytearray(n)
        self.Read(out)
        return memoryview(out)

    # gnet: connection_unix.go conn.Peek
    def Peek(self, n: int) -> memoryview:
        """The next n bytes (all of them if n <= 0), not consumed. Raises
        ErrShortBuffer if fewer are buffered."""
        inBufferLen = self.inboundBuffer.Buffered()
        total = inBufferLen + len(self.buffer)
        if n > total:
            raise ErrShortBuffer()
        if n <= 0:
            n = total
        if self.inboundBuffer.IsEmpty():
            return self.buffer[:n]
        head, tail = self.inboundBuffer.Peek(n)
        if len(head) == n:
            return head
        # The bytes span the ring's wrap or the ring and the fresh bytes: one copy.
        return memoryview(b"".join((head, tail, self.buffer[: max(n - inBufferLen, 0)])))

    # gnet: connection_unix.go conn.Discard
    def Discard(self, n: int) -> int:
        """Consume the next n bytes (all of them if n <= 0 or more); returns how many."""
        inBufferLen = self.inboundBuffer.Buffered()
        total = inBufferLen + len(self.buffer)
        if n >= total or n <= 0:
            self.resetBuffer()
            return total
        if self.inboundBuffer.IsEmpty():
            self.buffer = self.buffer[n:]
            return n
        discarded = self.inboundBuffer.Discard(n)
        if discarded < inBufferLen:
            return discarded
        self.buffer = self.buffer[n - inBufferLen :]
        return n

    # gnet: connection_unix.go conn.Write
    def Write(self, p: BytesLike) -> int:
        if self.isDatagram:
            return self.sendTo(p)
        return self.write(p)

    # gnet: connection_unix.go conn.Writev
    def Writev(self, bs: Sequence[BytesLike]) -> int:
        if self.isDatagram:
            raise ErrUnsupportedOp()
        return self.writev(bs)

    # gnet: connection_unix.go conn.Flush
    def Flush(self) -> None:
        """Send what is queued now, as far as the socket takes it."""
        self.loop.write(self)

    # gnet: connection_unix.go conn.InboundBuffered
    def InboundBuffered(self) -> int:
        return self.inboundBuffer.Buffered() + len(self.buffer)

    # gnet: connection_unix.go conn.OutboundBuffered
    def OutboundBuffered(self) -> int:
        return self.outboundBuffer.Buffered()

    # gnet: connection_unix.go conn.Context
    def Context(self) -> object:
        return self.ctx

    # gnet: connection_unix.go conn.SetContext
    def SetContext(self, ctx: object) -> None:
        self.ctx = ctx

    # gnet: connection_unix.go conn.LocalAddr
    def LocalAddr(self) -> Addr | None:
        return self.localAddr

    # gnet: connection_unix.go conn.RemoteAddr
    def RemoteAddr(self) -> Addr | None:
        return self.remoteAddr

    # gnet: connection_unix.go conn.Fd
    def Fd(self) -> int:
        return self.fd

    # gnet: connection_unix.go conn.Dup
    def Dup(self) -> int:
        return fd_unix.Dup(self.fd)

    # gnet: connection_unix.go conn.SetReadBuffer
    def SetReadBuffer(self, size: int) -> None:
        sockopts_posix.SetRecvBuffer(self.fd, size)

    # gnet: connection_unix.go conn.SetWriteBuffer
    def SetWriteBuffer(self, size: int) -> None:
        sockopts_posix.SetSendBuffer(self.fd, size)

    # gnet: connection_unix.go conn.SetLinger
    def SetLinger(self, sec: int) -> None:
        sockopts_posix.SetLinger(self.fd, sec)

    # gnet: connection_unix.go conn.SetNoDelay
    def SetNoDelay(self, noDelay: bool) -> None:
        sockopts_posix.SetNoDelay(self.fd, 1 if noDelay else 0)

    # gnet: connection_unix.go conn.SetKeepAlivePeriod
    def SetKeepAlivePeriod(self, d: float) -> None:
        sockopts_unix.SetKeepAlivePeriod(self.fd, int(d))

    # gnet: connection_unix.go conn.SetKeepAlive
    def SetKeepAlive(self, enabled: bool, idle: float, intvl: float, cnt: int) -> None:
        sockopts_unix.SetKeepAlive(self.fd, enabled, int(idle), int(intvl), cnt)

    # --- safe from any thread: each queues a task for the loop -----------------------

    def withCallback(self, fn: Callable[[], object], callback: AsyncCallback | None) -> None:
        """Run fn on the loop and then callback(c, err) with what it raised, if
        anything (the tasks gnet's async methods queue); the error goes on up."""
        err: BaseException | None = None
        try:
            fn()
        except BaseException as e:
            err = e
            raise
        finally:
            if callback is not None:
                callback(self, err)

    # gnet: connection_unix.go conn.asyncWrite
    def asyncWrite(self, data: BytesLike, callback: AsyncCallback | None) -> None:
        if not self.opened:  # closed before the task ran
            if callback is not None:
                callback(self, ErrClosed())
            return
        self.withCallback(lambda: self.write(data), callback)

    # gnet: connection_unix.go conn.asyncWritev
    def asyncWritev(self, bs: Sequence[BytesLike], callback: AsyncCallback | None) -> None:
        if not self.opened:
            if callback is not None:
                callback(self, ErrClosed())
            return
        self.withCallback(lambda: self.writev(bs), callback)

    # gnet: connection_unix.go conn.AsyncWrite
    def AsyncWrite(self, buf: BytesLike, callback: AsyncCallback | None = None) -> None:
        """Write buf from any thread: the loop writes it at its next wake-up, then
        calls callback(c, err) on its thread. buf must not change until then.
        A datagram is sent at once, on the calling thread (sendto is thread-safe)."""
        if self.isDatagram:
            self.withCallback(lambda: self.sendTo(buf), callback)
            return
        self.loop.poller.Trigger(HighPriority, lambda _: self.asyncWrite(buf, callback), None)

    # gnet: connection_unix.go conn.AsyncWritev
    def AsyncWritev(self, bs: Sequence[BytesLike], callback: AsyncCallback | None = None
                    ) -> None:
        if self.isDatagram:
            raise ErrUnsupportedOp()
        self.loop.poller.Trigger(HighPriority, lambda _: self.asyncWritev(bs, callback), None)

    # gnet: connection_unix.go conn.Wake
    def Wake(self, callback: AsyncCallback | None = None) -> None:
        """Have the loop call OnTraffic for this connection, as if data had come."""
        self.loop.poller.Trigger(
            LowPriority, lambda _: self.withCallback(lambda: self.loop.wake(self), callback),
            None)

    # gnet: connection_unix.go conn.CloseWithCallback
    def CloseWithCallback(self, callback: AsyncCallback | None) -> None:
        """Close from any thread; callback(c, err) runs on the loop once it is closed."""
        self.loop.poller.Trigger(
            LowPriority,
            lambda _: self.withCallback(lambda: self.loop.close(self, None), callback), None)

    # gnet: connection_unix.go conn.Close
    def Close(self) -> None:
        self.CloseWithCallback(None)

    # gnet: connection_linux.go conn.processIO
    def processIO(self, _fd: int, ev: int, _flags: int) -> None:
        """Handle the events epoll reported for this connection."""
        el = self.loop
        # An error or hang-up with nothing to read or write: the connection is broken;
        # do not bother sending what is queued.
        if ev & (netpoll.ErrEvents | c.EPOLLRDHUP) and not ev & netpoll.ReadWriteEvents:
            self.outboundBuffer.Release()
            el.close(self, EOF())
            return
        # Writable before readable: under load, send the replies already made before
        # reading more requests; on a dead connection, try to send what is queued.
        if ev & (netpoll.WriteEvents | netpoll.ErrEvents):
            el.write(self)
        # Readable (or an error: the read reports it).
        if ev & (netpoll.ReadEvents | netpoll.ErrEvents):
            el.read(self)
        # The peer shut its side down (EPOLLRDHUP is asked for edge-triggered only).
        if ev & c.EPOLLRDHUP and self.opened:
            if not ev & c.EPOLLIN:  # nothing left to read: close now
                el.close(self, EOF())
                return
            # Readable too, but the read above may have stopped short of the end:
            # read until EOF this time.
            self.isEOF = True
            el.read(self)


def skip(bufs: list[memoryview], n: int) -> list[memoryview]:
    """bufs without their first n bytes (whole buffers dropped, the next one cut)."""
    for i, b in enumerate(bufs):
        if n < len(b):
            return [b[n:], *bufs[i + 1 :]]
        n -= len(b)
    return []


# gnet: connection_unix.go newStreamConn
def newStreamConn(proto: str, fd: int, el: eventloop, sa: Sockaddr | None,
                  localAddr: Addr | None, remoteAddr: Addr | None) -> conn:
    """A TCP or Unix connection just accepted."""
    return conn(proto, fd, el, sa, localAddr, remoteAddr)


# gnet: connection_unix.go newUDPConn
def newUDPConn(fd: int, el: eventloop, localAddr: Addr | None, sa: Sockaddr | None) -> conn:
    """The conn of one datagram from sa on the UDP socket fd (gnet's connected=false:
    the server's side)."""
    return conn("udp", fd, el, sa, localAddr, SockaddrToUDPAddr(sa))
