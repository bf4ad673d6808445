"""Buffers that hold memory only while they hold data (gnet v2.10.0: pkg/buffer/elastic/,
elastic_ring_buffer.go and elastic_ring_list_buffer.go).

A server with 100,000 mostly idle connections cannot afford two kilobyte-sized buffers
per connection. gnet's answer is to allocate lazily and give back eagerly:

- :class:`RingBuffer` wraps a ``ring.Buffer`` that it takes from the ring-buffer pool on
  the first write and returns to the pool as soon as a read or discard drains it. A
  connection's inbound buffer is one of these.
- :class:`Buffer` is a connection's outbound buffer: a RingBuffer first, and once the
  ring holds ``maxStaticBytes`` (gnet's ``WriteBufferCap`` option) a ``linkedlist``
  buffer after it for the overflow. The ring's array stops growing at that budget
  (beyond it, a large response would double a large array for a few more bytes); the
  list takes any number of chunks without moving them. Once anything is in the list,
  every later write goes there too, which keeps the bytes in order. ``Peek`` returns
  the ring's one or two runs and the list's chunks as one list of views, which the
  event loop hands to ``writev(2)``.

Where Python differs from gnet, besides raising where Go returns errors (see ring.py):
- ``RingBuffer.ReadFrom`` gives the ring back when the Reader had nothing to give
  (gnet keeps it until the next read or ``Done``), so that only ``Reset`` (which keeps
  the ring on purpose, for the writes to come) leaves an empty buffer holding a ring:
  the tests check this.
- ``Buffer.WriteTo`` goes on to the list when the ring is empty (gnet returns the
  ring's ``ErrIsEmpty`` and writes nothing).
- ``Peek(n)`` works for any n up to ``Buffered()``: gnet's returns ``ErrShortBuffer``
  whenever n is more than the list alone holds, even with the rest in the ring (the
  event loop only ever peeks everything, which does not meet this). It also leaves
  empty views out of its list (gnet may return an empty ``tail``), and
  ``Peek(math.MaxInt32)`` means no more than it says (gnet treats it as "everything",
  like ``n <= 0``).
"""

from __future__ import annotations

from collections.abc import Sequence

from ..errors import ErrNegativeSize
from ..pool import ringbuffer as rbPool
from . import BytesLike, ErrShortBuffer, ErrShortWrite, Reader, Writer, linkedlist, ring


