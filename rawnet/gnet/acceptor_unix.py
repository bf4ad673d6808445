"""Accepting connections (gnet v2.10.0: acceptor_unix.go): functions with the loop as
their receiver, bound as eventloop methods in eventloop_unix.py.

``accept0`` is the main reactor's (the listener is registered edge-triggered, so it
accepts until EAGAIN and hands each connection to the loop the load balancer picks,
as a task); ``accept`` is a loop's own under ``WithReusePort`` (level-triggered, one
connection per event, registered on this very loop).

Out of descriptors. accept4 fails with EMFILE (the process's limit) or ENFILE (the
system's) while the kernel goes on completing handshakes into the listen queue. gnet
logs it and returns ``ErrAcceptSocket``, which ends the loop and with it the engine.
rawnet does what Go's net/http server does instead: log, stop watching the listener
(it stays readable, and level-triggered epoll would report it again at once, a busy
loop), and watch it again after a delay, 5 ms doubling to 1 s while the failures go
on. The connections already open are served meanwhile; as they close, descriptors come
back and the queue is accepted. Any other accept error is still gnet's: the end.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from ..sys import syscall_linux as sc
from ..sys.errno import EAGAIN, ECONNABORTED, ECONNRESET, EINTR, EMFILE, ENFILE, Errno
from .connection_unix import newStreamConn
from .listener_unix import listener
from .pkg.errors import ErrAcceptSocket
from .pkg.queue.queue import HighPriority
from .pkg.socket.sockaddr import SockaddrToTCPOrUnixAddr
from .pkg.socket.socket import Accept

if TYPE_CHECKING:
    from .eventloop_unix import eventloop

# accept4's errors that concern one connection only: retry at once. ECONNRESET and
# ECONNABORTED come from a connection reset while it waited in the queue.
_retry = (-EINTR, -ECONNRESET, -ECONNABORTED)


# gnet: acceptor_unix.go eventloop.accept0
def accept0(el: eventloop, fd: int, _ev: int, _flags: int) -> None:
    """The main reactor: accept until the queue is empty, each connection to the loop
    the load balancer picks."""
    ln = el.listeners[fd]
    while True:
        nfd, sa = Accept(fd)
        if nfd == -EAGAIN:  # the queue is empty
            return
        if nfd in _retry:
            continue
        if nfd < 0:
            el.backOffAccept(ln, nfd)
            return
        el.acceptDelay = 0.0
        remoteAddr = SockaddrToTCPOrUnixAddr(sa)
        target = el.engine.eventLoops.next(remoteAddr)
        c = newStreamConn(ln.network, nfd, target, sa, ln.addr, remoteAddr)
        try:
            target.poller.Trigger(HighPriority, target.register, c)
        except OSError as e:
            el.getLogger().Errorf("failed to enqueue the accepted socket fd=%d to poller: %s",
                                  nfd, e)
            sc.Close(nfd)
            c.release()


# gnet: acceptor_unix.go eventloop.accept
def accept(el: eventloop, fd: int, _ev: int, _flags: int) -> None:
    """A loop's own listener (WithReusePort): accept one connection, register it here;
    or, on a UDP socket, read one datagram."""
    ln = el.listeners[fd]
    if ln.network == "udp":
        el.readUDP(fd, _ev, _flags)
        return
    nfd, sa = Accept(fd)
    if nfd == -EAGAIN or nfd in _retry:
        return
    if nfd < 0:
        el.backOffAccept(ln, nfd)
        return
    el.acceptDelay = 0.0
    remoteAddr = SockaddrToTCPOrUnixAddr(sa)
    el.register0(newStreamConn(ln.network, nfd, el, sa, ln.addr, remoteAddr))


def backOffAccept(el: eventloop, ln: listener, r: int) -> None:
    """accept4 failed with -r: back off on EMFILE/ENFILE (see the module's docstring),
    end the loop on anything else, as gnet does."""
    err = Errno(-r)
    if -r not in (EMFILE, ENFILE):
        el.getLogger().Errorf("Accept() failed due to error: %s", err)
        raise ErrAcceptSocket()
    el.acceptDelay = 0.005 if el.acceptDelay == 0 else min(el.acceptDelay * 2, 1.0)
    el.getLogger().Errorf("Accept() failed due to error: accept4: %s; retrying in %gms", err,
                          el.acceptDelay * 1000)
    el.poller.Delete(ln.fd)
    # The timer's thread only queues a task: the loop itself registers the listener.
    el.acceptRetry = threading.Timer(el.acceptDelay, el.poller.Trigger,
                                     (HighPriority, el.resumeAccept, ln))
    el.acceptRetry.start()


def resumeAccept(el: eventloop, a: object) -> None:
    """Watch the listener again after a back-off. Registering an fd that is ready
    reports it at once, edge-triggered too, so the queued connections are seen."""
    ln = a
    assert isinstance(ln, listener)
    el.acceptRetry = None
    assert ln.pollAttachment is not None
    el.poller.AddRead(ln.pollAttachment, el.idx < 0)  # the main reactor's is edge-triggered
