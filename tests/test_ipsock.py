"""Ports of TestSplitHostPort, TestJoinHostPort (src/net/ip_test.go), TestResolveTCPAddr
and TCPAddr's String (src/net/tcpsock_test.go), plus the address list helpers, the IP
stack probe's syscall sequence and the sockaddr conversions."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rawnet.net import ipsock, lookup
from rawnet.net.ip import IP, IPv4, IPv6loopback, IPv6unspecified, ParseIP
from rawnet.net.ipsock import (
    JoinHostPort,
    SplitHostPort,
    addrList,
    internetAddrList,
    ipStackCapabilities,
    isIPv4,
    loopbackIP,
    splitHostZone,
)
from rawnet.net.ipsock_posix import (
    favoriteAddrFamily,
    ipToSockaddr,
    probe,
    zoneToIndex,
    zoneToName,
)
from rawnet.net.net import AddrError, DNSError, UnknownNetworkError
from rawnet.net.sock_cloexec import sysSocket
from rawnet.net.tcpsock import ResolveTCPAddr, TCPAddr
from rawnet.net.tcpsock_posix import sockaddrToTCP
from rawnet.os.error import SyscallError
from rawnet.sys import gate
from rawnet.sys.syscall_linux import Close, SockaddrInet4, SockaddrInet6, SockaddrUnix
from rawnet.sys.zerrors_linux import (
    AF_INET,
    AF_INET6,
    AF_UNIX,
    IPPROTO_IPV6,
    IPV6_V6ONLY,
    SOCK_CLOEXEC,
    SOCK_NONBLOCK,
    SOCK_STREAM,
)

pytestmark = pytest.mark.timeout(30)

splitHostPortTests = [
    # Host name
    ("localhost:http", "localhost", "http"),
    ("localhost:80", "localhost", "80"),
    # Go-specific host name with zone identifier
    ("localhost%lo0:http", "localhost%lo0", "http"),
    ("localhost%lo0:80", "localhost%lo0", "80"),
    ("[localhost%lo0]:http", "localhost%lo0", "http"),  # Go 1 behavior
    ("[localhost%lo0]:80", "localhost%lo0", "80"),  # Go 1 behavior
    # IP literal
    ("127.0.0.1:http", "127.0.0.1", "http"),
    ("127.0.0.1:80", "127.0.0.1", "80"),
    ("[::1]:http", "::1", "http"),
    ("[::1]:80", "::1", "80"),
    # IP literal with zone identifier
    ("[::1%lo0]:http", "::1%lo0", "http"),
    ("[::1%lo0]:80", "::1%lo0", "80"),
    # Go-specific wildcard for host name
    (":http", "", "http"),  # Go 1 behavior
    (":80", "", "80"),  # Go 1 behavior
    # Go-specific wildcard for service name or transport port number
    ("golang.org:", "golang.org", ""),  # Go 1 behavior
    ("127.0.0.1:", "127.0.0.1", ""),  # Go 1 behavior
    ("[::1]:", "::1", ""),  # Go 1 behavior
    # Opaque service name
    ("golang.org:https%foo", "golang.org", "https%foo"),  # Go 1 behavior
]

splitHostPortErrorTests = [
    ("golang.org", "missing port in address"),
    ("127.0.0.1", "missing port in address"),
    ("[::1]", "missing port in address"),
    ("[fe80::1%lo0]", "missing port in address"),
    ("[localhost%lo0]", "missing port in address"),
    ("localhost%lo0", "missing port in address"),
    ("::1", "too many colons in address"),
    ("fe80::1%lo0", "too many colons in address"),
    ("fe80::1%lo0:80", "too many colons in address"),
    # Test cases that didn't fail in Go 1
    ("[foo:bar]", "missing port in address"),
    ("[foo:bar]baz", "missing port in address"),
    ("[foo]bar:baz", "missing port in address"),
    ("[foo]:[bar]:baz", "too many colons in address"),
    ("[foo]:[bar]baz", "unexpected '[' in address"),
    ("foo[bar]:baz", "unexpected '[' in address"),
    ("foo]bar:baz", "unexpected ']' in address"),
]


@pytest.mark.parametrize(("hostPort", "host", "port"), splitHostPortTests)
def test_TestSplitHostPort(hostPort: str, host: str, port: str) -> None:
    assert SplitHostPort(hostPort) == (host, port)


@pytest.mark.parametrize(("hostPort", "err"), splitHostPortErrorTests)
def test_TestSplitHostPort_errors(hostPort: str, err: str) -> None:
    with pytest.raises(AddrError) as ei:
        SplitHostPort(hostPort)
    assert ei.value.Err == err
    assert ei.value.Addr == hostPort
    assert str(ei.value) == "address " + hostPort + ": " + err


def test_SplitHostPort_missing_bracket() -> None:
    with pytest.raises(AddrError, match="missing '\\]' in address"):
        SplitHostPort("[::1:80")


joinHostPortTests = [
    # Host name
    ("localhost", "http", "localhost:http"),
    ("localhost", "80", "localhost:80"),
    # Go-specific host name with zone identifier
    ("localhost%lo0", "http", "localhost%lo0:http"),
    ("localhost%lo0", "80", "localhost%lo0:80"),
    # IP literal
    ("127.0.0.1", "http", "127.0.0.1:http"),
    ("127.0.0.1", "80", "127.0.0.1:80"),
    ("::1", "http", "[::1]:http"),
    ("::1", "80", "[::1]:80"),
    # IP literal with zone identifier
    ("::1%lo0", "http", "[::1%lo0]:http"),
    ("::1%lo0", "80", "[::1%lo0]:80"),
    # Go-specific wildcard for host name
    ("", "http", ":http"),  # Go 1 behavior
    ("", "80", ":80"),  # Go 1 behavior
    # Go-specific wildcard for service name or transport port number
    ("golang.org", "", "golang.org:"),  # Go 1 behavior
    ("127.0.0.1", "", "127.0.0.1:"),  # Go 1 behavior
    ("::1", "", "[::1]:"),  # Go 1 behavior
    # Opaque service name
    ("golang.org", "https%foo", "golang.org:https%foo"),  # Go 1 behavior
]


@pytest.mark.parametrize(("host", "port", "hostPort"), joinHostPortTests)
def test_TestJoinHostPort(host: str, port: str, hostPort: str) -> None:
    assert JoinHostPort(host, port) == hostPort


SPLIT_ERRORS = {
    "missing port in address",
    "too many colons in address",
    "unexpected '[' in address",
    "unexpected ']' in address",
    "missing ']' in address",
}


@given(st.text(alphabet="ab1:[]%.", max_size=20) | st.text(max_size=20))
def test_SplitHostPort_property(s: str) -> None:
    try:
        host, port = SplitHostPort(s)
    except AddrError as e:
        assert e.Err in SPLIT_ERRORS and e.Addr == s
        return
    # A split host never holds '[' or ']', and the port never holds ':', so joining
    # and splitting again always round-trips; the text itself comes back unless it
    # bracketed a host without a colon ("[host]:80" joins back as "host:80").
    assert "[" not in host and "]" not in host and ":" not in port
    assert SplitHostPort(JoinHostPort(host, port)) == (host, port)
    if ":" in host or not s.startswith("["):
        assert JoinHostPort(host, port) == s


def test_splitHostZone() -> None:
    assert splitHostZone("fe80::1%eth0") == ("fe80::1", "eth0")
    assert splitHostZone("%eth0") == ("%eth0", "")
    assert splitHostZone("a%b%c") == ("a%b", "c")
    assert splitHostZone("host") == ("host", "")


def lookupLocalhost(fn: object, network: str, host: str) -> list[tuple[IP, str]]:
    """Go's lookupLocalhost test hook: localhost is 127.0.0.1 and ::1, nothing else is."""
    if host == "localhost":
        return [(IPv4(127, 0, 0, 1), ""), (IPv6loopback, "")]
    raise DNSError(Err="no such host", Name=host, IsNotFound=True)


