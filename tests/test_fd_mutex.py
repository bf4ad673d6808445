"""fdMutex (Go: src/internal/poll/fd_mutex_test.go, all of it), plus property tests
that run random operation sequences against fdMutex and a reference model.

Go's test names are kept: ``TestMutexLock`` is ``test_MutexLock`` and so on.
"""

from __future__ import annotations

import random
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rawnet.internal.poll.fd_mutex import (
    fdMutex,
    fdMutexPanic,
    mutexClosed,
    mutexRef,
    mutexRefMask,
    mutexRLock,
    mutexRMask,
    mutexRWait,
    mutexWLock,
    mutexWMask,
    mutexWWait,
    overflowMsg,
)
from rawnet.runtime.proc import Gosched, go
from rawnet.sync import WaitGroup

pytestmark = pytest.mark.timeout(30)

maxCount = (1 << 20) - 1


def fields(mu: fdMutex) -> tuple[bool, bool, bool, int, int, int]:
    """Decode mu.state: (closed, rlock, wlock, refs, read waiters, write waiters)."""
    s = mu.state.Load()
    return (
        s & mutexClosed != 0,
        s & mutexRLock != 0,
        s & mutexWLock != 0,
        (s & mutexRefMask) // mutexRef,
        (s & mutexRMask) // mutexRWait,
        (s & mutexWMask) // mutexWWait,
    )


def settle(cond: Callable[[], bool], rounds: int = 1000) -> None:
    """Yield to this thread's other goroutines until cond holds (they need a turn to
    reach their blocking point); fail rather than spin forever."""
    for _ in range(rounds):
        if cond():
            return
        Gosched()
    raise AssertionError("goroutines never reached the expected state")


def test_MutexLock() -> None:
    mu = fdMutex()

    assert mu.incref()
    assert not mu.decref()

    assert mu.rwlock(True)
    assert not mu.rwunlock(True)

    assert mu.rwlock(False)
    assert not mu.rwunlock(False)


def test_MutexClose() -> None:
    mu = fdMutex()
    assert mu.increfAndClose()

    assert not mu.incref()
    assert not mu.rwlock(True)
    assert not mu.rwlock(False)
    assert not mu.increfAndClose()


@pytest.mark.parametrize("read", [True, False], ids=["read", "write"])
def test_MutexCloseUnblock(read: bool) -> None:
    # Go's test blocks readers only; the write side is the same code with the other
    # constants, so it runs too.
    mu = fdMutex()
    assert mu.rwlock(read)
    wg = WaitGroup()
    results: list[bool] = []

    def locker() -> None:
        results.append(mu.rwlock(read))
        wg.Done()

    for _ in range(4):
        wg.Add(1)
        go(locker)
    # Concurrent goroutines must not be able to lock the mutex: all four queue up.
    waiters = 4 if read else 5  # index of the waiter field in fields()
    settle(lambda: fields(mu)[waiters] == 4)
    assert results == []
    assert fields(mu) == (False, read, not read, 1, 4 if read else 0, 0 if read else 4)

    mu.increfAndClose()  # Must unblock the lockers.
    wg.Wait()
    assert results == [False] * 4
    assert not mu.decref()
    assert mu.rwunlock(read)
    assert fields(mu) == (True, False, False, 0, 0, 0)


def ensurePanics(f: Callable[[], object]) -> str:
    with pytest.raises(fdMutexPanic) as info:
        f()
    return str(info.value)


def test_MutexPanic() -> None:
    mu = fdMutex()
    ensurePanics(mu.decref)
    ensurePanics(lambda: mu.rwunlock(True))
    ensurePanics(lambda: mu.rwunlock(False))

    def increfDecrefDecref() -> None:
        mu.incref()
        mu.decref()
        mu.decref()

    def rlockRunlockRunlock() -> None:
        mu.rwlock(True)
        mu.rwunlock(True)
        mu.rwunlock(True)

    def wlockWunlockWunlock() -> None:
        mu.rwlock(False)
        mu.rwunlock(False)
        mu.rwunlock(False)

    for f in (increfDecrefDecref, rlockRunlockRunlock, wlockWunlockWunlock):
        assert ensurePanics(f) == "inconsistent poll.fdMutex"

    # ensure that it's still not broken
    mu.incref()
    mu.decref()
    mu.rwlock(True)
    mu.rwunlock(True)
    mu.rwlock(False)
    mu.rwunlock(False)
    assert mu.state.Load() == 0


