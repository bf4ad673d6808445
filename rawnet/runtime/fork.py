"""The runtime in a child made by ``os.fork`` (no Go twin: rawnet only).

Go has no fork without exec. ``syscall.forkExec`` forks and the child calls
``runtime_AfterForkInChild`` (Go: src/runtime/proc.go syscall_runtime_AfterForkInChild),
which only resets the signal handlers and the signal mask, then ``exec``s at once: the
Go runtime never runs in a forked child, so it never has to repair itself there
(the child may even share the parent's memory, under vfork, and must not write a
global). Python programs do fork and keep running: pre-fork servers (listen, fork N
workers, each accepts on the inherited listener), ``multiprocessing``'s default start
method on Linux. This module makes rawnet's runtime usable in such a child, through
``os.register_at_fork``; importing ``rawnet.runtime`` installs it.

What the child inherits, and what is done about it:

* **Only the forking thread survives.** fork(2) copies the whole address space but
  only the calling thread. The other threads' Ps, their goroutines, the sleeping Ps,
  and the polling P if it is another thread's, are gone; their objects are still in
  memory, copied, frozen where those threads were. The child keeps this thread's P
  (its run queue, its injection queue, its goroutines parked anywhere: they are all
  alive and resume in the child) and forgets the others: ``sched.allp`` lists this P
  only, ``sched.sleeping`` is empty, ``sched.pollingP`` is cleared unless it is this P.
  A vanished P is left in ``_Prunning``, so that a late ``goready`` of one of its
  goroutines (a semaphore handing it a unit) only queues it where nobody looks: that
  goroutine never runs again, which is the truth.
* **Locks.** A lock another thread held at the moment of the fork stays held in the
  child for ever: nobody is left to release it. Every runtime lock the child can reach
  is made anew: ``sched.lock``, the timers' lock, ``pollcache.lock``, each pollDesc's
  lock, the tracer's lock, and the poll(2) backend's ``mtxpoll``/``mtxset`` (which a
  poller thread holds for as long as it sleeps in poll(2)). The alternative, the
  classic ``pthread_atfork`` pattern, takes each lock in ``before`` (so that no other
  thread is inside a critical section when the fork happens) and releases it in both
  processes after. rawnet does that for ``netpollInitLock`` only, so that a child
  never inherits a poller half made by another thread: that lock is held once per
  process, briefly. For the others it would make fork wait for a poller thread's
  poll(2) to return (mtxset), and would deadlock a fork made by a Python signal
  handler that interrupted this very thread inside one of them. Without it, what
  another thread was changing at the fork may be half changed in the child; the
  structures the child keeps are each changed by one C-level operation under the GIL
  (a heap push, a list append) or at worst lose one entry (a pollDesc half way onto
  the free list is never reused).
* **The poller.** The child's copies of the epoll fd and of the eventfd (or of the
  wake-up pipe) are the parent's epoll instance and eventfd, not copies of them: a
  child polling it would take events meant for the parent (with cookies that index the
  parent's poll cache), its netpollBreak would wake the parent, and whatever it
  registered or unregistered would change the parent's interest list too. (A kqueue is
  not inherited at all: netpoll_kqueue.py.) The child closes its copies (that closes
  nothing in the parent: the kernel objects live on while the parent holds them),
  makes a poller of its own (the backend's ``netpollAfterForkInChild``) and registers
  again every pollDesc in use, so the listeners and connections it inherited keep
  working. A fd that is ready when it is added is reported at once, edge-triggered or
  not: connections already waiting in an inherited listener's queue are not missed.
* **Goroutines of other threads parked in the poller.** A pollDesc's ``rg``/``wg`` may
  hold one of them: it is cleared to ``pdNil`` (an event, a deadline or a Close would
  otherwise ready it onto a vanished P), and ``netpollWaiters`` is counted again from
  the goroutines left (a vanished waiter counted for ever would keep the scheduler
  polling for it). ``pdWait`` is cleared too: it belongs to a goroutine between
  "about to park" and "parked", which in the child is another thread's; were it this
  thread's (a fork from a signal handler), its commit fails and it simply retries.
* **Timers.** The one heap holds timers of every thread's goroutines: a Sleep's timer
  of a goroutine of another thread is dropped (its ``goready`` would target a vanished
  P). Timers on pollDescs (deadlines) belong to the fd, not a thread, and are kept.
* **Tracers.** The runtime tracer keeps its events and its lock is made anew; a
  trace the child starts and stops is its own. The strace-format tracer (rawnet/strace)
  keeps writing to its file from both processes; its own lock is not reset here.

What stays unsafe, as in any program that forks while other threads run (Python
3.12 warns about it): a goroutine of a vanished thread that held an fd's read or
write lock, or a reference to it, still holds it in the child, so that fd's Close
waits for it for ever ("close wait"); use such fds in the child only if no other
thread was using them at the fork. Locks outside the runtime (a semaphore's, the
``net`` package's once-only locks, the strace-format tracer's) are not reset. And a
fork made by a Python signal handler that interrupted this very thread inside one of
the runtime's critical sections finds that lock made anew (the section's release then
fails); the one case that matters, a handler that runs while this thread polls, is
supported on epoll and kqueue, whose poll holds no lock, but not on the poll(2)
backend, whose poll holds mtxset.
"""