@pytest.fixture
def stub_resolver(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lookup, "testHookLookupIP", lookupLocalhost)


resolveTCPAddrTests: list[tuple[str, str, TCPAddr | None, OSError | None]] = [
    ("tcp", "127.0.0.1:0", TCPAddr(IPv4(127, 0, 0, 1), 0), None),
    ("tcp4", "127.0.0.1:65535", TCPAddr(IPv4(127, 0, 0, 1), 65535), None),
    ("tcp", "[::1]:0", TCPAddr(ParseIP("::1"), 0), None),
    ("tcp6", "[::1]:65535", TCPAddr(ParseIP("::1"), 65535), None),
    ("tcp", "[::1%en0]:1", TCPAddr(ParseIP("::1"), 1, "en0"), None),
    ("tcp6", "[::1%911]:2", TCPAddr(ParseIP("::1"), 2, "911"), None),
    ("", "127.0.0.1:0", TCPAddr(IPv4(127, 0, 0, 1), 0), None),  # Go 1.0 behavior
    ("", "[::1]:0", TCPAddr(ParseIP("::1"), 0), None),  # Go 1.0 behavior
    ("tcp", ":12345", TCPAddr(Port=12345), None),
    ("http", "127.0.0.1:0", None, UnknownNetworkError("http")),
    ("tcp", "127.0.0.1:http", TCPAddr(ParseIP("127.0.0.1"), 80), None),
    ("tcp", "[::ffff:127.0.0.1]:http", TCPAddr(ParseIP("::ffff:127.0.0.1"), 80), None),
    ("tcp", "[2001:db8::1]:http", TCPAddr(ParseIP("2001:db8::1"), 80), None),
    ("tcp4", "127.0.0.1:http", TCPAddr(ParseIP("127.0.0.1"), 80), None),
    ("tcp4", "[::ffff:127.0.0.1]:http", TCPAddr(ParseIP("127.0.0.1"), 80), None),
    ("tcp6", "[2001:db8::1]:http", TCPAddr(ParseIP("2001:db8::1"), 80), None),
    ("tcp4", "[2001:db8::1]:http", None, AddrError("no suitable address found", "2001:db8::1")),
    ("tcp6", "127.0.0.1:http", None, AddrError("no suitable address found", "127.0.0.1")),
    (
        "tcp6",
        "[::ffff:127.0.0.1]:http",
        None,
        AddrError("no suitable address found", "::ffff:127.0.0.1"),
    ),
    # Name lookups (through the stubbed resolver).
    ("tcp", "localhost:5", TCPAddr(IPv4(127, 0, 0, 1), 5), None),
    ("tcp6", "localhost:5", TCPAddr(IPv6loopback, 5), None),
]


