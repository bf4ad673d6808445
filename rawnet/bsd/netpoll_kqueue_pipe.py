"""The kqueue poller's wake-up through a pipe (Go: src/runtime/netpoll_kqueue_pipe.go;
netbsd, openbsd).

OpenBSD has no ``EVFILT_USER`` and NetBSD only since 10.0, so Go registers the read
end of a non-blocking pipe, level-triggered (``EV_ADD`` without ``EV_CLEAR``):
``netpollBreak`` writes one byte, and the pipe stays readable until a *blocking* poll
reads it, so a break sent before the poller sleeps is not lost.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..runtime import proc
from ..runtime.nbpipe import nonblockingPipe
from ..sys import syscall_linux as sc
from . import kqueue
from .kqueue import abi

if TYPE_CHECKING:
    import ctypes

netpollBreakRd = -1
netpollBreakWr = -1
_zero = b"\0"
_buf16 = bytearray(16)


# Go: src/runtime/netpoll_kqueue_pipe.go addWakeupEvent
def addWakeupEvent(kq: int) -> None:
    global netpollBreakRd, netpollBreakWr
    r, w, errno = nonblockingPipe()
    if errno != 0:
        proc.println("runtime: pipe failed with", -errno)
        proc.throw("runtime: pipe failed")
    ev = kqueue.keventt()
    ev.ident = r
    ev.filter = abi.EVFILT_READ
    ev.flags = abi.EV_ADD
    n = kqueue.Kevent(kq, ev, 1, None, 0, None)
    if n < 0:
        proc.println("runtime: kevent failed with", -n)
        proc.throw("runtime: kevent failed")
    netpollBreakRd = r
    netpollBreakWr = w


# Go: src/runtime/netpoll_kqueue_pipe.go wakeNetpoll
def wakeNetpoll(kq: int) -> None:
    while True:
        n = sc.Write(netpollBreakWr, _zero)
        if n == 1 or n == -abi.EAGAIN:
            return  # EAGAIN: the pipe is full, a wake-up is pending anyway
        if n == -abi.EINTR:
            continue
        proc.println("runtime: netpollBreak write failed with", -n)
        proc.throw("runtime: netpollBreak write failed")


# Go: src/runtime/netpoll_kqueue_pipe.go isWakeup
def isWakeup(ev: ctypes.Structure) -> bool:
    if ev.ident == netpollBreakRd:
        if ev.filter == abi.EVFILT_READ:
            return True
        proc.println("runtime: netpoll: break fd ready for", ev.filter)
        proc.throw("runtime: netpoll: break fd ready for something unexpected")
    return False


# Go: src/runtime/netpoll_kqueue_pipe.go drainWakeupEvent
def drainWakeupEvent(kq: int) -> None:
    sc.Read(netpollBreakRd, _buf16)


# Go: src/runtime/netpoll_kqueue_pipe.go netpollIsPollDescriptor
def netpollIsPollDescriptor(fd: int) -> bool:
    from . import netpoll_kqueue

    return fd == netpoll_kqueue.kq or fd == netpollBreakRd or fd == netpollBreakWr


def forgetWakeupAfterFork() -> None:
    """In a child made by os.fork (see netpoll_kqueue.netpollAfterForkInChild): the
    pipe is the parent's too; close the child's copies of its fds."""
    global netpollBreakRd, netpollBreakWr
    sc.Close(netpollBreakRd)
    sc.Close(netpollBreakWr)
    netpollBreakRd = netpollBreakWr = -1
