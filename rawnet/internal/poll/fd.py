"""Errors of the poll package (Go: src/internal/poll/fd.go).

Go compares error *values* (``err == ErrNetClosing``); Python raises fresh instances
and tests them by class (``except rawnet.ErrClosed``), so each Go sentinel is a
:class:`~rawnet.internal.errmix.fixedError` here, with its Go text and Go's
``Timeout()``/``Temporary()`` answers.
"""

from __future__ import annotations

from ..errmix import fixedError


class errNetClosing(fixedError, OSError):
    """Go: poll.ErrNetClosing, exported by net as ErrClosed.

    The text is kept stable on purpose (Go issue 4373).
    """

    text = "use of closed network connection"

    def Timeout(self) -> bool:
        return False

    def Temporary(self) -> bool:
        return False


ErrNetClosing = errNetClosing


class ErrFileClosing(fixedError, OSError):
    """Go: poll.ErrFileClosing."""

    text = "use of closed file"


class ErrNoDeadline(fixedError, OSError):
    """Go: poll.ErrNoDeadline."""

    text = "file type does not support deadline"


class DeadlineExceededError(fixedError, TimeoutError):
    """Go: poll.DeadlineExceededError / os.ErrDeadlineExceeded: ``i/o timeout``."""

    text = "i/o timeout"

    def Timeout(self) -> bool:
        return True

    def Temporary(self) -> bool:
        return True


ErrDeadlineExceeded = DeadlineExceededError


class ErrNotPollable(fixedError, OSError):
    """Go: poll.ErrNotPollable."""

    text = "not pollable"


# Go: src/internal/poll/fd.go errClosing
def errClosing(isFile: bool) -> OSError:
    if isFile:
        return ErrFileClosing()
    return errNetClosing()


# Go: src/internal/poll/fd.go consume
def consume(v: list[memoryview], n: int) -> None:
    """Drop n bytes from the front of v, a list of buffers, in place."""
    while v:
        ln0 = len(v[0])
        if ln0 > n:
            v[0] = v[0][n:]
            return
        n -= ln0
        del v[0]


# Defined here, not in fd_mutex.py, which tools/mypyc_build.py compiles: mypyc makes
# native classes of a compiled module's classes, and a native class cannot subclass
# RuntimeError. fd_mutex.py imports it, so ``fd_mutex.fdMutexPanic`` still names it.
class fdMutexPanic(RuntimeError):
    """Go's ``panic(...)`` in fd_mutex.go: a reference or lock released that was not
    held (``"inconsistent poll.fdMutex"``), or a 20-bit counter overflowing
    (``overflowMsg``). Both mean a bug in the caller, not an I/O error."""
