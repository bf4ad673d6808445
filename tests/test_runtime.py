"""The goroutine runtime: scheduling, timers, cross-thread wake-ups, exception
reporting, and the poller's delay rules."""

from __future__ import annotations

import gc
import os
import sys
import threading
import time
import weakref

import greenlet
import pytest

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
