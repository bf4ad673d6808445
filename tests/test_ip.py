"""Ports of src/net/ip_test.go (TestParseIP, TestIPString, TestIPAddrFamily,
TestIPAddrScope) and property tests of the IP parser and printer."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rawnet.net.ip import (
    IP,
    IPv4,
    IPv4allrouter,
    IPv4allsys,
    IPv4bcast,
    IPv4zero,
    IPv6loopback,
    IPv6unspecified,
    ParseIP,
    parseAddrZone,
)

pytestmark = pytest.mark.timeout(30)


def ip(*b: int) -> IP:
    return IP(bytes(b))


parseIPTests: list[tuple[str, IP | None]] = [
    ("127.0.1.2", IPv4(127, 0, 1, 2)),
    ("127.0.0.1", IPv4(127, 0, 0, 1)),
    ("::ffff:127.1.2.3", IPv4(127, 1, 2, 3)),
    ("::ffff:7f01:0203", IPv4(127, 1, 2, 3)),
    ("0:0:0:0:0000:ffff:127.1.2.3", IPv4(127, 1, 2, 3)),
    ("0:0:0:0::ffff:127.1.2.3", IPv4(127, 1, 2, 3)),
    ("2001:4860:0:2001::68", ip(0x20, 1, 0x48, 0x60, 0, 0, 0x20, 1, 0, 0, 0, 0, 0, 0, 0, 0x68)),
    (
        "2001:4860:0000:2001:0000:0000:0000:0068",
        ip(0x20, 1, 0x48, 0x60, 0, 0, 0x20, 1, 0, 0, 0, 0, 0, 0, 0, 0x68),
    ),
    ("-0.0.0.0", None),
    ("0.-1.0.0", None),
    ("0.0.-2.0", None),
    ("0.0.0.-3", None),
    ("127.0.0.256", None),
    ("abc", None),
    ("123:", None),
    ("fe80::1%lo0", None),
    ("fe80::1%911", None),
    ("", None),
    ("0:0:0:0:000000:ffff:127.1.2.3", None),  # 6 zeroes in one group
    ("0:0:0:0:00000:ffff:127.1.2.3", None),  # 5 zeroes in one group edge case
    ("a1:a2:a3:a4::b1:b2:b3:b4", None),  # Issue 6628
    ("127.001.002.003", None),
    ("::ffff:127.001.002.003", None),
    ("123.000.000.000", None),
    ("1.2..4", None),
    ("0123.0.0.1", None),
]


@pytest.mark.parametrize(("s", "want"), parseIPTests)
def test_TestParseIP(s: str, want: IP | None) -> None:
    got = ParseIP(s)
    assert got == want
    if want is not None:
        assert got is not None and len(got) == 16


ipStringTests: list[tuple[IP | None, str]] = [
    # IPv4 address
    (ip(192, 0, 2, 1), "192.0.2.1"),
    (ip(0, 0, 0, 0), "0.0.0.0"),
    # IPv4-mapped IPv6 address
    (ip(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 192, 0, 2, 1), "192.0.2.1"),
    (ip(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0, 0, 0, 0), "0.0.0.0"),
    # IPv6 address
    (ip(0x20, 0x1, 0xD, 0xB8, 0, 0, 0, 0, 0, 0, 0x1, 0x23, 0, 0x12, 0, 0x1), "2001:db8::123:12:1"),
    (ip(0x20, 0x1, 0xD, 0xB8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x1), "2001:db8::1"),
    (ip(0x20, 0x1, 0xD, 0xB8, 0, 0, 0, 0x1, 0, 0, 0, 0x1, 0, 0, 0, 0x1), "2001:db8:0:1:0:1:0:1"),
    (ip(0x20, 0x1, 0xD, 0xB8, 0, 0x1, 0, 0, 0, 0x1, 0, 0, 0, 0x1, 0, 0), "2001:db8:1:0:1:0:1:0"),
    (ip(0x20, 0x1, 0, 0, 0, 0, 0, 0, 0, 0x1, 0, 0, 0, 0, 0, 0x1), "2001::1:0:0:1"),
    (ip(0x20, 0x1, 0xD, 0xB8, 0, 0, 0, 0, 0, 0x1, 0, 0, 0, 0, 0, 0), "2001:db8:0:0:1::"),
    (ip(0x20, 0x1, 0xD, 0xB8, 0, 0, 0, 0, 0, 0x1, 0, 0, 0, 0, 0, 0x1), "2001:db8::1:0:0:1"),
    (ip(0x20, 0x1, 0xD, 0xB8, 0, 0, 0, 0, 0, 0xA, 0, 0xB, 0, 0xC, 0, 0xD), "2001:db8::a:b:c:d"),
    (IPv6unspecified, "::"),
    # IP wildcard equivalent address in Dial/Listen API
    (IP(b""), "<nil>"),
    # Opaque byte sequence
    (ip(0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF), "?0123456789abcdef"),
]


@pytest.mark.parametrize(("addr", "want"), ipStringTests)
def test_TestIPString(addr: IP, want: str) -> None:
    assert addr.String() == want
    assert str(addr) == want


ipAddrFamilyTests: list[tuple[IP, bool, bool]] = [
    (IPv4bcast, True, False),
    (IPv4allsys, True, False),
    (IPv4allrouter, True, False),
    (IPv4zero, True, False),
    (IPv4(224, 0, 0, 1), True, False),
    (IPv4(127, 0, 0, 1), True, False),
    (IPv4(240, 0, 0, 1), True, False),
    (IPv6unspecified, False, True),
    (IPv6loopback, False, True),
    (ParseIP("ff05::a:b:c:d") or IP(), False, True),
    (ParseIP("fe80::1:2:3:4") or IP(), False, True),
    (ParseIP("2001:db8::123:12:1") or IP(), False, True),
]


@pytest.mark.parametrize(("addr", "af4", "af6"), ipAddrFamilyTests)
def test_TestIPAddrFamily(addr: IP, af4: bool, af6: bool) -> None:
    assert (addr.To4() is not None) == af4
    assert (len(addr) == 16 and addr.To4() is None) == af6


ipAddrScopeTests = [
    (IP.IsUnspecified, IPv4zero, True),
    (IP.IsUnspecified, IPv4(127, 0, 0, 1), False),
    (IP.IsUnspecified, IPv6unspecified, True),
    (IP.IsUnspecified, ParseIP("ff01::1"), False),
    (IP.IsUnspecified, IP(b""), False),
    (IP.IsLoopback, IPv4(127, 0, 0, 1), True),
    (IP.IsLoopback, IPv4(127, 255, 255, 254), True),
    (IP.IsLoopback, IPv4(128, 1, 2, 3), False),
    (IP.IsLoopback, IPv6loopback, True),
    (IP.IsLoopback, ParseIP("ff02::2"), False),
    (IP.IsLoopback, IP(b""), False),
]


@pytest.mark.parametrize(("scope", "addr", "ok"), ipAddrScopeTests)
def test_TestIPAddrScope(scope: object, addr: IP, ok: bool) -> None:
    assert callable(scope)
    assert scope(addr) == ok
    ip4 = addr.To4()
    if ip4 is not None:
        assert scope(ip4) == ok


def test_Equal_mixes_lengths() -> None:
    assert IP(b"\x7f\x00\x00\x01").Equal(IPv4(127, 0, 0, 1))
    assert IPv4(127, 0, 0, 1).Equal(IP(b"\x7f\x00\x00\x01"))
    assert not IPv6loopback.Equal(IP(b"\x7f\x00\x00\x01"))
    assert IPv4(1, 2, 3, 4).To16() == IPv4(1, 2, 3, 4)
    assert IP(b"\x01\x02\x03\x04").To16() == IPv4(1, 2, 3, 4)
    assert IPv6loopback.To4() is None


@pytest.mark.parametrize(
    ("s", "want_ip", "zone"),
    [
        ("fe80::1%eth0", ParseIP("fe80::1"), "eth0"),
        ("::1%911", IPv6loopback, "911"),
        ("127.0.0.1", IPv4(127, 0, 0, 1), ""),
        ("::ffff:1.2.3.4%x", IPv4(1, 2, 3, 4), "x"),
        ("fe80::1%", None, ""),
        ("%eth0", None, ""),
        ("1.2.3.4%eth0", None, ""),
        ("localhost", None, ""),
    ],
)
def test_parseAddrZone(s: str, want_ip: IP | None, zone: str) -> None:
    assert parseAddrZone(s) == (want_ip, zone if want_ip is not None else "")


@given(st.text(alphabet="0123456789abcdefABCDEF:.%x", max_size=48))
def test_ParseIP_reparses(s: str) -> None:
    got = ParseIP(s)
    if got is None:
        return
    assert len(got) == 16
    assert ParseIP(got.String()) == got


@given(st.text(max_size=40))
def test_ParseIP_never_crashes(s: str) -> None:
    got = ParseIP(s)
    assert got is None or len(got) == 16


@given(st.binary(min_size=4, max_size=4) | st.binary(min_size=16, max_size=16))
def test_String_roundtrip(b: bytes) -> None:
    addr = IP(b)
    back = ParseIP(addr.String())
    assert back is not None
    assert back.Equal(addr)
    assert back == addr.To16()
