"""Go's ``syscall`` package for Linux, on ctypes (Go: src/syscall/syscall_linux.go,
syscall_unix.go, zsyscall_linux_amd64.go).

Every function returns the kernel's raw convention through the gate: a result >= 0,
or ``-errno``. Functions that also produce a value return a tuple whose first item
follows that convention.
"""

from __future__ import annotations

import ctypes
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from . import zerrors_linux as c
from .gate import syscall
from .libc import c_char_p, c_int, c_size_t, c_ssize_t, c_uint, c_void_p, declare, maxInt, socklen_p
from .ztypes_linux import (
    iovec,
    linger,
    sockaddr_in,
    sockaddr_in6,
    sockaddr_storage,
    sockaddr_un,
    utsname,
)

# ---------------------------------------------------------------------------------
# Sockaddr types (Go: src/syscall/syscall_unix.go SockaddrInet4, SockaddrInet6,
# syscall_linux.go SockaddrUnix, anyToSockaddr).


@dataclass(frozen=True)
class SockaddrInet4:
    Port: int
    Addr: bytes  # 4 bytes

    # Go: src/syscall/syscall_linux.go SockaddrInet4.sockaddr
    def sockaddr(self) -> tuple[ctypes.Structure, int] | None:
        if not 0 <= self.Port <= 0xFFFF:
            return None
        sa = sockaddr_in()
        sa.sin_family = c.AF_INET
        sa.sin_port[0] = self.Port >> 8
        sa.sin_port[1] = self.Port & 0xFF
        ctypes.memmove(sa.sin_addr, self.Addr, 4)
        return sa, ctypes.sizeof(sa)


@dataclass(frozen=True)
class SockaddrInet6:
    Port: int
    ZoneId: int
    Addr: bytes  # 16 bytes

    # Go: src/syscall/syscall_linux.go SockaddrInet6.sockaddr
    def sockaddr(self) -> tuple[ctypes.Structure, int] | None:
        if not 0 <= self.Port <= 0xFFFF:
            return None
        sa = sockaddr_in6()
        sa.sin6_family = c.AF_INET6
        sa.sin6_port[0] = self.Port >> 8
        sa.sin6_port[1] = self.Port & 0xFF
        sa.sin6_scope_id = self.ZoneId
        ctypes.memmove(sa.sin6_addr, self.Addr, 16)
        return sa, ctypes.sizeof(sa)


@dataclass(frozen=True)
class SockaddrUnix:
    Name: str

    # Go: src/syscall/syscall_linux.go SockaddrUnix.sockaddr
    def sockaddr(self) -> tuple[ctypes.Structure, int] | None:
        name = self.Name.encode()
        if len(name) > 108:
            return None
        sa = sockaddr_un()
        sa.sun_family = c.AF_UNIX
        if name[:1] == b"@":
            name = b"\0" + name[1:]  # abstract socket
        ctypes.memmove(ctypes.addressof(sa) + 2, name, len(name))
        n = 2 + len(name)
        if name[:1] != b"\0" and name:
            n += 1  # count the terminating NUL, as Go does
        return sa, n


Sockaddr = SockaddrInet4 | SockaddrInet6 | SockaddrUnix


# Go: src/syscall/syscall_linux.go anyToSockaddr
def anyToSockaddr(rsa: sockaddr_storage, n: int) -> Sockaddr | None:
    fam = rsa.ss_family
    if fam == c.AF_INET:
        sa4 = sockaddr_in.from_buffer(rsa)
        return SockaddrInet4((sa4.sin_port[0] << 8) | sa4.sin_port[1], bytes(sa4.sin_addr))
    if fam == c.AF_INET6:
        sa6 = sockaddr_in6.from_buffer(rsa)
        port = (sa6.sin6_port[0] << 8) | sa6.sin6_port[1]
        return SockaddrInet6(port, sa6.sin6_scope_id, bytes(sa6.sin6_addr))
    if fam == c.AF_UNIX:
        raw = bytes(sockaddr_un.from_buffer(rsa).sun_path)[: max(n - 2, 0)]
        if raw[:1] == b"\0":
            # Abstract socket, or an unbound one (length 2): Go reports "@".
            raw = b"@" + raw[1:]
        return SockaddrUnix(raw.split(b"\0", 1)[0].decode(errors="surrogateescape") or "@")
    return None


# ---------------------------------------------------------------------------------
# Declarations.

