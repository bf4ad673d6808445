"""Internet address lists, SplitHostPort and JoinHostPort (Go: src/net/ipsock.go)."""

from __future__ import annotations

import threading
from collections.abc import Callable

from . import ipsock_posix, lookup, tcpsock
from .ip import IP, IPv4zero, IPv6len, IPv6loopback, IPv6unspecified
from .net import Addr, AddrError, UnknownNetworkError, errNoSuitableAddress, notBuiltYet
from .port import LookupPort

# Go's IPAddr value: an address and its IPv6 zone.
IPAddr = tuple[IP, str]


# Go: src/net/ipsock.go ipStackCapabilities
class ipStackCapabilities:
    """What the kernel's IP stack supports, probed once (Go: a sync.Once and three bools).

    The probe itself is ``ipStackCapabilities.probe`` in ipsock_posix.go.
    """

    def __init__(self) -> None:
        self._once = threading.Lock()
        self._done = False
        self.ipv4Enabled = False
        self.ipv6Enabled = False
        self.ipv4MappedIPv6Enabled = False

    def Do(self) -> None:
        """sync.Once.Do(probe)."""
        if self._done:
            return
        with self._once:
            if not self._done:
                ipsock_posix.probe(self)
                self._done = True


ipStackCaps = ipStackCapabilities()


# Go: src/net/ipsock.go supportsIPv4
def supportsIPv4() -> bool:
    ipStackCaps.Do()
    return ipStackCaps.ipv4Enabled


# Go: src/net/ipsock.go supportsIPv6
def supportsIPv6() -> bool:
    ipStackCaps.Do()
    return ipStackCaps.ipv6Enabled


# Go: src/net/ipsock.go supportsIPv4map
def supportsIPv4map() -> bool:
    ipStackCaps.Do()
    return ipStackCaps.ipv4MappedIPv6Enabled


# Go: src/net/ipsock.go isIPv4
def isIPv4(addr: Addr) -> bool:
    """Whether addr (a TCPAddr, UDPAddr or IPAddr) holds an IPv4 address."""
    ip = getattr(addr, "IP", None)
    return isinstance(ip, IP) and ip.To4() is not None


# Go: src/net/ipsock.go isNotIPv4
def isNotIPv4(addr: Addr) -> bool:
    return not isIPv4(addr)


# Go: src/net/ipsock.go addrList
class addrList(list[Addr]):
    """A list of network end point addresses."""

    # Go: src/net/ipsock.go addrList.forResolve
    def forResolve(self, network: str, addr: str) -> Addr:
        """IPv4 is preferred, unless addr contains an IPv6 literal."""
        want6 = False
        if network == "ip":
            want6 = ":" in addr  # no port in addr
        elif network in ("tcp", "udp"):
            want6 = "[" in addr
        return self.first(isNotIPv4 if want6 else isIPv4)

    # Go: src/net/ipsock.go addrList.first
    def first(self, strategy: Callable[[Addr], bool]) -> Addr:
        for addr in self:
            if strategy(addr):
                return addr
        return self[0]

    # Go: src/net/ipsock.go addrList.partition
    def partition(self, strategy: Callable[[Addr], bool]) -> tuple[addrList, addrList]:
        """The first address and those labelled like it, then the others (Happy Eyeballs)."""
        primaries, fallbacks = addrList(), addrList()
        primaryLabel = False
        for i, addr in enumerate(self):
            label = strategy(addr)
            if i == 0 or label == primaryLabel:
                primaryLabel = label
                primaries.append(addr)
            else:
                fallbacks.append(addr)
        return primaries, fallbacks


# Go: src/net/ipsock.go filterAddrList
def filterAddrList(
    filter: Callable[[IPAddr], bool] | None,
    ips: list[IPAddr],
    inetaddr: Callable[[IPAddr], Addr],
    originalAddr: str,
) -> addrList:
    addrs = addrList(inetaddr(ip) for ip in ips if filter is None or filter(ip))
    if not addrs:
        raise AddrError(errNoSuitableAddress.text, originalAddr)
    return addrs


# Go: src/net/ipsock.go ipv4only
def ipv4only(addr: IPAddr) -> bool:
    return addr[0].To4() is not None


