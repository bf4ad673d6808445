"""Host name resolution used by Dial and Listen (Go: src/net/lookup.go, lookup_unix.go).

The order is Go's for a hosts file and the system resolver: an IP literal is returned
as is (no lookup at all), then /etc/hosts, then getaddrinfo (Go's cgo resolver).
"""

from __future__ import annotations

from collections.abc import Callable

from . import cgo_unix, ipsock
from .hosts import lookupStaticHost
from .ip import IP, ParseIP, parseAddrZone
from .net import errNoSuchHost, newDNSError
from .port import LookupPort, parsePort

__all__ = ["LookupPort", "lookupIPAddr", "lookupIP", "parsePort", "testHookLookupIP"]

IPAddrList = list[tuple[IP, str]]


# Go: src/net/lookup_unix.go Resolver.lookupIP
def lookupIP(network: str, host: str) -> IPAddrList:
    """/etc/hosts, then getaddrinfo."""
    addrs = goLookupIPFiles(host)
    if addrs:
        return addrs
    return cgo_unix.cgoLookupHostIP(network, host)


# Go: src/net/hook.go testHookLookupIP
def testHookLookupIP(fn: Callable[[str, str], IPAddrList], network: str, host: str) -> IPAddrList:
    """The resolver behind lookupIPAddr; tests replace it to stub name lookups."""
    return fn(network, host)


# Go: src/net/lookup.go Resolver.lookupIPAddr
def lookupIPAddr(host: str, network: str = "ip") -> IPAddrList:
    """The addresses of host as (IP, zone) pairs; DNSError "no such host" if none.

    An IP literal (IPv4, IPv6, IPv6%zone) is returned at once in its 16-byte form.
    """
    if host == "":
        raise newDNSError(errNoSuchHost(), host, "")
    ip, zone = parseAddrZone(host)
    if ip is not None:
        return [(ip, zone)]
    return testHookLookupIP(lookupIP, network, host)


# Go: src/net/dnsclient_unix.go goLookupIPFiles
def goLookupIPFiles(name: str) -> IPAddrList:
    addrs: IPAddrList = []
    for haddr in lookupStaticHost(name)[0]:
        h, zone = ipsock.splitHostZone(haddr)
        ip = ParseIP(h)
        if ip is not None:
            addrs.append((ip, zone))
    sortByRFC6724(addrs)
    return addrs


# Go: src/net/addrselect.go rfc6724policyTable
# (prefix, prefix length in bits, precedence); the first match wins, longest first.
rfc6724policyTable: list[tuple[bytes, int, int]] = [
    (bytes(15) + b"\x01", 128, 50),  # ::1/128
    (bytes(10) + b"\xff\xff" + bytes(4), 96, 35),  # ::ffff:0:0/96 (IPv4)
    (bytes(16), 96, 1),  # ::/96 (IPv4-compatible, deprecated)
    (b"\x20\x01" + bytes(14), 32, 5),  # 2001::/32 (Teredo)
    (b"\x20\x02" + bytes(14), 16, 30),  # 2002::/16 (6to4)
    (b"\x3f\xfe" + bytes(14), 16, 1),  # 3ffe::/16 (6bone)
    (b"\xfe\xc0" + bytes(14), 10, 1),  # fec0::/10 (site-local)
    (b"\xfc" + bytes(15), 7, 3),  # fc00::/7 (ULA)
    (bytes(16), 0, 40),  # ::/0
]


# Go: src/net/addrselect.go policyTable.Classify
def _precedence(ip: IP) -> int:
    a = int.from_bytes(ip.To16() or bytes(16), "big")
    for prefix, bits, prec in rfc6724policyTable:
        shift = 128 - bits
        if a >> shift == int.from_bytes(prefix, "big") >> shift:
            return prec
    return 40


# Go: src/net/addrselect.go sortByRFC6724
def sortByRFC6724(addrs: IPAddrList) -> None:
    """Order destination addresses as RFC 6724 does, reduced to two of its rules.

    Go connects a UDP socket to every address to learn its source address; rawnet
    approximates Rule 1 (avoid unusable destinations) with the IP stack probe and
    keeps Rule 6 (higher precedence first); the sort is stable (Rule 10).
    """
    if len(addrs) < 2:
        return

    def usable(ip: IP) -> bool:
        if ip.To4() is not None:
            return ipsock.supportsIPv4()
        return ipsock.supportsIPv6()

    addrs.sort(key=lambda a: (not usable(a[0]), -_precedence(a[0])))