_sockaddr_p = c_void_p
_socket: Final = declare("socket", "socket", c_int, (c_int, c_int, c_int))
_bind: Final = declare("bind", "bind", c_int, (c_int, _sockaddr_p, c_uint))
_connect: Final = declare("connect", "connect", c_int, (c_int, _sockaddr_p, c_uint))
_listen: Final = declare("listen", "listen", c_int, (c_int, c_int))
_accept4: Final = declare("accept4", "accept4", c_int, (c_int, _sockaddr_p, socklen_p, c_int))
# read and write are unchecked calls (rawnet/sys/libc.py): Read and Write pass an int
# fd, a ctypes array or bytes, and an int count; a count above maxInt (one transfer of
# more than 2 GiB) goes through the checked twin.
_read: Final = declare("read", "read", c_ssize_t, (c_int, c_void_p, c_size_t), unchecked=True)
_write: Final = declare("write", "write", c_ssize_t, (c_int, c_void_p, c_size_t), unchecked=True)
_readChecked: Final = declare("read", "read", c_ssize_t, (c_int, c_void_p, c_size_t))
_writeChecked: Final = declare("write", "write", c_ssize_t, (c_int, c_void_p, c_size_t))
_recvfrom: Final = declare(
    "recvfrom", "recvfrom", c_ssize_t, (c_int, c_void_p, c_size_t, c_int, _sockaddr_p, socklen_p)
)
_sendto: Final = declare(
    "sendto", "sendto", c_ssize_t, (c_int, c_void_p, c_size_t, c_int, _sockaddr_p, c_uint)
)
_writev: Final = declare("writev", "writev", c_ssize_t, (c_int, ctypes.POINTER(iovec), c_int))
_close: Final = declare("close", "close", c_int, (c_int,))
_shutdown: Final = declare("shutdown", "shutdown", c_int, (c_int, c_int))
_setsockopt: Final = declare(
    "setsockopt", "setsockopt", c_int, (c_int, c_int, c_int, c_void_p, c_uint)
)
_getsockopt: Final = declare(
    "getsockopt", "getsockopt", c_int, (c_int, c_int, c_int, c_void_p, socklen_p)
)
_getsockname: Final = declare("getsockname", "getsockname", c_int, (c_int, _sockaddr_p, socklen_p))
_getpeername: Final = declare("getpeername", "getpeername", c_int, (c_int, _sockaddr_p, socklen_p))
_fcntl: Final = declare("fcntl", "fcntl", c_int, (c_int, c_int, c_int))
_openat: Final = declare("openat", "openat", c_int, (c_int, c_char_p, c_int, c_uint))
_unlinkat: Final = declare("unlinkat", "unlinkat", c_int, (c_int, c_char_p, c_int))


# ---------------------------------------------------------------------------------
# Buffers. ctypes needs an address. For a bytes object it passes the object's own
# bytes; for a bytearray or memoryview it needs a ctypes array laid over the caller's
# buffer (``from_buffer``). That view is a new object with a buffer export on every
# call, and under load it costs about 1.4 us per read, several times a syscall's own
# Python overhead and far more than copying a few KiB. So reads and writes of up to
# copyMax bytes go through a scratch buffer of the calling thread, made once: a read
# fills it and copies the bytes received into the caller's buffer, a write copies
# into it first. The syscall sees the caller's length either way (strace shows the
# same call). Larger transfers, and buffers a slice assignment cannot fill, use the
# zero-copy view. A thread's scratch is used only between a syscall and the copy
# right after it, with no goroutine switch in between.

copyMax: Final = 8192
_arrays: Final[dict[int, Any]] = {}


class _Scratch(threading.local):
    def __init__(self) -> None:
        self.arr = (ctypes.c_char * copyMax)()
        self.mv = memoryview(self.arr).cast("B")


_scratch: Final = _Scratch()


def _array(n: int) -> Any:
    """ctypes.c_char * n, cached (a few lengths recur: the caller's buffer sizes)."""
    t = _arrays.get(n)
    if t is None:
        if len(_arrays) >= 256:
            _arrays.clear()
        t = _arrays[n] = ctypes.c_char * n
    return t


def _fillable(p: Any) -> bool:
    """Whether p[:k] = bytes can fill p (a bytearray, tested first by the caller, also
    can): a flat writable byte view."""
    return (type(p) is memoryview and p.format == "B" and p.ndim == 1 and not p.readonly
            and p.c_contiguous)


