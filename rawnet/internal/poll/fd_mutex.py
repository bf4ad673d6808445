"""The fd mutex: reference count, read lock, write lock and closed flag in one word
(Go: src/internal/poll/fd_mutex.go).

An ``FD`` must not be closed under the feet of an operation that is still using the
descriptor number, yet ``Close`` must never wait for a ``Read`` blocked forever on an
idle connection. Go solves both with this one primitive:

* every operation holds a *reference* while it uses the fd;
* ``Read``-like operations also hold the *read lock*, ``Write``-like ones the *write
  lock*, so that at most one goroutine per direction is inside the poller (this is what
  keeps ``netpollblock``'s "one waiter per direction" invariant true, and why
  concurrent ``Accept`` calls queue here, on ``rsema``, and not in the poller);
* ``Close`` sets the *closed* flag, wakes every goroutine queued for a lock (they see
  the flag and fail with ``ErrNetClosing``) and then drops its own reference; the
  descriptor is really closed (``FD.destroy``) by whoever drops the last reference,
  which may be a ``Read`` that returns long after ``Close`` did.

The 64-bit ``state`` word
-------------------------

Everything lives in one ``uint64`` so that each transition is a single
compare-and-swap. Reading from bit 0 upwards::

    bit  63   62 ........... 43   42 ........... 23   22 ........... 3   2   1   0
        +----+------------------+------------------+-----------------+---+---+---+
        | 0  | write waiters    | read waiters     | references      | W | R | C |
        +----+------------------+------------------+-----------------+---+---+---+

* bit 0, ``mutexClosed``: the FD is closed; every later lock or incref fails.
* bit 1, ``mutexRLock``: somebody holds the read lock.
* bit 2, ``mutexWLock``: somebody holds the write lock.
* bits 3-22, counted in units of ``mutexRef``: the number of references, held by
  readers, writers, misc operations (setsockopt, SetDeadline...) and Close itself.
  ``mutexRefMask`` selects the field.
* bits 23-42, in units of ``mutexRWait``: goroutines parked on ``rsema`` waiting for the
  read lock (``mutexRMask``).
* bits 43-62, in units of ``mutexWWait``: goroutines parked on ``wsema`` waiting for the
  write lock (``mutexWMask``).

Each counter is 20 bits wide, so it holds at most 1<<20 - 1 = 1048575. Adding one to a
full field carries into the field above and leaves this one at zero; that is how every
operation detects overflow (``new & mask == 0`` right after an increment) and panics
with ``overflowMsg`` instead of corrupting its neighbour. Bit 63 is never set except by
such a carry out of the write-waiter field, which is detected the same way before the
value is stored, so no stored state ever leaves 0..2**64-1 and Python's unbounded ints
behave exactly like Go's ``uint64`` here.

Waking is a hand-off counted in the word itself: the unlocker (or Close) *removes* one
waiter from the count in the same CAS that frees the lock, and only then releases the
semaphore. The woken goroutine does not touch the waiter count; it simply starts its
CAS loop again (the lock may have been taken by a newcomer in between, in which case it
queues again). Because of that re-check, a spurious semaphore unit can never break
mutual exclusion, only cost one extra loop.

Where Python differs: Go reads and CASes ``state`` with sync/atomic; here ``state`` is
an :class:`rawnet.runtime.atomic.Int` (atomic under the GIL without a lock; see that
module). ``rwlock`` and ``rwunlock`` run once per Read and per Write, and there, under
the GIL, the compare-and-swap is written out as a plain store: from the load of
``old`` at the top of the loop to that store there is no backward jump and no call
(but for building a panic that is raised at once), the only points where CPython lets
another thread run (tests/test_atomic.py checks their bytecode), so nothing can change
``state`` in between and the swap cannot fail. That saves two Python calls per Read or
Write, about 5% of the echo server's speed (bench/README.md). A free-threaded build has
no such guarantee and calls ``CompareAndSwap``.
``rsema``/``wsema`` are Go ``uint32`` words used as runtime semaphores; here they are
:class:`rawnet.runtime.sema.Sema` objects. Go's ``panic(string)`` becomes
:class:`~rawnet.internal.poll.fd.fdMutexPanic`, whose ``str()`` is Go's panic text.
"""

from __future__ import annotations

from typing import Final

from ...runtime import atomic
from ...runtime.atomic import gilProtected
from ...runtime.sema import Sema, semacquire, semrelease
from .fd import fdMutexPanic

# fdMutex.state layout; see the module docstring for the picture. Mind the
# parentheses: Go's ``1<<20 - 1`` is (1<<20)-1, because Go's << binds tighter than -,
# while Python's binds looser.
mutexClosed: Final = 1 << 0
mutexRLock: Final = 1 << 1
mutexWLock: Final = 1 << 2
mutexRef: Final = 1 << 3
mutexRefMask: Final = ((1 << 20) - 1) << 3
mutexRWait: Final = 1 << 23
mutexRMask: Final = ((1 << 20) - 1) << 23
mutexWWait: Final = 1 << 43
mutexWMask: Final = ((1 << 20) - 1) << 43

overflowMsg: Final = "too many concurrent operations on a single file or socket (max 1048575)"

inconsistentMsg: Final = "inconsistent poll.fdMutex"


# Go: src/internal/poll/fd_mutex.go runtime_Semacquire
def runtime_Semacquire(sema: Sema) -> None:
    # Linked by Go to runtime.poll_runtime_Semacquire (semacquire1, waitReasonSemacquire).
    semacquire(sema, "semacquire")


