"""epoll and eventfd bindings (Go: src/internal/runtime/syscall/syscall_linux.go,
defs_linux_amd64.go, defs_linux_arm64.go).

``struct epoll_event`` is declared ``__attribute__((packed))`` by the kernel on x86-64
only: there it is 12 bytes, the 8-byte data word at offset 4. Everywhere else (arm64)
the data word is naturally aligned: 16 bytes, data at offset 8. Getting this wrong
does not fail loudly; every event after the first would be read from the wrong place.
"""

from __future__ import annotations

import ctypes
import platform
import struct

from ..sys.gate import syscall
from ..sys.libc import c_int, declare

_packed = platform.machine() in ("x86_64", "AMD64", "i386", "i686")


class epoll_event(ctypes.Structure):
    if _packed:
        _pack_ = 1
    _fields_ = [("events", ctypes.c_uint32), ("data", ctypes.c_uint64)]


# The same layout for the struct module, to decode a whole array of events at once.
eventLayout = struct.Struct("=IQ" if _packed else "=I4xQ")
eventSize = ctypes.sizeof(epoll_event)
assert eventLayout.size == eventSize

_epoll_create1 = declare("epoll_create1", "epoll_create1", c_int, (c_int,))
_epoll_ctl = declare(
    "epoll_ctl", "epoll_ctl", c_int, (c_int, c_int, c_int, ctypes.POINTER(epoll_event))
)
_event_p = ctypes.POINTER(epoll_event)
_sigset_p = ctypes.c_void_p
# Go calls epoll_pwait with a NULL sigmask. A poll that may sleep must let go of the
# GIL; a non-blocking one need not. Both are unchecked calls (rawnet/sys/libc.py):
# EpollWait passes ints, an epoll_event array and None.
_epoll_pwait = declare(
    "epoll_pwait", "epoll_pwait", c_int, (c_int, _event_p, c_int, c_int, _sigset_p), True,
    unchecked=True,
)
_epoll_pwait_nb = declare(
    "epoll_pwait", "epoll_pwait", c_int, (c_int, _event_p, c_int, c_int, _sigset_p),
    unchecked=True,
)
_eventfd = declare("eventfd2", "eventfd", c_int, (ctypes.c_uint, c_int))


# Go: src/internal/runtime/syscall/syscall_linux.go EpollCreate1
def EpollCreate1(flags: int) -> int:
    return syscall(_epoll_create1, flags)


# Go: src/internal/runtime/syscall/syscall_linux.go EpollCtl
def EpollCtl(epfd: int, op: int, fd: int, event: epoll_event) -> int:
    return syscall(_epoll_ctl, epfd, op, fd, event)


# Go: src/internal/runtime/syscall/syscall_linux.go EpollWait
def EpollWait(epfd: int, events: ctypes.Array[epoll_event], n: int, msec: int) -> int:
    entry = _epoll_pwait if msec != 0 else _epoll_pwait_nb
    return syscall(entry, epfd, events, n, msec, None)


# Go: src/internal/runtime/syscall/syscall_linux.go Eventfd
def Eventfd(initval: int, flags: int) -> int:
    return syscall(_eventfd, initval, flags)
