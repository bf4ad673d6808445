"""rawnet.sys: the only package that touches ctypes (Go: syscall, internal/syscall/unix).

It loads libc once, declares every function used, holds the hand-declared structs and
the Linux constants, the :class:`Errno` error type, and the syscall gate every call
passes through (see :mod:`rawnet.sys.gate`).
"""

from . import gate, zerrors_linux
from .errno import Errno
from .syscall_linux import (
    Sockaddr,
    SockaddrInet4,
    SockaddrInet6,
    SockaddrUnix,
)

__all__ = [
    "Errno",
    "Sockaddr",
    "SockaddrInet4",
    "SockaddrInet6",
    "SockaddrUnix",
    "gate",
    "zerrors_linux",
]
