"""Duplicating a descriptor (gnet v2.10.0: pkg/socket/fd_unix.go)."""

from __future__ import annotations

from ....sys import syscall_linux as sc
from ..errors import checkSyscall


# gnet: pkg/socket/fd_unix.go Dup
def Dup(fd: int) -> int:
    """A new fd for the same open socket, close-on-exec (fcntl F_DUPFD_CLOEXEC; gnet
    falls back to dup+FD_CLOEXEC on kernels before 2.6.24, which rawnet does not run on).
    The caller owns it and must close it."""
    return checkSyscall("fcntl", sc.DupCloseOnExec(fd))