def test_MutexOverflowPanic() -> None:
    mu1 = fdMutex()
    with pytest.raises(fdMutexPanic) as info:
        for _ in range(1 << 21):
            mu1.incref()
    msg = str(info.value)
    assert "too many" in msg and "inconsistent" not in msg
    assert msg == overflowMsg
    # The panic struck at the 1048576th reference, and left the state untouched.
    assert fields(mu1) == (False, False, False, maxCount, 0, 0)


@pytest.mark.parametrize(
    "state, op",
    [
        (maxCount * mutexRef, "incref"),
        (maxCount * mutexRef, "increfAndClose"),
        (maxCount * mutexRef, "rlock"),
        (maxCount * mutexRef, "wlock"),
        (mutexRLock | mutexRef | maxCount * mutexRWait, "rlock"),
        (mutexWLock | mutexRef | maxCount * mutexWWait, "wlock"),
    ],
)
def test_MutexOverflowPanicEveryCounter(state: int, op: str) -> None:
    # Not in Go: 2**20 parked goroutines are out of reach, so the waiter fields are
    # preset. Each 20-bit counter must panic with overflowMsg instead of carrying.
    mu = fdMutex()
    mu.state.Store(state)
    calls: dict[str, Callable[[], bool]] = {
        "incref": mu.incref,
        "increfAndClose": mu.increfAndClose,
        "rlock": lambda: mu.rwlock(True),
        "wlock": lambda: mu.rwlock(False),
    }
    assert ensurePanics(calls[op]) == overflowMsg
    assert mu.state.Load() == state


@dataclass
class stressState:
    mu: fdMutex = field(default_factory=fdMutex)
    readState: list[int] = field(default_factory=lambda: [0, 0])
    writeState: list[int] = field(default_factory=lambda: [0, 0])
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def stressWorker(s: stressState, seed: int, N: int, wg: WaitGroup) -> None:
    """The body of one of TestMutexStress's goroutines. Where Go relies on real
    parallelism to overlap critical sections, this one yields (Gosched) in the middle
    of each section, so that a broken lock would let another goroutine see the two
    halves of the state disagree."""
    r = random.Random(seed)
    mu = s.mu

    def broken(what: str) -> None:
        with s.lock:
            s.errors.append(what)

    try:
        for _ in range(N):
            op = r.randrange(3)
            if op == 0:
                if not mu.incref():
                    return broken("incref failed")
                if r.randrange(4) == 0:
                    Gosched()
                if mu.decref():
                    return broken("decref reported last reference")
            else:
                state = s.readState if op == 1 else s.writeState
                if not mu.rwlock(op == 1):
                    return broken("rwlock failed")
                # Ensure that it provides mutual exclusion.
                if state[0] != state[1]:
                    return broken("two goroutines inside the lock")
                state[0] += 1
                if r.randrange(2) == 0:
                    Gosched()
                state[1] += 1
                if mu.rwunlock(op == 1):
                    return broken("rwunlock reported last reference")
            if r.randrange(8) == 0:
                Gosched()
    finally:
        wg.Done()


def finishStress(s: stressState) -> None:
    assert s.errors == []
    assert s.readState[0] == s.readState[1]
    assert s.writeState[0] == s.writeState[1]
    assert fields(s.mu) == (False, False, False, 0, 0, 0)
    assert s.mu.increfAndClose()
    assert s.mu.decref()


def test_MutexStress() -> None:
    # Go: P = 8 goroutines x N = 1e6 operations (short mode 4 x 1e4); on one thread.
    P, N = 8, 5000
    s = stressState()
    wg = WaitGroup()
    for p in range(P):
        wg.Add(1)
        go(stressWorker, s, 1000 + p, N, wg)
    wg.Wait()
    finishStress(s)


@pytest.mark.parametrize("threads", [2, 4])
def test_MutexStressThreads(threads: int) -> None:
    # The same with several OS threads, each running its own goroutines, so that locks
    # are handed over between threads (semrelease readies a goroutine of another
    # thread's scheduler). A short GIL switch interval makes threads interleave inside
    # the critical sections.
    P, N = 2, 2000
    s = stressState()
    wg = WaitGroup()

    def thread(t: int) -> None:
        local = WaitGroup()
        for p in range(P):
            local.Add(1)
            go(stressWorker, s, 100 * t + p, N, local)
        local.Wait()
        wg.Done()

    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)
    try:
        ts = [threading.Thread(target=thread, args=(t,), daemon=True) for t in range(threads)]
        wg.Add(threads)
        for t in ts:
            t.start()
        wg.Wait()
        for t in ts:
            t.join(10)
            assert not t.is_alive()
    finally:
        sys.setswitchinterval(old)
    finishStress(s)


