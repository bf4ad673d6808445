"""The portable poll(2) backend of the network poller (Go: src/runtime/netpoll_aix.go).

Go wrote this backend for AIX, which has neither epoll nor kqueue; it runs unchanged
on any Unix, Linux included (``RAWNET_POLLER=poll``). It differs from epoll and
kqueue in three ways:

* **No kernel-side registration.** The interest set is a user-space array ``pfds``
  of ``struct pollfd`` handed whole to every poll(2) call, with ``pds`` the parallel
  list of pollDescs. Slot 0 is the read end of the wake-up pipe (``pds[0]`` is None);
  ``pd.user`` is the pd's slot. poll(2) costs O(number of fds) per call, for the
  kernel and for the scan of the results below: that is the price of portability.
* **Level-triggered, one-shot arming.** ``netpollopen`` adds the fd with
  ``events = 0``: nothing is watched. ``poll_runtime_pollWait`` calls ``netpollarm``
  before every park, which ORs ``POLLIN`` ('r') or ``POLLOUT`` ('w') into the slot;
  when ``netpoll`` reports the direction ready it clears the bit again. So a
  direction is watched only while a goroutine waits on it, and a level that stays
  true (unread data) cannot make poll(2) return over and over. The cookie needs no
  fdseq tag: slots are only read and written under ``mtxset``, and ``netpollclose``
  removes the fd's slot (under ``mtxset``) before the fd is closed and its pollDesc
  freed, so no result can name a stale pollDesc.
* **Edits must stop the poller.** The poller holds ``mtxset`` for as long as it
  sleeps in poll(2) (the kernel reads ``pfds`` during the whole call). Whoever wants
  to edit the arrays first takes ``mtxpoll``, writes one byte into the wake-up pipe
  so that poll(2) returns and the poller lets go of ``mtxset``, then takes
  ``mtxset``. ``pendingUpdates`` (guarded by ``mtxpoll``) says a byte is already on
  its way since the poller last started polling, so a burst of edits writes one
  byte. The poller takes ``mtxpoll`` before ``mtxset`` too, and clears
  ``pendingUpdates`` while holding both: an editor that finds it 0 knows the poller
  has not seen a byte written since.

poll(2) reports ``POLLHUP`` and ``POLLERR`` even for a slot whose ``events`` is 0
(nobody waiting). Go's backend accepts that: such a slot makes every poll return at
once until its fd is closed (a reset connection nobody reads). rawnet keeps Go's
behaviour.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from ..sys import errno as E
from ..sys import poll as sp
from ..sys import syscall_linux as sc
from . import atomic, proc
from .nbpipe import nonblockingPipe
from .netpoll import delayToMillis, modeR, modeW, netpollready

if TYPE_CHECKING:
    import ctypes

    from .netpoll import pollDesc
    from .proc import G

level_triggered = True

pfds: ctypes.Array[sp.pollfd] | None = None  # capacity >= npfds; slot 0: rdwake
npfds = 0  # len(pfds) in Go's slice terms
pds: list[pollDesc | None] = []
mtxpoll = threading.Lock()
mtxset = threading.Lock()
rdwake = -1
wrwake = -1
pendingUpdates = 0
netpollWakeSig = atomic.Int(0)  # used to avoid duplicate calls of netpollBreak

_zero = b"\0"
_buf1 = bytearray(1)  # only read by the poller, under mtxset


# Go: src/runtime/netpoll_aix.go netpollinit
def netpollinit() -> None:
    global rdwake, wrwake, pfds, npfds, pds
    # Create the pipe we use to wake up poll.
    r, w, errno = nonblockingPipe()
    if errno != 0:
        proc.throw("netpollinit: failed to create pipe")
    rdwake = r
    wrwake = w
    # Pre-allocate the array of pollfd structures for poll: Go makes a slice of
    # length 1 and capacity 128, and lets append grow it.
    pfds = sp.PollfdArray(128)
    npfds = 1
    # Poll the read side of the pipe.
    pfds[0].fd = rdwake
    pfds[0].events = sp.POLLIN
    pds = [None]


def netpollAfterForkInChild() -> None:
    """In a child made by os.fork (no Go twin: Go never forks without exec; see
    fork.py): make a wake-up pipe and arrays of the child's own.

    The arrays are the child's memory already, but its copies of the pipe's fds are
    the parent's pipe: a netpollBreak would wake the parent. Closing them closes
    nothing in the parent. The locks are made anew: a poller thread that did not
    survive the fork holds mtxset for as long as it sleeps in poll(2). The caller
    registers (and arms) the child's fds again."""
    global mtxpoll, mtxset, pendingUpdates
    mtxpoll = threading.Lock()
    mtxset = threading.Lock()
    sc.Close(rdwake)
    sc.Close(wrwake)
    pendingUpdates = 0
    # Set by a break in flight for the parent's pipe; left set, it would keep the
    # child's netpollBreak from ever writing.
    netpollWakeSig.Store(0)
    netpollinit()


