"""UDP sockets (gnet v2.10.0: pkg/socket/udp_socket.go).

gnet's UDP functions are its TCP ones with "udp" for "tcp": the same resolution
(an IPv4 address gets AF_INET, "udp" otherwise a dual-stack AF_INET6, "udp6" an
IPv6-only one), so GetUDPSockAddr asks GetTCPSockAddr. Then the socket is bound, not
listening, with SO_BROADCAST on, as gnet sets it.

Where Python differs from gnet:
- a service name for the port ("udp://:domain") is looked up as a TCP service
  (rawnet.net resolves TCP addresses only; the well-known ports are the same);
- the address returned is the one the kernel bound, as for TCP (tcp_socket.py);
- only the server side (bind) is built; gnet's client connects instead.
"""

from __future__ import annotations

from collections.abc import Sequence

from ....sys import Sockaddr
from ....sys import zerrors_linux as c
from . import socket  # socket.py imports this module too: by module, as tcp_socket.py
from .sockaddr import SockaddrToUDPAddr, UDPAddr
from .sockopts_posix import SetIPv6Only, setsockoptInt
from .tcp_socket import GetTCPSockAddr


def setBroadcast(fd: int, on: int) -> None:
    """SO_BROADCAST: datagrams may be sent to a broadcast address."""
    setsockoptInt(fd, c.SOL_SOCKET, c.SO_BROADCAST, on)


# gnet: pkg/socket/udp_socket.go GetUDPSockAddr
def GetUDPSockAddr(proto: str, addr: str) -> tuple[Sockaddr, int, UDPAddr, bool]:
    """(sockaddr, family, resolved address, ipv6only) for proto ("udp", "udp4",
    "udp6") and addr."""
    sa, family, tcpAddr, ipv6only = GetTCPSockAddr("tcp" + proto.removeprefix("udp"), addr)
    return sa, family, UDPAddr(tcpAddr.IP, tcpAddr.Port, tcpAddr.Zone), ipv6only


# gnet: pkg/socket/udp_socket.go udpSocket
def udpSocket(proto: str, addr: str, sockOptInts: Sequence[socket.Option]
              ) -> tuple[int, UDPAddr]:
    """A UDP socket bound to addr with the options set: its fd and bound address."""
    sa, family, _, ipv6only = GetUDPSockAddr(proto, addr)
    opts = [socket.Option(setBroadcast, 1), *sockOptInts]
    if family == c.AF_INET6 and ipv6only:
        opts.insert(0, socket.Option(SetIPv6Only, 1))
    fd, bound = socket.bindSocket(family, c.SOCK_DGRAM, c.IPPROTO_UDP, sa, opts, None)
    local = SockaddrToUDPAddr(bound)
    assert local is not None  # an AF_INET or AF_INET6 socket
    return fd, local
