"""A queue of byte chunks (gnet v2.10.0: pkg/buffer/linkedlist/linked_list_buffer.go).

Where the ring buffer keeps one array and copies into it, this buffer keeps each write
as its own chunk, a node of a singly linked list: appending never moves what is already
queued, and an empty list holds no memory at all. It is the overflow half of the
elastic buffer, and ``Peek`` returns its chunks as a list of views, ready for one
``writev(2)``.

Chunks pushed with ``PushBack``/``PushFront`` are copies in byte-slice-pool memory and
go back to the pool once consumed; ``Append`` queues the caller's buffer itself.
Consuming part of a chunk only moves the start of its view (Go re-slices ``b.buf``).

Where Python differs from gnet: ``Read`` of nothing raises ``rawnet.EOF`` (Go returns
``(0, io.EOF)``); ``WriteTo`` raises ``ErrShortWrite`` (with ``.n``) and, if the Writer
raises, puts the chunk it was writing back first (gnet drops the rest of that chunk on
an error); ``ReadFrom`` queues no empty chunk for a Read of 0 bytes;
``PeekWithBytes`` counts the extra buffers when it checks that maxBytes are there (gnet
counts the list alone, and so refuses to peek across the elastic buffer's ring and
list).
"""

from __future__ import annotations

import sys
from typing import Final

from ....io import EOF
from ..pool import byteslice as bsPool
from . import BytesLike, ErrShortBuffer, ErrShortWrite, Reader, Writer

# The chunk size ReadFrom reads into.
minRead: Final = 512


# gnet: pkg/buffer/linkedlist/linked_list_buffer.go node
class node:
    """One chunk of the queue."""

    __slots__ = ("buf", "next")

    def __init__(self, buf: memoryview) -> None:
        self.buf = buf
        self.next: node | None = None

    # gnet: pkg/buffer/linkedlist/linked_list_buffer.go node.len
    def len(self) -> int:
        return len(self.buf)


