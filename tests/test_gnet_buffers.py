"""rawnet.gnet's buffers and pools: gnet's own tests ported (names kept, as
test_<GoTestName>), and state machines that drive each buffer at random against a plain
bytearray holding what it should hold."""

from __future__ import annotations

import os
import random
import re
import sys
from pathlib import Path

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

import rawnet
from rawnet.gnet.pkg import errors
from rawnet.gnet.pkg.buffer import ErrShortBuffer, ErrShortWrite, elastic, linkedlist, ring
from rawnet.gnet.pkg.math import CeilToPowerOfTwo
from rawnet.gnet.pkg.pool import FreeList, byteslice
from rawnet.gnet.pkg.pool import ringbuffer as rbPool

pytestmark = pytest.mark.timeout(60)

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import gomap  # noqa: E402


class BytesReader:
    """Go's bytes.Reader, for ReadFrom: hands out data, at most step bytes per Read
    (None: as much as fits), then raises rawnet.EOF."""

    def __init__(self, data: bytes, step: int | None = None) -> None:
        self.data = data
        self.step = step
        self.i = 0

    def Read(self, p: memoryview, /) -> int:
        if self.i >= len(self.data):
            raise rawnet.EOF()
        n = min(len(p), len(self.data) - self.i, self.step or len(p))
        p[:n] = self.data[self.i : self.i + n]
        self.i += n
        return n


class BytesWriter:
    """Go's bytes.Buffer, for WriteTo: takes at most limit bytes per Write (None: all)."""

    def __init__(self, limit: int | None = None) -> None:
        self.data = bytearray()
        self.limit = limit

    def Write(self, p: memoryview, /) -> int:
        n = len(p) if self.limit is None else min(len(p), self.limit)
        self.data += p[:n]
        return n


def joined(views: list[memoryview]) -> bytes:
    return b"".join(views)


@pytest.fixture
def freshRingPool(monkeypatch: pytest.MonkeyPatch) -> None:
    """An empty ring-buffer pool: what an elastic buffer's first write gets does not
    depend on the rings earlier tests gave back."""
    monkeypatch.setattr(rbPool, "builtinPool", rbPool.Pool())


# --- pkg/math, pkg/pool ------------------------------------------------------------


def test_CeilToPowerOfTwo() -> None:
    assert [CeilToPowerOfTwo(n) for n in (-1, 0, 1, 2, 3, 4, 5, 64, 65, 1000)] == [
        2, 2, 2, 2, 4, 4, 8, 64, 128, 1024]


def test_TestByteSlice() -> None:
    buf = byteslice.Get(8)
    buf[:2] = b"ff"
    assert bytes(buf[:2]) == b"ff"
    byteslice.Put(buf)
    newBuf = byteslice.Get(7)  # the same size class: the same array comes back
    assert newBuf.obj is buf.obj
    assert bytes(newBuf[:2]) == b"ff"
    assert len(newBuf) == 7 and len(newBuf.obj) == 8  # type: ignore[arg-type]


def test_byteslice_size_classes() -> None:
    p = byteslice.Pool()
    assert len(p.Get(0)) == 0
    assert len(p.Get(1000).obj) == 1024  # type: ignore[arg-type]
    odd = bytearray(1500)  # not from Get: serves the 1024 class, the one below it
    p.Put(memoryview(odd)[:10])
    assert p.Get(1024).obj is odd
    p.Put(memoryview(b"read-only"))  # not a bytearray: dropped
    assert all(not fl.items for fl in p.pools)


def test_FreeList_is_bounded() -> None:
    fl: FreeList[int] = FreeList(2)
    for i in range(5):
        fl.Put(i)
    assert fl.Get() == 1 and fl.Get() == 0 and fl.Get() is None


def test_ringbuffer_pool_calibrates() -> None:
    p = rbPool.Pool()
    assert p.Get().Len() == 0  # before calibration: rings start with no memory
    rb = ring.New(4096)
    for _ in range(rbPool.calibrateCallsThreshold + 1):
        p.Put(rb)
        assert p.Get() is rb
    assert (p.defaultSize, p.maxSize) == (4096, 4096)
    assert p.Get().Cap() == 4096  # a new ring now starts at the usual size
    p.Put(ring.New(1 << 20))  # above maxSize: not kept
    assert all(r.Cap() <= 4096 for r in p.pool.items)


# --- pkg/buffer/ring ---------------------------------------------------------------


