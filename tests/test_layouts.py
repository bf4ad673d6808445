"""Struct layouts for every OS, checked on any host: sizes and field offsets of
kevent (rawnet/bsd/defs.py), the sockaddrs (rawnet/sys/ztypes_linux.py, ztypes_bsd.py),
pollfd and epoll_event, against the values of Go's defs_*/ztypes_* files and the OS
headers (inventory §2.1, §3.5)."""

from __future__ import annotations

import ctypes
import platform

import pytest

from rawnet.bsd import defs
from rawnet.linux.epoll import epoll_event
from rawnet.sys import poll as sp
from rawnet.sys import ztypes_bsd as bsd
from rawnet.sys import ztypes_linux as linux

pytestmark = pytest.mark.timeout(60)


def layout(s: type[ctypes.Structure]) -> tuple[int, dict[str, int]]:
    return ctypes.sizeof(s), {f[0]: getattr(s, f[0]).offset for f in s._fields_}


KEVENT32 = (32, {"ident": 0, "filter": 8, "flags": 10, "fflags": 12, "data": 16, "udata": 24})
KEVENT64 = (64, {**KEVENT32[1], "ext": 32})
KEVENT40 = (40, {"ident": 0, "filter": 8, "flags": 12, "fflags": 16, "pad_cgo_0": 20,
                 "data": 24, "udata": 32})


@pytest.mark.parametrize(("os_", "want"), [
    ("darwin", KEVENT32),
    ("openbsd", KEVENT32),
    ("dragonfly", KEVENT32),
    ("libkqueue", KEVENT32),
    ("freebsd", KEVENT64),
    ("netbsd", KEVENT40),
])
def test_kevent_layout(os_: str, want: tuple[int, dict[str, int]]) -> None:
    assert layout(defs.abis[os_].keventt) == want


def test_kevent_field_widths() -> None:
    # filter is a signed 16-bit on darwin/freebsd/openbsd (EVFILT_READ == -1), an
    # unsigned 32-bit on netbsd (EVFILT_READ == 0).
    ev = defs.keventt(filter=-1, flags=0xFFFF)
    assert ev.filter == -1 and ev.flags == 0xFFFF
    nb = defs.keventt_netbsd(filter=0xFFFFFFFF)
    assert nb.filter == 0xFFFFFFFF
    # udata round-trips a full 64-bit tagged cookie, 0 included.
    for u in (0, (1 << 64) - 1):
        assert defs.keventt(udata=u).udata == u


def test_timespec_layout() -> None:
    assert layout(defs.timespec) == (16, {"tv_sec": 0, "tv_nsec": 8})
    ts = defs.timespec()
    ts.setNsec(2_500_000_001)
    assert (ts.tv_sec, ts.tv_nsec) == (2, 500_000_001)


@pytest.mark.parametrize(("name", "wakeup", "read", "write", "user"), [
    ("darwin", "event", -1, -2, -10),
    ("freebsd", "event", -1, -2, -11),
    ("dragonfly", "event", -1, -2, -9),
    ("libkqueue", "event", -1, -2, -11),
    ("netbsd", "pipe", 0, 1, 8),
    ("openbsd", "pipe", -1, -2, 0),
])
def test_kqueue_constants(name: str, wakeup: str, read: int, write: int, user: int) -> None:
    a = defs.abis[name]
    assert (a.wakeup, a.EVFILT_READ, a.EVFILT_WRITE, a.EVFILT_USER) == (wakeup, read, write, user)
    assert (a.EV_ADD, a.EV_CLEAR, a.EV_ERROR, a.EV_EOF) == (0x1, 0x20, 0x4000, 0x8000)
    if wakeup == "event":
        assert (a.EV_ENABLE, a.EV_DISABLE, a.NOTE_TRIGGER) == (0x4, 0x8, 0x1000000)
    assert a.keventSymbol == ("__kevent50" if name == "netbsd" else "kevent")


def test_kqueue_errno_is_the_hosts() -> None:
    for name in ("darwin", "freebsd", "dragonfly", "netbsd", "openbsd"):
        a = defs.abis[name]
        assert (a.EINTR, a.EAGAIN, a.ETIMEDOUT, a.O_NONBLOCK) == (4, 35, 60, 0x4)
    lk = defs.libkqueue  # Linux numbers: libkqueue returns the kernel's errno
    assert (lk.EINTR, lk.EAGAIN, lk.ETIMEDOUT) == (4, 11, 110)


def test_linux_sockaddr_layouts() -> None:
    assert layout(linux.sockaddr_in) == (16, {"sin_family": 0, "sin_port": 2, "sin_addr": 4,
                                              "sin_zero": 8})
    assert layout(linux.sockaddr_in6) == (28, {"sin6_family": 0, "sin6_port": 2,
                                               "sin6_flowinfo": 4, "sin6_addr": 8,
                                               "sin6_scope_id": 24})
    assert layout(linux.sockaddr_un) == (110, {"sun_family": 0, "sun_path": 2})
    assert ctypes.sizeof(linux.sockaddr_storage) == 128


def test_bsd_sockaddr_layouts() -> None:
    # Go: SizeofSockaddrInet4 0x10, SizeofSockaddrInet6 0x1c, SizeofSockaddrUnix 0x6a,
    # SizeofSockaddrAny 0x6c (Go's RawSockaddrAny is 108; struct sockaddr_storage 128).
    assert layout(bsd.sockaddr_in) == (16, {"sin_len": 0, "sin_family": 1, "sin_port": 2,
                                            "sin_addr": 4, "sin_zero": 8})
    assert layout(bsd.sockaddr_in6) == (28, {"sin6_len": 0, "sin6_family": 1, "sin6_port": 2,
                                             "sin6_flowinfo": 4, "sin6_addr": 8,
                                             "sin6_scope_id": 24})
    assert layout(bsd.sockaddr_un) == (106, {"sun_len": 0, "sun_family": 1, "sun_path": 2})
    size, offs = layout(bsd.sockaddr_storage)
    assert size == 128 and offs["ss_len"] == 0 and offs["ss_family"] == 1


@pytest.mark.parametrize(("name", "af_inet6", "accept4"), [
    ("darwin", 30, False),
    ("freebsd", 28, True),
    ("dragonfly", 28, True),
    ("netbsd", 24, True),
    ("openbsd", 24, True),
])
def test_bsd_socket_constants(name: str, af_inet6: int, accept4: bool) -> None:
    o = bsd.oses[name]
    assert o.AF_INET6 == af_inet6 and o.hasAccept4 is accept4
    assert (o.AF_UNIX, o.AF_INET, o.SOL_SOCKET, o.SO_ERROR) == (1, 2, 0xFFFF, 0x1007)
    if name == "darwin":
        assert (o.SOCK_NONBLOCK, o.SOCK_CLOEXEC) == (0, 0)


def test_pollfd_layout() -> None:
    assert layout(sp.pollfd) == (8, {"fd": 0, "events": 4, "revents": 6})
    assert (sp.POLLIN, sp.POLLOUT, sp.POLLERR, sp.POLLHUP, sp.POLLNVAL) == (1, 4, 8, 0x10, 0x20)


def test_epoll_event_layout() -> None:
    # Packed on x86-64 only (the kernel's __EPOLL_PACKED).
    if platform.machine() in ("x86_64", "AMD64"):
        assert layout(epoll_event) == (12, {"events": 0, "data": 4})
    else:
        assert layout(epoll_event) == (16, {"events": 0, "data": 8})
