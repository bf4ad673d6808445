"""Read and Write with every kind of buffer a caller may pass, on both sides of the
scratch-buffer threshold (rawnet/sys/syscall_linux.py copyMax): the bytes must land in
the caller's buffer, never past what it asked for, and a buffer that cannot be written
must be refused before any byte is consumed."""

from __future__ import annotations

import array
import ctypes
import mmap
import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from nettest import connected

import rawnet
from rawnet.sys import gate
from rawnet.sys import syscall_linux as sc
from rawnet.sys.libc import maxInt

pytestmark = pytest.mark.timeout(60)

sizes = st.sampled_from([1, 63, 64, 4096, sc.copyMax - 1, sc.copyMax, sc.copyMax + 1, 65536])


def _read_into(conn: object, view: object, n: int) -> int:
    got = 0
    while got < n:
        got += conn.Read(view[got:])  # type: ignore[attr-defined,index]
    return got


@settings(max_examples=25, deadline=None)
@given(size=sizes, kind=st.sampled_from(["bytearray", "memoryview", "offset-view"]),
       wkind=st.sampled_from(["bytes", "bytearray", "memoryview", "array"]))
def test_read_write_every_buffer_kind(size: int, kind: str, wkind: str) -> None:
    with connected() as (c, s):
        payload = bytes((i * 7 + size) & 0xFF for i in range(size))
        src: object = {"bytes": payload, "bytearray": bytearray(payload),
                       "memoryview": memoryview(bytearray(payload)),
                       "array": array.array("B", payload)}[wkind]
        assert c.Write(src) == size
        backing = bytearray(b"\xee" * (size + 16))
        if kind == "bytearray":
            view: object = bytearray(size)
            _read_into(s, memoryview(view), size)  # type: ignore[arg-type]
            got = bytes(view)  # type: ignore[arg-type]
        elif kind == "memoryview":
            _read_into(s, memoryview(backing)[:size], size)
            got = bytes(backing[:size])
            assert backing[size:] == b"\xee" * 16  # nothing written past the view
        else:
            _read_into(s, memoryview(backing)[8 : 8 + size], size)
            got = bytes(backing[8 : 8 + size])
            assert backing[:8] == b"\xee" * 8 and backing[8 + size :] == b"\xee" * 8
        assert got == payload


@pytest.mark.parametrize("size", [64, sc.copyMax + 1])
def test_read_into_one_bytearray_fills_only_what_arrived(size: int) -> None:
    with connected() as (c, s):
        c.Write(b"abc")
        buf = bytearray(b"z" * size)
        assert s.Read(buf) == 3
        assert buf[:3] == b"abc" and buf[3:] == b"z" * (size - 3)


@pytest.mark.parametrize("size", [64, sc.copyMax + 1])
def test_read_into_read_only_buffer_is_refused_and_loses_nothing(size: int) -> None:
    with connected() as (c, s):
        c.Write(b"hello")
        with pytest.raises(TypeError):
            s.Read(memoryview(b"x" * size))
        buf = bytearray(16)
        assert s.Read(buf) == 5 and buf[:5] == b"hello"


def test_read_into_ctypes_and_array_buffers() -> None:
    # Buffers a bytes slice assignment cannot fill go through the zero-copy view.
    with connected() as (c, s):
        c.Write(b"0123456789")
        cbuf = (ctypes.c_char * 4)()
        assert s.Read(cbuf) == 4 and cbuf.raw == b"0123"
        abuf = array.array("B", bytes(6))
        assert s.Read(abuf) == 6 and abuf.tobytes() == b"456789"


def _converts_as_declared(a: object) -> bool:
    """What an unchecked call may get (rawnet/sys/libc.py, "Unchecked calls")."""
    if type(a) is int:
        return -(2**31) <= a <= maxInt
    return a is None or isinstance(a, bytes | ctypes.Array | ctypes._Pointer) or (
        type(a).__name__ == "CArgObject")  # byref()


@settings(max_examples=20, deadline=None)
@given(size=sizes, wkind=st.sampled_from(["bytes", "bytearray", "memoryview", "array"]))
def test_unchecked_calls_get_only_arguments_ctypes_converts_as_declared(
        size: int, wkind: str) -> None:
    with connected() as (c, s):
        payload = bytes(size)
        src: object = {"bytes": payload, "bytearray": bytearray(payload),
                       "memoryview": memoryview(bytearray(payload)),
                       "array": array.array("B", payload)}[wkind]
        with gate.record() as rec:
            rawnet.go(c.Write, src)
            _read_into(s, memoryview(bytearray(size)), size)  # parks: epoll_pwait runs
    unchecked = [(call.name, call.args) for call in rec.calls
                 if call.entry.fn.argtypes is None]
    names = {name for name, _ in unchecked}
    assert {"read", "write", "epoll_pwait"} <= names or os.environ.get("RAWNET_POLLER")
    bad = [(name, args) for name, args in unchecked
           if not all(_converts_as_declared(a) for a in args)]
    assert not bad, bad[:3]


