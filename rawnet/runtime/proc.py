"""Goroutines and their scheduler (Go: src/runtime/proc.go, runtime2.go).

The model, and where it differs from Go:

* A goroutine (G) is a greenlet. Greenlets switch only inside one OS thread, so a G
  belongs for its whole life to the thread that created it. Go's Ps float between
  threads (Ms); here there is one P per OS thread that uses rawnet, created lazily,
  and a G always runs on its own P. There is no work stealing.
* A G that parks (``gopark``) or yields (``Gosched``) runs Go's ``park_m`` and
  ``schedule`` on its own stack: ``schedule`` fires the timers that are due and
  switches straight to the next runnable G of its P (:func:`execute`). Go first moves
  to the scheduler stack, ``g0``, because another thread could otherwise ready the G
  and run it while it is still on its stack; here only the G's own thread ever
  switches into it, so that cannot happen, and the direct switch saves a second
  greenlet switch per park.
* When no G is runnable right away, the parking G switches to its P's ``g0`` greenlet,
  which runs :func:`findRunnable`: take Gs readied by other threads, poll the network,
  and block until the next timer or I/O if there is nothing to do. Only ``g0``
  blocks, so an exception raised in the poller (Ctrl-C) unwinds the scheduler, not
  some goroutine. A G whose function returns also lands on ``g0``, its greenlet's
  parent.
* ``goready`` puts a G back on its P's run queue, directly if called on that P's
  thread, through the P's injection queue and a wake-up otherwise.
* The thread's own main greenlet is a G too, so a plain script that calls
  ``Listen``/``Accept``/``Read`` just works: parking it runs the scheduler in the same
  thread, and the other goroutines of that thread run while it waits.
* There is one poller per process, as in Go: a P with nothing to run becomes the
  poller if nobody is (it blocks in ``netpoll(delay)`` with the delay of the nearest
  timer), otherwise it sleeps on its note until a G is handed to it. A P that stops
  polling because it found work wakes a sleeping P, which takes the poller role over.
* Timers live in one process-wide heap (Go 1.23 keeps one per P); whichever P runs
  the scheduler fires the due ones.
"""

from __future__ import annotations

import sys
import threading
import traceback
import weakref
from collections import deque
from collections.abc import Callable
from typing import Any, Final

import greenlet as _greenlet
from greenlet import greenlet

from . import netpoll, time, trace
from .error import Throw

# G status values (Go: src/runtime/runtime2.go _Grunnable and friends).
_Grunnable: Final = 1
_Grunning: Final = 2
_Gwaiting: Final = 4
_Gdead: Final = 6

# P states of this scheduler (no Go twin: Go tracks idle Ms and the poller in sched).
_Prunning: Final = 0
_Ppolling: Final = 1  # blocked in netpoll; woken by netpollBreak
_Psleeping: Final = 2  # asleep on its note; woken by notewakeup


# Go: src/runtime/panic.go throw
def throw(s: str) -> None:
    raise Throw("fatal error: " + s)


def println(*args: object) -> None:
    """Go's builtin println, as the runtime uses it to print the details (an errno, a
    count) before a throw: the arguments separated by spaces, a newline, on stderr."""
    print(*args, file=sys.stderr, flush=True)


class G:
    """A goroutine (Go: src/runtime/runtime2.go g)."""

    __slots__ = ("goid", "gr", "p", "status", "waitreason", "waitdetail", "fn", "args",
                 "startpc")

    def __init__(self, goid: int, gr: greenlet, p: P) -> None:
        self.goid = goid
        self.gr = gr
        self.p = p
        self.status = _Grunning
        self.waitreason = ""
        self.waitdetail: object = ""  # what it waits on, for traces and dumps: waitDetail
        self.fn: Callable[..., Any] | None = None
        self.args: tuple[Any, ...] = ()
        self.startpc: Callable[..., Any] | None = None  # the function it was started with

    def __repr__(self) -> str:
        return f"<goroutine {self.goid} {self.waitreason or self.status}>"


class P:
    """The scheduler state of one OS thread (Go: src/runtime/runtime2.go p, m and g0)."""

    def __init__(self, pid: int) -> None:
        self.id = pid
        self.thread = threading.get_ident()
        self.runq: deque[G] = deque()  # touched only by this P's thread
        self.inject: deque[G] = deque()  # Gs readied by other threads, under sched.lock
        self.state = _Prunning  # under sched.lock
        self.note = threading.Lock()  # held while nobody sleeps; release = wake-up
        self.note.acquire()
        self.g0: greenlet | None = None
        self.schedtick = 0  # Gs run so far: every 61st, a busy P polls the network