@pytest.mark.usefixtures("stub_resolver")
@pytest.mark.parametrize(("network", "addr", "want", "err"), resolveTCPAddrTests)
def test_TestResolveTCPAddr(
    network: str, addr: str, want: TCPAddr | None, err: OSError | None
) -> None:
    if err is not None:
        with pytest.raises(type(err)) as ei:
            ResolveTCPAddr(network, addr)
        assert ei.value == err
        return
    got = ResolveTCPAddr(network, addr)
    assert got == want
    assert want is not None and bytes(got.IP or b"") == bytes(want.IP or b"")  # DeepEqual
    again = ResolveTCPAddr(got.Network(), got.String())
    assert again == want


tcpAddrStringTests = [
    (TCPAddr(None, 8888), ":8888"),
    (TCPAddr(IPv6unspecified, 8888), "[::]:8888"),
    (TCPAddr(IPv4(127, 0, 0, 1), 8888), "127.0.0.1:8888"),
    (TCPAddr(IP(b"\x7f\x00\x00\x01"), 50000), "127.0.0.1:50000"),
    (TCPAddr(ParseIP("fe80::1"), 80, "eth0"), "[fe80::1%eth0]:80"),
    (TCPAddr(ParseIP("::ffff:10.0.0.1"), 1), "10.0.0.1:1"),
]


@pytest.mark.parametrize(("addr", "want"), tcpAddrStringTests)
def test_TCPAddr_String(addr: TCPAddr, want: str) -> None:
    assert addr.String() == want
    assert addr.Network() == "tcp"


def test_TCPAddr_methods() -> None:
    assert TCPAddr(None, 1).isWildcard()
    assert TCPAddr(IPv6unspecified, 1).isWildcard()
    assert TCPAddr(IPv4(0, 0, 0, 0), 1).isWildcard()
    assert not TCPAddr(IPv4(127, 0, 0, 1), 1).isWildcard()
    assert TCPAddr(None).family() == AF_INET
    assert TCPAddr(IPv4(1, 2, 3, 4)).family() == AF_INET
    assert TCPAddr(IPv6loopback).family() == AF_INET6
    assert TCPAddr(None, 7).toLocal("tcp") == TCPAddr(IPv4(127, 0, 0, 1), 7)
    assert TCPAddr(None, 7).toLocal("tcp6") == TCPAddr(IPv6loopback, 7)
    assert hash(TCPAddr(IP(b"\x01\x02\x03\x04"), 1)) == hash(TCPAddr(IPv4(1, 2, 3, 4), 1))
    assert TCPAddr(IPv4(1, 2, 3, 4), 1) != TCPAddr(IPv4(1, 2, 3, 4), 2)


