"""Socket address structs and socket constants of darwin and the BSDs (Go:
src/syscall/ztypes_darwin_amd64.go, ztypes_freebsd_amd64.go, ztypes_netbsd_amd64.go,
ztypes_openbsd_amd64.go, ztypes_dragonfly_amd64.go and the zerrors_* twins).

Declared on every host, so that their layouts can be checked anywhere
(tests/test_layouts.py); rawnet's socket layer uses them only on those systems.

The 4.4BSD sockaddrs start with a one-byte length, ``sa_len``, and a one-byte
family, where Linux has a two-byte family: ``sockaddr_in`` and ``sockaddr_in6`` keep
Linux's sizes (16 and 28) and offsets from the port on, but ``sockaddr_un`` has a
104-byte path (106 bytes in all, Linux: 108 and 110), and the kernel wants
``sa_len`` set on the way in.

Darwin has no ``SOCK_NONBLOCK``/``SOCK_CLOEXEC`` and no ``accept4``: Go's net
package then creates a socket and sets both flags with ``fcntl`` while holding
``syscall.ForkLock`` (src/net/sys_cloexec.go, src/internal/poll/sys_cloexec.go).
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass

sa_family_t = ctypes.c_uint8


class sockaddr_in(ctypes.Structure):
    # Go: RawSockaddrInet4, 16 bytes
    _fields_ = [
        ("sin_len", ctypes.c_uint8),
        ("sin_family", sa_family_t),
        ("sin_port", ctypes.c_ubyte * 2),  # big-endian
        ("sin_addr", ctypes.c_ubyte * 4),
        ("sin_zero", ctypes.c_ubyte * 8),
    ]


class sockaddr_in6(ctypes.Structure):
    # Go: RawSockaddrInet6, 28 bytes
    _fields_ = [
        ("sin6_len", ctypes.c_uint8),
        ("sin6_family", sa_family_t),
        ("sin6_port", ctypes.c_ubyte * 2),  # big-endian
        ("sin6_flowinfo", ctypes.c_uint32),
        ("sin6_addr", ctypes.c_ubyte * 16),
        ("sin6_scope_id", ctypes.c_uint32),
    ]


class sockaddr_un(ctypes.Structure):
    # Go: RawSockaddrUnix, 106 bytes
    _fields_ = [
        ("sun_len", ctypes.c_uint8),
        ("sun_family", sa_family_t),
        ("sun_path", ctypes.c_char * 104),
    ]


class sockaddr_storage(ctypes.Structure):
    # struct sockaddr_storage: 128 bytes
    _fields_ = [
        ("ss_len", ctypes.c_uint8),
        ("ss_family", sa_family_t),
        ("__ss_pad1", ctypes.c_ubyte * 6),
        ("__ss_align", ctypes.c_int64),
        ("__ss_pad2", ctypes.c_ubyte * 112),
    ]


@dataclass(frozen=True)
class SocketConsts:
    """One OS's socket constants that differ between the BSDs. 0 for SOCK_NONBLOCK and
    SOCK_CLOEXEC: the OS has neither, nor accept4."""

    name: str
    AF_INET6: int
    SOCK_NONBLOCK: int
    SOCK_CLOEXEC: int
    O_CLOEXEC: int
    IPV6_V6ONLY: int = 27
    AF_UNIX: int = 1
    AF_INET: int = 2
    SOL_SOCKET: int = 0xFFFF
    SO_REUSEADDR: int = 0x4
    SO_KEEPALIVE: int = 0x8
    SO_BROADCAST: int = 0x20
    SO_LINGER: int = 0x80
    SO_SNDBUF: int = 0x1001
    SO_RCVBUF: int = 0x1002
    SO_ERROR: int = 0x1007
    O_NONBLOCK: int = 0x4

    @property
    def hasAccept4(self) -> bool:
        return self.SOCK_NONBLOCK != 0


darwin = SocketConsts("darwin", AF_INET6=30, SOCK_NONBLOCK=0, SOCK_CLOEXEC=0,
                      O_CLOEXEC=0x1000000)
freebsd = SocketConsts("freebsd", AF_INET6=28, SOCK_NONBLOCK=0x20000000,
                       SOCK_CLOEXEC=0x10000000, O_CLOEXEC=0x100000)
dragonfly = SocketConsts("dragonfly", AF_INET6=28, SOCK_NONBLOCK=0x20000000,
                         SOCK_CLOEXEC=0x10000000, O_CLOEXEC=0x20000)
netbsd = SocketConsts("netbsd", AF_INET6=24, SOCK_NONBLOCK=0x20000000,
                      SOCK_CLOEXEC=0x10000000, O_CLOEXEC=0x400000)
openbsd = SocketConsts("openbsd", AF_INET6=24, SOCK_NONBLOCK=0x4000, SOCK_CLOEXEC=0x8000,
                       O_CLOEXEC=0x10000)

oses = {o.name: o for o in (darwin, freebsd, dragonfly, netbsd, openbsd)}
