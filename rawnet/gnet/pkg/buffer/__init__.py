"""gnet's connection buffers (gnet v2.10.0: pkg/buffer/), and the io vocabulary they share.

- ``ring``: one circular byte array that grows on demand (a connection's inbound data);
- ``linkedlist``: a queue of separate chunks (data past the ring's budget);
- ``elastic``: the ring and the list combined, each allocated only while it holds data
  (a connection's inbound and outbound buffers).

Their ``ReadFrom``/``WriteTo`` speak Go's ``io.Reader``/``io.Writer``, which are the two
Protocols below in rawnet's Python shape (the shape of ``rawnet.net`` conns): ``Read``
returns a count or raises ``rawnet.EOF`` at the end of the stream, ``Write`` returns how
many bytes it took. Go's ``io.ErrShortBuffer`` and ``io.ErrShortWrite`` live here too,
until rawnet.io has them.
"""

from __future__ import annotations

from typing import Protocol, TypeAlias

# What the buffers accept as data (Go: []byte): anything whose bytes they can copy.
BytesLike: TypeAlias = bytes | bytearray | memoryview


# Go's io.Reader (src/io/io.go)
class Reader(Protocol):
    """Fills p with up to len(p) bytes and returns how many; raises ``rawnet.EOF`` at the
    end of the stream (Go returns ``(0, io.EOF)``)."""

    def Read(self, p: memoryview, /) -> int: ...


# Go's io.Writer (src/io/io.go)
class Writer(Protocol):
    """Takes 0 <= n <= len(p) bytes of p and returns n; fewer than len(p) is a short
    write."""

    def Write(self, p: memoryview, /) -> int: ...


# Go's io.ErrShortBuffer (src/io/io.go)
class ErrShortBuffer(Exception):
    """More bytes were asked for than the buffer holds."""

    def __init__(self) -> None:
        super().__init__("short buffer")


# Go's io.ErrShortWrite (src/io/io.go)
class ErrShortWrite(Exception):
    """A Writer took fewer bytes than it was given. ``n`` is how many were written in
    all before it stopped (Go returns it beside the error)."""

    def __init__(self, n: int) -> None:
        super().__init__("short write")
        self.n = n