@pytest.mark.usefixtures("stub_resolver")
def test_internetAddrList() -> None:
    assert internetAddrList("tcp", ":80") == [TCPAddr(None, 80)]
    assert internetAddrList("tcp", "") == [TCPAddr(None, 0)]
    # Issue 18806: "::" alone also gives 0.0.0.0.
    assert internetAddrList("tcp", "[::]:1") == [
        TCPAddr(IPv6unspecified, 1),
        TCPAddr(IPv4(0, 0, 0, 0), 1),
    ]
    assert internetAddrList("tcp", "localhost:1") == [
        TCPAddr(IPv4(127, 0, 0, 1), 1),
        TCPAddr(IPv6loopback, 1),
    ]
    with pytest.raises(UnknownNetworkError, match="unknown network unix"):
        internetAddrList("unix", "/x")
    with pytest.raises(AddrError, match="address -1: invalid port"):
        internetAddrList("tcp", "127.0.0.1:-1")
    with pytest.raises(AddrError, match="address 123456789: invalid port"):
        internetAddrList("tcp", "127.0.0.1:123456789")
    with pytest.raises(DNSError, match="lookup no-such-name: no such host"):
        internetAddrList("tcp", "no-such-name:80")


DOCUMENTED = (AddrError, DNSError, UnknownNetworkError)


@pytest.mark.usefixtures("stub_resolver")
@given(st.text(alphabet="0123456789abcdef:.[]%-+lo", max_size=30) | st.text(max_size=20))
def test_internetAddrList_property(s: str) -> None:
    try:
        addrs = internetAddrList("tcp", s)
    except DOCUMENTED:
        return
    assert addrs
    for a in addrs:
        assert isinstance(a, TCPAddr) and 0 <= a.Port <= 65535


def test_addrList_first_partition_forResolve() -> None:
    v4, v6 = TCPAddr(IPv4(127, 0, 0, 1), 1), TCPAddr(IPv6loopback, 1)
    v4b = TCPAddr(IPv4(10, 0, 0, 1), 1)
    al = addrList([v6, v4, v4b])
    assert al.first(isIPv4) is v4
    assert addrList([v6]).first(isIPv4) is v6
    assert al.partition(isIPv4) == ([v6], [v4, v4b])
    assert addrList([v4, v6, v4b]).partition(isIPv4) == ([v4, v4b], [v6])
    assert al.forResolve("tcp", "[::1]:1") is v6
    assert al.forResolve("tcp", "localhost:1") is v4


def test_loopbackIP() -> None:
    assert loopbackIP("tcp") == IP(b"\x7f\x00\x00\x01")
    assert loopbackIP("tcp6") == IPv6loopback


def test_probe_syscall_sequence() -> None:
    caps = ipStackCapabilities()
    with gate.record() as rec:
        probe(caps)
    flags = SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK
    assert [(c.name, c.args[:3]) for c in rec.calls[:1]] == [("socket", (AF_INET, flags, 6))]
    assert rec.calls[1].name == "close"
    six = rec.calls[2:]
    if caps.ipv6Enabled and caps.ipv4MappedIPv6Enabled:
        assert [c.name for c in six] == [
            "socket", "setsockopt", "bind",
            "socket", "setsockopt", "bind",
            "close", "close",
        ]  # fmt: skip
        assert [c.args[1:3] for c in six if c.name == "setsockopt"] == [
            (IPPROTO_IPV6, IPV6_V6ONLY),
            (IPPROTO_IPV6, IPV6_V6ONLY),
        ]
    sockets = [c.ret for c in six if c.name == "socket"]
    assert all(c.args[:3] == (AF_INET6, flags, 6) for c in six if c.name == "socket")
    closes = [c.args[0] for c in six if c.name == "close"]
    assert closes == list(reversed(sockets))  # Go's defers: reverse order
    assert caps.ipv4Enabled == ipsock.supportsIPv4()
    assert caps.ipv6Enabled == ipsock.supportsIPv6()
    assert caps.ipv4MappedIPv6Enabled == ipsock.supportsIPv4map()


