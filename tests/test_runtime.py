"""The goroutine runtime: scheduling, timers, cross-thread wake-ups, exception
reporting, and the poller's delay rules."""

from __future__ import annotations

import gc
import os
import sys
import threading
import time
import weakref
from typing import Any

import greenlet
import pytest
from nettest import close_all, pair

import rawnet
from rawnet.linux import netpoll_epoll
from rawnet.runtime import netpoll, proc, sema
from rawnet.runtime import time as rtime
from rawnet.sys import gate

pytestmark = pytest.mark.timeout(30)

# These tests drive the epoll backend directly (epoll's timeout and eventfd); other
# backends have theirs in test_pollers.py.
epoll_only = pytest.mark.skipif(
    (os.environ.get("RAWNET_POLLER") or "epoll") != "epoll",
    reason="epoll backend test; RAWNET_POLLER selects another",
)


def test_goroutines_run_when_main_parks() -> None:
    order: list[str] = []
    rawnet.go(order.append, "a")
    rawnet.go(order.append, "b")
    assert order == []  # not before the main goroutine gives the thread up
    rawnet.Gosched()
    assert order == ["a", "b"]


def test_finished_goroutines_leave_allgs() -> None:
    # allgs holds goroutines by their greenlets, weakly, so that finished ones do not
    # pile up (Go keeps dead Gs for reuse; rawnet lets them go).
    def done() -> None:
        pass

    gs = [rawnet.go(done) for _ in range(50)]
    refs = [weakref.ref(g.gr) for g in gs]
    assert all(r() in proc.allgs for r in refs)
    rawnet.Gosched()  # they all run to the end
    assert {g.status for g in gs} == {proc._Gdead}
    del gs
    gc.collect()
    assert [r for r in refs if r() is not None] == []


def test_gosched_interleaves() -> None:
    order: list[tuple[str, int]] = []
    wg = rawnet.WaitGroup()

    def worker(name: str) -> None:
        for i in range(3):
            order.append((name, i))
            rawnet.Gosched()
        wg.Done()

    wg.Add(2)
    rawnet.go(worker, "x")
    rawnet.go(worker, "y")
    wg.Wait()
    assert order == [("x", 0), ("y", 0), ("x", 1), ("y", 1), ("x", 2), ("y", 2)]


def test_park_switches_straight_to_the_next_started_goroutine() -> None:
    # Two running goroutines yielding to each other: every switch goes G -> G, none
    # through the scheduler greenlet (g0), once both have started.
    wg = rawnet.WaitGroup()
    switches: list[tuple[object, object]] = []

    def worker() -> None:
        for _ in range(5):
            rawnet.Gosched()
        wg.Done()

    wg.Add(2)
    a, b = rawnet.go(worker), rawnet.go(worker)
    rawnet.Gosched()  # both start (g0 starts new goroutines), then run on their own
    old = greenlet.settrace(lambda event, args: switches.append(args))
    try:
        wg.Wait()
    finally:
        greenlet.settrace(old)
    direct = [pair for pair in switches if set(pair) == {a.gr, b.gr}]
    # 4 more yields each after the first: 7 or 8 of them hand over directly (the
    # rest go through g0 only when a goroutine ends, to its greenlet's parent).
    assert len(direct) >= 7, switches


def test_goroutines_started_by_goroutines_do_not_nest() -> None:
    # Each goroutine starts the next and parks. Were each started from its parent's
    # stack, a greenlet's first frame would inherit that depth and the chain would
    # hit RecursionError long before 3 * sys.getrecursionlimit() goroutines.
    n = 3 * sys.getrecursionlimit()
    wg = rawnet.WaitGroup()
    wg.Add(n)

    def chain(i: int) -> None:
        if i + 1 < n:
            rawnet.go(chain, i + 1)
        rawnet.Gosched()
        wg.Done()

    rawnet.go(chain, 0)
    wg.Wait()


def test_sleep_orders_goroutines_by_deadline() -> None:
    woke: list[int] = []
    wg = rawnet.WaitGroup()

    def sleeper(i: int) -> None:
        rawnet.Sleep(0.005 * i)
        woke.append(i)
        wg.Done()

    wg.Add(5)
    for i in (4, 2, 0, 3, 1):
        rawnet.go(sleeper, i)
    start = time.monotonic()
    wg.Wait()
    assert woke == [0, 1, 2, 3, 4]
    assert time.monotonic() - start >= 0.02


def test_sleep_lasts_at_least_its_duration() -> None:
    for d in (0.001, 0.01, 0.03):
        t0 = time.monotonic()
        rawnet.Sleep(d)
        assert time.monotonic() - t0 >= d