# Go: src/internal/poll/fd_mutex.go runtime_Semrelease
def runtime_Semrelease(sema: Sema) -> None:
    # Linked by Go to runtime.poll_runtime_Semrelease (semrelease1 without hand-off).
    semrelease(sema)


class fdMutex:
    """A specialized synchronization primitive that manages the lifetime of an fd and
    serializes access to the Read, Write and Close methods of an FD.

    Read operations must do ``rwlock(True)``/``rwunlock(True)``; write operations
    ``rwlock(False)``/``rwunlock(False)``; misc operations (setsockopt, SetDeadline, ...)
    ``incref``/``decref``, so that a concurrent Close cannot close the fd under their
    feet; Close operations ``increfAndClose``/``decref``.
    """

    __slots__ = ("state", "rsema", "wsema")

    def __init__(self) -> None:
        self.state = atomic.Int(0)
        self.rsema = Sema()
        self.wsema = Sema()

    # Go: src/internal/poll/fd_mutex.go fdMutex.incref
    def incref(self) -> bool:
        """Add a reference; report whether the fd is still open (usable)."""
        while True:
            old = self.state.Load()
            if old & mutexClosed != 0:
                return False
            new = old + mutexRef
            if new & mutexRefMask == 0:
                raise fdMutexPanic(overflowMsg)
            if self.state.CompareAndSwap(old, new):
                return True

    # Go: src/internal/poll/fd_mutex.go fdMutex.increfAndClose
    def increfAndClose(self) -> bool:
        """Mark the mutex closed and take a reference; return False if it was already
        closed. Every goroutine waiting for the read or write lock is woken, and fails."""
        while True:
            old = self.state.Load()
            if old & mutexClosed != 0:
                return False
            # Mark as closed and acquire a reference.
            new = (old | mutexClosed) + mutexRef
            if new & mutexRefMask == 0:
                raise fdMutexPanic(overflowMsg)
            # Remove all read and write waiters (Go: new &^= mutexRMask | mutexWMask).
            new &= ~(mutexRMask | mutexWMask)
            if self.state.CompareAndSwap(old, new):
                # Wake all read and write waiters; they will observe the closed flag
                # after waking up.
                while old & mutexRMask != 0:
                    old -= mutexRWait
                    runtime_Semrelease(self.rsema)
                while old & mutexWMask != 0:
                    old -= mutexWWait
                    runtime_Semrelease(self.wsema)
                return True

    # Go: src/internal/poll/fd_mutex.go fdMutex.decref
    def decref(self) -> bool:
        """Drop a reference; report whether the mutex is closed and none remain (the
        caller must then destroy the fd)."""
        while True:
            old = self.state.Load()
            if old & mutexRefMask == 0:
                raise fdMutexPanic(inconsistentMsg)
            new = old - mutexRef
            if self.state.CompareAndSwap(old, new):
                return new & (mutexClosed | mutexRefMask) == mutexClosed

    # Go: src/internal/poll/fd_mutex.go fdMutex.rwlock
    def rwlock(self, read: bool) -> bool:
        """Take a reference and the read (read=True) or write lock, parking the calling
        goroutine while another holds it; report whether the fd is still open."""
        if read:
            mutexBit, mutexWait, mutexMask = mutexRLock, mutexRWait, mutexRMask
        else:
            mutexBit, mutexWait, mutexMask = mutexWLock, mutexWWait, mutexWMask
        state = self.state
        while True:
            old = state.v  # state.Load(), inlined
            if old & mutexClosed != 0:
                return False
            if old & mutexBit == 0:
                # Lock is free, acquire it.
                new = (old | mutexBit) + mutexRef
                if new & mutexRefMask == 0:
                    raise fdMutexPanic(overflowMsg)
            else:
                # Wait for lock.
                new = old + mutexWait
                if new & mutexMask == 0:
                    raise fdMutexPanic(overflowMsg)
            if gilProtected:
                state.v = new  # state.CompareAndSwap(old, new), inlined (module docstring)
            elif not state.CompareAndSwap(old, new):
                continue
            if old & mutexBit == 0:
                return True
            # Go picks the semaphore with the bits; only this path needs it.
            runtime_Semacquire(self.rsema if read else self.wsema)
            # The signaller has subtracted mutexWait.

    # Go: src/internal/poll/fd_mutex.go fdMutex.rwunlock
    def rwunlock(self, read: bool) -> bool:
        """Release the read (read=True) or write lock and its reference, handing the
        lock to one waiter if any; report whether the mutex is closed and no reference
        remains (the caller must then destroy the fd)."""
        if read:
            mutexBit, mutexWait, mutexMask = mutexRLock, mutexRWait, mutexRMask
        else:
            mutexBit, mutexWait, mutexMask = mutexWLock, mutexWWait, mutexWMask
        state = self.state
        while True:
            old = state.v  # state.Load(), inlined
            if old & mutexBit == 0 or old & mutexRefMask == 0:
                raise fdMutexPanic(inconsistentMsg)
            # Drop lock, drop reference and wake a waiter if present.
            new = (old & ~mutexBit) - mutexRef
            if old & mutexMask != 0:
                new -= mutexWait
            if gilProtected:
                state.v = new  # state.CompareAndSwap(old, new), inlined (module docstring)
            elif not state.CompareAndSwap(old, new):
                continue
            if old & mutexMask != 0:
                runtime_Semrelease(self.rsema if read else self.wsema)
            return new & (mutexClosed | mutexRefMask) == mutexClosed