def test_favoriteAddrFamily() -> None:
    wild = TCPAddr(None, 80)
    assert favoriteAddrFamily("tcp4", None, None, "listen") == (AF_INET, False)
    assert favoriteAddrFamily("tcp6", None, None, "listen") == (AF_INET6, True)
    dual = ipsock.supportsIPv4map() or not ipsock.supportsIPv4()
    want = (AF_INET6, False) if dual else (AF_INET, False)
    assert favoriteAddrFamily("tcp", wild, None, "listen") == want
    assert favoriteAddrFamily("tcp", TCPAddr(IPv4(0, 0, 0, 0)), None, "listen") == want
    v4 = TCPAddr(IPv4(127, 0, 0, 1), 1)
    assert favoriteAddrFamily("tcp", None, v4, "dial") == (AF_INET, False)
    assert favoriteAddrFamily("tcp", v4, None, "listen") == (AF_INET, False)
    assert favoriteAddrFamily("tcp", None, TCPAddr(IPv6loopback), "dial") == (AF_INET6, False)


def test_ipToSockaddr() -> None:
    assert ipToSockaddr(AF_INET, None, 80, "") == SockaddrInet4(80, bytes(4))
    assert ipToSockaddr(AF_INET, IPv4(1, 2, 3, 4), 1, "") == SockaddrInet4(1, b"\x01\x02\x03\x04")
    assert ipToSockaddr(AF_INET6, None, 1, "") == SockaddrInet6(1, 0, bytes(16))
    assert ipToSockaddr(AF_INET6, IPv4(0, 0, 0, 0), 1, "") == SockaddrInet6(1, 0, bytes(16))
    assert ipToSockaddr(AF_INET6, IPv4(1, 2, 3, 4), 1, "") == SockaddrInet6(
        1, 0, bytes(IPv4(1, 2, 3, 4))
    )
    assert ipToSockaddr(AF_INET6, IPv6loopback, 1, "7").ZoneId == 7  # type: ignore[union-attr]
    with pytest.raises(AddrError, match="address ::1: non-IPv4 address"):
        ipToSockaddr(AF_INET, IPv6loopback, 1, "")
    with pytest.raises(AddrError, match=r"address \?0102: non-IPv6 address"):
        ipToSockaddr(AF_INET6, IP(b"\x01\x02"), 1, "")
    with pytest.raises(AddrError, match="invalid address family"):
        ipToSockaddr(AF_UNIX, IPv6loopback, 1, "")


def test_zones() -> None:
    assert zoneToIndex("") == 0
    assert zoneToIndex("lo") == 1
    assert zoneToIndex("911") == 911
    assert zoneToIndex("no-such-interface") == 0
    assert zoneToName(0) == ""
    assert zoneToName(1) == "lo"
    assert zoneToName(987654) == "987654"


sockaddrToTCPTests: list[tuple[object, TCPAddr | None]] = [
    (SockaddrInet4(80, b"\x7f\x00\x00\x01"), TCPAddr(IP(b"\x7f\x00\x00\x01"), 80)),
    (SockaddrInet6(8888, 0, bytes(16)), TCPAddr(IPv6unspecified, 8888)),
    (SockaddrInet6(1, 1, bytes(IPv6loopback)), TCPAddr(IPv6loopback, 1, "lo")),
    (SockaddrUnix("/x"), None),
    (None, None),
]


@pytest.mark.parametrize(("sa", "want"), sockaddrToTCPTests)
def test_sockaddrToTCP(sa: object, want: TCPAddr | None) -> None:
    got = sockaddrToTCP(sa)  # type: ignore[arg-type]
    assert got == want
    if isinstance(sa, SockaddrInet4):
        assert got is not None and got.IP is not None and len(got.IP) == 4


def test_sysSocket() -> None:
    with gate.record() as rec:
        s = sysSocket(AF_INET, SOCK_STREAM, 0)
    Close(s)
    assert rec.calls[0].name == "socket"
    assert rec.calls[0].args == (AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)
    with pytest.raises(SyscallError, match="socket: address family not supported by protocol"):
        sysSocket(12345, SOCK_STREAM, 0)
