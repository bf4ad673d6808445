"""kqueue structs and constants for every OS Go's kqueue backend runs on (Go:
src/runtime/defs_darwin_amd64.go, defs_freebsd_amd64.go, defs1_netbsd_amd64.go,
defs_openbsd_amd64.go, defs_dragonfly_amd64.go and their arm64 twins).

``struct kevent`` is not one layout. Three are in use on 64-bit systems:

* **32 bytes** (darwin, openbsd, dragonfly, and userspace libkqueue on Linux):
  ``ident`` u64 @0, ``filter`` i16 @8, ``flags`` u16 @10, ``fflags`` u32 @12,
  ``data`` i64 @16, ``udata`` pointer @24.
* **64 bytes** (freebsd 12 and later): the same six fields, then ``ext[4]`` u64 @32.
  FreeBSD's libc exports the new ``kevent`` as the default symbol version; the
  11-era 32-byte ABI lives on only as a compat symbol.
* **40 bytes** (netbsd): ``filter`` and ``flags`` are 32-bit, ``fflags`` @16, 4 bytes
  of padding, ``data`` @24, ``udata`` @32. NetBSD's libc calls this function
  ``__kevent50`` (its headers rename ``kevent`` to it); the ``kevent`` symbol is
  the old compat ABI.

Reading events through the wrong layout fails silently: the first event looks
plausible, every later one is read from the wrong offset. Hence one struct per OS,
checked by tests/test_layouts.py on any host.

``udata`` is declared as an unsigned 64-bit integer rather than ``c_void_p`` so that
the tagged pollDesc cookie round-trips unchanged (ctypes turns a NULL c_void_p into
None). Like Go's tagged pointers, this needs a 64-bit system.

Filter numbers differ too (netbsd counts them up from 0, the others down from -1),
and ``EVFILT_USER`` is -10 on darwin, -11 on freebsd, -9 on dragonfly. The errno
values a kqueue returns are the host's: on Linux with libkqueue, ``EAGAIN`` is 11,
not the BSDs' 35.
"""

from __future__ import annotations

import ctypes
import errno as _errno
from dataclasses import dataclass


# Go: src/runtime/defs_darwin_amd64.go keventt
class keventt(ctypes.Structure):
    """The 32-byte kevent of darwin, openbsd, dragonfly and libkqueue."""

    _fields_ = [
        ("ident", ctypes.c_uint64),
        ("filter", ctypes.c_int16),
        ("flags", ctypes.c_uint16),
        ("fflags", ctypes.c_uint32),
        ("data", ctypes.c_int64),
        ("udata", ctypes.c_uint64),
    ]


# Go: src/runtime/defs_freebsd_amd64.go keventt
class keventt_freebsd(ctypes.Structure):
    """FreeBSD 12+'s 64-byte kevent: the 32-byte one's fields, then ext[4]."""

    _fields_ = [*keventt._fields_, ("ext", ctypes.c_uint64 * 4)]


# Go: src/runtime/defs1_netbsd_amd64.go keventt
class keventt_netbsd(ctypes.Structure):
    """NetBSD's 40-byte kevent: 32-bit filter and flags."""

    _fields_ = [
        ("ident", ctypes.c_uint64),
        ("filter", ctypes.c_uint32),
        ("flags", ctypes.c_uint32),
        ("fflags", ctypes.c_uint32),
        ("pad_cgo_0", ctypes.c_ubyte * 4),
        ("data", ctypes.c_int64),
        ("udata", ctypes.c_uint64),
    ]


# Go: src/runtime/defs_darwin_amd64.go timespec
class timespec(ctypes.Structure):
    """16 bytes on every 64-bit BSD and on 64-bit Linux."""

    _fields_ = [("tv_sec", ctypes.c_int64), ("tv_nsec", ctypes.c_int64)]

    # Go: src/runtime/defs_darwin_amd64.go timespec.setNsec
    def setNsec(self, ns: int) -> None:
        self.tv_sec = ns // 1_000_000_000
        self.tv_nsec = ns % 1_000_000_000


