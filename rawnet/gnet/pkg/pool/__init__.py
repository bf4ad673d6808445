"""gnet's object pools (gnet v2.10.0: pkg/pool/), and the free list they stand on.

gnet's pools are built on Go's ``sync.Pool``: a cache of objects that any goroutine may
take from and give back to, which the garbage collector empties (within two GC cycles)
so that a burst of traffic does not pin its buffers forever. Python has no hook into its
collector for that, so :class:`FreeList` bounds the cache instead: it keeps at most
``limit`` objects and lets the collector have the rest.
"""

from __future__ import annotations

from typing import Generic, TypeVar

T = TypeVar("T")


class FreeList(Generic[T]):
    """A bounded stack of idle objects: Go's ``sync.Pool`` as gnet uses it.

    ``list.append`` and ``list.pop`` are each atomic in CPython, so event loops in
    several threads may share one; the bound is then approximate, which is all it
    needs to be.
    """

    __slots__ = ("items", "limit")

    def __init__(self, limit: int) -> None:
        self.items: list[T] = []
        self.limit = limit

    def Get(self) -> T | None:
        """An idle object, or None when there is none (the caller then makes one)."""
        try:
            return self.items.pop()
        except IndexError:
            return None

    def Put(self, x: T) -> None:
        """Keep x for a later Get, unless the list is full: then x is left to the GC."""
        if len(self.items) < self.limit:
            self.items.append(x)
