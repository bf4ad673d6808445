"""The kqueue backend of the network poller (Go: src/runtime/netpoll_kqueue.go).

Every fd is registered once, with one kevent() call carrying two changes: an
``EVFILT_READ`` and an ``EVFILT_WRITE`` filter, both ``EV_ADD|EV_CLEAR``. ``EV_CLEAR``
makes kqueue edge-triggered, like ``EPOLLET``: a filter is reported when its state
changes, then reset, and the goroutine retries its syscall until ``EAGAIN``. Unlike
epoll, each direction is a separate event (one fd can produce two entries in one
poll), and closing the fd removes its filters: ``netpollclose`` has nothing to do.

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

import importlib
import threading
from typing import TYPE_CHECKING

from ..runtime import atomic, proc, tagptr
from ..runtime.netpoll import modeR, modeW, netpollready, pollcache
from ..sys import syscall_linux as sc
from . import kqueue
from .kqueue import abi

if TYPE_CHECKING:
    from ..runtime.netpoll import pollDesc
    from ..runtime.proc import G

level_triggered = False

kq = -1
netpollWakeSig = atomic.Int(0)  # used to avoid duplicate calls of netpollBreak

# Go's netpoll keeps its 64 events on the stack of each call: a blocking poll on one
# thread and a non-blocking one on another may run at once. Here each thread has its
# own array, made once.
_local = threading.local()

# Go picks the wake-up file by build tag; rawnet by the ABI loaded.
wake = importlib.import_module(
    ".netpoll_kqueue_event" if abi.wakeup == "event" else ".netpoll_kqueue_pipe", __package__
)

netpollIsPollDescriptor = wake.netpollIsPollDescriptor


# Go: src/runtime/netpoll_kqueue.go netpollinit
def netpollinit() -> None:
    global kq
    r = kqueue.Kqueue()
    if r < 0:
        proc.throw(f"runtime: netpollinit failed: kqueue failed with {-r}")
    kq = r
    sc.CloseOnExec(kq)
    wake.addWakeupEvent(kq)


# Go: src/runtime/netpoll_kqueue.go netpollopen
def netpollopen(fd: int, pd: pollDesc) -> int:
    # Arm both EVFILT_READ and EVFILT_WRITE in edge-triggered mode (EV_CLEAR) for the
    # whole fd lifetime. The notifications are automatically unregistered when fd is
    # closed.
    ev = (kqueue.keventt * 2)()
    ev[0].ident = fd
    ev[0].filter = abi.EVFILT_READ
    ev[0].flags = abi.EV_ADD | abi.EV_CLEAR
    ev[0].fflags = 0
    ev[0].data = 0
    ev[0].udata = tagptr.taggedPointerPack(pd.index, pd.fdseq.Load())
    ev[1] = ev[0]
    ev[1].filter = abi.EVFILT_WRITE
    n = kqueue.Kevent(kq, ev, 2, None, 0, None)
    if n < 0:
        return -n
    return 0


# Go: src/runtime/netpoll_kqueue.go netpollclose
def netpollclose(fd: int) -> int:
    # Don't need to unregister because calling close() on fd will remove any kevents
    # that reference the descriptor.
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
            proc.throw(f"runtime: netpoll failed: kevent on fd {kq} failed with {-n}")
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
            pd.setEventErr(ev.flags == abi.EV_ERROR, tag)
            delta += netpollready(toRun, pd, mode)
    return toRun, delta
