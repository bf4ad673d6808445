"""The epoll backend of the network poller (Go: src/runtime/netpoll_epoll.go).

Every fd is registered once, edge-triggered, for both directions
(``EPOLLIN|EPOLLOUT|EPOLLRDHUP|EPOLLET``) and never modified: an edge only says
"something changed", the goroutine then retries its syscall until ``EAGAIN``. The
cookie in ``epoll_event.data`` is a tagged pollDesc reference (see tagptr.py); an event
whose tag no longer matches the pollDesc's ``fdseq`` belongs to an fd that was closed
(and maybe reused) since, and is dropped.

The wake-up is an eventfd registered level-triggered for ``EPOLLIN``: writing 1 to it
makes a sleeping ``epoll_pwait`` return, and it stays readable until a blocking poll
reads (resets) it, so a break sent just before the poller goes to sleep is not lost.
"""

from __future__ import annotations

import sys
import threading
from typing import TYPE_CHECKING, Final

from ..runtime import atomic, proc, tagptr
from ..runtime.netpoll import (
    delayToMillis,
    modeR,
    modeW,
    netpollready,
    pollcache,
    pollEventErr,
)
from ..sys import errno as E
from ..sys import syscall_linux as sc
from ..sys import zerrors_linux as c
from . import epoll

if TYPE_CHECKING:
    from ..runtime.netpoll import pollDesc
    from ..runtime.proc import G

level_triggered = False

epfd = -1  # epoll descriptor
netpollEventFd = -1  # eventfd for netpollBreak
netpollWakeSig = atomic.Int(0)  # used to avoid duplicate calls of netpollBreak

# The cookie of the eventfd: Go uses the address of netpollEventFd, which no pollDesc
# can have; no tagged pollDesc index can be all ones either.
_eventFdCookie: Final = (1 << 64) - 1
# Go's netpoll keeps its events array on the stack of each call: a blocking poll on
# one thread and a non-blocking one on another may run at once. Here each thread has
# its own array, made once.
_local: Final = threading.local()
_one: Final = (1).to_bytes(8, sys.byteorder)
_buf8: Final = bytearray(8)
_readEvents: Final = c.EPOLLIN | c.EPOLLRDHUP | c.EPOLLHUP | c.EPOLLERR
_writeEvents: Final = c.EPOLLOUT | c.EPOLLHUP | c.EPOLLERR


# Go: src/runtime/netpoll_epoll.go netpollinit
def netpollinit() -> None:
    global epfd, netpollEventFd
    epfd = epoll.EpollCreate1(c.EPOLL_CLOEXEC)
    if epfd < 0:
        proc.println("runtime: epollcreate failed with", -epfd)
        proc.throw("runtime: netpollinit failed")
    efd = epoll.Eventfd(0, c.EFD_CLOEXEC | c.EFD_NONBLOCK)
    if efd < 0:
        # Go prints -errno of an unsigned errno here, which wraps around; this prints
        # the errno it means.
        proc.println("runtime: eventfd failed with", -efd)
        proc.throw("runtime: eventfd failed")
    ev = epoll.epoll_event(c.EPOLLIN, _eventFdCookie)
    errno = epoll.EpollCtl(epfd, c.EPOLL_CTL_ADD, efd, ev)
    if errno < 0:
        proc.println("runtime: epollctl failed with", -errno)
        proc.throw("runtime: epollctl failed")
    netpollEventFd = efd


def netpollAfterForkInChild() -> None:
    """In a child made by os.fork (no Go twin: Go never forks without exec; see
    runtime/fork.py): make an epoll instance and an eventfd of the child's own.

    fork(2) gives the child copies of the fds, and they name the very same epoll
    instance and eventfd as the parent's: an epoll_pwait in the child would take the
    parent's events, and a netpollBreak would wake the parent. Closing the child's
    copies leaves the parent's instance alive and untouched (the kernel frees it when
    its last fd is closed). The caller registers the child's fds again."""
    global epfd, netpollEventFd
    sc.Close(epfd)
    sc.Close(netpollEventFd)
    # A break the parent had in flight set the flag; it was for the parent's eventfd,
    # and left set it would keep the child's netpollBreak from ever writing.
    netpollWakeSig.Store(0)
    netpollinit()


