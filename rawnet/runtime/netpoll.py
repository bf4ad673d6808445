"""The platform-independent network poller (Go: src/runtime/netpoll.go).

A backend is one module, chosen once (:func:`netpollGenericInit`), that provides what
each of Go's netpoll_*.go files provides to this one: the :class:`Poller` protocol
below spells it out, and mypy checks each backend module against it. The backends
call back into this module (:func:`netpollready`, the poll cache, the mode constants),
as Go's do within package runtime, so the two import each other: this module imports
the chosen backend when the poller is first needed, by then fully initialised.

The heart of this file is the per-direction binary semaphore ``rg``/``wg`` of a
pollDesc. It holds one of:

* ``pdNil``: nothing pending, nobody waiting;
* ``pdReady``: readiness arrived while nobody waited; the next waiter takes it;
* ``pdWait``: a goroutine is about to park; it commits by CAS ``pdWait -> g`` once it
  is off its stack (``netpollblockcommit``). If an I/O notification (``-> pdReady``) or
  a timeout/close (``-> pdNil``) gets there first, the CAS fails and it does not sleep;
* a G: the goroutine parked; a notification or timeout/close swaps the value and
  readies it.

Writers of ``closing``/``rd``/``wd`` publish them into ``atomicInfo`` *before*
looking at rg/wg, and ``netpollblock`` re-checks ``atomicInfo`` *after* publishing
``pdWait``: whichever of the two comes second sees the other, so a close or a
deadline between "check" and "park" is never lost.
"""

from __future__ import annotations

import os
import sys
import threading
from typing import TYPE_CHECKING, Any, Final, Protocol

from . import atomic, proc, time
from .error import PollerError
from .tagptr import taggedPointerBits

if TYPE_CHECKING:
    from .proc import G

# Error codes returned by runtime_pollReset and runtime_pollWait; they must match
# internal/poll/fd_poll_runtime.go.
pollNoError: Final = 0  # no error
pollErrClosing: Final = 1  # descriptor is closed
pollErrTimeout: Final = 2  # I/O timeout
pollErrNotPollable: Final = 3  # general error polling descriptor

# Semaphore values of pollDesc.rg / pollDesc.wg; anything else is a parked G. Go
# compares the words as uintptrs; here they are tested with ``is``, which is the same
# test for these three (CPython keeps one object for each small int) and for a G, and
# stays a pointer compare: ``==`` between a G and an int asks both types and gives up.
pdNil: Final = 0
pdReady: Final = 1
pdWait: Final = 2

# Modes, as Go passes them: the ASCII codes of 'r' and 'w', added for both.
modeR: Final = ord("r")
modeW: Final = ord("w")
modeRW: Final = modeR + modeW

# pollInfo bits (Go: src/runtime/netpoll.go pollClosing and friends).
pollClosing: Final = 1 << 0
pollEventErr: Final = 1 << 1
pollExpiredReadDeadline: Final = 1 << 2
pollExpiredWriteDeadline: Final = 1 << 3
pollFDSeq: Final = 4  # shift of the 20-bit fdseq field
_pollErrorBits: Final = (pollClosing | pollEventErr | pollExpiredReadDeadline
                         | pollExpiredWriteDeadline)
pollFDSeqBits: Final = 20
pollFDSeqMask: Final = (1 << pollFDSeqBits) - 1

waitReasonIOWait: Final = "IO wait"


