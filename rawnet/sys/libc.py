"""libc, loaded once, and every C function rawnet calls, declared by hand.

Two handles on the same library: functions declared through ``ctypes.PyDLL`` keep
the GIL during the call (right for calls that cannot block: anything on an
O_NONBLOCK fd, epoll_ctl, fcntl), functions declared through ``ctypes.CDLL`` release
it (right for a poller that sleeps in epoll_pwait). Both set errno for
``ctypes.get_errno()`` (``use_errno=True``).
"""

from __future__ import annotations

import ctypes
from typing import Any

from .gate import Entry

# Not ctypes.util.find_library: it imports subprocess, which imports selectors and select.
_name = "libc.so.6"
_keep_gil = ctypes.PyDLL(_name, use_errno=True)
_release_gil = ctypes.CDLL(_name, use_errno=True)

c_int = ctypes.c_int
c_uint = ctypes.c_uint
c_void_p = ctypes.c_void_p
c_size_t = ctypes.c_size_t
c_ssize_t = ctypes.c_ssize_t
c_char_p = ctypes.c_char_p
socklen_p = ctypes.POINTER(ctypes.c_uint32)


def declare(
    strace_name: str,
    cname: str,
    restype: Any,
    argtypes: tuple[Any, ...],
    blocking: bool = False,
) -> Entry:
    """Declare one libc function and wrap it as a gate entry.

    strace_name is the kernel syscall as strace shows it (glibc's ``eventfd`` is the
    ``eventfd2`` syscall, ``open`` is ``openat``).
    """
    lib = _release_gil if blocking else _keep_gil
    fn = getattr(lib, cname)
    fn.restype = restype
    fn.argtypes = argtypes
    return Entry(strace_name, fn, blocking)


def loadable(cname: str) -> bool:
    return hasattr(_keep_gil, cname)
