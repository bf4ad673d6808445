"""The Errno error type (Go: src/syscall/syscall_unix.go Errno).

Go's ``syscall.Errno`` is a number whose ``Error()`` is the C library's message with
its first letter lowered (Go's table in zerrors_linux_*.go is generated exactly that
way from glibc), so ``str(Errno(ECONNREFUSED)) == "connection refused"``.

In Python an ``Errno`` is also an ``OSError`` of the class Python itself would pick
for that errno: ``Errno(ECONNRESET)`` is a ``ConnectionResetError``,
``Errno(EAGAIN)`` a ``BlockingIOError``. ``Errno(e)`` returns an instance of a
cached subclass mixing the two.
"""

from __future__ import annotations

import errno as _errno
import os
from typing import Any

EAGAIN = _errno.EAGAIN
EWOULDBLOCK = _errno.EWOULDBLOCK
EINTR = _errno.EINTR
EINPROGRESS = _errno.EINPROGRESS
EALREADY = _errno.EALREADY
EISCONN = _errno.EISCONN
ECONNABORTED = _errno.ECONNABORTED
ECONNRESET = _errno.ECONNRESET
ECONNREFUSED = _errno.ECONNREFUSED
EPIPE = _errno.EPIPE
EADDRINUSE = _errno.EADDRINUSE
EADDRNOTAVAIL = _errno.EADDRNOTAVAIL
ETIMEDOUT = _errno.ETIMEDOUT
EMFILE = _errno.EMFILE
ENFILE = _errno.ENFILE
EINVAL = _errno.EINVAL
ENOSYS = _errno.ENOSYS
EBADF = _errno.EBADF
ENOENT = _errno.ENOENT
ENOTCONN = _errno.ENOTCONN
EAFNOSUPPORT = _errno.EAFNOSUPPORT
ENOBUFS = _errno.ENOBUFS
EACCES = _errno.EACCES
EFAULT = _errno.EFAULT
EDESTADDRREQ = _errno.EDESTADDRREQ


def errstr(e: int) -> str:
    """Go's text for errno e: glibc's message with its first letter lowered."""
    msg = os.strerror(e)
    if msg.startswith("Unknown error"):
        return "errno " + str(e)
    return msg[:1].lower() + msg[1:]


def errname(e: int) -> str:
    """The symbolic name (``EAGAIN``) strace prints."""
    return _errno.errorcode.get(e, str(e))


_mixed: dict[type[BaseException], type[Errno]] = {}


class Errno(OSError):
    """A syscall error number with Go's text (Go: syscall.Errno)."""

    def __new__(cls, e: int, *rest: Any) -> Errno:
        if cls is Errno:
            builtin = type(OSError(e, ""))
            sub = _mixed.get(builtin)
            if sub is None:
                sub = _mixed[builtin] = type("Errno", (Errno, builtin), {"_category": builtin})
            cls = sub
        return OSError.__new__(cls, e, errstr(e))

    def __init__(self, e: int, *rest: Any) -> None:
        OSError.__init__(self, e, errstr(e))

    def __str__(self) -> str:
        return errstr(self.errno or 0)

    def __repr__(self) -> str:
        return f"Errno({errname(self.errno or 0)})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (Errno, (self.errno,))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Errno):
            return self.errno == other.errno
        if isinstance(other, int):
            return self.errno == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.errno)

    # Go: src/syscall/syscall_unix.go Errno.Timeout
    def Timeout(self) -> bool:
        return self.errno in (EAGAIN, EWOULDBLOCK, ETIMEDOUT)

    # Go: src/syscall/syscall_unix.go Errno.Temporary
    def Temporary(self) -> bool:
        return self.errno in (EINTR, EMFILE, ENFILE) or self.Timeout()