@dataclass(frozen=True)
class ABI:
    """One OS's kqueue: its kevent layout, library symbols, constants and wake-up.

    wakeup: "event" for EVFILT_USER (netpoll_kqueue_event.go: darwin, dragonfly,
    freebsd), "pipe" for a pipe's EVFILT_READ (netpoll_kqueue_pipe.go: netbsd,
    openbsd). 0 for a constant marks one the OS does not have.
    """

    name: str
    keventt: type[ctypes.Structure]
    kqueueSymbol: str
    keventSymbol: str
    wakeup: str
    EV_ADD: int
    EV_DELETE: int
    EV_ENABLE: int
    EV_DISABLE: int
    EV_CLEAR: int
    EV_RECEIPT: int
    EV_ERROR: int
    EV_EOF: int
    EVFILT_READ: int
    EVFILT_WRITE: int
    EVFILT_USER: int
    NOTE_TRIGGER: int
    EINTR: int
    EAGAIN: int
    ETIMEDOUT: int
    O_NONBLOCK: int
    O_CLOEXEC: int


# The values of the Go defs files (inventory §3.5). The BSDs share errno numbers
# 4/35/60 and O_NONBLOCK 0x4.
_bsdErrno = {"EINTR": 4, "EAGAIN": 35, "ETIMEDOUT": 60}
_flags = {
    "EV_ADD": 0x1, "EV_DELETE": 0x2, "EV_ENABLE": 0x4, "EV_DISABLE": 0x8,
    "EV_CLEAR": 0x20, "EV_ERROR": 0x4000, "EV_EOF": 0x8000,
}

darwin = ABI(
    "darwin", keventt, "kqueue", "kevent", "event", **_flags, EV_RECEIPT=0x40,
    EVFILT_READ=-1, EVFILT_WRITE=-2, EVFILT_USER=-10, NOTE_TRIGGER=0x1000000,
    **_bsdErrno, O_NONBLOCK=0x4, O_CLOEXEC=0x1000000,
)
freebsd = ABI(
    "freebsd", keventt_freebsd, "kqueue", "kevent", "event", **_flags, EV_RECEIPT=0x40,
    EVFILT_READ=-1, EVFILT_WRITE=-2, EVFILT_USER=-11, NOTE_TRIGGER=0x1000000,
    **_bsdErrno, O_NONBLOCK=0x4, O_CLOEXEC=0x100000,
)
dragonfly = ABI(
    "dragonfly", keventt, "kqueue", "kevent", "event", **_flags, EV_RECEIPT=0,
    EVFILT_READ=-1, EVFILT_WRITE=-2, EVFILT_USER=-9, NOTE_TRIGGER=0x1000000,
    **_bsdErrno, O_NONBLOCK=0x4, O_CLOEXEC=0x20000,
)
netbsd = ABI(
    # EVFILT_USER (8) exists only since NetBSD 10; Go (and rawnet) wake with a pipe.
    "netbsd", keventt_netbsd, "kqueue", "__kevent50", "pipe", **_flags, EV_RECEIPT=0,
    EVFILT_READ=0, EVFILT_WRITE=1, EVFILT_USER=8, NOTE_TRIGGER=0x1000000,
    **_bsdErrno, O_NONBLOCK=0x4, O_CLOEXEC=0x400000,
)
openbsd = ABI(
    # OpenBSD has no EVFILT_USER, EV_ENABLE/EV_DISABLE are not in Go's defs.
    "openbsd", keventt, "kqueue", "kevent", "pipe",
    EV_ADD=0x1, EV_DELETE=0x2, EV_ENABLE=0, EV_DISABLE=0, EV_CLEAR=0x20, EV_RECEIPT=0,
    EV_ERROR=0x4000, EV_EOF=0x8000,
    EVFILT_READ=-1, EVFILT_WRITE=-2, EVFILT_USER=0, NOTE_TRIGGER=0,
    **_bsdErrno, O_NONBLOCK=0x4, O_CLOEXEC=0x10000,
)
# libkqueue (a userspace kqueue over epoll) declares the 32-byte kevent and
# FreeBSD's filter numbers, including EVFILT_USER; errno and open flags are Linux's.
# Its filters outlive close(2) of their fd (its BUGS.md: "If a file descriptor
# outside of kqueue is closed, the internal kqueue state is not cleaned up"), which
# netpoll_kqueue.netpollclose works around.
libkqueue = ABI(
    "libkqueue", keventt, "kqueue", "kevent", "event", **_flags, EV_RECEIPT=0x40,
    EVFILT_READ=-1, EVFILT_WRITE=-2, EVFILT_USER=-11, NOTE_TRIGGER=0x1000000,
    EINTR=_errno.EINTR, EAGAIN=_errno.EAGAIN, ETIMEDOUT=_errno.ETIMEDOUT,
    O_NONBLOCK=0o4000, O_CLOEXEC=0o2000000,
)

abis = {a.name: a for a in (darwin, freebsd, dragonfly, netbsd, openbsd, libkqueue)}
