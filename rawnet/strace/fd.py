"""``-y``/``-yy`` fd decoration: ``3<TCP:[127.0.0.1:8888->127.0.0.1:50000]>``,
``5<anon_inode:[eventpoll]>``, ``1</dev/null<char 1:3>>``.

strace learns what an fd is from outside the process (``/proc/PID/fd`` and sock_diag
netlink queries). The tracer runs inside it, so it asks the kernel directly through
its own libc handle, *not* through the gate (tracing its own calls would recurse):
``readlink("/proc/self/fd/N")`` for the kind of file, ``fgetxattr(fd,
"system.sockprotoname")`` for a socket's protocol (``TCP``, ``TCPv6``, ``UDP``,
``UNIX``: the name strace prints), and ``getsockname``/``getpeername`` for its
addresses. readlink and fgetxattr are in no strace group that a rawnet trace is
compared against; getsockname and getpeername are in ``%net``, so a real strace of
a traced process sees them: they pass :data:`PROBE_SOCKLEN` as the buffer length,
a length rawnet itself never uses, so that they can be told apart (``[124 => 16]``).

Where sock_diag knows more than the socket calls can tell, the tracer uses what it
saw: a TCP socket that was given to ``connect`` and has no peer yet is either still
connecting (printed with the address given to ``connect``, as sock_diag prints a
SYN_SENT socket) or refused (printed ``TCP:[inode]``, as strace does once the kernel
has dropped it from its tables); one more probe tells which, ``getsockopt(fd,
SOL_TCP, TCP_INFO, .., [1])`` (the state is the first byte), again a call rawnet
never makes. A socket's description is cached, per inode, once it cannot change any
more (connected, or listening) until it is closed.
"""

from __future__ import annotations

import ctypes
import os
import stat
import sys
from typing import Any

from ..sys import zerrors_linux as c
from .decode import hostport, quote

_libc = ctypes.PyDLL("libc.so.6")  # no use_errno: leave ctypes' saved errno alone
_readlink = _libc["readlink"]
_readlink.argtypes = (ctypes.c_char_p, ctypes.c_char_p, ctypes.c_size_t)
_readlink.restype = ctypes.c_ssize_t
_fgetxattr = _libc["fgetxattr"]
_fgetxattr.argtypes = (ctypes.c_int, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_size_t)
_fgetxattr.restype = ctypes.c_ssize_t
_getsockname = _libc["getsockname"]
_getpeername = _libc["getpeername"]
for _f in (_getsockname, _getpeername):
    _f.argtypes = (ctypes.c_int, ctypes.c_void_p, ctypes.POINTER(ctypes.c_uint32))
    _f.restype = ctypes.c_int
_getsockopt = _libc["getsockopt"]
_getsockopt.argtypes = (ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_void_p,
                        ctypes.POINTER(ctypes.c_uint32))
_getsockopt.restype = ctypes.c_int
_if_indextoname = _libc["if_indextoname"]
_if_indextoname.argtypes = (ctypes.c_uint, ctypes.c_char_p)
_if_indextoname.restype = ctypes.c_void_p

PROBE_SOCKLEN = 124
_TCP_INFO = 11
_TCP_SYN_SENT = 2


def readlink(path: bytes) -> str | None:
    buf = ctypes.create_string_buffer(4096)
    n = _readlink(path, buf, 4096)
    if n < 0:
        return None
    return buf.raw[:n].decode(errors="surrogateescape")


def ifname(index: int) -> str | None:
    buf = ctypes.create_string_buffer(16)
    if not _if_indextoname(index, buf):
        return None
    return buf.value.decode(errors="replace")


def _name(fn: Any, fd: int) -> bytes | None:
    buf = ctypes.create_string_buffer(128)
    n = ctypes.c_uint32(PROBE_SOCKLEN)
    if fn(fd, buf, ctypes.byref(n)) < 0:
        return None
    return buf.raw[: min(n.value, PROBE_SOCKLEN)]


def _tcp_state(fd: int) -> int:
    """tcpi_state, the first byte of struct tcp_info (getsockopt TCP_INFO, length 1)."""
    b = ctypes.c_uint8(0)
    n = ctypes.c_uint32(1)
    if _getsockopt(fd, c.IPPROTO_TCP, _TCP_INFO, ctypes.byref(b), ctypes.byref(n)) < 0:
        return 0
    return b.value


def _endpoint(family: int, raw: bytes) -> str | None:
    hp = hostport(family, raw)
    if hp is None:
        return None
    host, port = hp
    return f"[{host}]:{port}" if family == c.AF_INET6 else f"{host}:{port}"


