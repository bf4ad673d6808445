"""WaitGroup (Go: src/sync/waitgroup_test.go), across goroutines and across OS threads.

Go's test names are kept: ``TestWaitGroup`` is ``test_WaitGroup`` and so on.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time

import pytest

from rawnet.runtime.proc import Gosched, go
from rawnet.sync import WaitGroup, WaitGroupPanic

pytestmark = pytest.mark.timeout(30)


def counter(wg: WaitGroup) -> int:
    return wg.state.Load() >> 32


def waiters(wg: WaitGroup) -> int:
    return wg.state.Load() & 0xFFFFFFFF


def settle(cond: object, rounds: int = 1000) -> None:
    assert callable(cond)
    for _ in range(rounds):
        if cond():
            return
        Gosched()
    raise AssertionError("goroutines never reached the expected state")


def until(cond: object, timeout: float = 10.0) -> None:
    """Spin until cond holds, for conditions other OS threads bring about."""
    assert callable(cond)
    deadline = time.monotonic() + timeout
    while not cond():
        assert time.monotonic() < deadline, "other threads never reached the expected state"
        os.sched_yield()


def waitGroupRound(wg1: WaitGroup, wg2: WaitGroup) -> None:
    # Go: testWaitGroup. A channel there, a list here: each goroutine appends when
    # wg2 lets it through.
    n = 16
    wg1.Add(n)
    wg2.Add(n)
    exited: list[int] = []

    def worker(i: int) -> None:
        wg1.Done()
        wg2.Wait()
        exited.append(i)

    for i in range(n):
        go(worker, i)
    wg1.Wait()
    for _ in range(n):
        Gosched()
        assert exited == [], "WaitGroup released group too soon"
        wg2.Done()
    settle(lambda: len(exited) == n)  # a barrier that fails to unlock someone hangs here
    assert sorted(exited) == list(range(n))
    assert wg1.state.Load() == wg2.state.Load() == 0


def test_WaitGroup() -> None:
    wg1 = WaitGroup()
    wg2 = WaitGroup()
    # Run the same test a few times to ensure the barrier is in a proper state.
    for _ in range(8):
        waitGroupRound(wg1, wg2)


def test_WaitGroupMisuse() -> None:
    wg = WaitGroup()
    wg.Add(1)
    wg.Done()
    with pytest.raises(WaitGroupPanic) as info:
        wg.Done()
    assert str(info.value) == "sync: negative WaitGroup counter"


def test_WaitGroupMisuse2() -> None:
    # Go provokes "Add called concurrently with Wait" with a million racing runs on 4
    # CPUs. The race is that a waiter is registered while the counter is still at 0:
    # set that state word directly (counter 0, one waiter) and Add.
    wg = WaitGroup()
    wg.state.Store(1)
    with pytest.raises(WaitGroupPanic) as info:
        wg.Add(1)
    assert str(info.value) == "sync: WaitGroup misuse: Add called concurrently with Wait"


def test_WaitGroupMisuse3() -> None:
    # Go: start reusing the WaitGroup before every Wait of the previous round has
    # returned. With goroutines on one thread the interleaving is deterministic: two
    # waiters are released together; the first one to run re-Adds at once, and the
    # second one, waking up, sees the WaitGroup busy again.
    wg = WaitGroup()
    wg.Add(1)
    panics: list[str] = []
    done = WaitGroup()

    def reuser() -> None:
        wg.Wait()
        # Start reusing the wg before the Wait below has returned.
        wg.Add(1)
        done.Done()

    def waiter() -> None:
        try:
            wg.Wait()
        except WaitGroupPanic as e:
            panics.append(str(e))
        done.Done()

    done.Add(2)
    go(reuser)
    go(waiter)
    settle(lambda: waiters(wg) == 2)
    wg.Done()  # counter 0: both are released, reuser runs first
    done.Wait()
    assert panics == ["sync: WaitGroup is reused before previous Wait has returned"]
    wg.Done()  # balance reuser's Add
    assert wg.state.Load() == 0


def test_WaitGroupRace() -> None:
    for _ in range(300):
        wg = WaitGroup()
        n = [0]

        def incr(n: list[int] = n, wg: WaitGroup = wg) -> None:
            n[0] += 1
            wg.Done()

        # spawn goroutine 1 and goroutine 2
        wg.Add(1)
        go(incr)
        wg.Add(1)
        go(incr)
        # Wait for goroutine 1 and 2
        wg.Wait()
        assert n[0] == 2, "Spurious wakeup from Wait"


def test_WaitGroupAlign() -> None:
    # Go checks 64-bit alignment of the state inside a struct; here: a WaitGroup held
    # as a field of another object works through that object.
    class X:
        def __init__(self) -> None:
            self.x = b"\x00"
            self.wg = WaitGroup()

    x = X()
    x.wg.Add(1)
    go(lambda x: x.wg.Done(), x)
    x.wg.Wait()


def test_WaitGroupZero() -> None:
    # Wait on a zero counter returns at once, without parking.
    wg = WaitGroup()
    wg.Wait()
    wg.Add(3)
    wg.Add(-3)
    wg.Wait()
    assert wg.state.Load() == 0


def test_WaitGroupNegativeAfterWait() -> None:
    # A negative counter panics even while goroutines wait; the word keeps Go's uint64
    # arithmetic (the counter reads as -1, not as a huge or negative Python int).
    wg = WaitGroup()
    with pytest.raises(WaitGroupPanic, match="negative WaitGroup counter"):
        wg.Add(-1)
    assert wg.state.Load() == 0xFFFFFFFF << 32
    wg.Add(1)
    assert wg.state.Load() == 0


def test_WaitGroupWaitParksOnlyTheGoroutine() -> None:
    # While the test goroutine waits, the other goroutines of its thread run; the
    # last one's Done wakes it.
    wg = WaitGroup()
    ran: list[int] = []

    def worker(i: int) -> None:
        for _ in range(i):
            Gosched()
        ran.append(i)
        wg.Done()

    wg.Add(5)
    for i in range(5):
        go(worker, i)
    wg.Wait()
    assert ran == [0, 1, 2, 3, 4]


def test_WaitGroupManyWaiters() -> None:
    # Several goroutines wait on one WaitGroup; one Done releases them all.
    wg = WaitGroup()
    wg.Add(1)
    released = WaitGroup()
    n = 10
    released.Add(n)
    for _ in range(n):
        go(lambda: (wg.Wait(), released.Done()))
    settle(lambda: waiters(wg) == n)
    assert counter(released) == n
    wg.Done()
    released.Wait()
    assert wg.state.Load() == 0


@pytest.mark.parametrize("threads", [1, 4])
def test_WaitGroupThreadsDone(threads: int) -> None:
    # Done from other OS threads (plain threads and threads running goroutines) wakes
    # the test goroutine parked in Wait.
    wg = WaitGroup()
    hits: list[int] = []
    lock = threading.Lock()

    def thread(t: int) -> None:
        inner = WaitGroup()

        def work(i: int) -> None:
            Gosched()
            with lock:
                hits.append(t * 100 + i)
            inner.Done()
            wg.Done()

        inner.Add(3)
        for i in range(3):
            go(work, i)
        inner.Wait()

    wg.Add(3 * threads)
    ts = [threading.Thread(target=thread, args=(t,), daemon=True) for t in range(threads)]
    for th in ts:
        th.start()
    wg.Wait()
    assert len(hits) == 3 * threads
    for th in ts:
        th.join(10)
        assert not th.is_alive()


def test_WaitGroupThreadsWait() -> None:
    # Goroutines parked in Wait on several OS threads are all released by a Done from
    # this thread (goready across threads), and report back through a second
    # WaitGroup that this goroutine waits on.
    threads = 4
    wg = WaitGroup()
    wg.Add(1)
    back = WaitGroup()
    back.Add(threads * 2)

    def thread() -> None:
        mine = WaitGroup()

        def waiter() -> None:
            wg.Wait()
            back.Done()
            mine.Done()

        mine.Add(1)
        go(waiter)
        wg.Wait()  # the thread's own main goroutine waits too
        back.Done()
        # A thread's goroutines run only while the thread is in the scheduler: wait for
        # ours before the thread ends, or it would be left behind, never to run.
        mine.Wait()

    ts = [threading.Thread(target=thread, daemon=True) for _ in range(threads)]
    for th in ts:
        th.start()
    until(lambda: waiters(wg) == threads * 2)
    wg.Done()
    back.Wait()
    for th in ts:
        th.join(10)
        assert not th.is_alive()
    assert wg.state.Load() == back.state.Load() == 0


def test_WaitGroupThreadsRepeated() -> None:
    # Rounds of fan-out/fan-in between threads, reusing the WaitGroups each round.
    threads, rounds = 3, 50
    start = [WaitGroup() for _ in range(threads)]
    finish = WaitGroup()
    total = [0]
    lock = threading.Lock()

    def thread(t: int) -> None:
        for _ in range(rounds):
            start[t].Wait()
            with lock:
                total[0] += 1
            start[t].Add(1)  # re-arm before reporting, so the next Wait blocks
            finish.Done()

    for wg in start:
        wg.Add(1)
    ts = [threading.Thread(target=thread, args=(t,), daemon=True) for t in range(threads)]
    for th in ts:
        th.start()
    for r in range(rounds):
        finish.Add(threads)
        for wg in start:
            wg.Done()
        finish.Wait()
        assert total[0] == threads * (r + 1)
    for th in ts:
        th.join(10)
        assert not th.is_alive()


COLD_START = """
import sys
import threading
from rawnet.internal.poll.fd_mutex import fdMutex
from rawnet.runtime.proc import Gosched, go
from rawnet.sync import WaitGroup

mu = fdMutex()
wg = WaitGroup()

def worker(local):
    for i in range(300):
        read = i % 2 == 0
        assert mu.rwlock(read)
        Gosched()
        mu.rwunlock(read)
    local.Done()

def thread():
    local = WaitGroup()
    local.Add(2)
    go(worker, local)
    go(worker, local)
    local.Wait()
    wg.Done()

sys.setswitchinterval(1e-5)
wg.Add(4)
ts = [threading.Thread(target=thread) for _ in range(4)]
for t in ts:
    t.start()
wg.Wait()
for t in ts:
    t.join()
print("ok")
"""


def test_WaitGroupThreadsColdPoller() -> None:
    # The same cross-thread hand-offs in fresh interpreters, where the poller is not
    # initialised yet (the autouse fd fixture initialises it for every other test):
    # the first P to block initialises it while other threads already ready its
    # goroutines, and those wake-ups must not be lost. The race is narrow: try a few.
    for _ in range(3):
        r = subprocess.run(
            [sys.executable, "-c", COLD_START], capture_output=True, text=True, timeout=8
        )
        assert r.returncode == 0 and r.stdout == "ok\n", r.stderr
