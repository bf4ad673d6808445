"""Ports of src/net/port_test.go (TestParsePort), src/net/lookup_test.go (TestLookupPort)
and hosts-file tests in the spirit of src/net/hosts_test.go."""

from __future__ import annotations

from pathlib import Path

import pytest

from rawnet.net import hosts
from rawnet.net.cgo_unix import cgoLookupHostIP
from rawnet.net.hosts import lookupStaticAddr, lookupStaticHost, parseLiteralIP
from rawnet.net.ip import IP, IPv4, IPv6loopback, ParseIP
from rawnet.net.lookup import lookupIPAddr, sortByRFC6724
from rawnet.net.net import AddrError, DNSError
from rawnet.net.port import LookupPort, parsePort
from rawnet.sys import gate
from rawnet.sys.file import ReadFile

pytestmark = pytest.mark.timeout(30)

parsePortTests = [
    ("", 0, False),
    # Decimal number literals
    ("-1073741825", -(1 << 30), False),
    ("-1073741824", -(1 << 30), False),
    ("-1073741823", -((1 << 30) - 1), False),
    ("-123456789", -123456789, False),
    ("-1", -1, False),
    ("-0", 0, False),
    ("0", 0, False),
    ("+0", 0, False),
    ("+1", 1, False),
    ("65535", 65535, False),
    ("65536", 65536, False),
    ("123456789", 123456789, False),
    ("1073741822", (1 << 30) - 2, False),
    ("1073741823", (1 << 30) - 1, False),
    ("1073741824", (1 << 30) - 1, False),
    ("1073741825", (1 << 30) - 1, False),
    # Others
    ("abc", 0, True),
    ("9pfs", 0, True),
    ("123badport", 0, True),
    ("bad123port", 0, True),
    ("badport123", 0, True),
    ("123456789badport", 0, True),
    ("-2147483649badport", 0, True),
    ("2147483649badport", 0, True),
    # Go's uint32 arithmetic: n*10 wraps without being noticed.
    ("4294967300", 4, False),
]


@pytest.mark.parametrize(("service", "port", "needsLookup"), parsePortTests)
def test_TestParsePort(service: str, port: int, needsLookup: bool) -> None:
    assert parsePort(service) == (port, needsLookup)


HAVE_SERVICES = ReadFile("/etc/services") is not None

lookupPortTests = [
    ("tcp", "0", 0, True),
    ("tcp", "-0", 0, True),
    ("tcp", " 0", 0, False),
    ("tcp", "0" * 240, 0, True),
    ("tcp", "0" * 240 + "65535", 65535, True),
    ("tcp", "65536", 0, False),
    ("udp", "-1", 0, False),
    ("udp", "-2", 0, False),
    ("tcp", "123456789", 0, False),
    ("tcp", "-123456789", 0, False),
    ("tcp", "4294967296", 0, False),
    ("tcp", "http", 80, True),
    ("tcp", "HTTP", 80, True),
    ("tcp", "https", 443, True),
    ("tcp", "ssh", 22, True),
    ("tcp", "gopher", 70, True),
    ("tcp", "smtp", 25, True),
    ("tcp4", "http", 80, True),
    ("tcp6", "http", 80, True),
    ("udp", "domain", 53, True),
    ("", "http", 80, True),
    ("--badnet--", "zzz", 0, False),
    ("tcp", "--badport--", 0, False),
    ("udp", "65536", 0, False),
    # Issue 13610: LookupPort("tcp", "")
    ("tcp", "", 0, True),
    ("tcp4", "", 0, True),
    ("tcp6", "", 0, True),
    ("udp", "", 0, True),
    ("udp4", "", 0, True),
    ("udp6", "", 0, True),
]


@pytest.mark.parametrize(("network", "name", "port", "ok"), lookupPortTests)
def test_TestLookupPort(network: str, name: str, port: int, ok: bool) -> None:
    if not ok:
        with pytest.raises((AddrError, DNSError)):
            LookupPort(network, name)
        return
    assert LookupPort(network, name) == port


@pytest.mark.skipif(not HAVE_SERVICES, reason="no /etc/services")
def test_LookupPort_etc_services() -> None:
    assert LookupPort("tcp", "echo") == 7
    assert LookupPort("tcp", "discard") == 9
    assert LookupPort("tcp", "www") == 80  # an alias


def test_LookupPort_errors() -> None:
    with pytest.raises(AddrError) as ai:
        LookupPort("tcp", "65536")
    assert str(ai.value) == "address 65536: invalid port"
    with pytest.raises(DNSError) as di:
        LookupPort("tcp", "--badport--")
    assert str(di.value) == "lookup tcp/--badport--: unknown port"
    with pytest.raises(AddrError) as ai:
        LookupPort("--badnet--", "zzz")
    assert str(ai.value) == "address --badnet--: unknown network"


