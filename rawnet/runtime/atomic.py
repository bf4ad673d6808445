"""Atomic words (Go: src/internal/runtime/atomic, sync/atomic).

Python has no compare-and-swap instruction. Under the GIL a plain attribute read or
write is atomic, so ``Load``/``Store`` are plain; read-modify-write operations take
a small lock of their own. The code that uses these keeps Go's exact order of
atomic operations, which is what the poller's lock-free handshakes rely on.
"""

from __future__ import annotations

import threading
from typing import Generic, TypeVar

T = TypeVar("T")


class Value(Generic[T]):
    """An atomic word holding a T (Go: atomic.Uintptr / Uint32 / Uint64 / Pointer)."""

    __slots__ = ("v", "_mu")

    def __init__(self, v: T) -> None:
        self.v = v
        self._mu = threading.Lock()

    def Load(self) -> T:
        return self.v

    def Store(self, v: T) -> None:
        self.v = v

    def CompareAndSwap(self, old: T, new: T) -> bool:
        with self._mu:
            if self.v is old or self.v == old:
                self.v = new
                return True
            return False

    def Swap(self, new: T) -> T:
        with self._mu:
            old = self.v
            self.v = new
            return old


class Int(Value[int]):
    """An atomic integer with Add (Go: atomic.Int32 / Uint32 / Int64)."""

    __slots__ = ()

    def Add(self, delta: int) -> int:
        with self._mu:
            self.v += delta
            return self.v
