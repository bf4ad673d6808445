"""accept with close-on-exec and non-blocking set atomically (Go:
src/internal/poll/sock_cloexec.go, hook_cloexec.go, hook_unix.go)."""

from __future__ import annotations

from ...sys import syscall_linux as sc
from ...sys.syscall_linux import Sockaddr
from ...sys.zerrors_linux import SOCK_CLOEXEC, SOCK_NONBLOCK

# Go: src/internal/poll/hook_unix.go CloseFunc
CloseFunc = sc.Close


# Go: src/internal/poll/sock_cloexec.go accept
def accept(s: int) -> tuple[int, Sockaddr | None, str, int]:
    """Wrapper around the accept system call that marks the returned file descriptor
    as nonblocking and close-on-exec. Returns (fd, sockaddr, errcall, errno)."""
    ns, sa = sc.Accept4(s, SOCK_NONBLOCK | SOCK_CLOEXEC)
    if ns < 0:
        return -1, None, "accept4", -ns
    return ns, sa, "", 0