HOSTS = """\
# comment line
127.0.0.1\tlocalhost  localhost.localdomain # trailing comment
::1 localhost ip6-localhost
255.255.255.255 broadcasthost
10.0.0.1  Host1.Example.COM host1
10.0.0.2  host1.example.com
fe80::1%lo0 linklocal
127.000.000.001 bogus
not-an-ip name
192.0.2.1
"""


@pytest.fixture
def hosts_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    p = tmp_path / "hosts"
    p.write_text(HOSTS)
    monkeypatch.setattr(hosts, "hostsFilePath", str(p))
    monkeypatch.setattr(hosts, "hosts", hosts._hosts())


@pytest.mark.usefixtures("hosts_file")
def test_lookupStaticHost() -> None:
    assert lookupStaticHost("localhost") == (["127.0.0.1", "::1"], "localhost")
    assert lookupStaticHost("LOCALHOST") == (["127.0.0.1", "::1"], "localhost")
    assert lookupStaticHost("host1.example.com") == (
        ["10.0.0.1", "10.0.0.2"],
        "host1.example.com.",
    )
    assert lookupStaticHost("host1.example.com.") == lookupStaticHost("host1.example.com")
    assert lookupStaticHost("linklocal") == (["fe80::1%lo0"], "linklocal")
    assert lookupStaticHost("bogus") == ([], "")
    assert lookupStaticHost("name") == ([], "")
    assert lookupStaticHost("nowhere") == ([], "")


@pytest.mark.usefixtures("hosts_file")
def test_lookupStaticAddr() -> None:
    assert lookupStaticAddr("127.0.0.1") == ["localhost", "localhost.localdomain."]
    assert lookupStaticAddr("::1") == ["localhost", "ip6-localhost"]
    assert lookupStaticAddr("10.0.0.1") == ["Host1.Example.COM.", "host1"]
    assert lookupStaticAddr("bogus") == []


def test_parseLiteralIP() -> None:
    assert parseLiteralIP("127.0.0.1") == "127.0.0.1"
    assert parseLiteralIP("::FFFF:127.0.0.1") == "::ffff:127.0.0.1"
    assert parseLiteralIP("FE80:0::1%eth0") == "fe80::1%eth0"
    assert parseLiteralIP("x") == ""


@pytest.mark.usefixtures("hosts_file")
def test_lookupIPAddr_hosts_file_no_getaddrinfo() -> None:
    with gate.record() as rec:
        addrs = lookupIPAddr("host1.example.com")
    assert addrs == [(IPv4(10, 0, 0, 1), ""), (IPv4(10, 0, 0, 2), "")]
    assert "getaddrinfo" not in rec.names()
    assert lookupIPAddr("linklocal") == [(ParseIP("fe80::1"), "lo0")]


def test_lookupIPAddr_literal_no_lookup() -> None:
    with gate.record() as rec:
        assert lookupIPAddr("127.0.0.1") == [(IPv4(127, 0, 0, 1), "")]
        assert lookupIPAddr("fe80::1%eth0") == [(ParseIP("fe80::1"), "eth0")]
        assert lookupIPAddr("::ffff:1.2.3.4") == [(IPv4(1, 2, 3, 4), "")]
    assert rec.calls == []


def test_lookupIPAddr_errors() -> None:
    with pytest.raises(DNSError) as ei:
        lookupIPAddr("")
    assert str(ei.value) == "lookup : no such host"
    assert ei.value.IsNotFound


def test_getaddrinfo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Hide /etc/hosts from the Go-side table so that the name goes to getaddrinfo.
    monkeypatch.setattr(hosts, "hostsFilePath", str(tmp_path / "missing"))
    monkeypatch.setattr(hosts, "hosts", hosts._hosts())
    with gate.record() as rec:
        addrs = lookupIPAddr("localhost", "ip4")
    assert "getaddrinfo" in rec.names()
    assert (IP(b"\x7f\x00\x00\x01"), "") in addrs
    with pytest.raises(DNSError) as ei:
        cgoLookupHostIP("ip", "no-such-host.invalid")
    assert str(ei.value) == "lookup no-such-host.invalid: no such host"
    assert ei.value.IsNotFound
    with pytest.raises(DNSError, match="no such host"):
        cgoLookupHostIP("ip", "bad\0name")


def test_sortByRFC6724() -> None:
    from rawnet.net.ipsock import supportsIPv6

    addrs = [(IPv4(127, 0, 0, 1), ""), (IPv6loopback, "")]
    sortByRFC6724(addrs)
    if supportsIPv6():
        assert addrs == [(IPv6loopback, ""), (IPv4(127, 0, 0, 1), "")]  # precedence 50 > 35
    else:
        assert addrs[0] == (IPv4(127, 0, 0, 1), "")