# Go: src/runtime/netpoll_epoll.go netpollIsPollDescriptor
def netpollIsPollDescriptor(fd: int) -> bool:
    return fd == epfd or fd == netpollEventFd


# Go: src/runtime/netpoll_epoll.go netpollopen
def netpollopen(fd: int, pd: pollDesc) -> int:
    ev = epoll.epoll_event(
        c.EPOLLIN | c.EPOLLOUT | c.EPOLLRDHUP | c.EPOLLET,
        tagptr.taggedPointerPack(pd.index, pd.fdseq.Load()),
    )
    return -epoll.EpollCtl(epfd, c.EPOLL_CTL_ADD, fd, ev)


# Go: src/runtime/netpoll_epoll.go netpollclose
def netpollclose(fd: int) -> int:
    return -epoll.EpollCtl(epfd, c.EPOLL_CTL_DEL, fd, epoll.epoll_event())


# Go: src/runtime/netpoll_epoll.go netpollarm
def netpollarm(pd: pollDesc, mode: int) -> None:
    proc.throw("runtime: unused")


# Go: src/runtime/netpoll_epoll.go netpollBreak
def netpollBreak() -> None:
    """Interrupt an epoll_pwait in progress (or the next one)."""
    # Failing to cas indicates there is an in-flight wakeup, so we're done here.
    if not netpollWakeSig.CompareAndSwap(0, 1):
        return
    while True:
        n = sc.Write(netpollEventFd, _one)
        if n == 8:
            return
        if n == -E.EINTR:
            continue
        if n == -E.EAGAIN:
            return  # the counter is saturated: a wake-up is pending anyway
        proc.println("runtime: netpollBreak write failed with", -n)
        proc.throw("runtime: netpollBreak write failed")


# Go: src/runtime/netpoll_epoll.go netpoll
def netpoll(delay: int) -> tuple[list[G], int]:
    """Return the goroutines that became runnable and the netpollWaiters delta.

    delay < 0: block indefinitely; delay == 0: do not block, just poll;
    delay > 0: block for up to that many nanoseconds.
    """
    if epfd == -1:
        return [], 0
    waitms = delayToMillis(delay)
    events = getattr(_local, "events", None)
    if events is None:
        events = _local.events = (epoll.epoll_event * 128)()
        _local.raw = memoryview(events).cast("B")
    while True:
        n = epoll.EpollWait(epfd, events, len(events), waitms)
        if n >= 0:
            break
        if n != -E.EINTR:
            proc.println("runtime: epollwait on fd", epfd, "failed with", -n)
            proc.throw("runtime: netpoll failed")
        # If a timed sleep was interrupted, just return to recalculate how long we
        # should sleep now.
        if waitms > 0:
            return [], 0
    toRun: list[G] = []
    delta = 0
    evs: int  # declared, so that the mypyc build tests and masks them as C integers
    tp: int
    # The events are decoded with one struct call for the lot: reading them as ctypes
    # Structures (events[i].events, .data) makes three Python objects per event.
    for evs, tp in epoll.eventLayout.iter_unpack(_local.raw[: n * epoll.eventSize]):
        if evs == 0:
            continue
        if tp == _eventFdCookie:
            if evs != c.EPOLLIN:
                proc.println("runtime: netpoll: eventfd ready for", evs)
                proc.throw("runtime: netpoll: eventfd ready for something unexpected")
            if delay != 0:
                # netpollBreak could be picked up by a nonblocking poll. Only read the
                # 8-byte integer if blocking. Since EFD_SEMAPHORE was not specified,
                # the eventfd counter will be reset to 0.
                sc.Read(netpollEventFd, _buf8)
                netpollWakeSig.Store(0)
            continue
        mode = 0
        if evs & _readEvents:
            mode += modeR
        if evs & _writeEvents:
            mode += modeW
        if mode != 0:
            pd = pollcache.all[tp >> tagptr.taggedPointerBits]  # tp.pointer(), inlined
            tag = tp & tagptr.tagMask  # tp.tag(), inlined
            if pd.fdseq.v == tag:
                if evs == c.EPOLLERR or pd.atomicInfo.v & pollEventErr:
                    # Go calls this for every event; it changes nothing unless the
                    # error bit must be set or cleared.
                    pd.setEventErr(evs == c.EPOLLERR, tag)
                delta += netpollready(toRun, pd, mode)
    return toRun, delta
