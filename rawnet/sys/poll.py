"""poll(2) and pipe bindings for the portable poller (Go: the ``poll``/``pollfd``
declarations of src/runtime/netpoll_aix.go, src/runtime/nbpipe_pipe2.go, nbpipe_pipe.go).

``struct pollfd`` is the same 8 bytes on every Unix: ``int fd; short events; short
revents``. The event bits below are the Linux and BSD/macOS values (AIX, the OS
Go's poll backend was written for, numbers them differently: ``POLLOUT`` 0x2,
``POLLHUP`` 0x2000, ``POLLERR`` 0x4000).
"""

from __future__ import annotations

import ctypes

from .errno import ENOSYS
from .gate import syscall
from .libc import c_int, declare, loadable

POLLIN = 0x1
POLLPRI = 0x2
POLLOUT = 0x4
POLLERR = 0x8  # always reported, whatever events asks for
POLLHUP = 0x10  # always reported, whatever events asks for
POLLNVAL = 0x20  # fd is not open; always reported


class pollfd(ctypes.Structure):
    # struct pollfd: 8 bytes, fd @0, events @4, revents @6
    _fields_ = [("fd", ctypes.c_int32), ("events", ctypes.c_int16), ("revents", ctypes.c_int16)]


def PollfdArray(n: int, old: ctypes.Array[pollfd] | None = None) -> ctypes.Array[pollfd]:
    """A zeroed array of n pollfds, starting with a copy of old if given (Go's append
    growing a slice)."""
    arr = (pollfd * n)()
    if old is not None:
        ctypes.memmove(arr, old, ctypes.sizeof(old))
    return arr


_pollfd_p = ctypes.POINTER(pollfd)
_fds_p = ctypes.POINTER(ctypes.c_int)
# A poll that may sleep must let go of the GIL; a non-blocking one need not.
_poll = declare("poll", "poll", c_int, (_pollfd_p, ctypes.c_ulong, c_int), True)
_poll_nb = declare("poll", "poll", c_int, (_pollfd_p, ctypes.c_ulong, c_int))
_pipe = declare("pipe", "pipe", c_int, (_fds_p,))
# pipe2 is Linux, FreeBSD, NetBSD, OpenBSD, DragonFly; macOS (and AIX) have only pipe.
_pipe2 = declare("pipe2", "pipe2", c_int, (_fds_p, c_int)) if loadable("pipe2") else None
HavePipe2 = _pipe2 is not None


def Poll(fds: ctypes.Array[pollfd], n: int, timeout: int) -> int:
    """poll(fds, n, timeout ms); timeout -1 sleeps until an event."""
    return syscall(_poll if timeout != 0 else _poll_nb, fds, n, timeout)


def Pipe2(flags: int) -> tuple[int, int, int]:
    """(result, read end, write end); result < 0 is -errno. -ENOSYS without pipe2."""
    if _pipe2 is None:
        return -ENOSYS, -1, -1
    fds = (c_int * 2)()
    r = syscall(_pipe2, fds, flags)
    return r, fds[0], fds[1]


def Pipe() -> tuple[int, int, int]:
    """(result, read end, write end); result < 0 is -errno."""
    fds = (c_int * 2)()
    r = syscall(_pipe, fds)
    return r, fds[0], fds[1]