def test_transfer_above_c_int_range_takes_the_checked_call() -> None:
    # An unchecked call would truncate a count of 3 GiB to a C int: the kernel would
    # see a huge size_t and fail with EFAULT. The mapping is never touched: /dev/null
    # neither reads nor fills it.
    big = mmap.mmap(-1, 3 << 30)
    view = memoryview(big)
    fd = os.open("/dev/null", os.O_RDWR | os.O_CLOEXEC)
    try:
        with gate.record() as rec:
            assert 0 < sc.Write(fd, view) <= len(view)
            assert sc.Read(fd, view) == 0
    finally:
        calls = [(call.name, call.entry.fn.argtypes is not None, call.args[2])
                 for call in rec.calls]
        rec.calls.clear()  # the ctypes views in args hold exports of the mapping
        os.close(fd)
        view.release()
        big.close()
    assert calls == [("write", True, 3 << 30), ("read", True, 3 << 30)]


@settings(max_examples=20, deadline=None)
@given(code=st.sampled_from(["h", "i", "q", "d"]), items=st.integers(1, 1000))
def test_buffers_of_wider_items_count_bytes_not_items(code: str, items: int) -> None:
    # Go's Read and Write take []byte. len() of an array('i') counts items: writing or
    # reading len() bytes of it would lose three quarters of the data. At most 8 KB:
    # each write fits the loopback socket's buffers, so it returns without a reader.
    with connected() as (c, s):
        src = array.array(code, range(items)) if code != "d" else array.array(
            "d", (i / 3 for i in range(items)))
        nbytes = items * src.itemsize
        assert c.Write(src) == nbytes
        dst = array.array(code, bytes(nbytes))
        assert _read_into(s, memoryview(dst).cast("B"), nbytes) == nbytes and dst == src
        assert c.Write(memoryview(src)) == nbytes
        raw = (ctypes.c_char * nbytes)()
        assert _read_into(s, memoryview(raw).cast("B"), nbytes) == nbytes
        assert raw.raw == src.tobytes()


def test_read_into_a_view_of_ints_fills_its_bytes() -> None:
    with connected() as (c, s):
        c.Write(b"abcdefgh")
        view = memoryview(bytearray(8)).cast("i")
        assert s.Read(view) == 8 and view.tobytes() == b"abcdefgh"
        c.Write(b"12345678")
        cints = (ctypes.c_int * 2)()
        assert s.Read(cints) == 8 and bytes(cints) == b"12345678"


def test_non_contiguous_buffer_is_refused_before_any_io() -> None:
    with connected() as (c, s):
        every_other_int = memoryview(array.array("i", range(8)))[::2]
        with pytest.raises(TypeError):
            c.Write(every_other_int)
        with pytest.raises(TypeError):
            s.Read(memoryview(array.array("i", range(8)))[::2])
        c.Write(b"ok")
        buf = bytearray(4)
        assert s.Read(buf) == 2 and buf[:2] == b"ok"


def test_two_dimensional_byte_view_is_written_whole() -> None:
    with connected() as (c, s):
        grid = memoryview(bytearray(b"abcdefgh")).cast("B", (2, 4))  # len() == 2 rows
        assert c.Write(grid) == 8
        buf = bytearray(8)
        assert _read_into(s, memoryview(buf), 8) == 8 and buf == b"abcdefgh"


def test_writev_of_read_only_views_sends_their_bytes() -> None:
    # A read-only buffer is copied for writev; the copies must live until the call has
    # returned. (The compiled build frees a local after its last use: it once freed
    # them before writev read them, and small replies went out as reused memory.)
    r, w = os.pipe()
    try:
        for i in range(300):
            parts = [memoryview(bytes([65 + (i + j) % 26]) * (20 + j)) for j in range(6)]
            want = b"".join(bytes(p) for p in parts)
            assert sc.Writev(w, parts) == len(want)
            assert os.read(r, len(want) + 1) == want
    finally:
        os.close(r)
        os.close(w)
