"""The parts of Go's os package the net stack uses (os.SyscallError)."""

from .error import NewSyscallError, SyscallError

__all__ = ["NewSyscallError", "SyscallError"]
