"""The kqueue backend of the network poller (Go: src/runtime/netpoll_kqueue.go).

Every fd is registered once, with one kevent() call carrying two changes: an
``EVFILT_READ`` and an ``EVFILT_WRITE`` filter, both ``EV_ADD|EV_CLEAR``. ``EV_CLEAR``
makes kqueue edge-triggered, like ``EPOLLET``: a filter is reported when its state
changes, then reset, and the goroutine retries its syscall until ``EAGAIN``. Unlike
epoll, each direction is a separate event (one fd can produce two entries in one
poll), and closing the fd removes its filters: ``netpollclose`` has nothing to do,
except under libkqueue, which cannot see a close (see netpollclose).

The cookie in ``udata`` is the tagged pollDesc reference of tagptr.py; an event whose
tag no longer matches the pollDesc's ``fdseq`` belongs to an fd closed since, and is
dropped (Go does this on 64-bit systems only; rawnet runs on 64-bit only).

``EV_EOF`` on the read filter also wakes a writer: on some systems, when the read
end of a pipe is closed the write end gets no ``EVFILT_WRITE`` event, only an
``EVFILT_READ`` with ``EV_EOF``. Waking the writer just makes it retry its write, which
then succeeds or fails with ``EPIPE``.

The wake-up for ``netpollBreak`` depends on the OS (netpoll_kqueue_event.py: an
``EVFILT_USER`` event; netpoll_kqueue_pipe.py: a pipe), chosen by defs.ABI.wakeup.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Protocol

from ..runtime import atomic, proc, tagptr
from ..runtime.netpoll import modeR, modeW, netpollready, pollcache
from ..sys import syscall_linux as sc
from . import kqueue, libkqueue, netpoll_kqueue_event, netpoll_kqueue_pipe
from .kqueue import abi

if TYPE_CHECKING:
    import ctypes

    from ..runtime.netpoll import pollDesc
    from ..runtime.proc import G

level_triggered = False

kq = -1
netpollWakeSig = atomic.Int(0)  # used to avoid duplicate calls of netpollBreak

# Go's netpoll keeps its 64 events on the stack of each call: a blocking poll on one
# thread and a non-blocking one on another may run at once. Here each thread has its
# own array, made once.
_local = threading.local()



class Wakeup(Protocol):
    """What netpoll_kqueue_event.py and netpoll_kqueue_pipe.py each define: the
    functions of Go's netpoll_kqueue_event.go and netpoll_kqueue_pipe.go."""

    def addWakeupEvent(self, kq: int) -> None: ...

    def wakeNetpoll(self, kq: int) -> None: ...

    def isWakeup(self, ev: ctypes.Structure) -> bool: ...

    def drainWakeupEvent(self, kq: int) -> None: ...

    def netpollIsPollDescriptor(self, fd: int) -> bool: ...

    def forgetWakeupAfterFork(self) -> None: ...


# Go picks the wake-up file by build tag; rawnet by the ABI loaded. Both are imported,
# only one is used.
wake: Wakeup = netpoll_kqueue_event if abi.wakeup == "event" else netpoll_kqueue_pipe

netpollIsPollDescriptor = wake.netpollIsPollDescriptor

# libkqueue takes a failed socket's error from the kernel when it reports it;
# libkqueue.py gives it back (see there). Go has no such branch.
onLibkqueue = abi.name == "libkqueue"


# Go: src/runtime/netpoll_kqueue.go netpollinit
def netpollinit() -> None:
    global kq
    r = kqueue.Kqueue()
    if r < 0:
        proc.println("runtime: kqueue failed with", -r)
        proc.throw("runtime: netpollinit failed")
    kq = r
    sc.CloseOnExec(kq)
    wake.addWakeupEvent(kq)
    if onLibkqueue:
        libkqueue.install()


# Go: src/runtime/netpoll_kqueue.go netpollopen
def netpollopen(fd: int, pd: pollDesc) -> int:
    # Arm both EVFILT_READ and EVFILT_WRITE in edge-triggered mode (EV_CLEAR) for the
    # whole fd lifetime. The notifications are automatically unregistered when fd is
    # closed.
    udata = tagptr.taggedPointerPack(pd.index, pd.fdseq.Load())
    n = kqueue.Kevent(kq, _bothFilters(fd, abi.EV_ADD | abi.EV_CLEAR, udata), 2, None, 0, None)
    if n < 0:
        return -n
    return 0


def _bothFilters(fd: int, flags: int, udata: int) -> ctypes.Array[ctypes.Structure]:
    """The two changes for fd, read then write, with these flags."""
    ev = (kqueue.keventt * 2)()
    for e, filt in zip(ev, (abi.EVFILT_READ, abi.EVFILT_WRITE), strict=True):
        e.ident = fd
        e.filter = filt
        e.flags = flags
        e.udata = udata
    return ev