class schedt:
    """Process-wide scheduler state (Go: src/runtime/runtime2.go schedt)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.goidgen = 0
        self.pidgen = 0
        self.pollingP: P | None = None  # the P blocked in netpoll, if any
        self.pollUntil = 0  # when that poll returns at the latest (0: never)
        self.sleeping: list[P] = []  # Ps asleep on their note
        self.allp: list[P] = []


sched: Final = schedt()
# The tracer's switch, tested on every park and wake-up (Go: traceEnabled()). Bound
# once: the mypyc build then reads it from a C static, not through two dict look-ups.
_trace: Final = trace.state
_tls: Final = threading.local()
# Whether a P is this thread's is asked on every park and wake-up: it is answered by
# comparing P.thread with get_ident(), a C call, where _tls.p is a thread-local
# look-up. _tls.p is read only to find this thread's P (getp, the tracer).
get_ident: Final = threading.get_ident
# greenlet's getcurrent, bound once: the mypyc build then calls it from a C static
# instead of looking the imported name up in this module's dict on every getg.
getcurrent: Final = _greenlet.getcurrent
# Every live goroutine (Go: allgs), by its greenlet, held weakly: a goroutine nothing
# can wake any more is collected with its greenlet. Its G is gr.rawnet_g.
allgs: Final[weakref.WeakSet[greenlet]] = weakref.WeakSet()


def getp() -> P:
    """This thread's P, created on first use."""
    p: P | None = getattr(_tls, "p", None)
    if p is None:
        with sched.lock:
            sched.pidgen += 1
            p = P(sched.pidgen)
            sched.allp.append(p)
        _tls.p = p
    return p


def _newgoid() -> int:
    with sched.lock:
        sched.goidgen += 1
        return sched.goidgen


# Go: src/runtime/stubs.go getg
def getg() -> G:
    """The running goroutine. A greenlet that rawnet did not create (the thread's main
    greenlet, or a user's own) becomes a G of this thread's P the first time it asks."""
    gr = getcurrent()
    g: G | None = getattr(gr, "rawnet_g", None)
    if g is None:
        p = getp()
        if gr is p.g0:
            throw("getg on the scheduler (g0) greenlet")
        g = G(_newgoid(), gr, p)
        gr.rawnet_g = g
        allgs.add(gr)
    return g


def _goexit_hook(g: G, exc: BaseException) -> None:
    print(f"goroutine {g.goid} exited with an exception:", file=sys.stderr)
    traceback.print_exception(exc, file=sys.stderr)


# Called with (g, exception) when an Exception escapes a goroutine; replaceable, like
# threading.excepthook. The other goroutines carry on.
goexit_hook: Callable[[G, BaseException], None] = _goexit_hook


def set_goexit_hook(hook: Callable[[G, BaseException], None] | None) -> None:
    """Replace the hook that reports exceptions escaping goroutines (None: default)."""
    global goexit_hook
    goexit_hook = hook or _goexit_hook


def _goroutine_main() -> None:
    g = getg()
    fn, args = g.fn, g.args
    g.fn, g.args = None, ()
    assert fn is not None
    try:
        fn(*args)
    except Exception as e:  # KeyboardInterrupt and SystemExit propagate to g0
        goexit_hook(g, e)
    finally:
        g.status = _Gdead
        if _trace.enabled:
            trace.goStop(g, g.p, "end")


# Go: src/runtime/proc.go newproc
def go(fn: Callable[..., Any], *args: Any) -> G:
    """Start fn(*args) as a new goroutine on this thread's P and return it.

    It runs when the current goroutine parks (blocks in I/O, sleeps, waits) or yields
    with ``Gosched``, as a goroutine does on a Go runtime with GOMAXPROCS=1.
    """
    p = getp()
    gr = greenlet(_goroutine_main, parent=_g0(p))
    g = G(_newgoid(), gr, p)
    gr.rawnet_g = g
    g.fn, g.args, g.startpc = fn, args, fn
    g.status = _Grunnable
    allgs.add(gr)
    if _trace.enabled:
        trace.goCreate(g, p)
    p.runq.append(g)
    return g


def _g0(p: P) -> greenlet:
    """p's scheduler greenlet, created on first use (and again if a signal's exception
    unwound it)."""
    g0 = p.g0
    if g0 is None or g0.dead:
        root = getcurrent()
        while root.parent is not None:
            root = root.parent
        g0 = p.g0 = greenlet(mstart, parent=root)
    return g0


# Go: src/runtime/proc.go gopark
def gopark(
    unlockf: Callable[[G, Any], bool] | None, lock: Any, reason: str, detail: object = ""
) -> None:
    """Park the running goroutine until goready. unlockf(g, lock) runs once the
    goroutine is committed to parking; if that returns False the goroutine resumes at
    once. reason is Go's wait reason ("IO wait"); detail says on what, for traces and
    dumps (see waitDetail; it is stored as given, so the park path formats nothing)."""
    gp = getg()
    p = gp.p
    if p.thread != get_ident():
        throw("gopark: goroutine used from a thread other than its own")
    gp.waitreason = reason
    gp.waitdetail = detail
    gp.status = _Gwaiting
    park_m(p, gp, unlockf, lock)


