"""TCP addresses, connections and listeners (Go: src/net/tcpsock.go).

TCPAddr's POSIX methods (family, sockaddr, toLocal) live in tcpsock_posix.go in Go;
a Python class cannot be split across files, so they are here, marked with their
Go file.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..sys.syscall_linux import SockaddrInet4, SockaddrInet6
from ..sys.zerrors_linux import AF_INET, AF_INET6
from .ip import IP, IPv4len, ipEmptyString
from .ipsock import JoinHostPort, internetAddrList, loopbackIP
from .ipsock_posix import ipToSockaddr
from .net import UnknownNetworkError


# Go: src/net/tcpsock.go TCPAddr
@dataclass(eq=False)
class TCPAddr:
    """The address of a TCP end point. IP None is Go's nil IP (the wildcard).

    Equality compares IPs as Go's IP.Equal does, so an address read back from the
    kernel (4-byte IPv4) equals the one resolved from text (16-byte IPv4-mapped).
    """

    IP: IP | None = None
    Port: int = 0
    Zone: str = ""  # IPv6 scoped addressing zone

    # Go: src/net/tcpsock.go TCPAddr.Network
    def Network(self) -> str:
        return "tcp"

    # Go: src/net/tcpsock.go TCPAddr.String
    def String(self) -> str:
        ip = ipEmptyString(self.IP)
        if self.Zone:
            return JoinHostPort(ip + "%" + self.Zone, str(self.Port))
        return JoinHostPort(ip, str(self.Port))

    def __str__(self) -> str:
        return self.String()

    def _key(self) -> tuple[bytes, int, str]:
        ip = self.IP.To16() if self.IP else None
        return (bytes(ip) if ip is not None else b"", self.Port, self.Zone)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, TCPAddr):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    # Go: src/net/tcpsock.go TCPAddr.isWildcard
    def isWildcard(self) -> bool:
        if self.IP is None or len(self.IP) == 0:
            return True
        return self.IP.IsUnspecified()

    # Go: src/net/tcpsock_posix.go TCPAddr.family
    def family(self) -> int:
        if self.IP is None or len(self.IP) <= IPv4len:
            return AF_INET
        if self.IP.To4() is not None:
            return AF_INET
        return AF_INET6

    # Go: src/net/tcpsock_posix.go TCPAddr.sockaddr
    def sockaddr(self, family: int) -> SockaddrInet4 | SockaddrInet6:
        return ipToSockaddr(family, self.IP, self.Port, self.Zone)

    # Go: src/net/tcpsock_posix.go TCPAddr.toLocal
    def toLocal(self, net: str) -> TCPAddr:
        return TCPAddr(loopbackIP(net), self.Port, self.Zone)


# Go: src/net/tcpsock.go ResolveTCPAddr
def ResolveTCPAddr(network: str, address: str) -> TCPAddr:
    """The TCP address of "host:port" (a literal or a name: IPv4 wins, unless the
    address holds an IPv6 literal). network is "tcp", "tcp4" or "tcp6" ("" = "tcp")."""
    if network == "":
        network = "tcp"  # a hint wildcard for Go 1.0 undocumented behavior
    elif network not in ("tcp", "tcp4", "tcp6"):
        raise UnknownNetworkError(network)
    addr = internetAddrList(network, address).forResolve(network, address)
    assert isinstance(addr, TCPAddr)
    return addr


# --- TCPConn and TCPListener follow (added by the stack) ---
