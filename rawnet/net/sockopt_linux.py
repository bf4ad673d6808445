"""Default socket options on Linux (Go: src/net/sockopt_linux.go)."""

from __future__ import annotations

from ..os.error import SyscallError
from ..sys import syscall_linux as sc
from ..sys.errno import Errno
from ..sys.zerrors_linux import (
    AF_INET6,
    AF_UNIX,
    IPPROTO_IPV6,
    IPV6_V6ONLY,
    SO_BROADCAST,
    SO_REUSEADDR,
    SOCK_DGRAM,
    SOCK_RAW,
    SOL_SOCKET,
)
from .sockopt_posix import boolint


# Go: src/net/sockopt_linux.go setDefaultSockopts
def setDefaultSockopts(s: int, family: int, sotype: int, ipv6only: bool) -> None:
    if family == AF_INET6 and sotype != SOCK_RAW:
        # Allow both IP versions even if the OS default is otherwise. Note that some
        # operating systems never admit this option. The error is ignored, as Go does.
        sc.SetsockoptInt(s, IPPROTO_IPV6, IPV6_V6ONLY, boolint(ipv6only))
    if sotype in (SOCK_DGRAM, SOCK_RAW) and family != AF_UNIX:
        # Allow broadcast.
        _setsockopt(s, SOL_SOCKET, SO_BROADCAST, 1)


# Go: src/net/sockopt_linux.go setDefaultListenerSockopts
def setDefaultListenerSockopts(s: int) -> None:
    # Allow reuse of recently-used addresses.
    _setsockopt(s, SOL_SOCKET, SO_REUSEADDR, 1)


def _setsockopt(s: int, level: int, opt: int, value: int) -> None:
    r = sc.SetsockoptInt(s, level, opt, value)
    if r < 0:
        raise SyscallError("setsockopt", Errno(-r))