class pollDesc:
    """Go: src/runtime/netpoll.go pollDesc."""

    __slots__ = (
        "link", "fd", "fdseq", "atomicInfo", "rg", "wg", "lock", "closing", "rrun", "wrun",
        "user", "rseq", "rt", "rd", "wseq", "wt", "wd", "self", "index",
    )

    def __init__(self, index: int) -> None:
        self.link: pollDesc | None = None  # in pollcache, protected by pollcache.lock
        self.fd = -1  # constant for pollDesc usage lifetime
        self.fdseq = atomic.Int(0)  # protects against stale pollDesc
        self.atomicInfo = atomic.Int(0)  # atomic pollInfo
        # pdReady, pdWait, G waiting for read or pdNil; the same for write.
        self.rg: atomic.Value[Any] = atomic.Value(pdNil)
        self.wg: atomic.Value[Any] = atomic.Value(pdNil)
        self.lock = threading.Lock()  # protects the following fields
        self.closing = False
        self.rrun = False  # whether rt is running
        self.wrun = False  # whether wt is running
        self.user = 0  # user settable cookie
        self.rseq = 0  # protects from stale read timers
        self.rt = time.timer()  # read deadline timer
        self.rd = 0  # read deadline (a nanotime in the future, -1 when expired)
        self.wseq = 0  # protects from stale write timers
        self.wt = time.timer()  # write deadline timer
        self.wd = 0  # write deadline (a nanotime in the future, -1 when expired)
        self.self: pollDesc | None = None  # storage for indirect interface
        self.index = index  # our stand-in for the pollDesc's address (see tagptr.py)

    def __repr__(self) -> str:
        return f"<pollDesc fd={self.fd} seq={self.fdseq.v} rg={self.rg.v} wg={self.wg.v}>"

    # Go: src/runtime/netpoll.go pollDesc.info
    def info(self) -> int:
        return self.atomicInfo.Load()

    # Go: src/runtime/netpoll.go pollDesc.publishInfo
    def publishInfo(self) -> None:
        """Recompute atomicInfo from closing/rd/wd/fdseq; call with pd.lock held."""
        info = 0
        if self.closing:
            info |= pollClosing
        if self.rd < 0:
            info |= pollExpiredReadDeadline
        if self.wd < 0:
            info |= pollExpiredWriteDeadline
        info |= (self.fdseq.Load() & pollFDSeqMask) << pollFDSeq
        # Set all of x except the pollEventErr bit.
        x = self.atomicInfo.Load()
        while not self.atomicInfo.CompareAndSwap(x, (x & pollEventErr) | info):
            x = self.atomicInfo.Load()

    # Go: src/runtime/netpoll.go pollDesc.setEventErr
    def setEventErr(self, b: bool, seq: int) -> None:
        mSeq = seq & pollFDSeqMask
        x = self.atomicInfo.Load()
        xSeq = (x >> pollFDSeq) & pollFDSeqMask
        if seq != 0 and xSeq != mSeq:
            return
        while bool(x & pollEventErr) != b:
            if self.atomicInfo.CompareAndSwap(x, x ^ pollEventErr):
                return
            x = self.atomicInfo.Load()
            xSeq = (x >> pollFDSeq) & pollFDSeqMask
            if seq != 0 and xSeq != mSeq:
                return

    # Go: src/runtime/netpoll.go pollDesc.makeArg
    def makeArg(self) -> pollDesc:
        return self


class pollCache:
    """Go: src/runtime/netpoll.go pollCache.

    PollDesc objects must be type-stable, because we can get a readiness notification
    from the kernel after the descriptor is closed or reused. Stale notifications are
    detected using the seq variable, which is incremented when deadlines are changed or
    the descriptor is reused. ``all`` is the table the kernel's cookies index into.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.first: pollDesc | None = None
        self.all: list[pollDesc] = []

    # Go: src/runtime/netpoll.go pollCache.alloc
    def alloc(self) -> pollDesc:
        with self.lock:
            if self.first is None:
                # Go allocates a 4 KiB block of descriptors at once; Python objects are
                # allocated one at a time, so one is enough.
                pd = pollDesc(len(self.all))
                self.all.append(pd)
                self.first = pd
            pd = self.first
            self.first = pd.link
            pd.link = None
            return pd

    # Go: src/runtime/netpoll.go pollCache.free
    def free(self, pd: pollDesc) -> None:
        with pd.lock:
            # Increment the fdseq field, so that any currently running netpoll calls
            # will not mark pd as ready.
            fdseq = pd.fdseq.Load()
            fdseq = (fdseq + 1) & ((1 << taggedPointerBits) - 1)
            pd.fdseq.Store(fdseq)
            pd.publishInfo()
        with self.lock:
            pd.link = self.first
            self.first = pd


pollcache: Final = pollCache()
netpollInitLock: Final = threading.Lock()
netpollInited: Final = atomic.Int(0)
netpollWaiters: Final = atomic.Int(0)


class Poller(Protocol):
    """The contract between this module and a backend (Go: the functions each of
    netpoll_epoll.go, netpoll_kqueue.go and netpoll_aix.go defines). A backend is a
    module; its top-level names are the members."""

    # netpollarm must be called before each wait: poll(2) watches only what is armed.
    @property
    def level_triggered(self) -> bool: ...

    def netpollinit(self) -> None:
        """Create the OS poller (once)."""

    def netpollopen(self, fd: int, pd: pollDesc) -> int:
        """Register fd for both directions, with pd as the cookie; 0 or an errno."""

    def netpollclose(self, fd: int) -> int:
        """Unregister fd; 0 or an errno."""

    def netpollarm(self, pd: pollDesc, mode: int) -> None:
        """Watch pd for mode until it is next reported (level-triggered backends)."""

    def netpollBreak(self) -> None:
        """Wake a poller blocked in netpoll (or make the next one return at once)."""

    def netpoll(self, delay: int) -> tuple[list[G], int]:
        """Poll: delay < 0 blocks, 0 does not, > 0 blocks up to delay ns. Returns the
        goroutines made runnable (through netpollready) and a delta to add to
        netpollWaiters once they are readied."""

    def netpollIsPollDescriptor(self, fd: int) -> bool:
        """Whether fd is one of the poller's own."""

    def netpollAfterForkInChild(self) -> None:
        """In a child made by os.fork (no Go twin, see fork.py): let go of the poller
        shared with the parent and make a new, empty one."""


