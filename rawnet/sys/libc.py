"""libc, loaded once, and every C function rawnet calls, declared by hand.

Two handles on the same library: functions declared through ``ctypes.PyDLL`` keep
the GIL during the call (right for calls that cannot block: anything on an
O_NONBLOCK fd, epoll_ctl, fcntl), functions declared through ``ctypes.CDLL`` release
it (right for a poller that sleeps in epoll_pwait). Both set errno for
``ctypes.get_errno()`` (``use_errno=True``).
"""

from __future__ import annotations

import ctypes
from typing import Any, Final

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


# Unchecked calls. With ``argtypes`` set, ctypes converts every argument through its
# type's ``from_param`` (``c_void_p`` alone tries a dozen kinds of object, one by one,
# before it accepts an array), and under load that costs about 0.6 us per call: more
# than the syscall's own Python overhead, and a fifth of the bare floor's time per
# round trip (bench/peers/floor_echo.py went from 114k to 140k round trips/s without
# them). So the calls made once per message (read, write, epoll_pwait) are declared
# ``unchecked``: the prototype is written here all the same, but ctypes is left to
# convert each argument by its own type, which for the arguments these calls get is
# exactly what the prototype says:
#
# * a Python int becomes a C int. libffi sign-extends it into the 64-bit register, so
#   it is right for a ``size_t`` or ``long`` parameter too, as long as it fits in an
#   int. A larger value is truncated without a word (a count of 3 GiB reaches the
#   kernel as a huge size_t: EFAULT), so a caller with a count above ``maxInt`` must
#   use the entry's checked twin;
# * a ctypes array, pointer or ``byref()`` becomes its address, ``bytes`` the address
#   of its bytes, ``None`` NULL.
#
# Anything else (a float, a bytearray) raises ctypes.ArgumentError, as with argtypes.
# tests/test_buffers.py records the arguments the unchecked calls get.

maxInt: Final = 2**31 - 1


def declare(
    strace_name: str,
    cname: str,
    restype: Any,
    argtypes: tuple[Any, ...],
    blocking: bool = False,
    unchecked: bool = False,
) -> Entry:
    """Declare one libc function and wrap it as a gate entry.

    strace_name is the kernel syscall as strace shows it (glibc's ``eventfd`` is the
    ``eventfd2`` syscall, ``open`` is ``openat``). unchecked: leave ``argtypes`` off
    the ctypes function (see above); the declaration still states the prototype.
    """
    lib = _release_gil if blocking else _keep_gil
    fn = lib[cname]  # a new function object: the same C function may be declared twice
    fn.restype = restype
    if not unchecked:
        fn.argtypes = argtypes
    return Entry(strace_name, fn, blocking)


def loadable(cname: str) -> bool:
    return hasattr(_keep_gil, cname)
