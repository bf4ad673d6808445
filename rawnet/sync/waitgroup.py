"""WaitGroup (Go: src/sync/waitgroup.go).

A WaitGroup waits for a collection of goroutines to finish. The main goroutine calls
``Add`` to set the number of goroutines to wait for; each of them calls ``Done`` when
finished; ``Wait`` blocks until all have. Blocking parks the calling goroutine on a
runtime semaphore, never the OS thread, so the other goroutines of that thread keep
running. It works across OS threads too: a ``Done`` in one thread readies a goroutine
parked in ``Wait`` in another (the runtime hands it to that thread's scheduler).

The state is Go's single 64-bit word: the high 32 bits are the counter (a signed
int32), the low 32 bits the number of goroutines waiting. ``Add`` changes the counter
with one atomic add; ``Wait`` registers itself with one CAS. Whoever brings the counter
to zero while there are waiters resets the word to 0 and releases the semaphore once per
waiter; each waiter checks, once woken, that nobody re-used the WaitGroup meanwhile.

Where Python differs: Go's ``panic(string)`` is :class:`WaitGroupPanic`, whose
``str()`` is Go's text; the word is an ``atomic.Uint64``, which wraps modulo 2**64 like Go's
(``Add(-1)`` on a zero counter must give 0xffffffff in the high half, not a negative
Python int).
"""

from __future__ import annotations

from ..runtime import atomic
from ..runtime.sema import Sema, semacquire, semrelease


class WaitGroupPanic(RuntimeError):
    """Go's ``panic(...)`` in sync/waitgroup.go: the WaitGroup was misused."""


def _int32(x: int) -> int:
    """Go's int32(x) conversion: keep the low 32 bits, as two's complement."""
    x &= 0xFFFFFFFF
    return x - (1 << 32) if x & 0x80000000 else x


def _uint32(x: int) -> int:
    """Go's uint32(x) conversion."""
    return x & 0xFFFFFFFF


# Go: src/sync/runtime.go runtime_Semacquire
def runtime_Semacquire(s: Sema) -> None:
    # Linked by Go to runtime.sync_runtime_Semacquire (waitReasonSemacquire).
    semacquire(s, "sync.WaitGroup.Wait")


# Go: src/sync/runtime.go runtime_Semrelease
def runtime_Semrelease(s: Sema) -> None:
    # Go passes handoff=false and skipframes=0; our semaphore has no such options.
    semrelease(s)


class WaitGroup:
    """Go: sync.WaitGroup. It must not be copied after first use (Go's noCopy)."""

    __slots__ = ("state", "sema")

    def __init__(self) -> None:
        self.state = atomic.Uint64(0)  # high 32 bits are the counter, low 32 bits the waiters
        self.sema = Sema()

    # Go: src/sync/waitgroup.go WaitGroup.Add
    def Add(self, delta: int) -> None:
        """Add delta, which may be negative, to the counter. If the counter becomes zero,
        every goroutine blocked in Wait is released; if it goes negative, Add panics.

        Calls with a positive delta that start when the counter is zero must happen
        before a Wait; a WaitGroup reused for another set of events must see its new
        Add calls happen after all previous Wait calls have returned.
        """
        state = self.state.Add(delta << 32)
        v = _int32(state >> 32)
        w = _uint32(state)
        if v < 0:
            raise WaitGroupPanic("sync: negative WaitGroup counter")
        if w != 0 and delta > 0 and v == _int32(delta):
            raise WaitGroupPanic("sync: WaitGroup misuse: Add called concurrently with Wait")
        if v > 0 or w == 0:
            return
        # This goroutine has set the counter to 0 while waiters > 0. Now there can be
        # no concurrent mutation of state:
        # - Adds must not happen concurrently with Wait,
        # - Wait does not increment waiters if it sees counter == 0.
        # Still do a cheap sanity check to detect WaitGroup misuse.
        if self.state.Load() != state:
            raise WaitGroupPanic("sync: WaitGroup misuse: Add called concurrently with Wait")
        # Reset the waiter count to 0.
        self.state.Store(0)
        while w != 0:
            runtime_Semrelease(self.sema)
            w -= 1

    # Go: src/sync/waitgroup.go WaitGroup.Done
    def Done(self) -> None:
        """Decrement the counter by one."""
        self.Add(-1)

    # Go: src/sync/waitgroup.go WaitGroup.Wait
    def Wait(self) -> None:
        """Park the calling goroutine until the counter is zero."""
        while True:
            state = self.state.Load()
            v = _int32(state >> 32)
            if v == 0:
                # Counter is 0, no need to wait.
                return
            # Increment the waiter count.
            if self.state.CompareAndSwap(state, state + 1):
                runtime_Semacquire(self.sema)
                if self.state.Load() != 0:
                    raise WaitGroupPanic(
                        "sync: WaitGroup is reused before previous Wait has returned"
                    )
                return
