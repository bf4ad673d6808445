"""IP addresses (Go: src/net/ip.go, and the parsing half of src/net/netip/netip.go).

Go's ``net.IP`` is a byte slice of length 4 or 16; here :class:`IP` is a ``bytes``
subclass with the same two lengths. Go's nil IP is Python's ``None`` (an empty
``IP(b"")`` behaves like it where Go's code tests ``len(ip) == 0``).

Since Go 1.22 ``ParseIP`` is ``netip.ParseAddr`` minus zones, so the parser below
follows netip's rules: IPv4 dotted quads without leading zeros, IPv6 with at most
four hex digits per field, one ``::``, an optional embedded IPv4 in the last 32 bits,
and (for :func:`parseAddrZone` only) a non-empty ``%zone``.
"""

from __future__ import annotations

IPv4len = 4
IPv6len = 16

v4InV6Prefix = b"\x00" * 10 + b"\xff\xff"


class IP(bytes):
    """Go: net.IP, an IPv4 (4 bytes) or IPv6 (16 bytes) address."""

    # Go: src/net/ip.go IP.To4
    def To4(self) -> IP | None:
        if len(self) == IPv4len:
            return self
        if len(self) == IPv6len and self[:12] == v4InV6Prefix:
            return IP(self[12:16])
        return None

    # Go: src/net/ip.go IP.To16
    def To16(self) -> IP | None:
        if len(self) == IPv4len:
            return IP(v4InV6Prefix + self)
        if len(self) == IPv6len:
            return self
        return None

    # Go: src/net/ip.go IP.IsUnspecified
    def IsUnspecified(self) -> bool:
        return self.Equal(IPv4zero) or self.Equal(IPv6unspecified)

    # Go: src/net/ip.go IP.IsLoopback
    def IsLoopback(self) -> bool:
        ip4 = self.To4()
        if ip4 is not None:
            return ip4[0] == 127
        return self.Equal(IPv6loopback)

    # Go: src/net/ip.go IP.Equal
    def Equal(self, x: bytes | None) -> bool:
        """Same address, comparing a 4-byte IPv4 equal to its 16-byte mapped form."""
        if x is None:
            return len(self) == 0
        if len(self) == len(x):
            return bytes(self) == bytes(x)
        if len(self) == IPv4len and len(x) == IPv6len:
            return x[:12] == v4InV6Prefix and bytes(self) == x[12:]
        if len(self) == IPv6len and len(x) == IPv4len:
            return self[:12] == v4InV6Prefix and self[12:] == bytes(x)
        return False

    # Go: src/net/ip.go IP.String
    def String(self) -> str:
        if len(self) == 0:
            return "<nil>"
        if len(self) != IPv4len and len(self) != IPv6len:
            return "?" + self.hex()
        p4 = self.To4()
        if p4 is not None:
            return string4(p4)
        return string6(self)

    def __str__(self) -> str:
        return self.String()

    def __repr__(self) -> str:
        if len(self) == IPv6len and self.To4() is not None:
            return f"IP('::ffff:{self.String()}')"
        return f"IP({self.String()!r})"


# Go: src/net/ip.go IPv4
def IPv4(a: int, b: int, c: int, d: int) -> IP:
    """The 16-byte form of the IPv4 address a.b.c.d, as Go returns it."""
    return IP(v4InV6Prefix + bytes((a, b, c, d)))


IPv4bcast = IPv4(255, 255, 255, 255)
IPv4allsys = IPv4(224, 0, 0, 1)
IPv4allrouter = IPv4(224, 0, 0, 2)
IPv4zero = IPv4(0, 0, 0, 0)
IPv6zero = IP(bytes(16))
IPv6unspecified = IP(bytes(16))
IPv6loopback = IP(bytes(15) + b"\x01")


# Go: src/net/ip.go ipEmptyString
def ipEmptyString(ip: IP | None) -> str:
    """ip.String(), except "" for a missing address (used by the Addr types)."""
    if ip is None or len(ip) == 0:
        return ""
    return ip.String()


def ipString(ip: IP | None) -> str:
    """ip.String() with Go's "<nil>" for a nil IP (Python's None)."""
    return "<nil>" if ip is None else ip.String()


# Go: src/net/netip/netip.go Addr.string4
def string4(ip: bytes) -> str:
    return f"{ip[0]}.{ip[1]}.{ip[2]}.{ip[3]}"


# Go: src/net/netip/netip.go Addr.string6
def string6(ip: bytes) -> str:
    """RFC 5952 text: lowercase hex, the first longest run of >= 2 zero fields as '::'."""
    fields = [(ip[i] << 8) | ip[i + 1] for i in range(0, 16, 2)]
    zeroStart, zeroEnd = -1, -1
    for i in range(8):
        j = i
        while j < 8 and fields[j] == 0:
            j += 1
        if j - i >= 2 and j - i > zeroEnd - zeroStart:
            zeroStart, zeroEnd = i, j
    if zeroStart < 0:
        return ":".join(format(f, "x") for f in fields)
    head = ":".join(format(f, "x") for f in fields[:zeroStart])
    tail = ":".join(format(f, "x") for f in fields[zeroEnd:])
    return head + "::" + tail


