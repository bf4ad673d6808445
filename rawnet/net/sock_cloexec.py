"""Socket creation (Go: src/net/sock_cloexec.go, Linux and the BSDs but darwin)."""

from __future__ import annotations

from ..os.error import SyscallError
from ..sys.errno import Errno
from ..sys.syscall_linux import Socket
from ..sys.zerrors_linux import SOCK_CLOEXEC, SOCK_NONBLOCK


# Go: src/net/sock_cloexec.go sysSocket
def sysSocket(family: int, sotype: int, proto: int) -> int:
    """A non-blocking, close-on-exec socket in one call: socket(2) with both flags."""
    s = Socket(family, sotype | SOCK_NONBLOCK | SOCK_CLOEXEC, proto)
    if s < 0:
        raise SyscallError("socket", Errno(-s))
    return s
