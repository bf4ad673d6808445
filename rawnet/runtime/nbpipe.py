"""A non-blocking, close-on-exec pipe for the pollers' wake-ups (Go:
src/runtime/nbpipe_pipe2.go, nbpipe_pipe.go).

Go picks the file by OS: ``pipe2`` where the kernel has it, ``pipe`` + two
``fcntl`` calls on darwin and aix. Here the choice is made once, by whether libc
exports ``pipe2``.
"""

from __future__ import annotations

from ..sys import poll as sp
from ..sys import syscall_linux as sc
from ..sys import zerrors_linux as c


# Go: src/runtime/nbpipe_pipe2.go nonblockingPipe
def _nonblockingPipe2() -> tuple[int, int, int]:
    """(read end, write end, errno): errno is 0 on success, else negative."""
    r, rfd, wfd = sp.Pipe2(c.O_NONBLOCK | c.O_CLOEXEC)
    if r < 0:
        return -1, -1, r
    return rfd, wfd, 0


# Go: src/runtime/nbpipe_pipe.go nonblockingPipe
def _nonblockingPipe() -> tuple[int, int, int]:
    r, rfd, wfd = sp.Pipe()
    if r < 0:
        return -1, -1, r
    for fd in (rfd, wfd):
        sc.CloseOnExec(fd)
        sc.SetNonblock(fd, True)
    return rfd, wfd, 0


nonblockingPipe = _nonblockingPipe2 if sp.HavePipe2 else _nonblockingPipe