def test_TestRingBuffer_Write() -> None:
    rb = ring.New(64)
    with pytest.raises(ring.ErrIsEmpty, match="^ring-buffer is empty$"):
        rb.ReadByte()
    assert rb.IsEmpty() and not rb.IsFull()
    assert (rb.Buffered(), rb.Available()) == (0, 64)

    data = b"abcd" * 4
    assert rb.Write(data) == 16
    assert (rb.Buffered(), rb.Available(), rb.Bytes()) == (16, 48, data)
    assert not rb.IsEmpty() and not rb.IsFull()

    assert rb.Write(b"abcd" * 12) == 48  # now full
    assert (rb.Buffered(), rb.Available(), rb.w) == (64, 0, 0)
    assert rb.Bytes() == b"abcd" * 16
    assert not rb.IsEmpty() and rb.IsFull()

    assert rb.Write(b"abcd") == 4  # grows from 64 to 128 bytes
    size = rb.Cap()
    assert (rb.Buffered(), rb.Available()) == (68, size - 68)
    assert not rb.IsEmpty() and not rb.IsFull()

    rb.Reset()
    assert rb.Write(b"abcd" * 20) == 80
    assert (rb.Buffered(), rb.Available()) == (80, size - 80)
    assert rb.w > 0
    assert not rb.IsEmpty() and not rb.IsFull()
    assert rb.Bytes() == b"abcd" * 20

    rb.Reset()
    size = rb.Cap()
    assert rb.Write(b"abcd" * 2) == 8
    assert (rb.Buffered(), rb.Available()) == (8, size - 8)
    buf = bytearray(5)
    rb.Read(buf)
    assert rb.Buffered() == 3
    rb.Write(b"abcd" * 15)
    assert rb.Bytes() == b"bcd" + b"abcd" * 15

    rb.Reset()
    assert rb.Write(b"abcd" * 32) == 128
    assert rb.Available() == 0
    buf = bytearray(16)
    rb.Read(buf)
    assert rb.Write(b"1234" * 4) == 16
    assert rb.Available() == 0
    assert bytes(buf) + rb.Bytes() == b"abcd" * 32 + b"1234" * 4


def test_TestZeroRingBuffer() -> None:
    rb = ring.New(0)
    for n in (2, -1):
        head, tail = rb.Peek(n)
        assert len(head) == len(tail) == 0
    assert (rb.Buffered(), rb.Available(), rb.Len()) == (0, 0, 0)  # no memory at all
    buf = b"1234" * 12
    rb.Write(buf)
    assert rb.Len() == rb.Cap() == ring.DefaultBufferSize
    assert (rb.r, rb.w, rb.size) == (0, 48, ring.DefaultBufferSize)
    assert rb.Bytes() == buf
    rb.Discard(48)
    assert rb.IsEmpty() and rb.r == rb.w == 0


