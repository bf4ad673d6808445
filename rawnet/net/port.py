"""Service ports (Go: src/net/port.go, port_unix.go and the port half of lookup.go)."""

from __future__ import annotations

import threading

from ..sys.file import ReadFile
from .hosts import getFields, lowerASCII
from .net import AddrError, errUnknownPort, newDNSError

# Go: src/net/lookup.go services
# The built-in map Go falls back to when /etc/services is missing.
services: dict[str, dict[str, int]] = {
    "udp": {"domain": 53},
    "tcp": {
        "ftp": 21,
        "ftps": 990,
        "gopher": 70,
        "http": 80,
        "https": 443,
        "imap2": 143,
        "imap3": 220,
        "imaps": 993,
        "pop3": 110,
        "pop3s": 995,
        "smtp": 25,
        "submissions": 465,
        "ssh": 22,
        "telnet": 23,
    },
}

# Go: src/net/lookup.go maxPortBufSize
maxPortBufSize = len("mobility-header") + 10

_onceReadServices = threading.Lock()
_servicesRead = False


# Go: src/net/port.go parsePort
def parsePort(service: str) -> tuple[int, bool]:
    """(port, needsLookup): "" is 0; an optional sign and decimal digits are a number
    (saturating at ±2^30); any other character means a service name to look up."""
    if service == "":
        return 0, False  # Go issue 13610: an empty string means port 0
    maxv, cutoff = (1 << 32) - 1, 1 << 30
    neg = service[0] == "-"
    if service[0] in "+-":
        service = service[1:]
    n = 0
    for d in service:
        if not "0" <= d <= "9":
            return 0, True
        if n >= cutoff:
            n = maxv
            break
        # Go's n is a uint32: n*10 wraps silently (so "4294967300" parses as 4, as in
        # Go); only the addition's carry is caught.
        n = (n * 10) & maxv
        nn = n + ord(d) - 48
        if nn > maxv:
            n = maxv
            break
        n = nn
    if not neg and n >= cutoff:
        port = cutoff - 1
    elif neg and n > cutoff:
        port = cutoff
    else:
        port = n
    return (-port if neg else port), False


# Go: src/net/port_unix.go readServices
def readServices() -> None:
    """Add /etc/services ("http 80/tcp www www-http # WWW") to the services map."""
    data = ReadFile("/etc/services")
    if data is None:
        return
    for raw in data.decode("utf-8", "surrogateescape").split("\n"):
        f = getFields(raw.split("#", 1)[0])
        if len(f) < 2:
            continue
        num, slash, netw = f[1].partition("/")  # "80/tcp"
        if not slash or not num.isascii() or not num.isdigit() or int(num) <= 0:
            continue
        m = services.setdefault(netw, {})
        for i, name in enumerate(f):
            if i != 1:
                m[name] = int(num)


# Go: src/net/port_unix.go onceReadServices
def _readServicesOnce() -> None:
    global _servicesRead
    if _servicesRead:
        return
    with _onceReadServices:
        if not _servicesRead:
            readServices()
            _servicesRead = True


# Go: src/net/lookup.go lookupPortMapWithNetwork
def lookupPortMapWithNetwork(network: str, errNetwork: str, service: str) -> int:
    m = services.get(network)
    if m is None:
        raise AddrError("unknown network", errNetwork)
    port = m.get(lowerASCII(service))
    if port is not None and len(service.encode("utf-8", "surrogateescape")) <= maxPortBufSize:
        return port
    raise newDNSError(errUnknownPort(), errNetwork + "/" + service, "")


# Go: src/net/lookup.go lookupPortMap
def lookupPortMap(network: str, service: str) -> int:
    if network == "ip":  # no hints
        try:
            return lookupPortMapWithNetwork("tcp", "ip", service)
        except OSError:
            return lookupPortMapWithNetwork("udp", "ip", service)
    if network in ("tcp", "tcp4", "tcp6"):
        return lookupPortMapWithNetwork("tcp", "tcp", service)
    if network in ("udp", "udp4", "udp6"):
        return lookupPortMapWithNetwork("udp", "udp", service)
    raise AddrError("unknown network", network)


# Go: src/net/lookup_unix.go goLookupPort
def goLookupPort(network: str, service: str) -> int:
    _readServicesOnce()
    return lookupPortMap(network, service)


# Go: src/net/lookup.go Resolver.LookupPort
def LookupPort(network: str, service: str) -> int:
    """The port of service ("80", "http") for network; AddrError "invalid port" if it
    is outside 0..65535."""
    port, needsLookup = parsePort(service)
    if needsLookup:
        if network == "":
            network = "ip"  # a hint wildcard for Go 1.0 undocumented behavior
        elif network not in ("tcp", "tcp4", "tcp6", "udp", "udp4", "udp6"):
            raise AddrError("unknown network", network)
        port = goLookupPort(network, service)
    if not 0 <= port <= 65535:
        raise AddrError("invalid port", service)
    return port