# ----------------------------------------------------------------------------------
# Property tests: fdMutex against a reference model.
#
# Operations run from the test's own goroutine. A lock request that would block is
# made by a fresh goroutine instead (the test goroutine must never park forever), and
# after each step the test yields until every runnable goroutine has reached its
# blocking point or finished. The model predicts, for each step, the return value (or
# Go's panic), the complete state word, and what each helper goroutine's rwlock
# returned.


class Model:
    def __init__(self) -> None:
        self.closed = False
        self.locked = {True: False, False: False}
        self.refs = 0
        self.waiters: dict[bool, list[int]] = {True: [], False: []}  # FIFO of goroutines
        self.woken: list[tuple[int, bool]] = []  # released, not yet run (runq order)
        self.results: dict[int, bool] = {}

    def state(self) -> int:
        return (
            (mutexClosed if self.closed else 0)
            | (mutexRLock if self.locked[True] else 0)
            | (mutexWLock if self.locked[False] else 0)
            | self.refs * mutexRef
            | len(self.waiters[True]) * mutexRWait
            | len(self.waiters[False]) * mutexWWait
        )

    def incref(self) -> bool:
        if self.closed:
            return False
        self.refs += 1
        return True

    def decref(self) -> bool:
        if self.refs == 0:
            raise fdMutexPanic("inconsistent poll.fdMutex")
        self.refs -= 1
        return self.closed and self.refs == 0

    def increfAndClose(self) -> bool:
        if self.closed:
            return False
        self.closed = True
        self.refs += 1
        for read in (True, False):
            self.woken += [(g, read) for g in self.waiters[read]]
            self.waiters[read] = []
        return True

    def rwlock(self, read: bool, gid: int) -> bool | None:
        """None: gid is now queued."""
        if self.closed:
            return False
        if not self.locked[read]:
            self.locked[read] = True
            self.refs += 1
            return True
        self.waiters[read].append(gid)
        return None

    def rwunlock(self, read: bool) -> bool:
        if not self.locked[read] or self.refs == 0:
            raise fdMutexPanic("inconsistent poll.fdMutex")
        self.locked[read] = False
        self.refs -= 1
        if self.waiters[read]:
            self.woken.append((self.waiters[read].pop(0), read))
        return self.closed and self.refs == 0

    def run_woken(self) -> None:
        """The released goroutines run, in the order they were readied, and retry."""
        woken, self.woken = self.woken, []
        for gid, read in woken:
            r = self.rwlock(read, gid)
            if r is not None:
                self.results[gid] = r


OPS = [
    "incref",
    "decref",
    "rlock",
    "runlock",
    "wlock",
    "wunlock",
    "close",
    "rbarge",  # runlock then rlock at once, before the woken waiter runs
    "wbarge",
]