def test_sleep_zero_or_negative_yields() -> None:
    ran: list[int] = []
    rawnet.go(ran.append, 1)
    rawnet.Sleep(0)
    assert ran == [1]
    rawnet.go(ran.append, 2)
    rawnet.Sleep(-1)
    assert ran == [1, 2]


def test_exception_in_goroutine_is_reported_and_others_carry_on() -> None:
    reported: list[tuple[proc.G, BaseException]] = []
    rawnet.set_goexit_hook(lambda g, e: reported.append((g, e)))
    try:
        done: list[str] = []

        def bad() -> None:
            raise ValueError("boom")

        g = rawnet.go(bad)
        rawnet.go(done.append, "after")
        rawnet.Gosched()
        assert done == ["after"]
        assert len(reported) == 1 and reported[0][0] is g
        assert isinstance(reported[0][1], ValueError)
    finally:
        rawnet.set_goexit_hook(None)


def test_default_goexit_hook_prints_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    def bad() -> None:
        raise RuntimeError("visible")

    rawnet.go(bad)
    rawnet.Gosched()
    err = capsys.readouterr().err
    assert "exited with an exception" in err and "RuntimeError: visible" in err


def test_semaphore_release_from_another_thread_wakes_goroutine() -> None:
    s = sema.Sema()
    released = threading.Event()

    def releaser() -> None:
        released.wait(10)
        sema.semrelease(s)

    t = threading.Thread(target=releaser)
    t.start()
    released.set()
    sema.semacquire(s)  # parks the main goroutine; the poller sleeps until woken
    t.join()


def test_many_cross_thread_wakeups_are_not_lost() -> None:
    # Ping-pong between goroutines of two threads through two semaphores.
    ping, pong = sema.Sema(), sema.Sema()
    N = 500

    def other() -> None:
        for _ in range(N):
            sema.semacquire(ping)
            sema.semrelease(pong)

    t = threading.Thread(target=other)
    t.start()
    for _ in range(N):
        sema.semrelease(ping)
        sema.semacquire(pong)
    t.join(10)
    assert not t.is_alive()


def test_gopark_refuses_a_goroutine_of_another_threads_p() -> None:
    # gopark and goready tell this thread's P by its thread id (P.thread): a G whose P
    # belongs to another thread must not park here.
    ps: list[proc.P] = []
    t = threading.Thread(target=lambda: ps.append(proc.getp()))
    t.start()
    t.join()
    g = proc.getg()
    own = g.p
    g.p = ps[0]
    try:
        with pytest.raises(proc.Throw, match="thread other than its own"):
            proc.gopark(None, None, "test")
    finally:
        g.p = own
    assert g.status != proc._Gwaiting  # refused before it changed state


def test_timer_stop_and_modify() -> None:
    fired: list[int] = []
    t = rtime.timer()
    now = rtime.nanotime()
    assert not t.modify(now + 10**9, lambda a, s, d: fired.append(s), None, 1)
    assert t.modify(now, lambda a, s, d: fired.append(s), None, 2)  # re-armed: one firing
    rtime.checkTimers(rtime.nanotime())
    assert fired == [2]
    assert not t.stop()  # already fired
    t.modify(now + 10**12, lambda a, s, d: fired.append(s), None, 3)
    assert t.stop()
    rtime.checkTimers(now + 10**12 + 1)
    assert fired == [2]


def test_timer_heap_drops_zombies() -> None:
    t = rtime.timer()
    base = rtime.nanotime() + 10**12
    for i in range(1000):  # a deadline moved a thousand times
        t.modify(base + i, lambda a, s, d: None, None, i)
    rtime.checkTimers(rtime.nanotime())
    assert len(rtime.timers.heap) < 600
    t.stop()


@epoll_only
@pytest.mark.parametrize(
    ("delay", "waitms"),
    [(0, 0), (1, 1), (999_999, 1), (1_000_000, 1), (1_999_999, 1), (25_000_000, 25),
     (10**15, 1_000_000_000), (10**18, 1_000_000_000)],
)
def test_netpoll_delay_to_epoll_timeout(delay: int, waitms: int) -> None:
    # Go's rules: never round a short sleep down to a busy poll; truncate; cap.
    netpoll.netpollGenericInit()
    netpoll_epoll.netpollBreak()  # so that the poll below returns at once
    with gate.record() as rec:
        glist, _ = netpoll_epoll.netpoll(delay)
    assert glist == []
    (call,) = [c for c in rec.calls if c.name == "epoll_pwait"]
    assert call.args[3] == waitms
    if delay == 0:  # a non-blocking poll leaves the wake-up pending: drain it
        netpoll_epoll.netpoll(1)


