"""Hand-declared C structs for Linux (Go: src/syscall/ztypes_linux_amd64.go).

Ports and IPv4/IPv6 addresses are kept in network byte order inside the structs, as
the kernel wants them; ``sin_port`` is declared as two bytes so that no byte swapping
helper (``htons``) from a networking module is needed.
"""

from __future__ import annotations

import ctypes

sa_family_t = ctypes.c_ushort
socklen_t = ctypes.c_uint32


class sockaddr(ctypes.Structure):
    _fields_ = [("sa_family", sa_family_t), ("sa_data", ctypes.c_ubyte * 14)]


class sockaddr_in(ctypes.Structure):
    # struct sockaddr_in: 16 bytes
    _fields_ = [
        ("sin_family", sa_family_t),
        ("sin_port", ctypes.c_ubyte * 2),  # big-endian
        ("sin_addr", ctypes.c_ubyte * 4),
        ("sin_zero", ctypes.c_ubyte * 8),
    ]


class sockaddr_in6(ctypes.Structure):
    # struct sockaddr_in6: 28 bytes
    _fields_ = [
        ("sin6_family", sa_family_t),
        ("sin6_port", ctypes.c_ubyte * 2),  # big-endian
        ("sin6_flowinfo", ctypes.c_uint32),
        ("sin6_addr", ctypes.c_ubyte * 16),
        ("sin6_scope_id", ctypes.c_uint32),
    ]


class sockaddr_un(ctypes.Structure):
    # struct sockaddr_un: 110 bytes
    _fields_ = [("sun_family", sa_family_t), ("sun_path", ctypes.c_char * 108)]


class sockaddr_storage(ctypes.Structure):
    # struct sockaddr_storage: 128 bytes, aligned like a long
    _fields_ = [
        ("ss_family", sa_family_t),
        ("__ss_padding", ctypes.c_ubyte * 118),
        ("__ss_align", ctypes.c_ulong),
    ]


class iovec(ctypes.Structure):
    _fields_ = [("iov_base", ctypes.c_void_p), ("iov_len", ctypes.c_size_t)]


class timespec(ctypes.Structure):
    _fields_ = [("tv_sec", ctypes.c_long), ("tv_nsec", ctypes.c_long)]


class linger(ctypes.Structure):
    _fields_ = [("l_onoff", ctypes.c_int), ("l_linger", ctypes.c_int)]


SizeofSockaddrInet4 = ctypes.sizeof(sockaddr_in)
SizeofSockaddrInet6 = ctypes.sizeof(sockaddr_in6)
SizeofSockaddrUnix = ctypes.sizeof(sockaddr_un)
SizeofSockaddrAny = ctypes.sizeof(sockaddr_storage)


class utsname(ctypes.Structure):
    _fields_ = [(f, ctypes.c_char * 65) for f in
                ("sysname", "nodename", "release", "version", "machine", "domainname")]