def test_TestRingBufferGrow() -> None:
    rb = ring.New(0)
    head, tail = rb.Peek(2)
    assert len(head) == len(tail) == 0
    data = os.urandom(ring.DefaultBufferSize + 1)
    assert rb.Write(data) == ring.DefaultBufferSize + 1
    assert rb.Cap() == rb.Len() == 2 * ring.DefaultBufferSize
    assert rb.Buffered() == ring.DefaultBufferSize + 1
    assert rb.Available() == ring.DefaultBufferSize - 1
    assert rb.Bytes() == data

    rb = ring.New(ring.DefaultBufferSize)
    newData = os.urandom(3 * 512)
    assert rb.Write(newData) == 3 * 512
    assert rb.Cap() == rb.Len() == 2 * ring.DefaultBufferSize
    assert (rb.Buffered(), rb.Available()) == (3 * 512, 512)
    assert rb.Bytes() == newData

    # From bufferGrowThreshold on, a quarter at a time: 4096 -> 5120 -> 6400.
    rb.Reset()
    data = os.urandom(ring.bufferGrowThreshold)
    assert rb.Write(data) == ring.bufferGrowThreshold
    assert rb.Cap() == rb.Len() == ring.bufferGrowThreshold
    assert (rb.Buffered(), rb.Available()) == (ring.bufferGrowThreshold, 0)
    assert rb.Bytes() == data
    newData = os.urandom(ring.bufferGrowThreshold // 2 + 1)
    assert rb.Write(newData) == len(newData)
    assert rb.Cap() == rb.Len() == int(1.25 * 1.25 * ring.bufferGrowThreshold)
    assert rb.Buffered() == int(1.5 * ring.bufferGrowThreshold) + 1
    assert rb.Available() == rb.Cap() - rb.Buffered()
    assert rb.Bytes() == data + newData


def test_TestRingBuffer_Read() -> None:
    rb = ring.New(64)
    assert rb.IsEmpty() and not rb.IsFull()
    assert (rb.Buffered(), rb.Available()) == (0, 64)

    buf = bytearray(1024)
    with pytest.raises(ring.ErrIsEmpty):
        rb.Read(buf)
    assert (rb.Buffered(), rb.Available(), rb.r) == (0, 64, 0)

    rb.Write(b"abcd" * 4)
    assert rb.Read(buf) == 16
    assert (rb.Buffered(), rb.Available(), rb.r) == (0, 64, 0)

    rb.Write(b"abcd" * 20)  # grows from 64 to 128
    assert rb.Read(buf) == 80
    assert (rb.Buffered(), rb.Available(), rb.r) == (0, 128, 0)

    rb.Reset()
    rb.Write(b"1234" * 32)
    assert rb.IsFull()
    assert (rb.Available(), rb.w) == (0, 0)
    head, tail = rb.Peek(64)
    assert len(head) == 64 and len(tail) == 0
    assert rb.r == 0
    assert head == b"1234" * 16
    rb.Discard(64)
    assert rb.r == 64
    rb.Write(b"1234" * 4)
    assert rb.w == 16
    for n in (128, -1):
        head, tail = rb.Peek(n)
        assert (len(head), len(tail)) == (64, 16)
        assert head == b"1234" * 16 and tail == b"1234" * 4
    rb.Discard(64)
    rb.Discard(16)
    assert rb.IsEmpty()


def test_TestRingBuffer_ByteInterface() -> None:
    rb = ring.New(2)
    rb.WriteByte(ord("a"))
    assert (rb.Buffered(), rb.Available(), rb.Bytes()) == (1, 1, b"a")
    assert not rb.IsEmpty() and not rb.IsFull()

    rb.WriteByte(ord("b"))
    assert (rb.Buffered(), rb.Available(), rb.Bytes()) == (2, 0, b"ab")
    assert not rb.IsEmpty() and rb.IsFull()

    rb.WriteByte(ord("c"))  # grows from 2 to 4
    assert (rb.Buffered(), rb.Available(), rb.Bytes()) == (3, 1, b"abc")
    assert not rb.IsEmpty() and not rb.IsFull()

    assert rb.ReadByte() == ord("a")
    assert (rb.Buffered(), rb.Available(), rb.Bytes()) == (2, 2, b"bc")
    assert not rb.IsEmpty() and not rb.IsFull()

    assert rb.ReadByte() == ord("b")
    assert (rb.Buffered(), rb.Available()) == (1, 3)

    rb.ReadByte()
    assert (rb.Buffered(), rb.Available()) == (0, 4)
    assert rb.IsEmpty() and not rb.IsFull()


def test_TestRingBuffer_ReadFrom() -> None:
    rb = ring.New(0)
    dataLen = 4 * 1024
    data = os.urandom(dataLen)
    assert rb.ReadFrom(BytesReader(data)) == dataLen
    assert not rb.IsEmpty() and rb.Buffered() == dataLen
    head, _ = rb.Peek(-1)
    assert head == data
    buf = bytearray(dataLen)
    assert rb.Read(buf) == dataLen
    assert buf == data
    assert rb.IsEmpty() and rb.Buffered() == 0

    rb = ring.New(0)
    prefixLen = 2 * 1024
    prefix = os.urandom(prefixLen)
    data = os.urandom(dataLen)
    assert rb.Write(prefix) == prefixLen
    assert rb.ReadFrom(BytesReader(data)) == dataLen
    assert rb.Buffered() == prefixLen + dataLen
    head, tail = rb.Peek(prefixLen)
    assert len(tail) == 0 and head == prefix
    rb.Discard(prefixLen)
    assert rb.Buffered() == dataLen
    head, tail = rb.Peek(-1)
    assert len(tail) == 0 and head == data
    rb.Discard(dataLen)
    assert rb.IsEmpty() and rb.Buffered() == 0

    rb = ring.New(5 * 1024)
    prefix = os.urandom(prefixLen)
    data = os.urandom(dataLen)
    assert rb.Write(prefix) == prefixLen
    partLen = 1024
    head, tail = rb.Peek(partLen)
    assert len(tail) == 0 and head == prefix[:partLen]
    rb.Discard(partLen)
    assert rb.ReadFrom(BytesReader(data)) == dataLen
    head, tail = rb.Peek(-1)
    assert bytes(head) + bytes(tail) == prefix[partLen:] + data
    rb.Discard(prefixLen + dataLen - partLen)
    assert rb.IsEmpty() and rb.Buffered() == 0


def test_TestRingBuffer_WriteTo() -> None:
    rb = ring.New(5 * 1024)
    dataLen = 4 * 1024
    data = os.urandom(dataLen)
    assert rb.Write(data) == dataLen
    w = BytesWriter()
    assert rb.WriteTo(w) == dataLen
    assert rb.IsEmpty() and w.data == data

    w = BytesWriter()
    data = os.urandom(dataLen)
    rb = ring.New(dataLen)
    assert rb.Write(data) == dataLen
    assert rb.IsFull()
    assert rb.WriteTo(w) == dataLen
    assert rb.IsEmpty() and w.data == data

    w = BytesWriter()
    rb.Reset()
    data = os.urandom(dataLen)
    assert rb.Write(data) == dataLen
    assert rb.IsFull()
    partLen = 1024
    head, tail = rb.Peek(partLen)
    assert len(tail) == 0 and head == data[:partLen]
    rb.Discard(partLen)
    partData = os.urandom(partLen // 2)
    assert rb.Write(partData) == partLen // 2
    assert rb.Available() == partLen // 2
    assert rb.WriteTo(w) == dataLen - partLen // 2  # wrapped: two writes
    assert w.data == data[partLen:] + partData
    assert rb.IsEmpty()


def test_ring_Peek_is_zero_copy() -> None:
    rb = ring.New(8)
    rb.Write(b"abcdef")
    rb.Discard(4)
    rb.Write(b"ghij")  # wraps: "efgh" up to the end, "ij" at the front
    head, tail = rb.Peek(-1)
    assert (head, tail) == (b"efgh", b"ij")
    assert head.obj is rb.buf.obj and tail.obj is rb.buf.obj


def test_ring_ReadFrom_short_reads_into_a_wrapped_buffer() -> None:
    # The free space is two runs (w..end and 0..r) and the reader returns fewer bytes
    # than the first run holds: the bytes must still come out in order.
    rb = ring.New(2048)
    rb.Write(os.urandom(1024))
    rb.Discard(1000)  # r = 1000, w = 1024: free space 1024..2048, then 0..1000
    data = os.urandom(1500)
    assert rb.ReadFrom(BytesReader(data, step=100)) == 1500
    assert rb.Bytes()[24:] == data


def test_ring_ReadFrom_of_nothing_leaves_it_empty() -> None:
    rb = ring.New(0)
    assert rb.ReadFrom(BytesReader(b"")) == 0
    assert rb.IsEmpty() and rb.Buffered() == 0


def test_ring_WriteTo_short_write() -> None:
    rb = ring.New(64)
    rb.Write(b"x" * 40)
    with pytest.raises(ErrShortWrite, match="^short write$") as e:
        rb.WriteTo(BytesWriter(limit=15))
    assert e.value.n == 15 and rb.Buffered() == 25
    with pytest.raises(ring.ErrIsEmpty):
        ring.New(0).WriteTo(BytesWriter())


# --- pkg/buffer/linkedlist ---------------------------------------------------------


def test_TestLinkedListBuffer_Basic() -> None:
    rng = random.Random(1)
    llb = linkedlist.Buffer()
    expect = bytearray()
    for _ in range(100):
        data = os.urandom(rng.randrange(1024) + 128)
        llb.PushBack(data)
        expect += data
    cum = len(expect)
    assert llb.Len() == 100 and llb.Buffered() == cum

    p = joined(llb.Peek(cum // 4))
    assert len(p) == cum // 4 and p == expect[: len(p)]
    tmpA = os.urandom(cum // 16)
    tmpB = os.urandom(cum // 16)
    p = joined(llb.PeekWithBytes(cum // 4, tmpA, tmpB))
    assert len(p) == cum // 4
    assert p == tmpA + tmpB + expect[: len(p) - len(tmpA) - len(tmpB)]

    pn = llb.Discard(len(p))
    del expect[:pn]
    buf = bytearray(cum - pn)
    assert llb.Read(buf) == cum - pn
    assert buf == expect
    assert llb.IsEmpty()


def test_TestLinkedListBuffer_ReadFrom() -> None:
    llb = linkedlist.Buffer()
    dataLen = 4 * 1024
    data = os.urandom(dataLen)
    assert llb.ReadFrom(BytesReader(data)) == dataLen
    assert llb.Buffered() == dataLen

    llb.Reset()
    head = os.urandom(256)
    llb.PushBack(head)
    data = os.urandom(dataLen)
    assert llb.ReadFrom(BytesReader(data)) == dataLen
    assert llb.Buffered() == 256 + dataLen
    buf = bytearray(256 + dataLen)
    assert llb.Read(buf) == 256 + dataLen
    assert buf == head + data
    assert llb.IsEmpty()


def test_TestLinkedListBuffer_WriteTo() -> None:
    rng = random.Random(2)
    for discard in (False, True):
        llb = linkedlist.Buffer()
        expect = bytearray()
        for _ in range(20):
            data = os.urandom(rng.randrange(1024) + 128)
            llb.PushBack(data)
            expect += data
        cum = len(expect)
        assert llb.Len() == 20 and llb.Buffered() == cum
        if discard:
            del expect[: llb.Discard(cum // 2)]
        w = BytesWriter()
        assert llb.WriteTo(w) == len(expect)
        assert w.data == expect


def test_linkedlist_nodes_without_copy() -> None:
    llb = linkedlist.Buffer()
    mine = bytearray(b"zero-copy")
    llb.Append(mine)  # queued as is
    mine[:4] = b"ZERO"
    llb.PushFront(b"head:")  # a copy
    assert joined(llb.Peek(-1)) == b"head:ZERO-copy"
    node = llb.AllocNode(3)
    node[:] = b"end"
    llb.Append(node)
    assert llb.Len() == 3 and llb.Buffered() == 17
    first = llb.Pop()
    assert first is not None and first == b"head:"
    llb.FreeNode(first)
    assert joined(llb.Peek(0)) == b"ZERO-copyend"
    with pytest.raises(ErrShortBuffer, match="^short buffer$"):
        llb.Peek(13)
    with pytest.raises(rawnet.EOF):
        linkedlist.Buffer().Read(bytearray(1))
    llb.Reset()
    assert llb.IsEmpty() and llb.Pop() is None and (llb.Len(), llb.Buffered()) == (0, 0)


def test_linkedlist_WriteTo_short_write_and_failure() -> None:
    llb = linkedlist.Buffer()
    llb.PushBack(b"abc")
    llb.PushBack(b"defg")
    with pytest.raises(ErrShortWrite) as e:
        llb.WriteTo(BytesWriter(limit=2))
    assert e.value.n == 2 and joined(llb.Peek(-1)) == b"cdefg"

    class Broken:
        def Write(self, p: memoryview, /) -> int:
            raise ConnectionResetError

    with pytest.raises(ConnectionResetError):
        llb.WriteTo(Broken())
    assert joined(llb.Peek(-1)) == b"cdefg"  # the chunk being written was kept


# --- pkg/buffer/elastic ------------------------------------------------------------


def test_New_refuses_a_size_of_zero() -> None:
    with pytest.raises(errors.ErrNegativeSize, match="^gnet: negative size is not allowed$"):
        elastic.New(0)


@pytest.mark.usefixtures("freshRingPool")
def test_TestMixedBuffer_Basic() -> None:
    maxStaticSize = 4 * 1024
    mb = elastic.New(maxStaticSize)
    dataLen = 5 * 1024
    data = os.urandom(dataLen)
    assert mb.Write(data) == dataLen  # below budget, the ring takes it all
    assert mb.Buffered() == mb.ringBuffer.Buffered() == dataLen

    rbn = mb.ringBuffer.Len()
    mb.Reset(-1)
    newDataLen = rbn + 2 * 1024
    data = os.urandom(newDataLen)
    assert mb.Write(data) == newDataLen  # the ring fills, the list takes the rest
    assert mb.Buffered() == newDataLen
    assert mb.ringBuffer.Buffered() == rbn

    assert joined(mb.Peek(-1)) == data
    assert mb.Peek(rbn)[0] == data[:rbn]
    assert mb.Discard(rbn) == rbn
    assert mb.ringBuffer.rb is None  # drained: the ring went back to the pool
    assert mb.Peek(newDataLen - rbn)[0] == data[rbn:]
    assert mb.Discard(newDataLen - rbn) == newDataLen - rbn
    assert mb.IsEmpty()

    rng = random.Random(3)
    expect = bytearray()
    bs = []
    for i in range(100):
        data = os.urandom(rng.randrange(512) + 128)
        expect += data
        if i < 3:
            mb.Write(data)
        else:
            bs.append(data)
    cum = len(expect)
    headCum = cum - sum(map(len, bs))
    assert mb.Writev(bs) == cum - headCum
    assert mb.ringBuffer.Len() >= maxStaticSize
    assert mb.Buffered() == cum
    assert joined(mb.Peek(-1)) == expect
    p = bytearray(cum)
    assert mb.Read(p) == cum
    assert p == expect
    assert mb.ringBuffer.rb is None and mb.IsEmpty()


@pytest.mark.usefixtures("freshRingPool")
def test_TestMixedBuffer_ReadFrom() -> None:
    maxStaticSize = 2 * 1024
    mb = elastic.New(maxStaticSize)
    dataLen = 2 * 1024
    data = os.urandom(dataLen)
    assert mb.ReadFrom(BytesReader(data)) == dataLen
    assert mb.Buffered() == dataLen
    newData = os.urandom(dataLen)
    assert mb.ReadFrom(BytesReader(newData)) == dataLen  # the ring is at budget: the list
    assert mb.Buffered() == 2 * dataLen
    assert not mb.listBuffer.IsEmpty()

    buf = bytearray(dataLen)
    assert mb.Read(buf) == dataLen
    assert buf == data
    assert joined(mb.Peek(dataLen)) == newData
    assert mb.Discard(dataLen) == dataLen
    assert mb.ringBuffer.rb is None and mb.IsEmpty()


@pytest.mark.usefixtures("freshRingPool")
def test_TestMixedBuffer_WriteTo() -> None:
    mb = elastic.New(4 * 1024)
    rng = random.Random(4)
    expect = bytearray()
    bs = []
    for i in range(50):
        data = os.urandom(rng.randrange(512) + 128)
        expect += data
        if i < 3:
            mb.Write(data)
        else:
            bs.append(data)
    assert mb.Writev(bs) == sum(map(len, bs))
    assert mb.Buffered() == len(expect)
    w = BytesWriter()
    assert mb.WriteTo(w) == len(expect)
    assert w.data == expect
    assert mb.ringBuffer.rb is None and mb.IsEmpty()


def test_elastic_Peek_across_ring_and_list() -> None:
    # gnet's Peek refuses n larger than the list alone holds; here any n up to
    # Buffered() works.
    mb = elastic.New(8)
    mb.Write(b"0123456789")  # the ring grows to take it whole (its first write)
    mb.Write(b"abcdef")  # the ring is over budget: the list
    assert joined(mb.Peek(12)) == b"0123456789ab"
    assert joined(mb.Peek(5)) == b"01234"
    with pytest.raises(ErrShortBuffer):
        mb.Peek(17)


def test_elastic_WriteTo_with_only_the_list() -> None:
    mb = elastic.New(4)
    mb.Write(b"abcd")
    mb.Write(b"efgh")  # list
    mb.Discard(4)  # the ring drains and goes; the list still holds "efgh"
    w = BytesWriter()
    assert mb.WriteTo(w) == 4 and w.data == b"efgh"
    mb.Write(b"ijkl")
    mb.Write(b"mnopqrst")
    w = BytesWriter(limit=4)
    with pytest.raises(ErrShortWrite) as e:
        mb.WriteTo(w)
    assert e.value.n == 8 and w.data == b"ijklmnop"  # the ring's 4, then 4 of the list's 8


def test_elastic_RingBuffer_holds_nothing_when_idle() -> None:
    rb = elastic.RingBuffer()
    assert (rb.Len(), rb.Cap(), rb.Available(), rb.Bytes()) == (0, 0, 0, b"")
    assert rb.IsEmpty() and not rb.IsFull()
    for op in (lambda: rb.Read(bytearray(1)), rb.ReadByte, lambda: rb.Discard(1),
               lambda: rb.WriteTo(BytesWriter())):
        with pytest.raises(ring.ErrIsEmpty):
            op()
    assert rb.Write(b"") == 0 and rb.rb is None
    rb.WriteByte(1)
    assert rb.rb is not None and rb.ReadByte() == 1 and rb.rb is None
    assert rb.ReadFrom(BytesReader(b"")) == 0 and rb.rb is None
    rb.Write(b"abc")
    rb.Reset()  # empties the ring but keeps it, as gnet's does
    assert rb.rb is not None and rb.IsEmpty()
    rb.Done()
    assert rb.rb is None


# --- state machines ------------------------------------------------------------------

chunks = st.binary(max_size=300)
steps = st.none() | st.integers(min_value=1, max_value=600)


def count(data: st.DataObject, buffered: int, *edges: int) -> int:
    """A byte count for peek or discard: up to a little past what is buffered, often
    right at an edge (the end of the data, or where the buffer changes part)."""
    near = [e + d for e in (0, buffered, *edges) for d in (-1, 0, 1)]
    return data.draw(st.integers(min_value=-2, max_value=buffered + 2) | st.sampled_from(near))


class RingMachine(RuleBasedStateMachine):
    """ring.Buffer against a bytearray: every operation, same bytes."""

    def __init__(self) -> None:
        super().__init__()
        self.rb = ring.Buffer()
        self.model = bytearray()

    @initialize(size=st.sampled_from([0, 1, 2, 3, 64, 100, 1024]))
    def new(self, size: int) -> None:
        self.rb = ring.New(size)

    @rule(data=chunks)
    def write(self, data: bytes) -> None:
        assert self.rb.Write(data) == len(data)
        self.model += data

    @rule(c=st.integers(0, 255))
    def write_byte(self, c: int) -> None:
        self.rb.WriteByte(c)
        self.model.append(c)

    @rule(n=st.integers(0, 700))
    def read(self, n: int) -> None:
        buf = bytearray(n)
        if n and not self.model:
            with pytest.raises(ring.ErrIsEmpty):
                self.rb.Read(buf)
            return
        m = self.rb.Read(buf)
        assert buf[:m] == self.model[:n] and m == min(n, len(self.model))
        del self.model[:m]

    @rule()
    def read_byte(self) -> None:
        if not self.model:
            with pytest.raises(ring.ErrIsEmpty):
                self.rb.ReadByte()
            return
        assert self.rb.ReadByte() == self.model.pop(0)

    @rule(data=st.data())
    def peek(self, data: st.DataObject) -> None:
        n = count(data, len(self.model), len(self.rb.Peek(-1)[0]))
        head, tail = self.rb.Peek(n)
        assert bytes(head) + bytes(tail) == (self.model if n <= 0 else self.model[:n])
        assert len(head) > 0 or len(tail) == 0

    @rule(data=st.data())
    def discard(self, data: st.DataObject) -> None:
        n = count(data, len(self.model), len(self.rb.Peek(-1)[0]))
        m = self.rb.Discard(n)
        assert m == max(0, min(n, len(self.model)))
        del self.model[:m]

    @rule()
    def reset(self) -> None:
        self.rb.Reset()
        self.model.clear()

    @rule(data=st.binary(max_size=2000), step=steps)
    def read_from(self, data: bytes, step: int | None) -> None:
        assert self.rb.ReadFrom(BytesReader(data, step)) == len(data)
        self.model += data

    @rule(limit=steps)
    def write_to(self, limit: int | None) -> None:
        w = BytesWriter(limit)
        if not self.model:
            with pytest.raises(ring.ErrIsEmpty):
                self.rb.WriteTo(w)
            return
        try:
            n = self.rb.WriteTo(w)
        except ErrShortWrite as e:
            n = e.n
        assert w.data == self.model[:n]
        del self.model[:n]

    @invariant()
    def same_bytes(self) -> None:
        rb = self.rb
        assert rb.Buffered() == len(self.model)
        assert rb.Bytes() == self.model
        assert rb.IsEmpty() == (not self.model)
        assert rb.Available() == rb.Cap() - rb.Buffered()
        assert rb.IsFull() == (bool(self.model) and rb.Available() == 0)
        assert rb.Len() == rb.Cap()
        if not self.model:
            assert rb.r == rb.w == 0  # an empty ring starts again at the front


class ElasticMachine(RuleBasedStateMachine):
    """elastic.Buffer against a bytearray; and an empty buffer holds no memory."""

    def __init__(self) -> None:
        super().__init__()
        # Which ring the buffer gets depends on what the pool holds: each run starts
        # from an empty pool, so that a failing run replays the same way.
        self.savedPool = rbPool.builtinPool
        rbPool.builtinPool = rbPool.Pool()  # type: ignore[misc]
        self.mb = elastic.New(1)
        self.model = bytearray()
        self.resetKeptRing = False

    def teardown(self) -> None:
        rbPool.builtinPool = self.savedPool  # type: ignore[misc]

    @initialize(maxStatic=st.sampled_from([1, 16, 100, 1024, 4096]))
    def new(self, maxStatic: int) -> None:
        self.mb = elastic.New(maxStatic)

    @rule(data=chunks)
    def write(self, data: bytes) -> None:
        assert self.mb.Write(data) == len(data)
        self.model += data

    @rule(bs=st.lists(chunks, max_size=6))
    def writev(self, bs: list[bytes]) -> None:
        assert self.mb.Writev(bs) == sum(map(len, bs))
        self.model += b"".join(bs)

    @rule(n=st.integers(0, 700))
    def read(self, n: int) -> None:
        buf = bytearray(n)
        if n and not self.model:
            with pytest.raises(rawnet.EOF):
                self.mb.Read(buf)
            return
        m = self.mb.Read(buf)
        assert buf[:m] == self.model[:n] and m == min(n, len(self.model))
        del self.model[:m]

    @rule(data=st.data())
    def peek(self, data: st.DataObject) -> None:
        n = count(data, len(self.model), self.mb.ringBuffer.Buffered())
        if n > len(self.model):
            with pytest.raises(ErrShortBuffer):
                self.mb.Peek(n)
            return
        views = self.mb.Peek(n)
        assert joined(views) == (self.model if n <= 0 else self.model[:n])
        assert all(len(v) > 0 for v in views)

    @rule(data=st.data())
    def discard(self, data: st.DataObject) -> None:
        n = count(data, len(self.model), self.mb.ringBuffer.Buffered())
        m = self.mb.Discard(n)
        assert m == max(0, min(n, len(self.model)))
        del self.model[:m]

    @rule(maxStatic=st.sampled_from([-1, 0, 8, 64, 2048]))
    def reset(self, maxStatic: int) -> None:
        self.resetKeptRing = self.mb.ringBuffer.rb is not None
        self.mb.Reset(maxStatic)
        self.model.clear()

    @rule()
    def release(self) -> None:
        self.mb.Release()
        self.model.clear()

    @rule(data=st.binary(max_size=2000), step=steps)
    def read_from(self, data: bytes, step: int | None) -> None:
        assert self.mb.ReadFrom(BytesReader(data, step)) == len(data)
        self.model += data

    @rule(limit=steps)
    def write_to(self, limit: int | None) -> None:
        w = BytesWriter(limit)
        try:
            n = self.mb.WriteTo(w)
        except ErrShortWrite as e:
            n = e.n
        assert w.data == self.model[:n]
        del self.model[:n]

    @invariant()
    def same_bytes(self) -> None:
        mb = self.mb
        assert mb.Buffered() == len(self.model)
        assert mb.IsEmpty() == (not self.model)
        # Lazy: a ring only while it holds bytes, list nodes only for bytes. The one
        # exception is gnet's Reset, which empties the ring but keeps it (until it is
        # written to and drained again, or released).
        ringKept = mb.ringBuffer.rb is not None and mb.ringBuffer.IsEmpty()
        if not ringKept:
            self.resetKeptRing = False
        assert not ringKept or self.resetKeptRing
        assert (mb.listBuffer.head is None) == (mb.listBuffer.Buffered() == 0)


TestRingMachine = RingMachine.TestCase
TestRingMachine.settings = settings(max_examples=150, stateful_step_count=40, deadline=None)
TestElasticMachine = ElasticMachine.TestCase
TestElasticMachine.settings = settings(max_examples=150, stateful_step_count=40, deadline=None)


# --- the map -----------------------------------------------------------------------


def test_gnet_markers_name_a_python_definition() -> None:
    # tools/gomap.py collects "# gnet: <path> <symbol>" markers into docs/gnet-map.md;
    # each one must sit right above what it annotates.
    found = gomap.markers(gomap.GNET_MARKER)
    assert found, "no gnet markers found"
    assert [(py, line) for _, _, py, line, name in found if name == "?"] == []
    assert all(re.fullmatch(r"[\w/]+\.go", go_file) for go_file, *_ in found)