# gnet: pkg/buffer/elastic/elastic_ring_buffer.go RingBuffer
class RingBuffer:
    """A ring buffer that exists only while it holds data: ``rb`` is None when empty.

    Its methods are ``ring.Buffer``'s; on no ring they answer as an empty buffer does
    (reads raise ``ring.ErrIsEmpty``), and the ones that consume give the ring back to
    the pool once it is drained."""

    __slots__ = ("rb",)

    def __init__(self) -> None:
        self.rb: ring.Buffer | None = None

    # gnet: pkg/buffer/elastic/elastic_ring_buffer.go RingBuffer.instance
    def instance(self) -> ring.Buffer:
        """The ring, taken from the pool if there is none yet."""
        if self.rb is None:
            self.rb = rbPool.Get()
        return self.rb

    # gnet: pkg/buffer/elastic/elastic_ring_buffer.go RingBuffer.Done
    def Done(self) -> None:
        """Give the ring back to the pool, whatever it holds (the connection is closing)."""
        if self.rb is not None:
            rbPool.Put(self.rb)
            self.rb = None

    # gnet: pkg/buffer/elastic/elastic_ring_buffer.go RingBuffer.done
    def done(self) -> None:
        """Give the ring back to the pool if it is empty."""
        if self.rb is not None and self.rb.IsEmpty():
            rbPool.Put(self.rb)
            self.rb = None

    # gnet: pkg/buffer/elastic/elastic_ring_buffer.go RingBuffer.Peek
    def Peek(self, n: int) -> tuple[memoryview, memoryview]:
        if self.rb is None:
            empty = memoryview(b"")
            return empty, empty
        return self.rb.Peek(n)

    # gnet: pkg/buffer/elastic/elastic_ring_buffer.go RingBuffer.Discard
    def Discard(self, n: int) -> int:
        if self.rb is None:
            raise ring.ErrIsEmpty()
        try:
            return self.rb.Discard(n)
        finally:
            self.done()

    # gnet: pkg/buffer/elastic/elastic_ring_buffer.go RingBuffer.Read
    def Read(self, p: bytearray | memoryview) -> int:
        if self.rb is None:
            raise ring.ErrIsEmpty()
        try:
            return self.rb.Read(p)
        finally:
            self.done()

    # gnet: pkg/buffer/elastic/elastic_ring_buffer.go RingBuffer.ReadByte
    def ReadByte(self) -> int:
        if self.rb is None:
            raise ring.ErrIsEmpty()
        try:
            return self.rb.ReadByte()
        finally:
            self.done()

    # gnet: pkg/buffer/elastic/elastic_ring_buffer.go RingBuffer.Write
    def Write(self, p: BytesLike) -> int:
        if len(p) == 0:  # no ring for nothing
            return 0
        return self.instance().Write(p)

    # gnet: pkg/buffer/elastic/elastic_ring_buffer.go RingBuffer.WriteByte
    def WriteByte(self, c: int) -> None:
        self.instance().WriteByte(c)

    # gnet: pkg/buffer/elastic/elastic_ring_buffer.go RingBuffer.Buffered
    def Buffered(self) -> int:
        return 0 if self.rb is None else self.rb.Buffered()

    # gnet: pkg/buffer/elastic/elastic_ring_buffer.go RingBuffer.Len
    def Len(self) -> int:
        return 0 if self.rb is None else self.rb.Len()

    # gnet: pkg/buffer/elastic/elastic_ring_buffer.go RingBuffer.Cap
    def Cap(self) -> int:
        return 0 if self.rb is None else self.rb.Cap()

    # gnet: pkg/buffer/elastic/elastic_ring_buffer.go RingBuffer.Available
    def Available(self) -> int:
        return 0 if self.rb is None else self.rb.Available()

    # gnet: pkg/buffer/elastic/elastic_ring_buffer.go RingBuffer.Bytes
    def Bytes(self) -> bytes:
        return b"" if self.rb is None else self.rb.Bytes()

    # gnet: pkg/buffer/elastic/elastic_ring_buffer.go RingBuffer.ReadFrom
    def ReadFrom(self, r: Reader) -> int:
        try:
            return self.instance().ReadFrom(r)
        finally:
            self.done()  # r had nothing to give: keep no ring

    # gnet: pkg/buffer/elastic/elastic_ring_buffer.go RingBuffer.WriteTo
    def WriteTo(self, w: Writer) -> int:
        if self.rb is None:
            raise ring.ErrIsEmpty()
        try:
            return self.rb.WriteTo(w)
        finally:
            self.done()

    # gnet: pkg/buffer/elastic/elastic_ring_buffer.go RingBuffer.IsFull
    def IsFull(self) -> bool:
        return self.rb is not None and self.rb.IsFull()

    # gnet: pkg/buffer/elastic/elastic_ring_buffer.go RingBuffer.IsEmpty
    def IsEmpty(self) -> bool:
        return self.rb is None or self.rb.IsEmpty()

    # gnet: pkg/buffer/elastic/elastic_ring_buffer.go RingBuffer.Reset
    def Reset(self) -> None:
        """Drop every buffered byte, keeping the ring for the next writes (``Done``
        gives it back)."""
        if self.rb is not None:
            self.rb.Reset()


