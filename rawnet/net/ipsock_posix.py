"""IP sockets on POSIX systems (Go: src/net/ipsock_posix.go): the one-time IP stack
probe, the choice of address family, and IP → syscall Sockaddr conversion."""

from __future__ import annotations

import ctypes
from typing import Protocol

from .. import time
from ..sys.gate import syscall
from ..sys.libc import c_char_p, c_size_t, c_uint, declare
from ..sys.syscall_linux import Bind, Close, SetsockoptInt, SockaddrInet4, SockaddrInet6
from ..sys.zerrors_linux import (
    AF_INET,
    AF_INET6,
    IPPROTO_IPV6,
    IPPROTO_TCP,
    IPV6_V6ONLY,
    SOCK_STREAM,
)
from . import fd_unix, ipsock, sock_posix
from .ip import IP, IPv4, IPv4zero, IPv6zero, ParseIP, ipString
from .net import Addr, AddrError
from .sock_cloexec import sysSocket

_if_nametoindex = declare("if_nametoindex", "if_nametoindex", c_uint, (c_char_p,))
# if_indextoname returns its buffer argument or NULL; as an integer the gate sees 0.
_if_indextoname = declare("if_indextoname", "if_indextoname", c_size_t, (c_uint, c_char_p))
IF_NAMESIZE = 16


# Go: src/net/sockaddr_posix.go sockaddr
class sockaddr(Addr, Protocol):
    """An Addr that can become a syscall Sockaddr (TCPAddr, UDPAddr, IPAddr, UnixAddr)."""

    def family(self) -> int: ...

    def isWildcard(self) -> bool: ...

    def sockaddr(self, family: int) -> SockaddrInet4 | SockaddrInet6 | None: ...

    def toLocal(self, net: str) -> _sockaddr: ...


_sockaddr = sockaddr  # inside the class, "sockaddr" names the method


# Go: src/net/ipsock_posix.go ipStackCapabilities.probe
def probe(p: ipsock.ipStackCapabilities) -> None:
    """Probe IPv4, IPv6 and IPv4-mapped IPv6 support with throw-away sockets.

    Syscalls, as Go makes them: socket(AF_INET)+close; then for {::1, V6ONLY=1} and
    {::ffff:127.0.0.1, V6ONLY=0} socket(AF_INET6)+setsockopt+bind; the two IPv6
    sockets are closed at the end, in reverse order (Go's defers).
    """
    try:
        s = sysSocket(AF_INET, SOCK_STREAM, IPPROTO_TCP)
    except OSError:
        pass
    else:
        Close(s)
        p.ipv4Enabled = True
    probes = [(ParseIP("::1"), 1), (IPv4(127, 0, 0, 1), 0)]
    opened: list[int] = []
    try:
        for i, (laddr, value) in enumerate(probes):
            try:
                s = sysSocket(AF_INET6, SOCK_STREAM, IPPROTO_TCP)
            except OSError:
                continue
            opened.append(s)
            SetsockoptInt(s, IPPROTO_IPV6, IPV6_V6ONLY, value)
            if Bind(s, ipToSockaddrInet6(laddr, 0, "")) < 0:
                continue
            if i == 0:
                p.ipv6Enabled = True
            else:
                p.ipv4MappedIPv6Enabled = True
    finally:
        for s in reversed(opened):
            Close(s)


# Go: src/net/ipsock_posix.go favoriteAddrFamily
def favoriteAddrFamily(
    network: str, laddr: sockaddr | None, raddr: sockaddr | None, mode: str
) -> tuple[int, bool]:
    """(family, ipv6only) for a socket on network between laddr and raddr.

    A wildcard listen on "tcp"/"udp" is a dual-stack AF_INET6 socket whenever
    IPv4-mapped addresses work, even for "0.0.0.0".
    """
    if network.endswith("4"):
        return AF_INET, False
    if network.endswith("6"):
        return AF_INET6, True
    if mode == "listen" and (laddr is None or laddr.isWildcard()):
        if ipsock.supportsIPv4map() or not ipsock.supportsIPv4():
            return AF_INET6, False
        if laddr is None:
            return AF_INET, False
        return laddr.family(), False
    if (laddr is None or laddr.family() == AF_INET) and (
        raddr is None or raddr.family() == AF_INET
    ):
        return AF_INET, False
    return AF_INET6, False


# Go: src/net/ipsock_posix.go ipToSockaddrInet4
def ipToSockaddrInet4(ip: IP | None, port: int) -> SockaddrInet4:
    if ip is None or len(ip) == 0:
        ip = IPv4zero
    ip4 = ip.To4()
    if ip4 is None:
        raise AddrError("non-IPv4 address", ip.String())
    return SockaddrInet4(Port=port, Addr=bytes(ip4))


# Go: src/net/ipsock_posix.go ipToSockaddrInet6
def ipToSockaddrInet6(ip: IP | None, port: int, zone: str) -> SockaddrInet6:
    # The wildcard "0.0.0.0" becomes "::" so that a dual-stack listener asked for
    # either wildcard listens on both address families.
    if ip is None or len(ip) == 0 or ip.Equal(IPv4zero):
        ip = IPv6zero
    ip6 = ip.To16()  # IPv4 addresses become IPv4-mapped IPv6 addresses
    if ip6 is None:
        raise AddrError("non-IPv6 address", ip.String())
    return SockaddrInet6(Port=port, ZoneId=zoneToIndex(zone), Addr=bytes(ip6))


# Go: src/net/ipsock_posix.go ipToSockaddr
def ipToSockaddr(
    family: int, ip: IP | None, port: int, zone: str
) -> SockaddrInet4 | SockaddrInet6:
    if family == AF_INET:
        return ipToSockaddrInet4(ip, port)
    if family == AF_INET6:
        return ipToSockaddrInet6(ip, port, zone)
    raise AddrError("invalid address family", ipString(ip))


# Go: src/net/interface.go ipv6ZoneCache.index
def zoneToIndex(name: str) -> int:
    """The interface index of zone name: if_nametoindex, else its leading digits (Go's
    dtoi, capped at 0xFFFFFF), else 0. Go keeps an interface table; libc asks the
    kernel each time."""
    if name == "":
        return 0
    index = syscall(_if_nametoindex, name.encode("utf-8", "surrogateescape"))
    if index > 0:
        return index
    n = 0
    for ch in name:
        if not "0" <= ch <= "9":
            break
        n = n * 10 + ord(ch) - 48
        if n >= 0xFFFFFF:
            return 0xFFFFFF
    return n


# Go: src/net/interface.go ipv6ZoneCache.name
def zoneToName(index: int) -> str:
    """The interface name of zone index: if_indextoname, else the decimal index."""
    if index == 0:
        return ""
    buf = ctypes.create_string_buffer(IF_NAMESIZE)
    if syscall(_if_indextoname, index, buf) != 0:
        return buf.value.decode("utf-8", "surrogateescape")
    return str(index)


# Go: src/net/ipsock_posix.go internetSocket
def internetSocket(
    net: str,
    laddr: sockaddr | None,
    raddr: sockaddr | None,
    sotype: int,
    proto: int,
    mode: str,
    deadline: time.Time,
) -> fd_unix.netFD:
    # On Linux, connecting to the wildcard address reaches the local host natively;
    # Go rewrites it to loopback only on aix, windows, openbsd, js and wasip1.
    family, ipv6only = favoriteAddrFamily(net, laddr, raddr, mode)
    return sock_posix.socket(net, family, sotype, proto, ipv6only, laddr, raddr, deadline)
