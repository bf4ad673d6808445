"""TCP sockets on POSIX systems (Go: src/net/tcpsock_posix.go)."""

from __future__ import annotations

from ..sys.syscall_linux import Sockaddr, SockaddrInet4, SockaddrInet6
from .ip import IP
from .ipsock_posix import zoneToName
from .tcpsock import TCPAddr


# Go: src/net/tcpsock_posix.go sockaddrToTCP
def sockaddrToTCP(sa: Sockaddr | None) -> TCPAddr | None:
    """The TCPAddr of a kernel sockaddr: IPv4 as 4 bytes, IPv6 as 16 bytes + zone."""
    if isinstance(sa, SockaddrInet4):
        return TCPAddr(IP(sa.Addr), sa.Port)
    if isinstance(sa, SockaddrInet6):
        return TCPAddr(IP(sa.Addr), sa.Port, zoneToName(sa.ZoneId))
    return None
