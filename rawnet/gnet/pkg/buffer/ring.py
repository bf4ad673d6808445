"""A circular byte buffer that grows on demand (gnet v2.10.0: pkg/buffer/ring/ring_buffer.go).

The bytes live in one array of ``size`` bytes. ``r`` is where the next read starts and
``w`` where the next write goes; both wrap around to 0 at the end of the array, so the
buffered bytes are either one run ``buf[r:w]`` or, once the writer has wrapped, two:
``buf[r:size]`` then ``buf[0:w]``::

    one run:   [ . . . r # # # # w . . . ]
    wrapped:   [ # # w . . . . . r # # # ]

``r == w`` is ambiguous (nothing buffered, or the array is full), so an ``isEmpty``
flag tells the two apart. An empty buffer always has ``r == w == 0``: every path that
drains it calls ``Reset``, so the next write starts at the front and stays one run as
long as possible.

``Peek`` hands out those one or two runs as ``memoryview`` slices of the array: no
copy, and valid only until the next call that writes or discards. A buffer made with
``New(0)`` (or ``Buffer()``) holds no array at all until the first write.

Where Python differs from gnet:
- Go's ``(n, err)`` results are a count returned or an exception raised: reading an
  empty buffer raises :class:`ErrIsEmpty`; ``WriteTo`` raises
  :class:`~rawnet.gnet.pkg.buffer.ErrShortWrite` (with ``.n``) on a short write.
- ``WriteString`` is not mirrored: a Python ``str`` has no bytes until it is encoded,
  and ``Write`` takes the encoded ``bytes``.
- ``ReadFrom`` reads into one free run per call: gnet's version, when the free space
  is two runs, reads into the second run even after a short read into the first, which
  would store the bytes out of order (gnet's test readers hand over everything at once,
  so its tests do not meet this). A read of 0 bytes leaves an empty buffer empty.
"""

from __future__ import annotations

from typing import Final

from ....io import EOF
from ..math import CeilToPowerOfTwo
from ..pool import byteslice as bsPool
from . import BytesLike, ErrShortWrite, Reader, Writer

# MinRead is the least free space ReadFrom offers each Read: below it, the buffer grows.
MinRead: Final = 512
# DefaultBufferSize is the first allocation of a buffer that started with none.
DefaultBufferSize: Final = 1024
# Below this capacity a full buffer doubles; above it, it grows by a quarter at a time.
bufferGrowThreshold: Final = 4 * 1024

# What a buffer without an array, and an empty Peek, hold (Go: a nil slice).
_empty: Final = memoryview(b"")


# gnet: pkg/buffer/ring/ring_buffer.go ErrIsEmpty
class ErrIsEmpty(Exception):
    """Read from a buffer that holds nothing."""

    def __init__(self) -> None:
        super().__init__("ring-buffer is empty")