class FdNames:
    """What ``-y`` (paths) or ``-yy`` (paths, protocols, addresses) prints after fds:
    the decoders' :class:`~rawnet.strace.decode.Context`."""

    def __init__(self, level: int, strsize: int) -> None:
        self.level = level
        self.strsize = strsize
        self._final: dict[str, str] = {}  # inode link -> description that cannot change
        self._listening: set[str] = set()
        self._connecting: dict[str, str] = {}  # inode link -> "host:port" given to connect

    def ifname(self, index: int) -> str | None:
        return ifname(index)

    def fd(self, n: int) -> str:
        if n < 0 or not self.level:
            return str(n)
        link = readlink(b"/proc/self/fd/%d" % n)
        if link is None:
            return str(n)
        return f"{n}<{self.describe(n, link)}>"

    def dirfd(self, n: int) -> str:
        if n != c.AT_FDCWD:
            return self.fd(n)
        if not self.level:
            return "AT_FDCWD"
        cwd = readlink(b"/proc/self/cwd")
        return "AT_FDCWD" if cwd is None else f"AT_FDCWD<{cwd}>"

    def describe(self, n: int, link: str) -> str:
        if link.startswith("/"):
            if self.level < 2:
                return link
            try:
                st = os.fstat(n)
            except OSError:
                return link
            if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode):
                kind = "char" if stat.S_ISCHR(st.st_mode) else "block"
                return f"{link}<{kind} {os.major(st.st_rdev)}:{os.minor(st.st_rdev)}>"
            return link
        if self.level < 2 or not link.startswith("socket:["):
            return link
        done = self._final.get(link)
        if done is not None:
            return done
        return self._socket(n, link)

    def _socket(self, n: int, link: str) -> str:
        inode = link[len("socket:["):-1]
        buf = ctypes.create_string_buffer(32)
        k = _fgetxattr(n, b"system.sockprotoname", buf, 32)
        proto = buf.raw[:k].rstrip(b"\0").decode() if k > 0 else "socket"
        if proto == "UNIX":
            return self._unix(n, inode)
        if proto not in ("TCP", "TCPv6", "UDP", "UDPv6", "UDPLITE", "UDPLITEv6"):
            return f"{proto}:[{inode}]"
        local = _name(_getsockname, n)
        if local is None:
            return f"{proto}:[{inode}]"
        family = int.from_bytes(local[:2], sys.byteorder)
        hp = hostport(family, local)
        if hp is None or (hp[1] == 0 and link not in self._connecting):
            return f"{proto}:[{inode}]"  # unbound: not in the kernel's socket tables
        me = _endpoint(family, local)
        peer_raw = _name(_getpeername, n)
        peer = _endpoint(family, peer_raw) if peer_raw else self._connecting.get(link)
        if peer is not None and not peer_raw and proto.startswith("TCP"):
            if _tcp_state(n) != _TCP_SYN_SENT:
                return f"{proto}:[{inode}]"  # refused: gone from the kernel's tables
        if peer is None:
            desc = f"{proto}:[{me}]"
            if link in self._listening:
                self._final[link] = desc
            return desc
        desc = f"{proto}:[{me}->{peer}]"
        if peer_raw:
            self._final[link] = desc
        return desc

    def _unix(self, n: int, inode: str) -> str:
        # sock_diag would also give the peer's inode; the socket calls cannot.
        local = _name(_getsockname, n)
        path = local[2:] if local else b""
        if not path:
            return f"UNIX-STREAM:[{inode}]"
        if path[0] == 0:
            return f"UNIX-STREAM:[{inode},@{quote(path[1:])}]"
        return f"UNIX-STREAM:[{inode},{quote(path.split(bytes(1), 1)[0])}]"

    # What the tracer saw happen to sockets (only at -yy).

    def link(self, n: int) -> str | None:
        return readlink(b"/proc/self/fd/%d" % n) if self.level >= 2 else None

    def listened(self, link: str) -> None:
        self._listening.add(link)

    def connecting(self, link: str, raw: bytes) -> None:
        family = int.from_bytes(raw[:2], sys.byteorder) if len(raw) >= 2 else 0
        ep = _endpoint(family, raw)
        if ep is not None:
            self._connecting[link] = ep

    def closed(self, link: str) -> None:
        self._final.pop(link, None)
        self._listening.discard(link)
        self._connecting.pop(link, None)