class Harness:
    def __init__(self) -> None:
        self.mu = fdMutex()
        self.model = Model()
        self.results: dict[int, bool] = {}
        self.spawned = 0
        self.finished = 0

    def spawn_lock(self, read: bool) -> int:
        gid = self.spawned
        self.spawned += 1

        def locker() -> None:
            self.results[gid] = self.mu.rwlock(read)
            self.finished += 1

        go(locker)
        return gid

    def drain(self) -> None:
        # Gosched puts the test goroutine behind every runnable one; two rounds cover
        # a goroutine readied while the first round ran.
        Gosched()
        Gosched()
        self.model.run_woken()

    def lock(self, read: bool) -> None:
        # Ask the model first whether the call would block; if so a goroutine makes it.
        want = self.model.rwlock(read, self.spawned)
        if want is None:
            self.spawn_lock(read)
        else:
            assert self.mu.rwlock(read) == want

    def step(self, op: str) -> None:
        mu, model = self.mu, self.model
        if op in ("rbarge", "wbarge"):
            read = op == "rbarge"
            want = call(lambda: model.rwunlock(read))
            got = call(lambda: mu.rwunlock(read))
            assert got == want, op
            if not isinstance(want, str):  # after a panic, the state must be untouched
                want = model.rwlock(read, -1)  # the lock was just freed: never queues
                assert mu.rwlock(read) == want, op
        elif op in ("rlock", "wlock"):
            self.lock(op == "rlock")
        else:
            f: dict[str, tuple[Callable[[], bool], Callable[[], bool]]] = {
                "incref": (mu.incref, model.incref),
                "decref": (mu.decref, model.decref),
                "runlock": (lambda: mu.rwunlock(True), lambda: model.rwunlock(True)),
                "wunlock": (lambda: mu.rwunlock(False), lambda: model.rwunlock(False)),
                "close": (mu.increfAndClose, model.increfAndClose),
            }
            got = call(f[op][0])
            want = call(f[op][1])
            assert got == want, op
        self.drain()
        assert mu.state.Load() == model.state(), (op, fields(mu))
        assert self.results == model.results

    def finish(self) -> None:
        # Close releases every goroutine still queued; none may be left behind.
        if not self.model.closed:
            assert self.mu.increfAndClose()
            self.model.increfAndClose()
            self.drain()
        assert self.finished == self.spawned
        assert self.results == self.model.results
        assert self.mu.state.Load() == self.model.state()
        assert not self.mu.rsema.waiters and not self.mu.wsema.waiters


def call(f: Callable[[], bool]) -> bool | str:
    """f's result, or the text of the fdMutexPanic it raised."""
    try:
        return f()
    except fdMutexPanic as e:
        return "panic: " + str(e)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(OPS), max_size=60))
def test_MutexModel(ops: list[str]) -> None:
    h = Harness()
    for op in ops:
        h.step(op)
    h.finish()


@settings(max_examples=200, deadline=None)
@given(
    closed=st.booleans(),
    rlock=st.booleans(),
    wlock=st.booleans(),
    refs=st.one_of(st.integers(0, maxCount), st.sampled_from([0, 1, maxCount - 1, maxCount])),
    rwait=st.sampled_from([0, 1, maxCount]),
    wwait=st.sampled_from([0, 1, maxCount]),
    op=st.sampled_from(["incref", "decref", "runlock", "wunlock", "close"]),
)
def test_MutexModelBoundaries(
    closed: bool, rlock: bool, wlock: bool, refs: int, rwait: int, wwait: int, op: str
) -> None:
    # Non-blocking operations from any state word, including full counters: the
    # result (or panic text) and the new word follow Go's arithmetic. Waiters are
    # only counted here, nobody is parked on the semaphores, so close (which would
    # release them) runs only when the waiter fields are empty.
    if op == "close" and (rwait or wwait):
        rwait = wwait = 0
    state = (
        (mutexClosed if closed else 0)
        | (mutexRLock if rlock else 0)
        | (mutexWLock if wlock else 0)
        | refs * mutexRef
        | rwait * mutexRWait
        | wwait * mutexWWait
    )
    mu = fdMutex()
    mu.state.Store(state)
    new = state
    want: bool | str
    if op == "incref":
        if closed:
            want = False
        elif refs == maxCount:
            want = "panic: " + overflowMsg
        else:
            want, new = True, state + mutexRef
    elif op == "close":
        if closed:
            want = False
        elif refs == maxCount:
            want = "panic: " + overflowMsg
        else:
            want, new = True, (state | mutexClosed) + mutexRef
    elif op == "decref":
        if refs == 0:
            want = "panic: inconsistent poll.fdMutex"
        else:
            new = state - mutexRef
            want = closed and refs == 1
    else:
        read = op == "runlock"
        held, bit = (rlock, mutexRLock) if read else (wlock, mutexWLock)
        if not held or refs == 0:
            want = "panic: inconsistent poll.fdMutex"
        else:
            # A waiter would be handed the lock: release its semaphore unit harmlessly.
            wait = (rwait, mutexRWait) if read else (wwait, mutexWWait)
            new = (state & ~bit) - mutexRef - (wait[1] if wait[0] else 0)
            want = closed and refs == 1
    fns: dict[str, Callable[[], bool]] = {
        "incref": mu.incref,
        "decref": mu.decref,
        "runlock": lambda: mu.rwunlock(True),
        "wunlock": lambda: mu.rwunlock(False),
        "close": mu.increfAndClose,
    }
    assert call(fns[op]) == want
    assert mu.state.Load() == new
    assert 0 <= new < 1 << 64
