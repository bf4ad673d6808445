"""Addresses of the engine's sockets (gnet v2.10.0: pkg/socket/sockaddr.go).

gnet hands out Go's ``net.TCPAddr``, ``net.UDPAddr`` and ``net.UnixAddr``. rawnet.net
has the first only (it has no UDP or Unix sockets yet), so the other two are small
stand-ins here with Go's fields and methods (Go: src/net/udpsock.go UDPAddr,
src/net/unixsock.go UnixAddr); they belong in rawnet.net once it grows those sockets.
"""

from __future__ import annotations

from dataclasses import dataclass

from ....net.tcpsock import TCPAddr
from ....net.tcpsock_posix import sockaddrToTCP
from ....sys import Sockaddr
from ....sys.syscall_linux import SockaddrUnix


class UDPAddr(TCPAddr):
    """The address of a UDP end point: Go's UDPAddr has TCPAddr's fields (IP, Port,
    Zone) and String; only the network differs."""

    def Network(self) -> str:
        return "udp"


@dataclass(frozen=True)
class UnixAddr:
    """The address of a Unix domain socket: a path ("@name" for Linux's abstract
    namespace; "@" alone for an unnamed socket, as a client's usually is)."""

    Name: str
    Net: str = "unix"

    def Network(self) -> str:
        return self.Net

    def String(self) -> str:
        return self.Name

    def __str__(self) -> str:
        return self.Name


# gnet: pkg/socket/sockaddr.go SockaddrToTCPOrUnixAddr
def SockaddrToTCPOrUnixAddr(sa: Sockaddr | None) -> TCPAddr | UnixAddr | None:
    """The address of a stream socket's sockaddr: TCP for an IP address, Unix for a
    path."""
    if isinstance(sa, SockaddrUnix):
        return UnixAddr(sa.Name)
    return sockaddrToTCP(sa)


# gnet: pkg/socket/sockaddr.go SockaddrToUDPAddr
def SockaddrToUDPAddr(sa: Sockaddr | None) -> UDPAddr | None:
    a = sockaddrToTCP(sa)
    if a is None:
        return None
    return UDPAddr(a.IP, a.Port, a.Zone)