def rbuf(p: Any) -> Any:
    """A ctypes argument pointing at the bytes of p, for a large write (one copy only
    if p is read-only)."""
    if type(p) is bytes:
        return p
    try:
        return _array(len(p)).from_buffer(p)
    except TypeError:  # a read-only view: one copy
        return bytes(p)


# ---------------------------------------------------------------------------------
# Calls.


# Go: src/syscall/syscall_unix.go Socket
def Socket(domain: int, typ: int, proto: int) -> int:
    return syscall(_socket, domain, typ, proto)


# Go: src/syscall/syscall_unix.go Bind
def Bind(fd: int, sa: Sockaddr) -> int:
    raw = sa.sockaddr()
    if raw is None:
        return -22  # EINVAL: Go's sockaddr() rejects bad ports before the syscall
    return syscall(_bind, fd, ctypes.byref(raw[0]), raw[1])


# Go: src/syscall/syscall_unix.go Connect
def Connect(fd: int, sa: Sockaddr) -> int:
    raw = sa.sockaddr()
    if raw is None:
        return -22
    return syscall(_connect, fd, ctypes.byref(raw[0]), raw[1])


# Go: src/syscall/zsyscall_linux_amd64.go Listen
def Listen(fd: int, backlog: int) -> int:
    return syscall(_listen, fd, backlog)


# Go: src/syscall/syscall_linux.go Accept4
def Accept4(fd: int, flags: int) -> tuple[int, Sockaddr | None]:
    rsa = sockaddr_storage()
    n = ctypes.c_uint32(ctypes.sizeof(rsa))
    nfd = syscall(_accept4, fd, ctypes.byref(rsa), ctypes.byref(n), flags)
    if nfd < 0:
        return nfd, None
    return nfd, anyToSockaddr(rsa, n.value)


# Go: src/syscall/syscall_unix.go Read
def Read(fd: int, p: Any) -> int:
    n = len(p)
    if n <= copyMax and (type(p) is bytearray or _fillable(p)):
        sc = _scratch
        r = syscall(_read, fd, sc.arr, n)
        if r > 0:
            p[:r] = sc.mv[:r]
        return r
    # A ctypes view of the caller's writable buffer: the kernel reads into it, no copy.
    return syscall(_read if n <= maxInt else _readChecked, fd, _array(n).from_buffer(p), n)


# Go: src/syscall/syscall_unix.go Write
def Write(fd: int, p: Any) -> int:
    n = len(p)
    if type(p) is bytes and n <= maxInt:
        return syscall(_write, fd, p, n)
    if n <= copyMax:
        sc = _scratch
        try:
            sc.mv[:n] = p
        except (TypeError, ValueError):  # not a flat byte buffer
            return syscall(_write, fd, bytes(p), n)
        return syscall(_write, fd, sc.arr, n)
    return syscall(_write if n <= maxInt else _writeChecked, fd, rbuf(p), n)


# Go: src/syscall/syscall_unix.go Recvfrom
def Recvfrom(fd: int, p: Any, flags: int) -> tuple[int, Sockaddr | None]:
    """One datagram into the writable buffer p (the kernel writes into it in place;
    a datagram longer than p is cut to len(p)): the count, or -errno, and the
    sender's address."""
    rsa = sockaddr_storage()
    n = ctypes.c_uint32(ctypes.sizeof(rsa))
    r = syscall(_recvfrom, fd, _array(len(p)).from_buffer(p), len(p), flags, ctypes.byref(rsa),
                ctypes.byref(n))
    if r < 0:
        return r, None
    return r, anyToSockaddr(rsa, n.value)


# Go: src/syscall/syscall_unix.go Sendto
def Sendto(fd: int, p: Any, flags: int, to: Sockaddr) -> int:
    """Send p as one datagram to the address to: the count sent, or -errno."""
    raw = to.sockaddr()
    if raw is None:
        return -22  # EINVAL, as Bind
    return syscall(_sendto, fd, rbuf(p), len(p), flags, ctypes.byref(raw[0]), raw[1])