# The pollers rawnet has, as Go has one per OS family (netpoll_epoll.go,
# netpoll_kqueue.go, netpoll_aix.go). Go picks one at build time; rawnet picks one
# when the poller is first needed: the best one for the OS, or RAWNET_POLLER.
pollers: Final = ("epoll", "kqueue", "poll")
_kqueueOSes: Final = ("darwin", "freebsd", "netbsd", "openbsd", "dragonfly")


def defaultPoller(platform: str) -> str:
    """The best poller for the OS named by sys.platform."""
    if platform.startswith("linux"):
        return "epoll"
    if platform.startswith(_kqueueOSes):
        return "kqueue"
    return "poll"


def _backend() -> Poller:
    """The backend RAWNET_POLLER names, or the OS's best, imported now.

    The imports are here, not at the top, for two reasons. Each backend declares its
    C functions when imported, and only the chosen one can: epoll exists on Linux
    only, kqueue on the BSDs and macOS (or through libkqueue). And the backends import
    this module's names, so they can only be imported once it is complete."""
    name = os.environ.get("RAWNET_POLLER", "") or defaultPoller(sys.platform)
    if name not in pollers:
        raise PollerError(
            f"RAWNET_POLLER={name!r}: unknown poller (want one of {', '.join(pollers)})"
        )
    try:
        if name == "epoll":
            from ..linux import netpoll_epoll
            return netpoll_epoll
        if name == "kqueue":
            from ..bsd import netpoll_kqueue
            return netpoll_kqueue
        from . import netpoll_poll
        return netpoll_poll
    except (OSError, AttributeError) as e:
        # AttributeError: libc lacks the poller's functions (epoll off Linux).
        raise PollerError(f"poller {name!r} is not available on this system: {e}") from e


# The chosen backend, bound by netpollGenericInit: nothing uses it before.
backend: Poller


# Go: src/runtime/netpoll.go poll_runtime_pollServerInit
def poll_runtime_pollServerInit() -> None:
    netpollGenericInit()


# Go: src/runtime/netpoll.go netpollGenericInit
def netpollGenericInit() -> None:
    global backend
    if netpollInited.Load() == 0:
        with netpollInitLock:
            if netpollInited.Load() == 0:
                backend = _backend()
                backend.netpollinit()
                netpollInited.Store(1)


# Go: src/runtime/netpoll.go netpollinited
def netpollinited() -> bool:
    return netpollInited.Load() != 0


# Go: src/runtime/netpoll.go poll_runtime_isPollServerDescriptor
def poll_runtime_isPollServerDescriptor(fd: int) -> bool:
    return backend.netpollIsPollDescriptor(fd)


# Go: src/runtime/netpoll.go poll_runtime_pollOpen
def poll_runtime_pollOpen(fd: int) -> tuple[pollDesc | None, int]:
    pd = pollcache.alloc()
    with pd.lock:
        wg = pd.wg.Load()
        if wg is not pdNil and wg is not pdReady:
            proc.throw("runtime: blocked write on free polldesc")
        rg = pd.rg.Load()
        if rg is not pdNil and rg is not pdReady:
            proc.throw("runtime: blocked read on free polldesc")
        pd.fd = fd
        if pd.fdseq.Load() == 0:
            # The value 0 is special in setEventErr, so don't use it.
            pd.fdseq.Store(1)
        pd.closing = False
        pd.setEventErr(False, 0)
        pd.rseq += 1
        pd.rg.Store(pdNil)
        pd.rd = 0
        pd.wseq += 1
        pd.wg.Store(pdNil)
        pd.wd = 0
        pd.self = pd
        pd.publishInfo()

    errno = backend.netpollopen(fd, pd)
    if errno != 0:
        pollcache.free(pd)
        return None, errno
    return pd, 0