# Go: src/net/ip.go ParseIP
def ParseIP(s: str) -> IP | None:
    """The 16-byte form of the IPv4 or IPv6 literal s, or None (zones are rejected)."""
    parsed = parseAddr(s)
    if parsed is None or parsed[2] != "":
        return None
    return IP(parsed[0])


def parseAddrZone(s: str) -> tuple[IP | None, str]:
    """netip.ParseAddr for the resolver: (16-byte IP, zone), or (None, "")."""
    parsed = parseAddr(s)
    if parsed is None:
        return None, ""
    return IP(parsed[0]), parsed[2]


# Go: src/net/netip/netip.go ParseAddr
def parseAddr(s: str) -> tuple[bytes, bool, str] | None:
    """(16 address bytes, is-IPv4, zone), or None if s is not an IP literal.

    Like netip, the first '.', ':' or '%' decides which parser runs.
    """
    for ch in s:
        if ch == ".":
            ip4 = parseIPv4(s)
            return None if ip4 is None else (v4InV6Prefix + ip4, True, "")
        if ch == ":":
            return parseIPv6(s)
        if ch == "%":
            return None  # a zone without an IPv6 address
    return None


# Go: src/net/netip/netip.go parseIPv4
def parseIPv4(s: str) -> bytes | None:
    return parseIPv4Fields(s)


# Go: src/net/netip/netip.go parseIPv4Fields
def parseIPv4Fields(s: str) -> bytes | None:
    """Exactly four decimal fields 0..255, each non-empty and without leading zeros."""
    fields: list[int] = []
    val = 0
    digLen = 0
    for i, ch in enumerate(s):
        if "0" <= ch <= "9":
            if digLen == 1 and val == 0:
                return None  # octet with leading zero
            val = val * 10 + ord(ch) - 48
            digLen += 1
            if val > 255:
                return None
        elif ch == ".":
            if i == 0 or i == len(s) - 1 or s[i - 1] == ".":
                return None  # field must have at least one digit
            if len(fields) == 3:
                return None  # too long
            fields.append(val)
            val = 0
            digLen = 0
        else:
            return None
    if len(fields) < 3:
        return None  # too short
    fields.append(val)
    return bytes(fields)


# Go: src/net/netip/netip.go parseIPv6
def parseIPv6(inp: str) -> tuple[bytes, bool, str] | None:
    s, zone = inp, ""
    pct = s.find("%")
    if pct >= 0:
        s, zone = s[:pct], s[pct + 1 :]
        if zone == "":
            return None  # an explicit zone must be non-empty
    ip = bytearray(16)
    ellipsis = -1
    if s[:2] == "::":
        ellipsis = 0
        s = s[2:]
        if s == "":
            return bytes(ip), False, zone
    i = 0
    while i < 16:
        off, acc = _hexField(s)
        if off < 0:
            return None
        if off < len(s) and s[off] == ".":
            # A trailing embedded IPv4 address.
            if (ellipsis < 0 and i != 12) or i + 4 > 16:
                return None
            ip4 = parseIPv4Fields(s)
            if ip4 is None:
                return None
            ip[i : i + 4] = ip4
            s = ""
            i += 4
            break
        ip[i] = acc >> 8
        ip[i + 1] = acc & 0xFF
        i += 2
        s = s[off:]
        if s == "":
            break
        if s[0] != ":" or len(s) == 1:
            return None  # want a colon followed by more characters
        s = s[1:]
        if s[0] == ":":
            if ellipsis >= 0:
                return None  # multiple ::
            ellipsis = i
            s = s[1:]
            if s == "":
                break
    if s != "":
        return None  # trailing garbage
    if i < 16:
        if ellipsis < 0:
            return None  # too short
        n = 16 - i
        ip[ellipsis + n : 16] = ip[ellipsis:i]
        ip[ellipsis : ellipsis + n] = bytes(n)
    elif ellipsis >= 0:
        return None  # :: must expand to at least one zero field
    return bytes(ip), False, zone


def _hexField(s: str) -> tuple[int, int]:
    """(digits consumed, value) of the hex field at the start of s; (-1, 0) if invalid."""
    off, acc = 0, 0
    while off < len(s):
        d = "0123456789abcdef".find(s[off].lower()) if s[off].isascii() else -1
        if d < 0:
            break
        acc = (acc << 4) + d
        if off > 3 or acc > 0xFFFF:
            return -1, 0  # more than 4 hex digits
        off += 1
    if off == 0:
        return -1, 0
    return off, acc


# Go: src/net/netip/netip.go Addr.String
def addrString(ip: bytes, is4: bool, zone: str) -> str:
    """netip's text of a parsed address: IPv4-mapped IPv6 keeps its ::ffff: form."""
    if is4:
        return string4(ip[12:])
    if ip[:12] == v4InV6Prefix:
        s = "::ffff:" + string4(ip[12:])
    else:
        s = string6(ip)
    return s + "%" + zone if zone else s
