"""A pool of ring buffers that learns what size to make them (gnet v2.10.0:
pkg/pool/ringbuffer/ringbuffer.go).

The elastic buffers take a ring from here when data arrives and give it back when it
drains, so an idle connection holds none. New rings start with ``defaultSize`` bytes:
0 at first (no memory until the first write, which then allocates
``ring.DefaultBufferSize``). The pool counts the sizes of the rings it gets back, in
power-of-two classes from 64 bytes up; every ``calibrateCallsThreshold`` returns it
calibrates: the most common size becomes ``defaultSize``, and ``maxSize`` becomes the
largest size among the classes that make up 95% of the returns. Rings above ``maxSize``
are not kept, so one huge response does not pin its memory in the pool.

Where Python differs from gnet: the counters are plain ints, not atomics, and
``calibrate`` has no compare-and-swap guard against running twice at once. gnet's event
loops run in parallel; here a lost increment or a doubled calibration would only skew
the statistics a little.
"""

from __future__ import annotations

from typing import Final

from ..buffer import ring
from . import FreeList

minBitSize: Final = 6  # 2**6 = 64 bytes, a CPU cache line: the smallest class
steps: Final = 20  # size classes: 64 B .. 32 MiB
minSize: Final = 1 << minBitSize
calibrateCallsThreshold: Final = 42000
maxPercentile: Final = 0.95
# Idle rings kept (pkg/pool/__init__.py: Go's sync.Pool is emptied by the GC instead).
maxPooled: Final = 64

# gnet: pkg/pool/ringbuffer/ringbuffer.go RingBuffer
RingBuffer = ring.Buffer


# gnet: pkg/pool/ringbuffer/ringbuffer.go Pool
class Pool:
    """Idle ring buffers, and the statistics that size new ones."""

    __slots__ = ("calls", "defaultSize", "maxSize", "pool")

    def __init__(self) -> None:
        self.calls = [0] * steps  # returns per size class since the last calibration
        self.defaultSize = 0  # the size of a new ring
        self.maxSize = 0  # rings above this are not kept; 0: no limit yet
        self.pool: FreeList[RingBuffer] = FreeList(maxPooled)

    # gnet: pkg/pool/ringbuffer/ringbuffer.go Pool.Get
    def Get(self) -> RingBuffer:
        """An idle, empty ring, or a new one of defaultSize bytes."""
        rb = self.pool.Get()
        if rb is not None:
            return rb
        return ring.New(self.defaultSize)

    # gnet: pkg/pool/ringbuffer/ringbuffer.go Pool.Put
    def Put(self, b: RingBuffer) -> None:
        """Count b's size, and keep it (emptied) unless it is above maxSize."""
        idx = index(b.Len())
        self.calls[idx] += 1
        if self.calls[idx] > calibrateCallsThreshold:
            self.calibrate()
        if self.maxSize == 0 or b.Cap() <= self.maxSize:
            b.Reset()
            self.pool.Put(b)

    # gnet: pkg/pool/ringbuffer/ringbuffer.go Pool.calibrate
    def calibrate(self) -> None:
        """Pick defaultSize and maxSize from the counts, and start counting afresh."""
        # (calls, size) for each class, most returned first.
        a = sorted(((self.calls[i], minSize << i) for i in range(steps)),
                   key=lambda cs: cs[0], reverse=True)
        callsSum = sum(self.calls)
        self.calls = [0] * steps

        defaultSize = a[0][1]
        maxSize = defaultSize
        # Walk the classes from the most common down, until they account for 95% of
        # the returns; the largest size met is the new maxSize.
        maxSum = int(callsSum * maxPercentile)
        callsSum = 0
        for calls, size in a:
            if callsSum > maxSum:
                break
            callsSum += calls
            maxSize = max(maxSize, size)

        self.defaultSize = defaultSize
        self.maxSize = maxSize


# gnet: pkg/pool/ringbuffer/ringbuffer.go index
def index(n: int) -> int:
    """The size class of an n-byte ring: 0 for up to 64 bytes, 1 up to 128, ...,
    capped at the last class."""
    n = (n - 1) >> minBitSize
    idx = n.bit_length() if n > 0 else 0
    return min(idx, steps - 1)


builtinPool: Final = Pool()


# gnet: pkg/pool/ringbuffer/ringbuffer.go Get
def Get() -> RingBuffer:
    """A ring from the built-in pool."""
    return builtinPool.Get()


# gnet: pkg/pool/ringbuffer/ringbuffer.go Put
def Put(b: RingBuffer) -> None:
    """Give b back to the built-in pool; b must not be used afterwards."""
    builtinPool.Put(b)