# writev(2), as golang.org/x/sys/unix's Writev (Go's syscall package has none; gnet
# calls x/sys's).
def Writev(fd: int, bufs: Sequence[Any]) -> int:
    """Write the buffers of bufs, in order, with one writev(2); returns the count
    written (possibly short) or -errno. Each buffer is passed in place: a bytes object
    as its own bytes, a writable buffer through a ctypes view of it (a read-only view
    is copied once)."""
    iov = (iovec * len(bufs))()
    keep = []  # what the iovecs point into (a read-only buffer's copy) must outlive the call
    for i, b in enumerate(bufs):
        arg = rbuf(b)
        keep.append(arg)
        iov[i].iov_base = ctypes.cast(arg, c_void_p).value
        iov[i].iov_len = len(b)
    n = syscall(_writev, fd, iov, len(bufs))
    # In the compiled build a local is released after its last use, not at the end of
    # the function: without this use of keep after the call, the copies were freed
    # before writev read them, and it sent whatever had reused their memory.
    keep.clear()
    return n


# fcntl(F_DUPFD_CLOEXEC): a duplicate of fd, close-on-exec, as Go's internal/poll
# dupCloseOnExec makes one.
def DupCloseOnExec(fd: int) -> int:
    return Fcntl(fd, c.F_DUPFD_CLOEXEC, 0)


# Go: src/syscall/zsyscall_linux_amd64.go Close
def Close(fd: int) -> int:
    return syscall(_close, fd)


# Go: src/syscall/zsyscall_linux_amd64.go Shutdown
def Shutdown(fd: int, how: int) -> int:
    return syscall(_shutdown, fd, how)


# Go: src/syscall/syscall_unix.go SetsockoptInt
def SetsockoptInt(fd: int, level: int, opt: int, value: int) -> int:
    v = ctypes.c_int(value)
    return syscall(_setsockopt, fd, level, opt, ctypes.byref(v), 4)


# Go: src/syscall/syscall_unix.go SetsockoptLinger
def SetsockoptLinger(fd: int, level: int, opt: int, onoff: int, secs: int) -> int:
    lg = linger(onoff, secs)
    return syscall(_setsockopt, fd, level, opt, ctypes.byref(lg), ctypes.sizeof(lg))


# Go: src/syscall/syscall_unix.go GetsockoptInt
def GetsockoptInt(fd: int, level: int, opt: int) -> tuple[int, int]:
    v = ctypes.c_int(0)
    n = ctypes.c_uint32(4)
    r = syscall(_getsockopt, fd, level, opt, ctypes.byref(v), ctypes.byref(n))
    return r, v.value


def _name(entry: Any, fd: int) -> tuple[int, Sockaddr | None]:
    rsa = sockaddr_storage()
    n = ctypes.c_uint32(ctypes.sizeof(rsa))
    r = syscall(entry, fd, ctypes.byref(rsa), ctypes.byref(n))
    if r < 0:
        return r, None
    return r, anyToSockaddr(rsa, n.value)


# Go: src/syscall/syscall_linux.go Getsockname
def Getsockname(fd: int) -> tuple[int, Sockaddr | None]:
    return _name(_getsockname, fd)


# Go: src/syscall/syscall_unix.go Getpeername
def Getpeername(fd: int) -> tuple[int, Sockaddr | None]:
    return _name(_getpeername, fd)


def Fcntl(fd: int, cmd: int, arg: int) -> int:
    return syscall(_fcntl, fd, cmd, arg)


# Go: src/syscall/syscall_linux.go Openat
def Openat(dirfd: int, path: str, flags: int, mode: int) -> int:
    return syscall(_openat, dirfd, path.encode(), flags, mode)


# Go: src/syscall/syscall_linux.go Unlinkat
def Unlinkat(dirfd: int, path: str) -> int:
    """Remove the name path (not a directory), relative to dirfd (AT_FDCWD: the
    current directory)."""
    return syscall(_unlinkat, dirfd, path.encode(), 0)


# Go: src/syscall/syscall_unix.go SetNonblock
def SetNonblock(fd: int, nonblocking: bool) -> int:
    flag = Fcntl(fd, c.F_GETFL, 0)
    if flag < 0:
        return flag
    want = flag | c.O_NONBLOCK if nonblocking else flag & ~c.O_NONBLOCK
    if want == flag:
        return 0
    return Fcntl(fd, c.F_SETFL, want)


# Go: src/syscall/syscall_unix.go CloseOnExec
def CloseOnExec(fd: int) -> int:
    return Fcntl(fd, c.F_SETFD, c.FD_CLOEXEC)


_uname: Final = declare("uname", "uname", c_int, (ctypes.POINTER(utsname),))


# Go: src/syscall/zsyscall_linux_amd64.go Uname
def Uname() -> tuple[int, utsname]:
    u = utsname()
    return syscall(_uname, ctypes.byref(u)), u