# Go: src/runtime/netpoll.go poll_runtime_pollClose
def poll_runtime_pollClose(pd: pollDesc) -> None:
    if not pd.closing:
        proc.throw("runtime: close polldesc w/o unblock")
    wg = pd.wg.Load()
    if wg is not pdNil and wg is not pdReady:
        proc.throw("runtime: blocked write on closing polldesc")
    rg = pd.rg.Load()
    if rg is not pdNil and rg is not pdReady:
        proc.throw("runtime: blocked read on closing polldesc")
    backend.netpollclose(pd.fd)
    pollcache.free(pd)


# Go: src/runtime/netpoll.go poll_runtime_pollReset
def poll_runtime_pollReset(pd: pollDesc, mode: int) -> int:
    errcode = netpollcheckerr(pd, mode)
    if errcode != pollNoError:
        return errcode
    if mode == modeR:
        pd.rg.Store(pdNil)
    elif mode == modeW:
        pd.wg.Store(pdNil)
    return pollNoError


# Go: src/runtime/netpoll.go poll_runtime_pollWait
def poll_runtime_pollWait(pd: pollDesc, mode: int) -> int:
    errcode = netpollcheckerr(pd, mode)
    if errcode != pollNoError:
        return errcode
    if backend.level_triggered:
        backend.netpollarm(pd, mode)
    while not netpollblock(pd, mode, False):
        errcode = netpollcheckerr(pd, mode)
        if errcode != pollNoError:
            return errcode
        # Can happen if timeout has fired and unblocked us, but before we had a chance
        # to run, timeout has been reset. Pretend it has not happened and retry.
    return pollNoError


# Go: src/runtime/netpoll.go poll_runtime_pollSetDeadline
def poll_runtime_pollSetDeadline(pd: pollDesc, d: int, mode: int) -> None:
    """d: relative nanoseconds; 0 clears the deadline, < 0 means already expired."""
    with pd.lock:
        if pd.closing:
            return
        rd0, wd0 = pd.rd, pd.wd
        combo0 = rd0 > 0 and rd0 == wd0
        if d > 0:
            d += time.nanotime()
            if d <= 0:
                # If the user has a deadline in the future, but the delay calculation
                # overflows, then set the deadline to the maximum possible value.
                d = (1 << 63) - 1
        if mode in (modeR, modeRW):
            pd.rd = d
        if mode in (modeW, modeRW):
            pd.wd = d
        pd.publishInfo()
        combo = pd.rd > 0 and pd.rd == pd.wd
        rtf = netpollReadDeadline
        if combo:
            rtf = netpollDeadline
        if not pd.rrun:
            if pd.rd > 0:
                # Copy current seq into the timer arg. Timer func will check the seq
                # against current descriptor seq, if they differ the descriptor was
                # reused or timers were reset.
                pd.rt.modify(pd.rd, rtf, pd.makeArg(), pd.rseq)
                pd.rrun = True
        elif pd.rd != rd0 or combo != combo0:
            pd.rseq += 1  # invalidate current timers
            if pd.rd > 0:
                pd.rt.modify(pd.rd, rtf, pd.makeArg(), pd.rseq)
            else:
                pd.rt.stop()
                pd.rrun = False
        if not pd.wrun:
            if pd.wd > 0 and not combo:
                pd.wt.modify(pd.wd, netpollWriteDeadline, pd.makeArg(), pd.wseq)
                pd.wrun = True
        elif pd.wd != wd0 or combo != combo0:
            pd.wseq += 1  # invalidate current timers
            if pd.wd > 0 and not combo:
                pd.wt.modify(pd.wd, netpollWriteDeadline, pd.makeArg(), pd.wseq)
            else:
                pd.wt.stop()
                pd.wrun = False
        # If we set the new deadline in the past, unblock currently pending IO if any.
        # Note that pd.publishInfo has already been called, above, immediately after
        # modifying rd and wd.
        delta = 0
        rg = wg = None
        if pd.rd < 0:
            rg = netpollunblock(pd, modeR, False)
            if rg is not None:
                delta -= 1
        if pd.wd < 0:
            wg = netpollunblock(pd, modeW, False)
            if wg is not None:
                delta -= 1
    _readyUnblocked(rg, wg, delta)


