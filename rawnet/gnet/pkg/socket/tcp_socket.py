"""Listening TCP sockets (gnet v2.10.0: pkg/socket/tcp_socket.go).

The address is resolved by rawnet.net (``ResolveTCPAddr``, Go's net rules: names, IPv4
first). The family follows gnet: an IPv4 address gets an AF_INET socket; anything else
with "tcp" (the wildcard ``:9000`` included) a dual-stack AF_INET6 socket, which takes
IPv4 clients as IPv4-mapped addresses; "tcp6" an IPv6-only one.

Where Python differs from gnet:
- the address returned is the one the kernel bound (getsockname), so that a listener
  on port 0 tells its port; gnet returns the resolved address, port 0 included;
- on a host without IPv6, the wildcard of "tcp" gets an AF_INET socket (gnet fails).
"""

from __future__ import annotations

from collections.abc import Sequence

from ....net import ipsock, ipsock_posix
from ....net.sock_linux import maxListenerBacklog
from ....net.tcpsock import ResolveTCPAddr, TCPAddr
from ....net.tcpsock_posix import sockaddrToTCP
from ....sys import Sockaddr
from ....sys import zerrors_linux as c
from ..errors import ErrUnsupportedTCPProtocol
from . import socket  # socket.py imports this module too (as in gnet): by module
from .sockopts_posix import SetIPv6Only


# gnet: pkg/socket/tcp_socket.go GetTCPSockAddr
def GetTCPSockAddr(proto: str, addr: str) -> tuple[Sockaddr, int, TCPAddr, bool]:
    """(sockaddr, family, resolved address, ipv6only) for proto and addr."""
    tcpAddr = ResolveTCPAddr(proto, addr)
    tcpVersion = determineTCPProto(proto, tcpAddr)
    if tcpVersion == "tcp4" or (tcpVersion == "tcp" and not ipsock.supportsIPv6()):
        family = c.AF_INET
    else:
        family = c.AF_INET6
    sa = ipsock_posix.ipToSockaddr(family, tcpAddr.IP, tcpAddr.Port, tcpAddr.Zone)
    return sa, family, tcpAddr, tcpVersion == "tcp6"


# gnet: pkg/socket/tcp_socket.go determineTCPProto
def determineTCPProto(proto: str, addr: TCPAddr) -> str:
    if addr.IP is not None and addr.IP.To4() is not None:
        return "tcp4"
    if addr.IP is not None and addr.IP.To16() is not None:
        return "tcp6"
    if proto in ("tcp", "tcp4", "tcp6"):
        return proto
    raise ErrUnsupportedTCPProtocol()


# gnet: pkg/socket/tcp_socket.go tcpSocket
def tcpSocket(proto: str, addr: str, passive: bool, sockOptInts: Sequence[socket.Option]
              ) -> tuple[int, TCPAddr]:
    """A socket for addr with the options set, bound and listening (passive; the
    client side, connect, is not built). Returns the fd and the bound address."""
    sa, family, _, ipv6only = GetTCPSockAddr(proto, addr)
    if not passive:
        raise NotImplementedError("gnet's client (connect) is not built")
    opts = list(sockOptInts)
    if family == c.AF_INET6 and ipv6only:
        opts.insert(0, socket.Option(SetIPv6Only, 1))
    fd, bound = socket.bindSocket(family, c.SOCK_STREAM, c.IPPROTO_TCP, sa, opts,
                                  maxListenerBacklog())
    local = sockaddrToTCP(bound)
    assert local is not None  # an AF_INET or AF_INET6 socket
    return fd, local
