"""Host lookups through the C library's getaddrinfo (Go: src/net/cgo_unix.go).

Go uses this path when cgo is enabled; rawnet uses it for every name that is neither
an IP literal nor in /etc/hosts, instead of Go's own DNS client. ``struct addrinfo``
is declared by hand in its Linux layout (``ai_addr`` before ``ai_canonname``; the
BSDs swap the two).
"""

from __future__ import annotations

import ctypes

from ..sys.errno import EMFILE, Errno
from ..sys.gate import get_errno, syscall
from ..sys.libc import c_char_p, c_int, c_size_t, c_uint, declare
from ..sys.zerrors_linux import AF_INET, AF_INET6, AF_UNSPEC, SOCK_STREAM
from ..sys.ztypes_linux import sockaddr_in, sockaddr_in6
from . import ipsock_posix
from .ip import IP
from .net import DNSError, errNoSuchHost, newDNSError

# <netdb.h> (glibc) flags and error codes.
AI_CANONNAME = 0x0002
AI_V4MAPPED = 0x0008
AI_ALL = 0x0010
EAI_AGAIN = -3
EAI_NODATA = -5
EAI_NONAME = -2
EAI_SYSTEM = -11

# Go: src/net/cgo_linux.go cgoAddrInfoFlags
cgoAddrInfoFlags = AI_CANONNAME | AI_V4MAPPED | AI_ALL


class addrinfo(ctypes.Structure):
    pass


addrinfo._fields_ = [
    ("ai_flags", ctypes.c_int),
    ("ai_family", ctypes.c_int),
    ("ai_socktype", ctypes.c_int),
    ("ai_protocol", ctypes.c_int),
    ("ai_addrlen", ctypes.c_uint32),
    ("ai_addr", ctypes.c_void_p),
    ("ai_canonname", ctypes.c_char_p),
    ("ai_next", ctypes.POINTER(addrinfo)),
]

_addrinfo_pp = ctypes.POINTER(ctypes.POINTER(addrinfo))
# getaddrinfo returns 0 or a *negative* EAI code, which the gate would read as
# "-1, look at errno"; declaring the result unsigned keeps the code intact (_gai_code
# turns it back into a C int). It can block on DNS, so it releases the GIL.
_getaddrinfo = declare(
    "getaddrinfo",
    "getaddrinfo",
    c_uint,
    (c_char_p, c_char_p, ctypes.POINTER(addrinfo), _addrinfo_pp),
    blocking=True,
)
# Pure library helpers (no system call): called directly, not through the gate.
_freeaddrinfo = declare("freeaddrinfo", "freeaddrinfo", None, (ctypes.POINTER(addrinfo),))
_gai_strerror = declare("gai_strerror", "gai_strerror", c_size_t, (c_int,))


# Go: src/net/cgo_unix.go addrinfoErrno
class addrinfoErrno(OSError):
    """A getaddrinfo error code; its text is gai_strerror's."""

    def __init__(self, code: int) -> None:
        self.code = code
        super().__init__(str(self))

    def __str__(self) -> str:
        return ctypes.string_at(_gai_strerror.fn(self.code)).decode()

    def Temporary(self) -> bool:
        return self.code == EAI_AGAIN

    def Timeout(self) -> bool:
        return False


def _gai_code(r: int) -> int:
    return ctypes.c_int(r & 0xFFFFFFFF).value


# Go: src/net/cgo_unix.go cgoLookupHostIP
def cgoLookupHostIP(network: str, name: str) -> list[tuple[IP, str]]:
    """getaddrinfo(name) as Go's list of IPAddr; DNSError on failure."""
    hints = addrinfo()
    hints.ai_flags = cgoAddrInfoFlags
    hints.ai_socktype = SOCK_STREAM
    hints.ai_family = {"4": AF_INET, "6": AF_INET6}.get(network[-1:], AF_UNSPEC)
    if "\0" in name:
        raise DNSError(Err=str(errNoSuchHost()), Name=name, IsNotFound=True)
    res = ctypes.POINTER(addrinfo)()
    gerrno = _gai_code(
        syscall(_getaddrinfo, name.encode("utf-8", "surrogateescape"), None, hints, res)
    )
    if gerrno != 0:
        raise _gaiError(gerrno, name)
    try:
        return _addrs(res)
    finally:
        _freeaddrinfo.fn(res)


def _gaiError(gerrno: int, name: str) -> DNSError:
    if gerrno == EAI_SYSTEM:
        e = get_errno() or EMFILE  # Go issue 6232: errno can be 0 here
        return newDNSError(Errno(e), name, "")
    if gerrno in (EAI_NONAME, EAI_NODATA):
        return DNSError(Err=str(errNoSuchHost()), Name=name, IsNotFound=True)
    err = addrinfoErrno(gerrno)
    return DNSError(Err=str(err), Name=name, IsTemporary=err.Temporary())


def _addrs(res: ctypes._Pointer[addrinfo]) -> list[tuple[IP, str]]:
    addrs: list[tuple[IP, str]] = []
    r = res
    while r:
        ai = r.contents
        if ai.ai_socktype == SOCK_STREAM:  # we only asked for it, but check anyhow
            if ai.ai_family == AF_INET:
                sa4 = sockaddr_in.from_address(ai.ai_addr)
                addrs.append((IP(bytes(sa4.sin_addr)), ""))
            elif ai.ai_family == AF_INET6:
                sa6 = sockaddr_in6.from_address(ai.ai_addr)
                zone = ipsock_posix.zoneToName(sa6.sin6_scope_id)
                addrs.append((IP(bytes(sa6.sin6_addr)), zone))
        r = ai.ai_next
    return addrs