# Go: src/runtime/netpoll.go poll_runtime_pollUnblock
def poll_runtime_pollUnblock(pd: pollDesc) -> None:
    with pd.lock:
        if pd.closing:
            proc.throw("runtime: unblock on closing polldesc")
        pd.closing = True
        pd.rseq += 1
        pd.wseq += 1
        pd.publishInfo()
        delta = 0
        rg = netpollunblock(pd, modeR, False)
        if rg is not None:
            delta -= 1
        wg = netpollunblock(pd, modeW, False)
        if wg is not None:
            delta -= 1
        if pd.rrun:
            pd.rt.stop()
            pd.rrun = False
        if pd.wrun:
            pd.wt.stop()
            pd.wrun = False
    _readyUnblocked(rg, wg, delta)


def _readyUnblocked(rg: G | None, wg: G | None, delta: int) -> None:
    # Go repeats these lines after each pd.lock section that unblocks goroutines:
    # ready them once the lock is released, then account for them in netpollWaiters.
    if rg is not None:
        netpollgoready(rg)
    if wg is not None:
        netpollgoready(wg)
    netpollAdjustWaiters(delta)


# Go: src/runtime/netpoll.go netpollready
def netpollready(toRun: list[G], pd: pollDesc, mode: int) -> int:
    """Called by the backend for a ready fd: collect the goroutines to run into toRun
    and return the waiters delta. Go's netpollunblock decrements a *delta argument;
    here the callers count the goroutines it returns."""
    delta = 0
    rg = wg = None
    if mode in (modeR, modeRW):
        rg = netpollunblock(pd, modeR, True)
    if mode in (modeW, modeRW):
        wg = netpollunblock(pd, modeW, True)
    if rg is not None:
        toRun.append(rg)
        delta -= 1
    if wg is not None:
        toRun.append(wg)
        delta -= 1
    return delta


# Go: src/runtime/netpoll.go netpollcheckerr
def netpollcheckerr(pd: pollDesc, mode: int) -> int:
    info = pd.atomicInfo.v  # pd.info(), inlined
    if info & _pollErrorBits == 0:
        return pollNoError  # the common case, in one test
    if info & pollClosing:
        return pollErrClosing
    if (mode == modeR and info & pollExpiredReadDeadline) or (
        mode == modeW and info & pollExpiredWriteDeadline
    ):
        return pollErrTimeout
    # Report an event scanning error only on a read event. An error on a write event
    # will be captured in a subsequent write call that is able to report a more
    # specific error.
    if mode == modeR and info & pollEventErr:
        return pollErrNotPollable
    return pollNoError


# Go: src/runtime/netpoll.go netpollblockcommit
def netpollblockcommit(gp: G, gpp: atomic.Value[Any]) -> bool:
    r = gpp.CompareAndSwap(pdWait, gp)
    if r:
        # Bump the count of goroutines waiting for the poller. The scheduler uses this
        # to decide whether to block waiting for the poller if there is nothing else
        # for it to do.
        netpollAdjustWaiters(1)
    return r


# Go: src/runtime/netpoll.go netpollgoready
def netpollgoready(gp: G) -> None:
    proc.goready(gp)


# Go: src/runtime/netpoll.go netpollblock
def netpollblock(pd: pollDesc, mode: int, waitio: bool) -> bool:
    """Returns True if IO is ready, or False if timed out or closed.

    waitio: wait only for completed IO, ignore errors. Concurrent calls to netpollblock
    in the same mode are forbidden, as pollDesc can hold only a single waiting
    goroutine for each mode.
    """
    gpp = pd.rg if mode == modeR else pd.wg
    # Set the gpp semaphore to pdWait.
    while True:
        # Consume notification if already ready.
        if gpp.CompareAndSwap(pdReady, pdNil):
            return True
        if gpp.CompareAndSwap(pdNil, pdWait):
            break
        # Double check that this isn't corrupt; otherwise we'd loop forever.
        v = gpp.Load()
        if v is not pdReady and v is not pdNil:
            proc.throw("runtime: double wait")

    # Need to recheck error states after setting gpp to pdWait. This is necessary
    # because runtime_pollUnblock/runtime_pollSetDeadline/deadlineimpl do the opposite:
    # store to closing/rd/wd, publishInfo, load of rg/wg.
    try:
        if waitio or netpollcheckerr(pd, mode) == pollNoError:
            # (fd, mode), formatted only when a trace or a dump asks (proc.waitDetail).
            proc.gopark(netpollblockcommit, gpp, waitReasonIOWait, (pd.fd, mode))
    except BaseException:
        # Python only: an exception delivered to this goroutine while it parks (Ctrl-C
        # while the main thread waits: the poller's g0 dies and the exception arrives
        # in the goroutine it would have run). The word holds the G if the goroutine
        # committed to sleep, pdWait if the exception came before the commit; leave
        # neither behind, or the next waiter throws "double wait" and Close throws
        # "blocked read on closing polldesc". A notification or timeout that got there
        # first has already replaced both, and stays.
        if gpp.CompareAndSwap(proc.getg(), pdNil):
            netpollAdjustWaiters(-1)
        else:
            gpp.CompareAndSwap(pdWait, pdNil)
        raise
    # Be careful to not lose concurrent pdReady notification.
    old = gpp.Swap(pdNil)
    if old is not pdNil and old is not pdReady and old is not pdWait:
        proc.throw("runtime: corrupted polldesc")
    return old is pdReady


