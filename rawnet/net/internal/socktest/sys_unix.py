"""What the Switch knows about the calls it intercepts (Go:
src/net/internal/socktest/sys_unix.go).

Go's sys_unix.go is one wrapper per call the net package makes (``Socket``,
``Close``, ``Connect``, ``Listen``, ``Accept``, ``GetsockoptInt``): each knows its
call's arguments, asks the filter of its kind, then makes the call or not. rawnet's
:class:`~.switch.Switch` sees every call at the gate instead, by its strace name, so
this module holds that per-call knowledge as tables and functions: which argument is
the descriptor, which calls create one, how the kernel names a socket's kind, and how
each kind of fault is carried out on a real call.

Kinds of fault. The kernel's side effects are the subtle part: a fault either
prevents the call (nothing happened in the kernel), or lets it happen and changes
what the caller is told.

* ``Fail(e)``: the call is not made; the caller sees ``-e``. Right for errors that
  mean "nothing happened": ``EAGAIN``, ``EINTR`` on read/write/accept,
  ``ECONNABORTED`` or ``EMFILE`` on accept, ``ECONNRESET`` on read.
* ``Fail(e, after=True)``: the call is made, then the caller sees ``-e`` (Go's
  AfterFilter). Right where the kernel does the work even when it reports an
  error: ``close`` releases the fd even when it returns ``EIO`` or ``EINTR``, and a
  ``connect`` interrupted by a signal goes on in the background. A descriptor that
  the hidden call created (socket, accept4) is closed again, as socktest does.
* ``Short(n)``: the call is made with its byte count cut to ``n`` (read, write): the
  kernel really moves that many bytes, as in a short read or write.
* ``SocketError(e)``: ``getsockopt(SOL_SOCKET, SO_ERROR)`` is made, then reports
  ``e`` as the socket's pending error (how a non-blocking connect learns that it
  was refused).
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass
from typing import Any

from rawnet.sys import zerrors_linux as c
from rawnet.sys.gate import Entry, get_errno
from rawnet.sys.syscall_linux import _close, _getsockopt

# Linux socket options for asking the kernel what a descriptor is.
SO_TYPE = 3
SO_PROTOCOL = 38
SO_DOMAIN = 39
SOCK_TYPE_MASK = 0xF

# A socket's kind as the kernel reports it: (family, bare type, protocol).
Kind = tuple[int, int, int]

# Calls about a descriptor: which argument it is. Faults on these touch sockets only,
# unless a rule names the fd: the poller's own epoll fd and eventfd are left alone.
socketFdArg: dict[str, int] = {
    name: 0 for name in (
        "accept4", "accept", "connect", "listen", "bind", "read", "write", "readv",
        "writev", "close", "shutdown", "setsockopt", "getsockopt", "getsockname",
        "getpeername", "fcntl",
    )
}
socketFdArg["epoll_ctl"] = 2
# Calls about a descriptor that is never a socket.
otherFdArg = {"epoll_pwait": 0, "epoll_wait": 0}
# Calls that create a descriptor that is not a socket.
nonSocketCreators = frozenset({"eventfd2", "epoll_create1", "openat"})


def socketKind(args: tuple[Any, ...]) -> Kind:
    """The kind of socket(domain, type, proto) as the kernel will report it: the
    flags masked off the type, protocol 0 replaced by the one the kernel picks."""
    family, sotype, proto = args[0], args[1] & SOCK_TYPE_MASK, args[2]
    if proto == 0 and family in (c.AF_INET, c.AF_INET6):
        proto = {c.SOCK_STREAM: c.IPPROTO_TCP, c.SOCK_DGRAM: 17}.get(sotype, 0)
    return family, sotype, proto


def fdKind(fd: int) -> Kind | None:
    """The kind of socket fd, asked of the kernel (directly, not through the gate: the
    question is not the program's call); None when fd is not a socket."""
    v = ctypes.c_int(0)
    n = ctypes.c_uint32(4)
    vals = []
    for opt in (SO_DOMAIN, SO_TYPE, SO_PROTOCOL):
        if _getsockopt.fn(fd, c.SOL_SOCKET, opt, ctypes.byref(v), ctypes.byref(n)) < 0:
            return None
        vals.append(v.value)
    return vals[0], vals[1] & SOCK_TYPE_MASK, vals[2]


def isSOError(args: tuple[Any, ...]) -> bool:
    """Whether a getsockopt call asks for SO_ERROR."""
    return len(args) >= 4 and args[1] == c.SOL_SOCKET and args[2] == c.SO_ERROR


def intArg(p: Any) -> ctypes.c_int | ctypes.c_uint32:
    """The ctypes int an out-parameter (``byref(v)``, a pointer, an address) points at."""
    obj = getattr(p, "_obj", None)  # byref(v) keeps v in _obj
    if isinstance(obj, ctypes.c_int | ctypes.c_uint32):
        return obj
    if isinstance(p, ctypes._Pointer):
        return p.contents  # type: ignore[no-any-return]
    return ctypes.c_int.from_address(int(p))


# ---------------------------------------------------------------------------------
# Faults.


@dataclass(frozen=True)
class Fail:
    """Fail the call with errno. after=False: the call is not made. after=True: it is
    made, and its result replaced (the kernel's side effects happen)."""

    errno: int
    after: bool = False


@dataclass(frozen=True)
class Short:
    """Make a read or write with its count cut to n bytes (a short read or write)."""

    n: int


@dataclass(frozen=True)
class SocketError:
    """Make getsockopt(SOL_SOCKET, SO_ERROR), then report errno as the socket's
    pending error."""

    errno: int


Action = Fail | Short | SocketError


def apply(action: Action, entry: Entry, args: tuple[Any, ...]) -> int:
    """Carry out action on the call entry(*args); return what the caller is told, in
    the gate's convention (the result, or -errno)."""
    name = entry.name
    if isinstance(action, Fail):
        if action.after:
            r = entry.fn(*args)
            if r >= 0 and name in ("socket", "accept4", "accept"):
                _close.fn(r)  # the caller is told it failed: it will not close it
        return -action.errno
    if isinstance(action, Short):
        r = entry.fn(args[0], args[1], min(action.n, args[2]))
        return -get_errno() if r < 0 else int(r)
    # SocketError
    if not isSOError(args):
        raise ValueError(f"socktest: SocketError on {name}{args}, not SO_ERROR")
    r = entry.fn(*args)
    if r < 0:
        return -get_errno()
    intArg(args[3]).value = action.errno
    return 0