# Go: src/runtime/proc.go goparkunlock
def goparkunlock(lock: threading.Lock, reason: str) -> None:
    gopark(_unlock, lock, reason)


def _unlock(gp: G, lock: threading.Lock) -> bool:
    lock.release()
    return True


# Go: src/runtime/proc.go goready
def goready(gp: G) -> None:
    """Make a parked goroutine runnable on its own P, waking that P if needed."""
    gp.status = _Grunnable
    gp.waitreason = ""
    p = gp.p
    if _trace.enabled:
        trace.goUnpark(gp, getattr(_tls, "p", None), _readier())
    if p.thread == get_ident():
        p.runq.append(gp)
        return
    _inject(p, gp)


def _readier() -> str:
    g = getattr(getcurrent(), "rawnet_g", None)
    return f"G{g.goid}" if g is not None else getattr(_tls, "readier", "scheduler")


def waitDetail(g: G) -> str:
    """What a parked goroutine waits on, as text: "fd 7 read" for the poller's (fd,
    mode) pairs, anything else as str()."""
    d = g.waitdetail
    if isinstance(d, tuple):
        fd, mode = d
        return f"fd {fd} {'read' if mode == netpoll.modeR else 'write'}"
    return str(d)


def _inject(p: P, gp: G) -> None:
    """Hand gp to another thread's P (Go: injectglist + wakep)."""
    wakepoller = False
    with sched.lock:
        p.inject.append(gp)
        if p.state == _Psleeping:
            _notewakeup(p)
        elif p.state == _Ppolling:
            wakepoller = True
    if wakepoller:
        netpoll.netpollBreak()


def _notewakeup(p: P) -> None:
    # Called with sched.lock held, for a P in _Psleeping.
    p.state = _Prunning
    sched.sleeping.remove(p)
    p.note.release()


# Go: src/runtime/proc.go injectglist
def injectglist(glist: list[G]) -> None:
    for gp in glist:
        goready(gp)


# Go: src/runtime/proc.go Gosched
def Gosched() -> None:
    """Yield: let the other runnable goroutines of this thread run first."""
    gp = getg()
    p = gp.p
    if _trace.enabled:
        trace.goStop(gp, p, "yield")
    gp.status = _Grunnable
    p.runq.append(gp)
    schedule(p)


# Go: src/runtime/proc.go park_m
def park_m(p: P, gp: G, unlockf: Callable[[G, Any], bool] | None, lock: Any) -> None:
    """Run gp's unlockf; if that says no, gp runs on, else schedule another G.

    Go runs this on g0, after gp is off its stack. Here it runs on gp's stack (see the
    module docstring): once unlockf has published gp (as netpollblockcommit does, in
    the poll descriptor), another thread may ready it at once, but it can only put gp
    on this P's injection queue, which this thread reads after gp has switched away."""
    if unlockf is not None and not unlockf(gp, lock):
        gp.status = _Grunning
        gp.waitreason = ""
        return
    if _trace.enabled:
        trace.goStop(gp, p, " ".join(filter(None, (gp.waitreason, waitDetail(gp)))))
    schedule(p)


# Go: src/runtime/proc.go schedule
def schedule(p: P) -> None:
    """Run another G, on the stack of the G that leaves (it parked or yielded); return
    when that G runs again. A G that is runnable right away is switched to directly;
    otherwise g0 finds one, waiting if it must."""
    if time.timers.heap:
        time.checkTimers(time.nanotime())
    # A G that has not started yet (its greenlet is false) is left to g0: a greenlet's
    # first frame inherits the recursion depth of the greenlet that switches into it,
    # so Gs started from each other's stacks would nest until RecursionError.
    if p.runq and p.runq[0].gr:
        execute(p, runqget(p))
    else:
        _g0(p).switch()


# Go: src/runtime/proc.go execute
def execute(p: P, gp: G) -> None:
    """Switch to gp (a no-op when gp is the caller, readied again in the meantime)."""
    gp.status = _Grunning
    p.schedtick += 1
    if _trace.enabled:
        trace.goStart(gp, p)
    gp.gr.switch()


# Go: src/runtime/proc.go mstart
def mstart(*_: Any) -> None:
    """The body of every g0: forever find a runnable G and run it. Control comes back
    here when a G ends (g0 is its greenlet's parent) or parks with nothing runnable."""
    p = getp()
    while True:
        execute(p, findRunnable(p))


