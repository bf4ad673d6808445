"""The /etc/hosts table (Go: src/net/hosts.go, with getFields from src/net/parse.go).

Go re-reads the file when its 5 s cache has expired *and* its mtime or size changed.
rawnet/sys has no stat(2) yet, so an expired cache re-reads the file (through the
syscall gate) and re-parses it only if its bytes changed.
"""

from __future__ import annotations

import threading
import time

from ..sys.file import ReadFile
from .ip import addrString, parseAddr

# Go: src/net/hook_unix.go hostsFilePath
hostsFilePath = "/etc/hosts"

# Go: src/net/hosts.go cacheMaxAge
cacheMaxAge = 5.0  # seconds


# Go: src/net/hosts.go parseLiteralIP
def parseLiteralIP(addr: str) -> str:
    """The normalised text of the IP literal addr (netip's form, zone kept), or ""."""
    parsed = parseAddr(addr)
    if parsed is None:
        return ""
    return addrString(*parsed)


# Go: src/net/hosts.go byName
class byName:
    __slots__ = ("addrs", "canonicalName")

    def __init__(self, addrs: list[str], canonicalName: str) -> None:
        self.addrs = addrs
        self.canonicalName = canonicalName


class _hosts:
    """Go's package-level ``hosts`` struct: the parsed table and its cache state."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.byName: dict[str, byName] = {}
        self.byAddr: dict[str, list[str]] = {}
        self.expire = 0.0
        self.path = ""
        self.data: bytes | None = None


hosts = _hosts()


# Go: src/net/parse.go getFields
def getFields(s: str) -> list[str]:
    """Split s at runs of space, \\r, \\t and \\n (not at other Unicode whitespace)."""
    for sep in "\r\t\n":
        s = s.replace(sep, " ")
    return [f for f in s.split(" ") if f]


# Go: src/net/parse.go lowerASCIIBytes
def lowerASCII(s: str) -> str:
    """Go's lowerASCIIBytes: lower-case A-Z only."""
    return s.translate(_lowerTable)


_lowerTable = {c: c + 32 for c in range(ord("A"), ord("Z") + 1)}


# Go: src/net/dnsclient.go absDomainName
def absDomainName(s: str) -> str:
    """s with a trailing '.' when it contains a '.' and does not end with one."""
    if "." in s and not s.endswith("."):
        s += "."
    return s


# Go: src/net/hosts.go readHosts
def readHosts() -> None:
    now = time.monotonic()
    hp = hostsFilePath
    if now < hosts.expire and hosts.path == hp and len(hosts.byName) > 0:
        return
    data = ReadFile(hp)
    if data is not None and hosts.path == hp and data == hosts.data:
        hosts.expire = now + cacheMaxAge
        return
    hs, is_ = parseHosts(data or b"")
    hosts.expire = now + cacheMaxAge
    hosts.path = hp
    hosts.byName = hs
    hosts.byAddr = is_
    hosts.data = data


def parseHosts(data: bytes) -> tuple[dict[str, byName], dict[str, list[str]]]:
    """The byName and byAddr tables of a hosts file (the loop of Go's readHosts)."""
    hs: dict[str, byName] = {}
    is_: dict[str, list[str]] = {}
    for line in data.decode("utf-8", "surrogateescape").split("\n"):
        f = getFields(line.split("#", 1)[0])  # discard comments
        if len(f) < 2:
            continue
        addr = parseLiteralIP(f[0])
        if addr == "":
            continue
        canonical = ""
        for i in range(1, len(f)):
            name = absDomainName(f[i])
            key = absDomainName(lowerASCII(f[i]))
            if i == 1:
                canonical = key
            is_.setdefault(addr, []).append(name)
            v = hs.get(key)
            if v is not None:
                hs[key] = byName(v.addrs + [addr], v.canonicalName)
                continue
            hs[key] = byName([addr], canonical)
    return hs, is_


# Go: src/net/hosts.go lookupStaticHost
def lookupStaticHost(host: str) -> tuple[list[str], str]:
    """The addresses and canonical name of host in /etc/hosts (a copy), or ([], "")."""
    with hosts.lock:
        readHosts()
        if hosts.byName:
            entry = hosts.byName.get(absDomainName(lowerASCII(host)))
            if entry is not None:
                return list(entry.addrs), entry.canonicalName
    return [], ""


# Go: src/net/hosts.go lookupStaticAddr
def lookupStaticAddr(addr: str) -> list[str]:
    """The host names of the IP literal addr in /etc/hosts (a copy)."""
    with hosts.lock:
        readHosts()
        addr = parseLiteralIP(addr)
        if addr == "":
            return []
        return list(hosts.byAddr.get(addr, []))
