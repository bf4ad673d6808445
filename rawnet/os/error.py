"""os.SyscallError (Go: src/os/error.go)."""

from __future__ import annotations

from typing import Any

from ..internal.errmix import category, mixed
from ..sys.errno import Errno


class SyscallError(OSError):
    """An error from a named system call: ``str()`` is ``"connect: connection refused"``.

    An instance is also of the built-in class of the errno it wraps
    (``ConnectionRefusedError`` here).
    """

    Syscall: str
    Err: BaseException

    def __new__(cls, syscall: str, err: BaseException) -> SyscallError:
        e = err.errno if isinstance(err, Errno) else None
        return OSError.__new__(mixed(cls, err), e, str(err))

    def __init__(self, syscall: str, err: BaseException) -> None:
        self.Syscall = syscall
        self.Err = err
        self._category = category(err)

    def __str__(self) -> str:
        return self.Syscall + ": " + str(self.Err)

    def __repr__(self) -> str:
        return f"SyscallError({self.Syscall!r}, {self.Err!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (SyscallError, (self.Syscall, self.Err))

    # Go: src/os/error.go SyscallError.Unwrap
    def Unwrap(self) -> BaseException:
        return self.Err

    # Go: src/os/error.go SyscallError.Timeout
    def Timeout(self) -> bool:
        t = getattr(self.Err, "Timeout", None)
        return bool(t and t())


# Go: src/os/error.go NewSyscallError
def NewSyscallError(syscall: str, err: BaseException | None) -> BaseException | None:
    if err is None:
        return None
    return SyscallError(syscall, err)