# Go: src/runtime/proc.go runqget
def runqget(p: P) -> G:
    """The next G of p's run queue, which is not empty, with findRunnable's checks for
    a P that is busy: now and then look at the network, and hand polling to a sleeping
    P."""
    if p.schedtick % 61 == 0 and _canPoll():
        _pollNonBlocking()  # fairness: busy Ps still look at the network
    if sched.sleeping and sched.pollingP is None:
        wakep()
    return p.runq.popleft()


# Go: src/runtime/proc.go findRunnable
def findRunnable(p: P) -> G:
    """Return a runnable G, firing timers and polling the network while there is none."""
    while True:
        pollUntil = time.checkTimers(time.nanotime()) if time.timers.heap else 0
        if p.runq:
            return runqget(p)
        if p.inject:
            with sched.lock:
                p.runq.extend(p.inject)
                p.inject.clear()
            continue
        if _canPoll() and netpoll.netpollAnyWaiters():
            if _pollNonBlocking():
                continue
        _block(p, pollUntil)


def _canPoll() -> bool:
    return netpoll.netpollinited() and sched.pollingP is None


def _pollNonBlocking() -> bool:
    glist, delta = _netpoll(getp(), 0)
    _injectPolled(glist, delta)
    return bool(glist)


def _netpoll(p: P, delay: int) -> tuple[list[G], int]:
    if not _trace.enabled:
        return netpoll.netpoll(delay)
    t0 = trace.now()
    glist, delta = netpoll.netpoll(delay)
    trace.netpoll(p, delay, t0, glist)
    return glist, delta


def _injectPolled(glist: list[G], delta: int) -> None:
    if _trace.enabled:
        _tls.readier = "netpoll"  # for the trace's "readied by" arrows
        injectglist(glist)
        _tls.readier = "scheduler"
    else:
        injectglist(glist)
    netpoll.netpollAdjustWaiters(delta)


def _block(p: P, pollUntil: int) -> None:
    """Nothing to run: poll the network if nobody else does, else sleep on the note."""
    # The poller must exist before this P can be seen polling: a goready from another
    # thread that finds us _Ppolling wakes us with netpollBreak, which needs it.
    netpoll.netpollGenericInit()
    wakePoller = False
    with sched.lock:
        if p.inject:
            return
        if sched.pollingP is None:
            sched.pollingP = p
            sched.pollUntil = pollUntil
            p.state = _Ppolling
            poller = True
        else:
            # Another P polls, until sched.pollUntil. If that is later than our next
            # timer, it must recompute: the timer may have been added while that P
            # was between computing its delay and blocking, when wakeNetPoller found
            # nobody polling and could not tell it. Go makes the same check in
            # findRunnable, before stopm.
            pollerPollUntil = sched.pollUntil
            wakePoller = pollUntil != 0 and (pollerPollUntil == 0
                                             or pollerPollUntil > pollUntil)
            p.state = _Psleeping
            sched.sleeping.append(p)
            poller = False
    if poller:
        _poll(p, pollUntil)
        return
    if wakePoller:
        netpoll.netpollBreak()
    _notesleep(p)


def _poll(p: P, pollUntil: int) -> None:
    delay = -1
    if pollUntil:
        delay = max(pollUntil - time.nanotime(), 0)
    try:
        glist, delta = _netpoll(p, delay)
    finally:
        with sched.lock:
            sched.pollingP = None
            sched.pollUntil = 0
            p.state = _Prunning
    _injectPolled(glist, delta)


# Go: src/runtime/proc.go wakep
def wakep() -> None:
    """This P is about to run a G and nobody polls: wake a sleeping P so that it takes
    the poller role (and the timers) over. Go wakes an idle P to spin for work."""
    with sched.lock:
        if sched.sleeping and sched.pollingP is None:
            _notewakeup(sched.sleeping[0])


def _notesleep(p: P) -> None:
    try:
        p.note.acquire()
    except BaseException:
        with sched.lock:
            if p.state == _Psleeping:
                p.state = _Prunning
                sched.sleeping.remove(p)
            else:
                p.note.acquire()  # the wake-up raced with the signal: consume it
        raise


# Go: src/runtime/proc.go wakeNetPoller
def wakeNetPoller(when: int) -> None:
    """A timer at when was added: if the poller sleeps past it, make it recompute."""
    with sched.lock:
        pollingP = sched.pollingP
        polling = pollingP is not None and pollingP.thread != get_ident()
        late = sched.pollUntil == 0 or when < sched.pollUntil
        if not polling:
            # Nobody polls: wake a sleeper so that someone watches the clock.
            if sched.sleeping:
                _notewakeup(sched.sleeping[0])
            return
    if late:
        netpoll.netpollBreak()