# Go: src/runtime/netpoll_aix.go netpollIsPollDescriptor
def netpollIsPollDescriptor(fd: int) -> bool:
    return fd == rdwake or fd == wrwake


# Go: src/runtime/netpoll_aix.go netpollwakeup
def netpollwakeup() -> None:
    """Write on wrwake to wake up poll before any change. Call with mtxpoll held."""
    global pendingUpdates
    if pendingUpdates == 0:
        pendingUpdates = 1
        sc.Write(wrwake, _zero)


def _lockset() -> None:
    # Go repeats these four lines at the top of netpollopen, netpollclose and
    # netpollarm: stop the poller, then take the arrays from it.
    mtxpoll.acquire()
    try:
        netpollwakeup()
        mtxset.acquire()
    finally:
        mtxpoll.release()


def _append(fd: int) -> int:
    """Go's ``pfds = append(pfds, pollfd{fd: fd})``; returns the new slot. Call with
    mtxset held."""
    global pfds, npfds
    assert pfds is not None
    if npfds == len(pfds):
        pfds = sp.PollfdArray(2 * len(pfds), pfds)
    i = npfds
    pfds[i].fd = fd
    pfds[i].events = 0
    pfds[i].revents = 0
    npfds += 1
    return i


# Go: src/runtime/netpoll_aix.go netpollopen
def netpollopen(fd: int, pd: pollDesc) -> int:
    _lockset()
    try:
        # We don't worry about pd.fdseq here, as mtxset protects us from stale
        # pollDescs.
        pd.user = _append(fd)
        pds.append(pd)
    finally:
        mtxset.release()
    return 0


# Go: src/runtime/netpoll_aix.go netpollclose
def netpollclose(fd: int) -> int:
    global npfds
    _lockset()
    try:
        assert pfds is not None
        for i in range(npfds):
            if pfds[i].fd == fd:
                # Swap the last slot in, and tell its pollDesc where it now lives.
                last = npfds - 1
                pfds[i].fd = pfds[last].fd
                pfds[i].events = pfds[last].events
                pfds[i].revents = pfds[last].revents
                npfds = last
                moved = pds[last]
                pds[i] = moved
                assert moved is not None
                moved.user = i
                pds.pop()
                break
    finally:
        mtxset.release()
    return 0


# Go: src/runtime/netpoll_aix.go netpollarm
def netpollarm(pd: pollDesc, mode: int) -> None:
    _lockset()
    try:
        assert pfds is not None
        if mode == modeR:
            pfds[pd.user].events |= sp.POLLIN
        elif mode == modeW:
            pfds[pd.user].events |= sp.POLLOUT
    finally:
        mtxset.release()


# Go: src/runtime/netpoll_aix.go netpollBreak
def netpollBreak() -> None:
    """Interrupt a poll in progress (or the next one)."""
    # Failing to cas indicates there is an in-flight wakeup, so we're done here.
    if not netpollWakeSig.CompareAndSwap(0, 1):
        return
    sc.Write(wrwake, _zero)