# Go: src/runtime/netpoll_kqueue.go netpollclose
def netpollclose(fd: int) -> int:
    # Don't need to unregister because calling close() on fd will remove any kevents
    # that reference the descriptor.
    if not onLibkqueue:
        return 0
    # Under libkqueue, a userspace kqueue over epoll, close() removes nothing. The
    # kernel does drop the fd from libkqueue's epoll set, but libkqueue's own record
    # of the two filters (its "knotes", keyed by fd number) stays. When the number is
    # reused by the next socket, netpollopen's EV_ADD finds those knotes and only
    # modifies them (new udata) instead of registering the new file with epoll: the
    # new fd never reports an event, and whoever waits on it sleeps forever. libkqueue
    # documents this (BUGS.md, "Applications should ensure that file descriptors are
    # removed from the kqueue before they are closed"). So delete the filters here,
    # before the caller closes fd: afterwards the kqueue is in the state a BSD kernel
    # would leave it in. Go has no such branch; on the BSDs rawnet makes Go's calls.
    # An error libkqueue took for fd (libkqueue.py) goes with it.
    libkqueue.forgetSocketError(fd)
    n = kqueue.Kevent(kq, _bothFilters(fd, abi.EV_DELETE, 0), 2, None, 0, None)
    if n < 0:
        return -n
    return 0


# Go: src/runtime/netpoll_kqueue.go netpollarm
def netpollarm(pd: pollDesc, mode: int) -> None:
    proc.throw("runtime: unused")


# Go: src/runtime/netpoll_kqueue.go netpollBreak
def netpollBreak() -> None:
    """Interrupt a kevent in progress (or the next one)."""
    # Failing to cas indicates there is an in-flight wakeup, so we're done here.
    if not netpollWakeSig.CompareAndSwap(0, 1):
        return
    wake.wakeNetpoll(kq)


# Go: src/runtime/netpoll_kqueue.go netpoll
def netpoll(delay: int) -> tuple[list[G], int]:
    """Return the goroutines that became runnable and the netpollWaiters delta.

    delay < 0: block indefinitely; delay == 0: do not block, just poll;
    delay > 0: block for up to that many nanoseconds.
    """
    if kq == -1:
        return [], 0
    tp: kqueue.timespec | None
    if delay < 0:
        tp = None
    else:
        tp = kqueue.timespec()
        if delay > 0:
            tp.setNsec(delay)
            if tp.tv_sec > 1_000_000:
                # Darwin returns EINVAL if the sleep time is too long.
                tp.tv_sec = 1_000_000
    events = getattr(_local, "events", None)
    if events is None:
        events = _local.events = (kqueue.keventt * 64)()
    while True:
        n = kqueue.Kevent(kq, None, 0, events, len(events), tp)
        if n >= 0:
            break
        # Ignore the ETIMEDOUT error for now (go.dev/issue/59679: some systems
        # return it from a timed kevent).
        if n != -abi.EINTR and n != -abi.ETIMEDOUT:
            proc.println("runtime: kevent on fd", kq, "failed with", -n)
            proc.throw("runtime: netpoll failed")
        # If a timed sleep was interrupted, just return to recalculate how long we
        # should sleep now.
        if delay > 0:
            return [], 0
    toRun: list[G] = []
    delta = 0
    for i in range(n):
        ev = events[i]
        if wake.isWakeup(ev):
            if delay != 0:
                # netpollBreak could be picked up by a nonblocking poll. Only call
                # drainWakeupEvent and reset the netpollWakeSig if blocking.
                wake.drainWakeupEvent(kq)
                netpollWakeSig.Store(0)
            continue
        mode = 0
        if ev.filter == abi.EVFILT_READ:
            mode += modeR
            # On some systems when the read end of a pipe is closed the write end
            # will not get a EVFILT_WRITE event, but will get a EVFILT_READ event
            # with EV_EOF set. Setting 'w' here just means that we will wake up a
            # goroutine waiting to write; that goroutine will try the write again,
            # and the appropriate thing will happen based on what that write
            # returns (success, EPIPE, EAGAIN).
            if ev.flags & abi.EV_EOF:
                mode += modeW
        elif ev.filter == abi.EVFILT_WRITE:
            mode += modeW
        if mode != 0:
            tp_ = ev.udata
            pd = pollcache.all[tagptr.pointer(tp_)]
            tag = tagptr.tag(tp_)
            if pd.fdseq.Load() != tag:
                continue
            if onLibkqueue and ev.fflags != 0 and ev.flags & abi.EV_EOF:
                # The socket error is only in fflags now (libkqueue.py).
                libkqueue.noteSocketError(fd=ev.ident, pd=pd, tag=tag, err=ev.fflags)
            pd.setEventErr(ev.flags == abi.EV_ERROR, tag)
            delta += netpollready(toRun, pd, mode)
    if onLibkqueue and n == len(events):
        # libkqueue drops the events that did not fit in a full list (libkqueue.py).
        delta += libkqueue.readyAll(toRun)
    return toRun, delta


def netpollAfterForkInChild() -> None:
    """In a child made by os.fork (no Go twin: Go never forks without exec; see
    runtime/fork.py): make a kqueue of the child's own.

    Unlike an epoll fd, a kqueue is not inherited across fork(2) at all (kqueue(2) on
    the BSDs and macOS: "The queue is not inherited by a child created with fork(2)"),
    so the child has no kqueue, and its kq number names no open file: there is
    nothing to close (closing the number could only close a file opened since). Under
    libkqueue (Linux) the kqueue is an emulation built on an epoll fd, which the child
    does inherit; rawnet leaves that to libkqueue and makes a new kqueue there too.
    The wake-up pipe of netpoll_kqueue_pipe.py, though, is an ordinary pair of fds,
    inherited and shared with the parent: its copies are closed. The caller registers
    the child's fds again."""
    global kq
    kq = -1
    wake.forgetWakeupAfterFork()
    # Set by a break in flight in the parent; left set, it would keep the child's
    # netpollBreak from ever triggering its own wake-up.
    netpollWakeSig.Store(0)
    netpollinit()