# gnet: pkg/buffer/linkedlist/linked_list_buffer.go Buffer
class Buffer:
    """A linked list of chunks; ``Buffer()`` is an empty one (Go's zero value)."""

    __slots__ = ("head", "tail", "size", "bytes")

    def __init__(self) -> None:
        self.head: node | None = None
        self.tail: node | None = None
        self.size = 0  # how many nodes
        self.bytes = 0  # how many bytes in all

    # gnet: pkg/buffer/linkedlist/linked_list_buffer.go Buffer.Read
    def Read(self, p: bytearray | memoryview) -> int:
        """Copy up to len(p) bytes into p and consume them; returns how many.

        Raises ``rawnet.EOF`` when the list is empty (and p is not)."""
        dst = memoryview(p)
        if len(dst) == 0:
            return 0
        n = 0
        b = self.pop()
        while b is not None:
            m = min(len(dst) - n, b.len())
            dst[n : n + m] = b.buf[:m]
            n += m
            if m < b.len():  # p is full: the rest of this chunk goes back in front
                b.buf = b.buf[m:]
                self.pushFront(b)
            else:
                bsPool.Put(b.buf)
            if n == len(dst):
                return n
            b = self.pop()
        if n == 0:
            raise EOF()
        return n

    # gnet: pkg/buffer/linkedlist/linked_list_buffer.go Buffer.AllocNode
    def AllocNode(self, n: int) -> memoryview:
        """A pool buffer of n bytes for the caller to fill and then Append."""
        return bsPool.Get(n)

    # gnet: pkg/buffer/linkedlist/linked_list_buffer.go Buffer.FreeNode
    def FreeNode(self, p: memoryview) -> None:
        """Give a buffer from AllocNode (or Pop) back to the pool."""
        bsPool.Put(p)

    # gnet: pkg/buffer/linkedlist/linked_list_buffer.go Buffer.Append
    def Append(self, p: BytesLike) -> None:
        """Queue p itself, without copying: p must not change while it is queued."""
        if len(p) == 0:
            return
        self.pushBack(node(memoryview(p)))

    # gnet: pkg/buffer/linkedlist/linked_list_buffer.go Buffer.Pop
    def Pop(self) -> memoryview | None:
        """Remove and return the first chunk, or None if the list is empty."""
        b = self.pop()
        return None if b is None else b.buf

    # gnet: pkg/buffer/linkedlist/linked_list_buffer.go Buffer.PushFront
    def PushFront(self, p: BytesLike) -> None:
        """Queue a copy of p in front of everything."""
        if len(p) == 0:
            return
        self.pushFront(node(_copy(p)))

    # gnet: pkg/buffer/linkedlist/linked_list_buffer.go Buffer.PushBack
    def PushBack(self, p: BytesLike) -> None:
        """Queue a copy of p after everything."""
        if len(p) == 0:
            return
        self.pushBack(node(_copy(p)))

    # gnet: pkg/buffer/linkedlist/linked_list_buffer.go Buffer.Peek
    def Peek(self, maxBytes: int) -> list[memoryview]:
        """The first maxBytes bytes (all of them when maxBytes <= 0) as views of the
        chunks, without consuming them: valid until the next Discard or Read.

        Raises ``ErrShortBuffer`` when maxBytes is more than is buffered."""
        return self.PeekWithBytes(maxBytes)

    # gnet: pkg/buffer/linkedlist/linked_list_buffer.go Buffer.PeekWithBytes
    def PeekWithBytes(self, maxBytes: int, *bs: BytesLike) -> list[memoryview]:
        """Like Peek, with the buffers bs counted in front of the list's chunks (the
        elastic buffer passes its ring's views here). Empty buffers are skipped."""
        if maxBytes <= 0:
            maxBytes = sys.maxsize  # no bound: everything (Go: math.MaxInt32)
        elif maxBytes > self.bytes + sum(len(b) for b in bs):
            raise ErrShortBuffer()
        views: list[memoryview] = []
        cum = 0
        for b in bs:
            if len(b) > 0:
                offset = min(len(b), maxBytes - cum)
                views.append(memoryview(b)[:offset])
                cum += offset
                if cum == maxBytes:
                    return views
        it = self.head
        while it is not None:
            offset = min(it.len(), maxBytes - cum)
            views.append(it.buf[:offset])
            cum += offset
            if cum == maxBytes:
                break
            it = it.next
        return views

    # gnet: pkg/buffer/linkedlist/linked_list_buffer.go Buffer.Discard
    def Discard(self, n: int) -> int:
        """Consume the first n bytes (all of them if n is more); returns how many went."""
        discarded = 0
        while n > 0:
            b = self.pop()
            if b is None:
                break
            if n < b.len():  # the cut falls inside this chunk
                b.buf = b.buf[n:]
                discarded += n
                self.pushFront(b)
                break
            n -= b.len()
            discarded += b.len()
            bsPool.Put(b.buf)
        return discarded

    # gnet: pkg/buffer/linkedlist/linked_list_buffer.go Buffer.ReadFrom
    def ReadFrom(self, r: Reader) -> int:
        """Read from r into new minRead-byte chunks until it raises ``rawnet.EOF``;
        returns how many bytes were queued."""
        n = 0
        while True:
            b = bsPool.Get(minRead)
            try:
                m = r.Read(b)
            except EOF:
                bsPool.Put(b)
                return n
            n += m
            if m == 0:
                bsPool.Put(b)
            else:
                self.pushBack(node(b[:m]))

    # gnet: pkg/buffer/linkedlist/linked_list_buffer.go Buffer.WriteTo
    def WriteTo(self, w: Writer) -> int:
        """Write the chunks to w in order, consuming what w takes; returns how many
        bytes. Raises ``ErrShortWrite`` (with ``.n``) when w takes less than a whole
        chunk; what it did not take stays queued."""
        n = 0
        b = self.pop()
        while b is not None:
            try:
                m = w.Write(b.buf)
            except BaseException:
                self.pushFront(b)
                raise
            n += m
            if m < b.len():
                b.buf = b.buf[m:]
                self.pushFront(b)
                raise ErrShortWrite(n)
            bsPool.Put(b.buf)
            b = self.pop()
        return n

    # gnet: pkg/buffer/linkedlist/linked_list_buffer.go Buffer.Len
    def Len(self) -> int:
        """How many chunks are queued."""
        return self.size

    # gnet: pkg/buffer/linkedlist/linked_list_buffer.go Buffer.Buffered
    def Buffered(self) -> int:
        """How many bytes are queued."""
        return self.bytes

    # gnet: pkg/buffer/linkedlist/linked_list_buffer.go Buffer.IsEmpty
    def IsEmpty(self) -> bool:
        return self.head is None

    # gnet: pkg/buffer/linkedlist/linked_list_buffer.go Buffer.Reset
    def Reset(self) -> None:
        """Drop every chunk, giving pool memory back."""
        b = self.pop()
        while b is not None:
            bsPool.Put(b.buf)
            b = self.pop()

    # gnet: pkg/buffer/linkedlist/linked_list_buffer.go Buffer.pop
    def pop(self) -> node | None:
        """Unlink and return the first node, or None."""
        b = self.head
        if b is None:
            return None
        self.head = b.next
        if self.head is None:
            self.tail = None
        b.next = None
        self.size -= 1
        self.bytes -= b.len()
        return b

    # gnet: pkg/buffer/linkedlist/linked_list_buffer.go Buffer.pushFront
    def pushFront(self, b: node) -> None:
        if self.head is None:
            b.next = None
            self.tail = b
        else:
            b.next = self.head
        self.head = b
        self.size += 1
        self.bytes += b.len()

    # gnet: pkg/buffer/linkedlist/linked_list_buffer.go Buffer.pushBack
    def pushBack(self, b: node) -> None:
        if self.tail is None:
            self.head = b
        else:
            self.tail.next = b
        b.next = None
        self.tail = b
        self.size += 1
        self.bytes += b.len()


def _copy(p: BytesLike) -> memoryview:
    """A copy of p in pool memory (Go: ``b := bsPool.Get(n); copy(b, p)``)."""
    b = bsPool.Get(len(p))
    b[:] = p
    return b
