"""The parts of Go's os package the net stack uses: os.SyscallError, and os/signal."""

from . import signal
from .error import NewSyscallError, SyscallError

__all__ = ["NewSyscallError", "SyscallError", "signal"]
