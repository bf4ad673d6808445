"""An event loop (gnet v2.10.0: eventloop_unix.go; its methods in acceptor_unix.go and
reactor_default.go are bound here from acceptor_unix.py and reactor_default.py, as
Go spreads a type's methods over files).

A loop is one thread, one poller and the connections registered with it. Everything
about a connection happens on its loop's thread: reads, the event handler's callbacks,
writes, closing. Other threads only queue tasks (``Poller.Trigger``).

Reading (``read``): one read(2) into the loop's shared buffer (``ReadBufferCap``
bytes), ``OnTraffic``, then the bytes the handler left go to the connection's own
inbound ring. Level-triggered, one read per readable event: epoll reports the fd again
while bytes are left. Edge-triggered, reads go on until EAGAIN or
``EdgeTriggeredIOChunk`` bytes, and a full last read queues another read as a task, so
one busy connection cannot starve the others.

Writing (``write``): the outbound buffer's chunks with one writev(2) (one write(2)
for one chunk). Level-triggered, writable events are asked for only while bytes are
queued (``ModReadWrite`` on a short write, ``ModRead`` once drained): a socket with
room in its send buffer is always writable, and asking would wake the loop for nothing.

Datagrams (``readUDP``): a UDP socket is a listener with nothing to accept; each
readable event is one recvfrom(2) into the shared buffer and one ``OnTraffic`` with a
conn made for that datagram (connection_unix.py). A datagram longer than the buffer
(``ReadBufferCap``, 64 KiB by default: a UDP datagram's payload is at most 65,507
bytes over IPv4) is cut short by the kernel, as in gnet.

Back-pressure (rawnet's; gnet v2.10.0 has none): a peer that sends requests but never
reads the replies makes the outbound buffer grow without bound. Once a connection has
``WriteBufferCap`` bytes queued, the loop stops reading it (level-triggered: only
writable events are asked for; edge-triggered: the read loop stops), so its requests
wait in the kernel's buffers and TCP's flow control slows the peer down. Reading
resumes once the queue is back under the cap. ``AsyncWrite`` from other threads is not
held back: the producer there is the application.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Final

from ..io import EOF
from ..os.error import SyscallError
from ..sys import syscall_linux as sc
from ..sys.errno import EAGAIN, Errno
from . import acceptor_unix, gnet, reactor_default
from .conn_map import connMatrix
from .connection_unix import conn, newUDPConn
from .pkg.errors import ErrEngineShutdown
from .pkg.io.io_linux import Writev
from .pkg.logging.logger import Logger
from .pkg.netpoll.poller_epoll_default import Poller
from .pkg.queue.queue import HighPriority, LowPriority

if TYPE_CHECKING:
    from .engine_unix import engine
    from .listener_unix import listener

# gnet: eventloop_unix.go iovMax
# At most this many chunks per writev(2) (the kernel's IOV_MAX).
iovMax: Final = 1024


# gnet: eventloop_unix.go eventloop
class eventloop:
    def __init__(self, eng: engine, poller: Poller, listeners: dict[int, listener]) -> None:
        self.listeners = listeners  # fd -> listener this loop accepts on
        self.idx = 0  # the loop's index in the engine's list; -1 for the main reactor
        self.engine = eng
        self.poller = poller
        # The read buffer all the loop's connections share, and a view of it to slice.
        self.buffer = bytearray(eng.opts.ReadBufferCap)
        self.bufview = memoryview(self.buffer)
        self.connections = connMatrix()
        self.eventHandler = eng.eventHandler
        # rawnet's accept back-off (acceptor_unix.py): the delay after the last
        # failure (seconds, 0 after a success) and the timer that resumes accepting.
        self.acceptDelay = 0.0
        self.acceptRetry: threading.Timer | None = None
        self.thread: threading.Thread | None = None

    accept0 = acceptor_unix.accept0
    accept = acceptor_unix.accept
    backOffAccept = acceptor_unix.backOffAccept
    resumeAccept = acceptor_unix.resumeAccept
    rotate = reactor_default.rotate
    orbit = reactor_default.orbit
    run = reactor_default.run

    # gnet: eventloop_unix.go eventloop.getLogger
    def getLogger(self) -> Logger:
        logger = self.engine.opts.Logger
        assert logger is not None  # createListeners set it
        return logger

    # gnet: eventloop_unix.go eventloop.countConn
    def countConn(self) -> int:
        return self.connections.loadCount()

    # gnet: eventloop_unix.go eventloop.closeConns
    def closeConns(self) -> None:
        """Close every connection (the loop is ending)."""
        def close(c: conn) -> bool:
            try:
                self.close(c, None)
            except OSError as e:
                self.getLogger().Warnf("closing fd=%d: %s", c.fd, e)
            return True
        self.connections.iterate(close)

    # gnet: eventloop_unix.go eventloop.register
    def register(self, a: object) -> None:
        """The task the main reactor queues for an accepted connection."""
        assert isinstance(a, conn)
        self.register0(a)

    # gnet: eventloop_unix.go eventloop.register0
    def register0(self, c: conn) -> None:
        """Watch c's fd (edge-triggered: for writability too, from the start) and open it."""
        isET = self.engine.opts.EdgeTriggeredIO
        addEvents = self.poller.AddReadWrite if isET else self.poller.AddRead
        try:
            addEvents(c.pollAttachment, isET)
        except OSError:
            sc.Close(c.fd)
            c.release()
            raise
        self.connections.addConn(c)
        self.open(c)

    # gnet: eventloop_unix.go eventloop.open
    def open(self, c: conn) -> None:
        c.opened = True
        out, action = self.eventHandler.OnOpen(c)
        if out is not None:
            c.open(out)
        if not c.outboundBuffer.IsEmpty() and not self.engine.opts.EdgeTriggeredIO:
            self.poller.ModReadWrite(c.pollAttachment, False)
        self.handleAction(c, action)

    # gnet: eventloop_unix.go eventloop.read0
    def read0(self, a: object) -> None:
        assert isinstance(a, conn)
        self.read(a)

    # gnet: eventloop_unix.go eventloop.read
    def read(self, c: conn) -> None:
        if not c.opened or c.readPaused:
            return
        opts = self.engine.opts
        isET = opts.EdgeTriggeredIO
        recv = 0
        while True:
            n = sc.Read(c.fd, self.buffer)
            if n == -EAGAIN:
                return
            if n <= 0:  # 0: the peer closed its side (EOF); < 0: an error
                self.close(c, SyscallError("read", EOF() if n == 0 else Errno(-n)))
                return
            recv += n
            c.buffer = self.bufview[:n]
            action = self.eventHandler.OnTraffic(c)
            if action == gnet.Close:
                self.close(c, None)
                return
            if action == gnet.Shutdown:
                raise ErrEngineShutdown()
            # What the handler left unread waits in the connection's own ring.
            c.inboundBuffer.Write(c.buffer)
            c.buffer = self.bufview[:0]
            if c.outboundBuffer.Buffered() >= opts.WriteBufferCap:
                self.pauseReading(c)
                return
            if not (c.isEOF or (isET and recv < opts.EdgeTriggeredIOChunk)):
                break
        # Edge-triggered, the chunk is used up with the buffer filled by the last read:
        # more may be waiting, and no new edge will say so.
        if isET and n == len(self.buffer):
            self.poller.Trigger(LowPriority, self.read0, c)

    def pauseReading(self, c: conn) -> None:
        """Stop reading c until its outbound buffer drains under the cap (rawnet's
        back-pressure): level-triggered, watch it for writability only."""
        c.readPaused = True
        if not self.engine.opts.EdgeTriggeredIO:
            self.poller.ModWrite(c.pollAttachment, False)

    def resumeReading(self, c: conn) -> None:
        """Read c again. Level-triggered, ask for readable events again (and writable
        ones while bytes are queued); edge-triggered, no edge will come for the bytes
        already waiting, so queue a read."""
        c.readPaused = False
        if self.engine.opts.EdgeTriggeredIO:
            self.poller.Trigger(LowPriority, self.read0, c)
        elif c.outboundBuffer.IsEmpty():
            self.poller.ModRead(c.pollAttachment, False)
        else:
            self.poller.ModReadWrite(c.pollAttachment, False)

    # gnet: eventloop_unix.go eventloop.write0
    def write0(self, a: object) -> None:
        assert isinstance(a, conn)
        self.write(a)

    # gnet: eventloop_unix.go eventloop.write
    def write(self, c: conn) -> None:
        """Send what c has queued, as far as the socket takes it."""
        if c.outboundBuffer.IsEmpty():
            return
        opts = self.engine.opts
        isET = opts.EdgeTriggeredIO
        sent = 0
        while True:
            iov = c.outboundBuffer.Peek(-1)[:iovMax]
            n = Writev(c.fd, iov) if len(iov) > 1 else sc.Write(c.fd, iov[0])
            if n == -EAGAIN:
                return
            if n < 0:
                self.close(c, SyscallError("write", Errno(-n)))
                return
            c.outboundBuffer.Discard(n)
            sent += n
            if not (isET and not c.outboundBuffer.IsEmpty() and sent < opts.EdgeTriggeredIOChunk):
                break
        if c.readPaused and c.outboundBuffer.Buffered() < opts.WriteBufferCap:
            self.resumeReading(c)
        elif not isET and c.outboundBuffer.IsEmpty():
            # Drained: stop asking for writable events.
            self.poller.ModRead(c.pollAttachment, False)
        # Edge-triggered with the chunk used up: go on in a later round.
        if isET and not c.outboundBuffer.IsEmpty():
            self.poller.Trigger(HighPriority, self.write0, c)

    # gnet: eventloop_unix.go eventloop.close
    def close(self, c: conn, err: BaseException | None) -> None:
        """OnClose, a last try to send what is queued, then forget and close the fd.
        A connection already closed (or never opened) is left alone."""
        if not c.opened or self.connections.getConn(c.fd) is not c:
            return
        self.connections.delConn(c)
        action = self.eventHandler.OnClose(c, err)
        # Send what is left, as far as the socket takes it without waiting.
        while not c.outboundBuffer.IsEmpty():
            n = Writev(c.fd, c.outboundBuffer.Peek(0)[:iovMax])
            if n < 0:
                break
            c.outboundBuffer.Discard(n)
        c.release()
        try:
            self.poller.Delete(c.fd)
        finally:
            sc.Close(c.fd)
        self.handleAction(c, action)

    # gnet: eventloop_unix.go eventloop.wake
    def wake(self, c: conn) -> None:
        if not c.opened or self.connections.getConn(c.fd) is not c:
            return
        self.handleAction(c, self.eventHandler.OnTraffic(c))

    # gnet: eventloop_unix.go eventloop.ticker
    def ticker(self, done: threading.Event) -> None:
        """Call OnTick, wait the delay it returns (or until the engine stops), again.
        Runs on a thread of its own, as gnet's on a goroutine of its own."""
        while True:
            delay, action = self.eventHandler.OnTick()
            if action == gnet.Shutdown:
                # Low priority: tasks queued before it (asynchronous writes) run first.
                self.poller.Trigger(LowPriority, shutdownTask, None)
            if done.wait(delay):
                return

    # gnet: eventloop_unix.go eventloop.readUDP
    def readUDP(self, fd: int, _ev: int, _flags: int) -> None:
        """One datagram from the UDP socket fd: OnTraffic with a conn of its own. The
        handler's Close action means nothing here (there is no connection to close)."""
        n, sa = sc.Recvfrom(fd, self.buffer, 0)
        if n == -EAGAIN:
            return
        if n < 0:
            raise SyscallError("recvfrom", Errno(-n))
        c = newUDPConn(fd, self, self.listeners[fd].addr, sa)
        c.buffer = self.bufview[:n]
        action = self.eventHandler.OnTraffic(c)
        c.release()
        if action == gnet.Shutdown:
            raise ErrEngineShutdown()

    # gnet: eventloop_unix.go eventloop.handleAction
    def handleAction(self, c: conn, action: gnet.Action | None) -> None:
        if action == gnet.Close:
            self.close(c, None)
        elif action == gnet.Shutdown:
            raise ErrEngineShutdown()


def shutdownTask(_: object) -> None:
    """A task that ends the loop that runs it (gnet queues a closure returning
    ErrEngineShutdown)."""
    raise ErrEngineShutdown()