# Go: src/runtime/netpoll_aix.go netpoll
def netpoll(delay: int) -> tuple[list[G], int]:
    """Return the goroutines that became runnable and the netpollWaiters delta.

    delay < 0: block indefinitely; delay == 0: do not block, just poll (unless a
    blocking poller holds the arrays); delay > 0: block for up to that many
    nanoseconds.
    """
    global pendingUpdates
    if delay == 0:
        # Go returns nothing here ("TODO: call poll with timeout == 0"). rawnet does
        # the TODO, because its scheduler relies on non-blocking polls more than Go's:
        # a thread whose goroutines never all park (a writer that yields in a loop)
        # never becomes the blocking poller, and only its periodic netpoll(0) can
        # ready a reader on the same thread. A non-blocking poll never sleeps, so it
        # needs no wake-up protocol, only the arrays: it takes mtxset if it is free.
        # If it is not, a blocking poller (which will report what is ready) or an
        # editor has it, and this poll returns nothing, as Go's does.
        if not mtxset.acquire(blocking=False):
            return [], 0
        try:
            return _pollLocked(delay, 0)
        finally:
            mtxset.release()
    timeout = delayToMillis(delay)
    # Go's order: take mtxpoll, then mtxset, clear pendingUpdates, let mtxpoll go, and
    # keep mtxset for the whole poll and the scan of its results. Unlike Go, a Python
    # exception (KeyboardInterrupt in a lock wait or after EINTR) can leave at any
    # line, hence the try blocks.
    mtxpoll.acquire()
    try:
        mtxset.acquire()
        pendingUpdates = 0
    finally:
        mtxpoll.release()
    try:
        return _pollLocked(delay, timeout)
    finally:
        mtxset.release()


def _pollLocked(delay: int, timeout: int) -> tuple[list[G], int]:
    # The body of Go's netpoll after the locks are taken, up to unlock(&mtxset).
    assert pfds is not None
    n = sp.Poll(pfds, npfds, timeout)
    if n < 0:
        if n != -E.EINTR:
            proc.println("errno=", -n, " len(pfds)=", npfds)
            proc.throw("poll failed")
        # If a timed sleep was interrupted, just return to recalculate how long we
        # should sleep now. (Go tests timeout > 0 on an unsigned value: that is true
        # of the infinite timeout too, so every interrupted poll returns; a
        # non-blocking one cannot be interrupted.)
        return [], 0
    # Check if some descriptors need to be changed.
    if n != 0 and pfds[0].revents & (sp.POLLIN | sp.POLLHUP | sp.POLLERR):
        if delay != 0:
            # A netpollwakeup could be picked up by a non-blocking poll. Only clear
            # the wakeup if blocking. Bytes come from netpollwakeup (one per
            # poll at most) and netpollBreak (one per netpollWakeSig cycle).
            while sc.Read(rdwake, _buf1) == 1:
                pass
            netpollWakeSig.Store(0)
        # Still look at the other fds even if the mode may have changed, as
        # netpollBreak might have been called.
        n -= 1
    toRun: list[G] = []
    delta = 0
    i = 1
    while i < npfds and n > 0:
        pfd = pfds[i]
        revents = pfd.revents
        mode = 0
        if revents & (sp.POLLIN | sp.POLLHUP | sp.POLLERR):
            mode += modeR
            pfd.events &= ~sp.POLLIN
        if revents & (sp.POLLOUT | sp.POLLHUP | sp.POLLERR):
            mode += modeW
            pfd.events &= ~sp.POLLOUT
        if mode != 0:
            pd = pds[i]
            assert pd is not None
            # The error bit only when the error is all there is; seq 0: no fdseq
            # check (see the module docstring).
            pd.setEventErr(revents == sp.POLLERR, 0)
            delta += netpollready(toRun, pd, mode)
            n -= 1
        i += 1
    return toRun, delta
