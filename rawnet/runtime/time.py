"""Runtime timers and Sleep (Go: src/runtime/time.go).

A timer calls ``f(arg, seq, delay)`` once at ``when`` (monotonic nanoseconds), from
the scheduler of whichever thread fires it: the poller sleeps until the earliest one.
Callbacks must not block; they ready goroutines (``Sleep``) or wake them with an error
(the poller's deadline timers).

Go 1.23 keeps one heap per P; here one heap serves the process (see proc.py). Stopped
or re-armed timers leave their old heap entry behind; an entry whose generation no
longer matches its timer is skipped when it comes up, and the heap is rebuilt when
such zombies make up most of it (Go counts zombies the same way).
"""

from __future__ import annotations

import heapq
import threading
import time as _time
from collections.abc import Callable
from typing import Any, Final

from . import proc, trace

nanotime = _time.monotonic_ns


class timer:
    """Go: src/runtime/time.go timer."""

    __slots__ = ("when", "f", "arg", "seq", "gen")

    def __init__(self) -> None:
        self.when = 0  # 0: not armed
        self.f: Callable[[Any, int, int], None] | None = None
        self.arg: Any = None
        self.seq = 0
        self.gen = 0  # bumped on every modify/stop; heap entries carry the gen they were for

    # Go: src/runtime/time.go timer.modify
    def modify(self, when: int, f: Callable[[Any, int, int], None], arg: Any, seq: int) -> bool:
        """Arm (or re-arm) the timer; returns whether it was armed before."""
        with timers.lock:
            pending = self.when != 0
            if pending:
                timers.zombies += 1
            self.gen += 1
            self.when = when
            self.f, self.arg, self.seq = f, arg, seq
            timers.counter += 1
            heapq.heappush(timers.heap, (when, timers.counter, self, self.gen))
            earliest = timers.heap[0][2] is self
        if earliest:
            proc.wakeNetPoller(when)
        return pending

    # Go: src/runtime/time.go timer.stop
    def stop(self) -> bool:
        """Disarm; returns whether the timer was armed."""
        with timers.lock:
            pending = self.when != 0
            if pending:
                timers.zombies += 1
                self.gen += 1
                self.when = 0
            return pending


class _timers:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.heap: list[tuple[int, int, timer, int]] = []
        self.counter = 0  # tie-breaker so that heap entries never compare timers
        self.zombies = 0


# The one timer heap (Final: the scheduler tests it on every park, and the mypyc build
# then reads it from a C static instead of the module's dict).
timers: Final = _timers()


def checkTimers(now: int) -> int:
    """Run every timer due at now; return when the next one is due (0: none).

    Go: src/runtime/time.go ts.check / ts.run.
    """
    if not timers.heap:
        return 0
    due: list[timer] = []
    args: list[tuple[Any, int]] = []
    with timers.lock:
        h = timers.heap
        while h and h[0][0] <= now:
            _, _, t, gen = heapq.heappop(h)
            if gen != t.gen:
                timers.zombies -= 1
                continue
            t.when = 0
            due.append(t)
            args.append((t.arg, t.seq))
        if timers.zombies > 64 and timers.zombies * 2 > len(h):
            _compact()
        nxt = _next()
    for t, (arg, seq) in zip(due, args, strict=True):
        f = t.f
        if f is None:
            continue
        if trace.state.enabled:
            trace.timerFire(getattr(proc._tls, "p", None), f)
            proc._tls.readier = "timer"  # for the trace's "readied by" arrows
            f(arg, seq, 0)
            proc._tls.readier = "scheduler"
        else:
            f(arg, seq, 0)
    return nxt


def _next() -> int:
    h = timers.heap
    while h and h[0][3] != h[0][2].gen:
        heapq.heappop(h)
        timers.zombies -= 1
    return h[0][0] if h else 0


def _compact() -> None:
    timers.heap = [e for e in timers.heap if e[3] == e[2].gen]
    heapq.heapify(timers.heap)
    timers.zombies = 0


# Go: src/runtime/time.go goroutineReady
def goroutineReady(arg: Any, seq: int, delay: int) -> None:
    proc.goready(arg)


def _resetForSleep(gp: proc.G, arg: tuple[timer, int]) -> bool:
    # Go arms the sleep timer only once the goroutine is off its stack (resetForSleep
    # is gopark's unlockf), so the timer can never ready a goroutine still running.
    t, when = arg
    t.modify(when, goroutineReady, gp, 0)
    return True


# Go: src/runtime/time.go timeSleep
def timeSleep(ns: int) -> None:
    if ns <= 0:
        proc.Gosched()
        return
    proc.gopark(_resetForSleep, (timer(), nanotime() + ns), "sleep")


def Sleep(seconds: float) -> None:
    """Pause the calling goroutine for at least seconds (Go: time.Sleep); the other
    goroutines run meanwhile. A duration is seconds as a float."""
    timeSleep(int(seconds * 1e9))