# Go: src/net/ipsock.go ipv6only
def ipv6only(addr: IPAddr) -> bool:
    """IPv6, except IPv4-mapped IPv6."""
    return len(addr[0]) == IPv6len and addr[0].To4() is None


# Go: src/net/ipsock.go SplitHostPort
def SplitHostPort(hostport: str) -> tuple[str, str]:
    """Split "host:port", "host%zone:port", "[host]:port" or "[host%zone]:port".

    Raises AddrError with Go's reason; an empty host or port is accepted.
    """
    missingPort = "missing port in address"
    tooManyColons = "too many colons in address"
    j = k = 0
    i = hostport.rfind(":")  # the port starts after the last colon
    if i < 0:
        raise AddrError(missingPort, hostport)
    if hostport[0] == "[":
        end = hostport.find("]")  # expect the first ']' just before the last ':'
        if end < 0:
            raise AddrError("missing ']' in address", hostport)
        if end + 1 == len(hostport):
            raise AddrError(missingPort, hostport)
        if end + 1 != i:
            # ']' is not followed by a colon, or by one that is not the last.
            raise AddrError(tooManyColons if hostport[end + 1] == ":" else missingPort, hostport)
        host = hostport[1:end]
        j, k = 1, end + 1  # there can't be a '[' resp. ']' before these positions
    else:
        host = hostport[:i]
        if ":" in host:
            raise AddrError(tooManyColons, hostport)
    if "[" in hostport[j:]:
        raise AddrError("unexpected '[' in address", hostport)
    if "]" in hostport[k:]:
        raise AddrError("unexpected ']' in address", hostport)
    return host, hostport[i + 1 :]


# Go: src/net/ipsock.go splitHostZone
def splitHostZone(s: str) -> tuple[str, str]:
    """Split at the last '%' (the IPv6 zone), if it is not the first character."""
    i = s.rfind("%")
    if i > 0:
        return s[:i], s[i + 1 :]
    return s, ""


# Go: src/net/ipsock.go JoinHostPort
def JoinHostPort(host: str, port: str) -> str:
    """"host:port", or "[host]:port" when host contains a colon (an IPv6 literal)."""
    if ":" in host:
        return "[" + host + "]:" + port
    return host + ":" + port


# Go: src/net/ipsock.go Resolver.internetAddrList
def internetAddrList(net: str, addr: str) -> addrList:
    """Resolve addr, a literal IP address or a DNS name, for an internet network.

    The result holds at least one address; an empty host gives one wildcard address
    (IP None) without any lookup.
    """
    host, portnum = "", 0
    if net in ("tcp", "tcp4", "tcp6", "udp", "udp4", "udp6"):
        if addr != "":
            host, port = SplitHostPort(addr)
            portnum = LookupPort(net, port)
    elif net in ("ip", "ip4", "ip6"):
        host = addr
    else:
        raise UnknownNetworkError(net)
    if net not in ("tcp", "tcp4", "tcp6"):
        # Go makes a UDPAddr or an IPAddr here (udpsock.go, iprawsock.go): not built yet.
        raise AddrError(notBuiltYet, net)

    def inetaddr(ip: tuple[IP | None, str]) -> Addr:
        return tcpsock.TCPAddr(IP=ip[0], Port=portnum, Zone=ip[1])

    if host == "":
        return addrList([inetaddr((None, ""))])
    ips = lookup.lookupIPAddr(host, net)
    # Issue 18806: if the machine has halfway configured IPv6 such that it can bind on
    # "::" but not connect back to it, fall back to dialing 0.0.0.0.
    if len(ips) == 1 and ips[0][0].Equal(IPv6unspecified):
        ips.append((IPv4zero, ""))
    flt: Callable[[IPAddr], bool] | None = None
    if net.endswith("4"):
        flt = ipv4only
    elif net.endswith("6"):
        flt = ipv6only
    return filterAddrList(flt, ips, inetaddr, host)


# Go: src/net/ipsock.go loopbackIP
def loopbackIP(net: str) -> IP:
    if net.endswith("6"):
        return IPv6loopback
    return IP(b"\x7f\x00\x00\x01")