@epoll_only
def test_netpoll_break_is_coalesced() -> None:
    netpoll.netpollGenericInit()
    with gate.record() as rec:
        netpoll_epoll.netpollBreak()
        netpoll_epoll.netpollBreak()
        netpoll_epoll.netpollBreak()
        netpoll_epoll.netpoll(1)  # drains the eventfd, re-arms the wake flag
    writes = [c for c in rec.calls if c.name == "write"]
    reads = [c for c in rec.calls if c.name == "read"]
    assert len(writes) == 1 and writes[0].args[2] == 8
    assert len(reads) == 1 and reads[0].ret == 8
    assert netpoll_epoll.netpollWakeSig.Load() == 0


def test_epoll_event_layout() -> None:
    import ctypes
    import platform

    from rawnet.linux.epoll import epoll_event

    if platform.machine() == "x86_64":
        assert ctypes.sizeof(epoll_event) == 12 and epoll_event.data.offset == 4
    else:
        assert ctypes.sizeof(epoll_event) == 16 and epoll_event.data.offset == 8


POLL_CALLS = ("epoll_pwait", "poll", "kevent")


class HoldPollers:
    """A gate hook that stages Go's findRunnable race between two threads.

    Thread A's first non-blocking poll is held: A has computed its pollUntil (no timer
    then) and will next become the poller, blocking with no timeout. While A is held,
    the main thread arms a timer (wakeNetPoller finds nobody polling: it can tell no
    one) and parks; its own non-blocking poll releases A and waits until A is about to
    block. The main thread then finds A polling and must break it, or its timer fires
    only when unrelated I/O wakes A."""

    def __init__(self, a: int) -> None:
        self.a = a
        self.armed = threading.Event()  # the main thread is about to arm its timer
        self.a_held = threading.Event()
        self.release_a = threading.Event()
        self.a_blocking = threading.Event()

    def before(self, entry: gate.Entry, args: tuple[Any, ...]) -> int | None:
        if entry.name not in POLL_CALLS or not self.armed.is_set():
            return None
        me = threading.get_ident()
        if me == self.a and not entry.blocking and not self.a_held.is_set():
            self.a_held.set()
            assert self.release_a.wait(10), "the main thread never parked"
        elif me == self.a and entry.blocking and self.release_a.is_set():
            self.a_blocking.set()
        elif me != self.a and not entry.blocking and self.a_held.is_set():
            self.release_a.set()
            assert self.a_blocking.wait(10), "thread A never blocked in the poller"
        return None

    def after(self, entry: gate.Entry, args: tuple[Any, ...], ret: int) -> None:
        pass


def test_timer_armed_while_another_thread_prepares_to_poll_is_not_missed() -> None:
    netpoll.netpollGenericInit()
    if netpoll.backend.level_triggered:
        # poll(2)'s non-blocking netpoll returns at once, without a syscall, while
        # another thread's poll holds the arrays (mtxset): the main thread's trigger
        # below never reaches the gate, and it becomes the poller itself. The fix in
        # _block is the same for every backend; this staging needs epoll or kqueue.
        pytest.skip("the race cannot be staged through the gate on the poll(2) backend")
    ln, c, s = pair()
    a_parked = threading.Event()
    errors: list[BaseException] = []

    def reader() -> None:  # thread A: its only goroutine waits for s's data
        try:
            hook.a = threading.get_ident()
            a_parked.set()
            s.Read(bytearray(1))
        except BaseException as e:  # noqa: BLE001 - reported by the main thread
            errors.append(e)

    hook = HoldPollers(0)
    gate.add_hook(hook)
    a = threading.Thread(target=reader)
    try:
        hook.armed.set()
        a.start()
        assert a_parked.wait(10)
        assert hook.a_held.wait(10), "thread A never polled"
        rescued = threading.Event()

        def rescue() -> None:
            # Only if the timer is missed: give A the I/O it waits for, which wakes it;
            # it then fires the overdue timer, and the assertion below fails instead
            # of the test hanging.
            if not done.wait(5):
                rescued.set()
                c.Write(b"x")

        done = threading.Event()
        watchdog = threading.Thread(target=rescue)
        watchdog.start()
        t0 = time.monotonic()
        rawnet.Sleep(0.05)  # arms a timer, then parks: the race above
        elapsed = time.monotonic() - t0
        done.set()
        watchdog.join(10)
        assert not rescued.is_set(), f"the timer fired only after {elapsed:.1f} s, on I/O"
    finally:
        gate.remove_hook(hook)
        hook.release_a.set()
        hook.a_blocking.set()
        c.Write(b"y")  # A's Read returns; its thread ends
        a.join(10)
        close_all(c, s, ln)
    assert not a.is_alive()
    assert not errors, errors