# gnet: pkg/buffer/elastic/elastic_ring_list_buffer.go Buffer
class Buffer:
    """The outbound buffer: a ring up to maxStaticBytes, then a list of chunks.

    Make one with :func:`New`."""

    __slots__ = ("maxStaticBytes", "ringBuffer", "listBuffer")

    def __init__(self, maxStaticBytes: int) -> None:
        self.maxStaticBytes = maxStaticBytes
        self.ringBuffer = RingBuffer()
        self.listBuffer = linkedlist.Buffer()

    # gnet: pkg/buffer/elastic/elastic_ring_list_buffer.go Buffer.Read
    def Read(self, p: bytearray | memoryview) -> int:
        """Copy up to len(p) bytes into p, ring first, and consume them; returns how
        many. Raises ``rawnet.EOF`` when the buffer is empty (and p is not)."""
        dst = memoryview(p)
        n = 0 if self.ringBuffer.IsEmpty() else self.ringBuffer.Read(dst)
        if n == len(dst) or (n > 0 and self.listBuffer.IsEmpty()):
            return n
        return n + self.listBuffer.Read(dst[n:])

    # gnet: pkg/buffer/elastic/elastic_ring_list_buffer.go Buffer.Peek
    def Peek(self, n: int) -> list[memoryview]:
        """The next n bytes (all of them when n <= 0) as a list of views, ring first,
        consuming nothing: valid until the next Discard, Read or write.

        Raises ``ErrShortBuffer`` when n is more than is buffered."""
        if n > self.Buffered():
            raise ErrShortBuffer()
        head, tail = self.ringBuffer.Peek(n)  # n <= 0: all the ring holds
        if 0 < n <= self.ringBuffer.Buffered():  # the ring alone holds the n bytes
            return [v for v in (head, tail) if len(v) > 0]
        return self.listBuffer.PeekWithBytes(n, head, tail)

    # gnet: pkg/buffer/elastic/elastic_ring_list_buffer.go Buffer.Discard
    def Discard(self, n: int) -> int:
        """Consume the next n bytes (all of them if n is more); returns how many went."""
        discarded = 0 if self.ringBuffer.IsEmpty() else self.ringBuffer.Discard(n)
        if n <= discarded:
            return discarded
        return discarded + self.listBuffer.Discard(n - discarded)

    # gnet: pkg/buffer/elastic/elastic_ring_list_buffer.go Buffer.Write
    def Write(self, p: BytesLike) -> int:
        """Append p: into the ring while it is within budget, the rest into the list.
        Returns len(p)."""
        if not self.listBuffer.IsEmpty() or self.ringBuffer.Buffered() >= self.maxStaticBytes:
            self.listBuffer.PushBack(p)
            return len(p)
        if self.ringBuffer.Len() >= self.maxStaticBytes:
            # The ring's array is as big as it may get: fill its free space, and
            # queue the rest.
            writable = self.ringBuffer.Available()
            if len(p) > writable:
                src = memoryview(p)
                self.ringBuffer.Write(src[:writable])
                self.listBuffer.PushBack(src[writable:])
                return len(p)
        # Below budget the ring grows to take p whole (its array may then exceed
        # maxStaticBytes; later writes then stop at its new size).
        return self.ringBuffer.Write(p)

    # gnet: pkg/buffer/elastic/elastic_ring_list_buffer.go Buffer.Writev
    def Writev(self, bs: Sequence[BytesLike]) -> int:
        """Append each buffer of bs in turn, as Write would; returns the bytes taken."""
        total = sum(len(b) for b in bs)
        if not self.listBuffer.IsEmpty() or self.ringBuffer.Buffered() >= self.maxStaticBytes:
            for b in bs:
                self.listBuffer.PushBack(b)
            return total
        # How much more the ring may take: its free space once its array is at the
        # budget, else what the budget leaves (the ring grows to it).
        writable = self.ringBuffer.Available()
        if self.ringBuffer.Len() < self.maxStaticBytes:
            writable = self.maxStaticBytes - self.ringBuffer.Buffered()
        for i, b in enumerate(bs):
            if len(b) > writable:  # the budget runs out inside b
                src = memoryview(b)
                self.ringBuffer.Write(src[:writable])
                self.listBuffer.PushBack(src[writable:])
                for rest in bs[i + 1 :]:
                    self.listBuffer.PushBack(rest)
                break
            writable -= self.ringBuffer.Write(b)
        return total

    # gnet: pkg/buffer/elastic/elastic_ring_list_buffer.go Buffer.ReadFrom
    def ReadFrom(self, r: Reader) -> int:
        """Read from r until ``rawnet.EOF``, into the ring while it is within budget."""
        if not self.listBuffer.IsEmpty() or self.ringBuffer.Buffered() >= self.maxStaticBytes:
            return self.listBuffer.ReadFrom(r)
        return self.ringBuffer.ReadFrom(r)

    # gnet: pkg/buffer/elastic/elastic_ring_list_buffer.go Buffer.WriteTo
    def WriteTo(self, w: Writer) -> int:
        """Write everything to w, ring first; returns how many bytes. A short write
        raises ``ErrShortWrite`` with ``.n``; the rest stays buffered."""
        n = 0 if self.ringBuffer.IsEmpty() else self.ringBuffer.WriteTo(w)
        try:
            return n + self.listBuffer.WriteTo(w)
        except ErrShortWrite as e:
            e.n += n  # count the ring's bytes too
            raise

    # gnet: pkg/buffer/elastic/elastic_ring_list_buffer.go Buffer.Buffered
    def Buffered(self) -> int:
        return self.ringBuffer.Buffered() + self.listBuffer.Buffered()

    # gnet: pkg/buffer/elastic/elastic_ring_list_buffer.go Buffer.IsEmpty
    def IsEmpty(self) -> bool:
        return self.ringBuffer.IsEmpty() and self.listBuffer.IsEmpty()

    # gnet: pkg/buffer/elastic/elastic_ring_list_buffer.go Buffer.Reset
    def Reset(self, maxStaticBytes: int) -> None:
        """Drop everything; a positive maxStaticBytes becomes the new budget."""
        self.ringBuffer.Reset()
        self.listBuffer.Reset()
        if maxStaticBytes > 0:
            self.maxStaticBytes = maxStaticBytes

    # gnet: pkg/buffer/elastic/elastic_ring_list_buffer.go Buffer.Release
    def Release(self) -> None:
        """Drop everything and give the memory back (the connection is closing)."""
        self.ringBuffer.Done()
        self.listBuffer.Reset()


# gnet: pkg/buffer/elastic/elastic_ring_list_buffer.go New
def New(maxStaticBytes: int) -> Buffer:
    """An empty outbound buffer whose ring may hold maxStaticBytes; it allocates nothing
    until the first write. Raises ``ErrNegativeSize`` unless maxStaticBytes > 0."""
    if maxStaticBytes <= 0:
        raise ErrNegativeSize()
    return Buffer(maxStaticBytes)