from __future__ import annotations

import heapq
import os
import threading

from . import netpoll, proc, time, trace
from .netpoll import modeR, modeW, pdNil, pdWait, pollDesc


def _beforeFork() -> None:
    # Wait until no thread is creating the poller: the child then finds it whole, or
    # not made at all.
    netpoll.netpollInitLock.acquire()


def _afterForkInParent() -> None:
    netpoll.netpollInitLock.release()


def _afterForkInChild() -> None:
    # The forking thread's P, or None if it never ran a goroutine.
    p: proc.P | None = getattr(proc._tls, "p", None)
    _resetSched(p)
    _resetTimers(p)
    trace._lock = threading.Lock()
    if netpoll.netpollinited():
        _resetPoller(p)
    netpoll.netpollInitLock.release()  # taken by _beforeFork


def _vanished(v: object, p: proc.P | None) -> bool:
    """Whether v is a goroutine of a thread that did not survive the fork."""
    return isinstance(v, proc.G) and v.p is not p


def _resetSched(p: proc.P | None) -> None:
    sched = proc.sched
    sched.lock = threading.Lock()
    for q in sched.allp:
        if q is not p:
            q.state = proc._Prunning
    sched.allp.clear()
    if p is not None:
        sched.allp.append(p)
    sched.sleeping.clear()
    # This thread is the poller only if the fork was made inside its netpoll (by a
    # signal handler): it then clears pollingP itself when netpoll returns.
    if sched.pollingP is not p:
        sched.pollingP = None
        sched.pollUntil = 0


def _resetTimers(p: proc.P | None) -> None:
    timers = time.timers
    timers.lock = threading.Lock()
    kept: list[tuple[int, int, time.timer, int]] = []
    for e in timers.heap:
        _, _, t, gen = e
        if gen != t.gen:
            continue  # a zombie: drop it now
        if _vanished(t.arg, p):
            t.when = 0  # disarmed: its goroutine's thread is gone
            continue
        kept.append(e)
    heapq.heapify(kept)
    timers.heap[:] = kept
    timers.zombies = 0


def _resetPoller(p: proc.P | None) -> None:
    cache = netpoll.pollcache
    cache.lock = threading.Lock()
    free: set[int] = set()  # the indexes of the pollDescs on the free list
    pd = cache.first
    while pd is not None:
        free.add(pd.index)
        pd = pd.link
    inUse: list[pollDesc] = []
    waiters = 0
    for pd in cache.all:
        pd.lock = threading.Lock()
        if pd.index in free:
            continue
        for gpp in (pd.rg, pd.wg):
            v = gpp.Load()
            if v is pdWait or _vanished(v, p):
                gpp.Store(pdNil)
            elif isinstance(v, proc.G):
                waiters += 1  # a goroutine of this thread, parked: it lives on
        # A closing pollDesc (Close has unblocked it, pollClose is yet to come) needs
        # no events any more; netpollclose of a fd that was never added is harmless.
        if pd.fd >= 0 and not pd.closing:
            inUse.append(pd)
    netpoll.netpollWaiters.Store(waiters)

    backend = netpoll.backend
    backend.netpollAfterForkInChild()
    for pd in inUse:
        # An error (EBADF: the fd was closed behind the runtime's back) leaves the fd
        # unwatched, as it already was in effect.
        backend.netpollopen(pd.fd, pd)
        if backend.level_triggered:
            # poll(2) watches a direction only once armed, and a goroutine parked
            # here armed it in the parent's arrays.
            if isinstance(pd.rg.Load(), proc.G):
                backend.netpollarm(pd, modeR)
            if isinstance(pd.wg.Load(), proc.G):
                backend.netpollarm(pd, modeW)


os.register_at_fork(
    before=_beforeFork, after_in_parent=_afterForkInParent, after_in_child=_afterForkInChild
)
