"""Runtime semaphores (Go: src/runtime/sema.go semacquire1 / semrelease1).

Go keys its semaphores by the address of a uint32; here a semaphore is an object with
its own count and a FIFO of parked goroutines. The protocol is Go's: acquire takes a
unit if there is one, else queues itself and parks, releasing the lock only once it is
off its stack (goparkunlock), so a release can never miss it.
"""

from __future__ import annotations

import threading
from collections import deque

from . import proc


class Sema:
    __slots__ = ("count", "waiters", "lock")

    def __init__(self, count: int = 0) -> None:
        self.count = count
        # Made on the first wait: most semaphores (three per fd) never have a waiter,
        # and an empty deque costs 760 bytes.
        self.waiters: deque[proc.G] | None = None
        self.lock = threading.Lock()


# Go: src/runtime/sema.go semacquire1
def semacquire(s: Sema, reason: str = "semacquire") -> None:
    s.lock.acquire()
    if s.count > 0:
        s.count -= 1
        s.lock.release()
        return
    gp = proc.getg()
    if s.waiters is None:
        s.waiters = deque()
    s.waiters.append(gp)
    try:
        proc.goparkunlock(s.lock, reason)
    except BaseException:
        # An exception thrown into the parked goroutine (Ctrl-C in the main thread):
        # leave the queue consistent before unwinding.
        with s.lock:
            if gp in s.waiters:  # not None: we queued ourselves above
                s.waiters.remove(gp)
            else:
                s.count += 1  # a release was handed to us: pass it on
                _wakeone(s)
        raise


# Go: src/runtime/sema.go semrelease1
def semrelease(s: Sema) -> None:
    with s.lock:
        s.count += 1
        gp = _wakeone(s)
    if gp is not None:
        proc.goready(gp)


def _wakeone(s: Sema) -> proc.G | None:
    # With s.lock held: hand a unit straight to the first waiter.
    if s.count > 0 and s.waiters:
        s.count -= 1
        return s.waiters.popleft()
    return None
