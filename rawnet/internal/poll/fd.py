"""Errors of the poll package (Go: src/internal/poll/fd.go).

Go compares error *values* (``err == ErrNetClosing``); Python raises fresh instances
and tests them by class (``except rawnet.ErrClosed``), so each Go sentinel is a class
here, with its Go text and Go's ``Timeout()``/``Temporary()`` answers.
"""

from __future__ import annotations


class errNetClosing(OSError):
    """Go: poll.ErrNetClosing, exported by net as ErrClosed.

    The text is kept stable on purpose (Go issue 4373).
    """

    def __init__(self) -> None:
        super().__init__("use of closed network connection")

    def __str__(self) -> str:
        return "use of closed network connection"

    def Timeout(self) -> bool:
        return False

    def Temporary(self) -> bool:
        return False


ErrNetClosing = errNetClosing


class ErrFileClosing(OSError):
    """Go: poll.ErrFileClosing."""

    def __init__(self) -> None:
        super().__init__("use of closed file")

    def __str__(self) -> str:
        return "use of closed file"


class ErrNoDeadline(OSError):
    """Go: poll.ErrNoDeadline."""

    def __init__(self) -> None:
        super().__init__("file type does not support deadline")

    def __str__(self) -> str:
        return "file type does not support deadline"


class DeadlineExceededError(TimeoutError):
    """Go: poll.DeadlineExceededError / os.ErrDeadlineExceeded: ``i/o timeout``."""

    def __init__(self) -> None:
        super().__init__("i/o timeout")

    def __str__(self) -> str:
        return "i/o timeout"

    def Timeout(self) -> bool:
        return True

    def Temporary(self) -> bool:
        return True


ErrDeadlineExceeded = DeadlineExceededError


class ErrNotPollable(OSError):
    """Go: poll.ErrNotPollable."""

    def __init__(self) -> None:
        super().__init__("not pollable")

    def __str__(self) -> str:
        return "not pollable"


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