# Go: src/runtime/netpoll.go netpollunblock
def netpollunblock(pd: pollDesc, mode: int, ioready: bool) -> G | None:
    """Move the mode's semaphore to pdReady (ioready) or pdNil (timeout/close) and
    return the goroutine parked on it, if any, for the caller to ready."""
    gpp = pd.rg if mode == modeR else pd.wg
    while True:
        old = gpp.v  # gpp.Load(), inlined
        if old is pdReady:
            return None
        if old is pdNil and not ioready:
            # Only set pdReady for ioready. runtime_pollWait will check for timeout/
            # cancel before waiting.
            return None
        new = pdReady if ioready else pdNil
        if gpp.CompareAndSwap(old, new):
            if old is pdWait:
                old = pdNil
            elif old is not pdNil:
                return old  # type: ignore[no-any-return]
            return None


# Go: src/runtime/netpoll.go netpolldeadlineimpl
def netpolldeadlineimpl(pd: pollDesc, seq: int, read: bool, write: bool) -> None:
    with pd.lock:
        # Seq arg is seq when the timer was set. If it's stale, ignore the timer event.
        currentSeq = pd.rseq
        if not read:
            currentSeq = pd.wseq
        if seq != currentSeq:
            # The descriptor was reused or timers were reset.
            return
        delta = 0
        rg = wg = None
        if read:
            if pd.rd <= 0 or not pd.rrun:
                proc.throw("runtime: inconsistent read deadline")
            pd.rd = -1
            pd.publishInfo()
            rg = netpollunblock(pd, modeR, False)
            if rg is not None:
                delta -= 1
        if write:
            if pd.wd <= 0 or (not pd.wrun and not read):
                proc.throw("runtime: inconsistent write deadline")
            pd.wd = -1
            pd.publishInfo()
            wg = netpollunblock(pd, modeW, False)
            if wg is not None:
                delta -= 1
    _readyUnblocked(rg, wg, delta)


# Go: src/runtime/netpoll.go netpollDeadline
def netpollDeadline(arg: Any, seq: int, delta: int) -> None:
    netpolldeadlineimpl(arg, seq, True, True)


# Go: src/runtime/netpoll.go netpollReadDeadline
def netpollReadDeadline(arg: Any, seq: int, delta: int) -> None:
    netpolldeadlineimpl(arg, seq, True, False)


# Go: src/runtime/netpoll.go netpollWriteDeadline
def netpollWriteDeadline(arg: Any, seq: int, delta: int) -> None:
    netpolldeadlineimpl(arg, seq, False, True)


# Go: src/runtime/netpoll.go netpollAnyWaiters
def netpollAnyWaiters() -> bool:
    return netpollWaiters.Load() > 0


# Go: src/runtime/netpoll.go netpollAdjustWaiters
def netpollAdjustWaiters(delta: int) -> None:
    if delta != 0:
        netpollWaiters.Add(delta)


def delayToMillis(delay: int) -> int:
    """The poll timeout for a netpoll delay in ns, by the rules netpoll_epoll.go and
    netpoll_aix.go share: < 0 blocks (-1), 0 polls, a sub-millisecond delay is never
    rounded down to a busy poll, longer ones are truncated and capped at 1e9 ms."""
    if delay < 0:
        return -1
    if delay == 0:
        return 0
    if delay < 1_000_000:
        return 1
    if delay < 1_000_000_000_000_000:
        return delay // 1_000_000
    # An arbitrary cap on how long to wait for a timer: 1e9 ms == ~11.5 days.
    return 1_000_000_000


def netpoll(delay: int) -> tuple[list[G], int]:
    """The backend's netpoll (see :class:`Poller`)."""
    return backend.netpoll(delay)


def netpollBreak() -> None:
    if netpollinited():
        backend.netpollBreak()
