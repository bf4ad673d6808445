"""Atomic words (Go: src/internal/runtime/atomic, sync/atomic).

Python has no compare-and-swap instruction, but CPython's GIL gives us one for free,
if we are careful about where the interpreter may switch threads.

A thread holding the GIL gives it up (and a Python-level signal handler runs) only
when the interpreter checks its "eval breaker", and in CPython 3.11 to 3.14 it checks
only at three kinds of bytecode: the ``RESUME`` that starts a function, a backward
jump (a loop), and a call. Look at ``CompareAndSwap`` below with ``dis``::

    RESUME; LOAD_ATTR v; IS_OP / COMPARE_OP; POP_JUMP_FORWARD...; STORE_ATTR v

Once past its ``RESUME`` it contains no call and no loop, so no other thread can run
between the load of ``v`` and the store: the method is atomic, as the instruction
is in Go. Two conditions keep this true, and the code below respects both:

* nothing between the load and the store may call back into Python. The words hold
  ints and goroutines (``G`` defines no ``__eq__``), so ``==`` stays in C;
* no ``with lock:``, no helper call, no loop inside these methods. A new method must
  be written the same way, and ``tests/test_atomic.py`` hammers them from threads with a
  tiny switch interval to catch a mistake.

A build without the GIL (``python3.13t``) has no such guarantee; there every word
takes a small lock around its read-modify-write operations (``_Locked*`` below),
which is what rawnet did everywhere before: removing those locks made the echo server
1.25x faster (bench/README.md).

``Load``/``Store`` are plain attribute accesses in both builds, so the hottest paths
(fdMutex.rwlock, netpollcheckerr) read ``.v`` directly, as Go's compiler turns Load
into a plain load instruction. The code that uses
these keeps Go's exact order of atomic operations, which is what the poller's
lock-free handshakes rely on.
"""

from __future__ import annotations

import sys
import threading
from typing import Final, Generic, TypeVar

T = TypeVar("T")
_mask64: Final = 0xFFFF_FFFF_FFFF_FFFF


class Value(Generic[T]):
    """An atomic word holding a T (Go: atomic.Uintptr / Uint32 / Uint64 / Pointer)."""

    __slots__ = ("v",)

    def __init__(self, v: T) -> None:
        self.v = v

    def Load(self) -> T:
        return self.v

    def Store(self, v: T) -> None:
        self.v = v

    def CompareAndSwap(self, old: T, new: T) -> bool:
        v = self.v
        if v is old or v == old:
            self.v = new
            return True
        return False

    def Swap(self, new: T) -> T:
        old = self.v
        self.v = new
        return old


class Int(Value[int]):
    """An atomic integer with Add (Go: atomic.Int32 / Uint32 / Int64)."""

    __slots__ = ()

    def Add(self, delta: int) -> int:
        v = self.v + delta
        self.v = v
        return v


class Uint64(Int):
    """An atomic uint64 (Go: sync/atomic.Uint64): Add wraps around modulo 2**64, so that
    adding -1 to 0 gives 2**64 - 1 and not a negative Python int."""

    __slots__ = ()

    def Add(self, delta: int) -> int:
        v = (self.v + delta) & _mask64
        self.v = v
        return v


class _LockedValue(Value[T]):
    """Value for a free-threaded build: read-modify-writes under a lock of its own."""

    __slots__ = ("_mu",)

    def __init__(self, v: T) -> None:
        self.v = v
        self._mu = threading.Lock()

    def CompareAndSwap(self, old: T, new: T) -> bool:
        with self._mu:
            return Value.CompareAndSwap(self, old, new)

    def Swap(self, new: T) -> T:
        with self._mu:
            return Value.Swap(self, new)


# The locked integers derive from _LockedValue alone, not also from Int (mypyc
# compiles no multiple inheritance), so Add is written out again under the lock.
class _LockedInt(_LockedValue[int]):
    __slots__ = ()

    def Add(self, delta: int) -> int:
        with self._mu:
            v = self.v + delta
            self.v = v
            return v


class _LockedUint64(_LockedInt):
    __slots__ = ()

    def Add(self, delta: int) -> int:
        with self._mu:
            v = (self.v + delta) & _mask64
            self.v = v
            return v


gilProtected: Final[bool] = getattr(sys, "_is_gil_enabled", lambda: True)()
if not gilProtected:
    # Same methods, same names; only isinstance could tell them apart, and nothing
    # asks. (The mypyc build binds these names at compile time, so it refuses to
    # build for a free-threaded Python: tools/mypyc_build.py.)
    Value = _LockedValue  # type: ignore[misc]
    Int = _LockedInt  # type: ignore[misc,assignment]
    Uint64 = _LockedUint64  # type: ignore[misc,assignment]