# gnet: pkg/buffer/ring/ring_buffer.go Buffer
class Buffer:
    """A circular buffer; ``Buffer()`` is an empty one with no memory (Go: ``New(0)``)."""

    __slots__ = ("buf", "size", "r", "w", "isEmpty")

    def __init__(self) -> None:
        self.buf: memoryview = _empty
        self.size = 0  # len(buf): the capacity
        self.r = 0  # next position to read
        self.w = 0  # next position to write
        self.isEmpty = True

    # gnet: pkg/buffer/ring/ring_buffer.go Buffer.Peek
    def Peek(self, n: int) -> tuple[memoryview, memoryview]:
        """The next n bytes (all of them when n <= 0, at most what is buffered) as
        ``(head, tail)`` views, without consuming them. ``tail`` is empty unless the
        bytes wrap around the end of the array."""
        if self.isEmpty:
            return _empty, _empty
        if n <= 0:
            return self.peekAll()
        if self.w > self.r:  # one run
            m = min(self.w - self.r, n)
            return self.buf[self.r : self.r + m], _empty
        m = min(self.size - self.r + self.w, n)
        if self.r + m <= self.size:  # the first run alone covers n
            return self.buf[self.r : self.r + m], _empty
        return self.buf[self.r :], self.buf[: m - (self.size - self.r)]

    # gnet: pkg/buffer/ring/ring_buffer.go Buffer.peekAll
    def peekAll(self) -> tuple[memoryview, memoryview]:
        """Every buffered byte as ``(head, tail)`` views."""
        if self.isEmpty:
            return _empty, _empty
        if self.w > self.r:
            return self.buf[self.r : self.w], _empty
        # Wrapped, or full with r == w: from r to the end, then from 0 to w.
        return self.buf[self.r :], self.buf[: self.w]

    # gnet: pkg/buffer/ring/ring_buffer.go Buffer.Discard
    def Discard(self, n: int) -> int:
        """Skip the next n bytes (all of them if n is more); returns how many went."""
        if n <= 0:
            return 0
        discarded = self.Buffered()
        if n < discarded:
            self.r = (self.r + n) % self.size
            return n
        self.Reset()
        return discarded

    # gnet: pkg/buffer/ring/ring_buffer.go Buffer.Read
    def Read(self, p: bytearray | memoryview) -> int:
        """Copy up to len(p) bytes into p and consume them; returns how many.

        Raises :class:`ErrIsEmpty` when nothing is buffered (and p is not empty)."""
        if len(p) == 0:
            return 0
        if self.isEmpty:
            raise ErrIsEmpty()
        dst = memoryview(p)
        head, tail = self.Peek(len(dst))
        dst[: len(head)] = head
        dst[len(head) : len(head) + len(tail)] = tail
        n = len(head) + len(tail)
        self.r = (self.r + n) % self.size
        if self.r == self.w:  # drained: start again at the front
            self.Reset()
        return n

    # gnet: pkg/buffer/ring/ring_buffer.go Buffer.ReadByte
    def ReadByte(self) -> int:
        """Consume and return the next byte; raises :class:`ErrIsEmpty` if there is none."""
        if self.isEmpty:
            raise ErrIsEmpty()
        b = self.buf[self.r]
        self.r += 1
        if self.r == self.size:
            self.r = 0
        if self.r == self.w:
            self.Reset()
        return b

    # gnet: pkg/buffer/ring/ring_buffer.go Buffer.Write
    def Write(self, p: BytesLike) -> int:
        """Append all of p, growing the array if it lacks room; returns len(p)."""
        src = memoryview(p)
        n = len(src)
        if n == 0:
            return 0
        free = self.Available()
        if n > free:
            self.grow(self.size + n - free)
        if self.w >= self.r:
            # The free space runs from w to the end, then from 0 to r.
            c1 = self.size - self.w
            if c1 >= n:
                self.buf[self.w : self.w + n] = src
                self.w += n
            else:
                self.buf[self.w :] = src[:c1]
                self.buf[: n - c1] = src[c1:]
                self.w = n - c1
        else:
            # The free space is the gap between w and r.
            self.buf[self.w : self.w + n] = src
            self.w += n
        if self.w == self.size:
            self.w = 0
        self.isEmpty = False
        return n

    # gnet: pkg/buffer/ring/ring_buffer.go Buffer.WriteByte
    def WriteByte(self, c: int) -> None:
        """Append one byte (0..255)."""
        if self.Available() < 1:
            self.grow(1)
        self.buf[self.w] = c
        self.w += 1
        if self.w == self.size:
            self.w = 0
        self.isEmpty = False

    # gnet: pkg/buffer/ring/ring_buffer.go Buffer.Buffered
    def Buffered(self) -> int:
        """How many bytes there are to read."""
        if self.r == self.w:
            return 0 if self.isEmpty else self.size
        if self.w > self.r:
            return self.w - self.r
        return self.size - self.r + self.w

    # gnet: pkg/buffer/ring/ring_buffer.go Buffer.Len
    def Len(self) -> int:
        """The length of the underlying array."""
        return len(self.buf)

    # gnet: pkg/buffer/ring/ring_buffer.go Buffer.Cap
    def Cap(self) -> int:
        """The capacity: how many bytes fit before the buffer must grow."""
        return self.size

    # gnet: pkg/buffer/ring/ring_buffer.go Buffer.Available
    def Available(self) -> int:
        """How many bytes can be written without growing."""
        if self.r == self.w:
            return self.size if self.isEmpty else 0
        if self.w < self.r:
            return self.r - self.w
        return self.size - self.w + self.r

    # gnet: pkg/buffer/ring/ring_buffer.go Buffer.Bytes
    def Bytes(self) -> bytes:
        """A copy of every buffered byte, consuming none."""
        head, tail = self.peekAll()
        return b"".join((head, tail))

    # gnet: pkg/buffer/ring/ring_buffer.go Buffer.ReadFrom
    def ReadFrom(self, r: Reader) -> int:
        """Read from r until it raises ``rawnet.EOF``; returns how many bytes were added.

        Each Read is offered one contiguous free run of at least MinRead bytes (the
        buffer grows first if it has less free space in all). Any other exception
        propagates, and the bytes read before it stay buffered."""
        n = 0
        while True:
            if self.Available() < MinRead:
                self.grow(self.Buffered() + MinRead)
            # Free space from w: to r when the writer is behind the reader, else to the
            # end of the array (the run from 0 to r comes next, once w wraps to 0).
            end = self.r if self.w < self.r else self.size
            try:
                m = r.Read(self.buf[self.w : end])
            except EOF:
                return n
            if m > 0:
                self.isEmpty = False
            self.w = (self.w + m) % self.size
            n += m

    # gnet: pkg/buffer/ring/ring_buffer.go Buffer.WriteTo
    def WriteTo(self, w: Writer) -> int:
        """Write every buffered byte to w, consuming what w takes; returns how many.

        Raises :class:`ErrIsEmpty` when nothing is buffered, and
        :class:`~rawnet.gnet.pkg.buffer.ErrShortWrite` when w takes less than it is
        given (the bytes it did not take stay buffered)."""
        if self.isEmpty:
            raise ErrIsEmpty()
        n = 0
        for run in self.peekAll():
            if len(run) == 0:
                continue
            m = w.Write(run)
            self.Discard(m)
            n += m
            if m < len(run):
                raise ErrShortWrite(n)
        return n

    # gnet: pkg/buffer/ring/ring_buffer.go Buffer.IsFull
    def IsFull(self) -> bool:
        """Whether the array is full (the next write grows it)."""
        return self.r == self.w and not self.isEmpty

    # gnet: pkg/buffer/ring/ring_buffer.go Buffer.IsEmpty
    def IsEmpty(self) -> bool:
        """Whether nothing is buffered."""
        return self.isEmpty

    # gnet: pkg/buffer/ring/ring_buffer.go Buffer.Reset
    def Reset(self) -> None:
        """Drop every buffered byte; the array is kept for the next writes."""
        self.isEmpty = True
        self.r = self.w = 0

    # gnet: pkg/buffer/ring/ring_buffer.go Buffer.grow
    def grow(self, newCap: int) -> None:
        """Move the buffered bytes to a larger array of at least newCap bytes.

        The policy: a buffer with no array starts at DefaultBufferSize (or the next
        power of two above newCap); a small one doubles; from bufferGrowThreshold on it
        grows by a quarter at a time until newCap fits, so a large buffer does not
        double its memory for a few more bytes. A request beyond double is taken as is.
        The old array goes back to the byte-slice pool; the bytes land unwrapped at the
        front of the new one.
        """
        n = self.size
        if n == 0:
            newCap = DefaultBufferSize if newCap <= DefaultBufferSize else CeilToPowerOfTwo(newCap)
        elif newCap <= n + n:
            if n < bufferGrowThreshold:
                newCap = n + n
            else:
                while n < newCap:
                    n += n // 4
                newCap = n
        newBuf = bsPool.Get(newCap)
        oldLen = self.Buffered()
        if oldLen:
            self.Read(newBuf)
        bsPool.Put(self.buf)
        self.buf = newBuf
        self.r = 0
        self.w = oldLen
        self.size = newCap
        self.isEmpty = oldLen == 0


# gnet: pkg/buffer/ring/ring_buffer.go New
def New(size: int) -> Buffer:
    """A buffer with an array of size bytes, rounded up to a power of two; ``New(0)``
    allocates nothing until the first write."""
    rb = Buffer()
    if size == 0:
        return rb
    rb.size = CeilToPowerOfTwo(size)
    rb.buf = memoryview(bytearray(rb.size))
    return rb
