"""writev for the outbound buffer's chunks (gnet v2.10.0: pkg/io/io_linux.go)."""

from __future__ import annotations

from collections.abc import Sequence

from ....sys import syscall_linux as sc
from ..buffer import BytesLike


# gnet: pkg/io/io_linux.go Writev
def Writev(fd: int, iov: Sequence[BytesLike]) -> int:
    """One writev(2) of the buffers in iov, in order: the count written (maybe short)
    or -errno (the raw result: the callers tell EAGAIN from the rest)."""
    if len(iov) == 0:
        return 0
    return sc.Writev(fd, iov)
