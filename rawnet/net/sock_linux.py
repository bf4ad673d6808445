"""The listen backlog on Linux (Go: src/net/sock_linux.go, and net.go's
listenerBacklog cache)."""

from __future__ import annotations

import threading

from ..sys import syscall_linux as sc
from ..sys.file import ReadFile
from ..sys.zerrors_linux import SOMAXCONN


# Go: src/net/sock_linux.go maxAckBacklog
def maxAckBacklog(n: int) -> int:
    """Linux stores the backlog as uint16 before kernel 4.1 and uint32 since."""
    r, u = sc.Uname()
    size = 16
    if r == 0:
        try:
            major, minor = (int(x) for x in u.release.decode().split(".")[:2])
        except ValueError:
            major = minor = 0
        if major > 4 or (major == 4 and minor >= 1):
            size = 32
    backlog = (1 << size) - 1
    return min(n, backlog)


# Go: src/net/sock_linux.go maxListenerBacklog
def maxListenerBacklog() -> int:
    data = ReadFile("/proc/sys/net/core/somaxconn")
    if data is None:
        return SOMAXCONN
    fields = data.split()
    try:
        n = int(fields[0]) if fields else 0
    except ValueError:
        n = 0
    if n == 0:
        return SOMAXCONN
    if n > 0xFFFF:
        return maxAckBacklog(n)
    return n


_backlog: int | None = None
_backlogLock = threading.Lock()


# Go: src/net/net.go listenerBacklog
def listenerBacklog() -> int:
    """The backlog for listen(2), read from the kernel once per process."""
    global _backlog
    if _backlog is None:
        with _backlogLock:
            if _backlog is None:
                _backlog = maxListenerBacklog()
    return _backlog
