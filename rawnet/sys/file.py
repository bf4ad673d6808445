"""Whole-file reads through the gate (Go: src/net/parse.go open/readLine, as used for
/proc/sys/net/core/somaxconn and /etc/hosts): openat, read until 0, close."""

from __future__ import annotations

from . import zerrors_linux as c
from .syscall_linux import Close, Openat, Read


def ReadFile(path: str, limit: int = 1 << 20) -> bytes | None:
    """The file's bytes (at most limit), or None if it cannot be opened or read."""
    fd = Openat(c.AT_FDCWD, path, c.O_RDONLY | c.O_CLOEXEC, 0)
    if fd < 0:
        return None
    out = bytearray()
    buf = bytearray(4096)
    try:
        while len(out) < limit:
            n = Read(fd, buf)
            if n < 0:
                return None
            if n == 0:
                break
            out += buf[:n]
    finally:
        Close(fd)
    return bytes(out[:limit])
