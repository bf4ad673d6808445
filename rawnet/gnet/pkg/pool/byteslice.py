"""A pool of byte buffers in power-of-two size classes (gnet v2.10.0:
pkg/pool/byteslice/byteslice.go).

``Get(size)`` hands out a buffer of exactly ``size`` bytes whose backing array is the
next power of two up; ``Put`` gives the array back to its class. A Go ``[]byte`` is a
window (``len``) onto a larger array (``cap``); here the array is a ``bytearray`` and the
window a ``memoryview`` of it, whose ``.obj`` leads ``Put`` back to the array.

A buffer must not be used after it is Put: the next Get of its class hands the same
memory to someone else, exactly as in gnet.
"""

from __future__ import annotations

from typing import Final

from . import FreeList

# Go's math.MaxInt32. Buffers above it are not pooled (gnet indexes classes by uint32).
MaxInt32: Final = (1 << 31) - 1
# How many idle arrays each size class keeps (pkg/pool/__init__.py: Go's sync.Pool is
# emptied by the GC instead).
maxPooled: Final = 16


# gnet: pkg/pool/byteslice/byteslice.go index
def index(n: int) -> int:
    """The size class of n: the smallest i with ``1 << i >= n`` (Go: bits.Len32(n-1))."""
    return (n - 1).bit_length()


# gnet: pkg/pool/byteslice/byteslice.go Pool
class Pool:
    """32 free lists, one per power of two: class i holds arrays of at least 1 << i bytes."""

    __slots__ = ("pools",)

    def __init__(self) -> None:
        self.pools: list[FreeList[bytearray]] = [FreeList(maxPooled) for _ in range(32)]

    # gnet: pkg/pool/byteslice/byteslice.go Pool.Get
    def Get(self, size: int) -> memoryview:
        """A writable buffer of size bytes, recycled when its class has one idle.

        Recycled memory is not zeroed (nor is it in gnet): the caller overwrites it.
        """
        if size <= 0:
            return memoryview(bytearray())  # gnet: nil
        if size > MaxInt32:
            return memoryview(bytearray(size))
        idx = index(size)
        arr = self.pools[idx].Get()
        if arr is None:
            arr = bytearray(1 << idx)
        return memoryview(arr)[:size]

    # gnet: pkg/pool/byteslice/byteslice.go Pool.Put
    def Put(self, buf: bytearray | memoryview) -> None:
        """Give buf's backing array back to its size class.

        Only a ``bytearray`` can be recycled: a view of ``bytes`` (read-only) or of an
        mmap is dropped. An array that is not a power of two long did not come from Get;
        it joins the class below its size, whose Gets it can serve.
        """
        arr = buf.obj if isinstance(buf, memoryview) else buf
        if not isinstance(arr, bytearray):
            return
        size = len(arr)
        if size == 0 or size > MaxInt32:
            return
        idx = index(size)
        if size != 1 << idx:
            idx -= 1
        self.pools[idx].Put(arr)


builtinPool: Final = Pool()


# gnet: pkg/pool/byteslice/byteslice.go Get
def Get(size: int) -> memoryview:
    """A buffer of size bytes from the built-in pool."""
    return builtinPool.Get(size)


# gnet: pkg/pool/byteslice/byteslice.go Put
def Put(buf: bytearray | memoryview) -> None:
    """Give buf back to the built-in pool."""
    builtinPool.Put(buf)
