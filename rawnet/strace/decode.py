"""strace's argument grammar, for the calls rawnet makes (strace 6.x, Linux).

Each decoder turns the C arguments the gate saw into the text strace prints, in two
halves, as strace itself does: the arguments it prints when the call *enters* (ending
in ``", "`` when more follow) and the ones it prints when the call *exits* (out
parameters: a filled sockaddr, the bytes read, the epoll events). A call that blocks
while another thread logs is printed as ``name(ENTER <unfinished ...>`` and later
``<... name resumed>EXIT) = RET``, so the split point has to be strace's.

Nothing here makes a system call, except through the :class:`Context` handed in
(``-yy`` fd decoration), so every function can be tested on plain values.
"""

from __future__ import annotations

import ctypes
import errno
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from ..sys import zerrors_linux as c

# ---------------------------------------------------------------------------------
# Symbol tables, in strace's order (its xlat tables): the order flags are printed in.

Flags = Sequence[tuple[int, str]]

AF = {0: "AF_UNSPEC", 1: "AF_UNIX", 2: "AF_INET", 10: "AF_INET6", 16: "AF_NETLINK",
      17: "AF_PACKET"}
SOCK_TYPE = {1: "SOCK_STREAM", 2: "SOCK_DGRAM", 3: "SOCK_RAW", 4: "SOCK_RDM",
             5: "SOCK_SEQPACKET", 6: "SOCK_DCCP", 10: "SOCK_PACKET"}
SOCK_FLAGS: Flags = ((c.SOCK_CLOEXEC, "SOCK_CLOEXEC"), (c.SOCK_NONBLOCK, "SOCK_NONBLOCK"))
IPPROTO = {0: "IPPROTO_IP", 1: "IPPROTO_ICMP", 6: "IPPROTO_TCP", 17: "IPPROTO_UDP",
           41: "IPPROTO_IPV6", 58: "IPPROTO_ICMPV6", 132: "IPPROTO_SCTP",
           136: "IPPROTO_UDPLITE", 255: "IPPROTO_RAW", 262: "IPPROTO_MPTCP"}
SOL = {0: "SOL_IP", 1: "SOL_SOCKET", 6: "SOL_TCP", 17: "SOL_UDP", 41: "SOL_IPV6"}
SO = {1: "SO_DEBUG", 2: "SO_REUSEADDR", 3: "SO_TYPE", 4: "SO_ERROR", 5: "SO_DONTROUTE",
      6: "SO_BROADCAST", 7: "SO_SNDBUF", 8: "SO_RCVBUF", 9: "SO_KEEPALIVE",
      10: "SO_OOBINLINE", 11: "SO_NO_CHECK", 12: "SO_PRIORITY", 13: "SO_LINGER",
      14: "SO_BSDCOMPAT", 15: "SO_REUSEPORT", 16: "SO_PASSCRED", 17: "SO_PEERCRED",
      18: "SO_RCVLOWAT", 19: "SO_SNDLOWAT", 20: "SO_RCVTIMEO_OLD", 21: "SO_SNDTIMEO_OLD",
      25: "SO_BINDTODEVICE", 30: "SO_ACCEPTCONN", 32: "SO_SNDBUFFORCE",
      33: "SO_RCVBUFFORCE", 36: "SO_MARK", 38: "SO_PROTOCOL", 39: "SO_DOMAIN",
      46: "SO_BUSY_POLL", 49: "SO_INCOMING_CPU", 60: "SO_ZEROCOPY"}
TCP_OPT = {1: "TCP_NODELAY", 2: "TCP_MAXSEG", 3: "TCP_CORK", 4: "TCP_KEEPIDLE",
           5: "TCP_KEEPINTVL", 6: "TCP_KEEPCNT", 7: "TCP_SYNCNT", 8: "TCP_LINGER2",
           9: "TCP_DEFER_ACCEPT", 10: "TCP_WINDOW_CLAMP", 11: "TCP_INFO",
           12: "TCP_QUICKACK", 13: "TCP_CONGESTION", 18: "TCP_USER_TIMEOUT",
           23: "TCP_FASTOPEN", 25: "TCP_NOTSENT_LOWAT", 30: "TCP_FASTOPEN_CONNECT"}
IP_OPT = {1: "IP_TOS", 2: "IP_TTL", 3: "IP_HDRINCL", 4: "IP_OPTIONS", 10: "IP_MTU_DISCOVER",
          11: "IP_RECVERR", 15: "IP_FREEBIND", 19: "IP_TRANSPARENT",
          24: "IP_BIND_ADDRESS_NO_PORT", 32: "IP_MULTICAST_IF", 33: "IP_MULTICAST_TTL",
          34: "IP_MULTICAST_LOOP", 35: "IP_ADD_MEMBERSHIP", 36: "IP_DROP_MEMBERSHIP"}
IPV6_OPT = {16: "IPV6_UNICAST_HOPS", 17: "IPV6_MULTICAST_IF", 18: "IPV6_MULTICAST_HOPS",
            19: "IPV6_MULTICAST_LOOP", 20: "IPV6_ADD_MEMBERSHIP", 21: "IPV6_DROP_MEMBERSHIP",
            26: "IPV6_V6ONLY", 66: "IPV6_RECVTCLASS", 67: "IPV6_TCLASS"}
OPTNAMES = {0: IP_OPT, 1: SO, 6: TCP_OPT, 41: IPV6_OPT}
UNKNOWN_OPT = {0: "IP", 1: "SO", 6: "TCP", 41: "IPV6"}
SHUT = {0: "SHUT_RD", 1: "SHUT_WR", 2: "SHUT_RDWR"}

EPOLL_CTL = {1: "EPOLL_CTL_ADD", 2: "EPOLL_CTL_DEL", 3: "EPOLL_CTL_MOD"}
EPOLL_EVENTS: Flags = (
    (0x1, "EPOLLIN"), (0x2, "EPOLLPRI"), (0x4, "EPOLLOUT"), (0x8, "EPOLLERR"),
    (0x10, "EPOLLHUP"), (0x20, "EPOLLNVAL"), (0x40, "EPOLLRDNORM"), (0x80, "EPOLLRDBAND"),
    (0x100, "EPOLLWRNORM"), (0x200, "EPOLLWRBAND"), (0x400, "EPOLLMSG"),
    (0x2000, "EPOLLRDHUP"), (1 << 28, "EPOLLEXCLUSIVE"), (1 << 29, "EPOLLWAKEUP"),
    (1 << 30, "EPOLLONESHOT"), (1 << 31, "EPOLLET"))
EPOLL_FLAGS: Flags = ((c.EPOLL_CLOEXEC, "EPOLL_CLOEXEC"),)
EFD_FLAGS: Flags = ((1, "EFD_SEMAPHORE"), (c.EFD_CLOEXEC, "EFD_CLOEXEC"),
                    (c.EFD_NONBLOCK, "EFD_NONBLOCK"))
POLL_EVENTS: Flags = (
    (0x1, "POLLIN"), (0x2, "POLLPRI"), (0x4, "POLLOUT"), (0x8, "POLLERR"), (0x10, "POLLHUP"),
    (0x20, "POLLNVAL"), (0x40, "POLLRDNORM"), (0x80, "POLLRDBAND"), (0x100, "POLLWRNORM"),
    (0x200, "POLLWRBAND"), (0x400, "POLLMSG"), (0x2000, "POLLRDHUP"))

F_CMD = {0: "F_DUPFD", 1: "F_GETFD", 2: "F_SETFD", 3: "F_GETFL", 4: "F_SETFL", 5: "F_GETLK",
         6: "F_SETLK", 7: "F_SETLKW", 8: "F_SETOWN", 9: "F_GETOWN", 10: "F_SETSIG",
         11: "F_GETSIG", 1030: "F_DUPFD_CLOEXEC", 1031: "F_SETPIPE_SZ", 1032: "F_GETPIPE_SZ"}
FD_FLAGS: Flags = ((c.FD_CLOEXEC, "FD_CLOEXEC"),)

# Open flags: four bits differ between x86 and the other Linux ports (arm64 and friends).
if os.uname().machine in ("x86_64", "i386", "i686"):
    _O_DIRECT, _O_LARGEFILE, _O_DIRECTORY, _O_NOFOLLOW = 0o40000, 0o100000, 0o200000, 0o400000
else:
    _O_DIRECTORY, _O_NOFOLLOW, _O_DIRECT, _O_LARGEFILE = 0o40000, 0o100000, 0o200000, 0o400000
O_ACCMODE = {0: "O_RDONLY", 1: "O_WRONLY", 2: "O_RDWR", 3: "O_ACCMODE"}
O_FLAGS: Flags = (
    (0o100, "O_CREAT"), (0o200, "O_EXCL"), (0o400, "O_NOCTTY"), (0o1000, "O_TRUNC"),
    (0o2000, "O_APPEND"), (0o4000, "O_NONBLOCK"), (0o4010000, "O_SYNC"), (0o10000, "O_DSYNC"),
    (0o20000, "O_ASYNC"), (_O_DIRECT, "O_DIRECT"), (_O_LARGEFILE, "O_LARGEFILE"),
    (_O_DIRECTORY, "O_DIRECTORY"), (_O_NOFOLLOW, "O_NOFOLLOW"), (0o1000000, "O_NOATIME"),
    (0o2000000, "O_CLOEXEC"), (0o10000000, "O_PATH"), (0o20000000 | _O_DIRECTORY, "O_TMPFILE"))

# The names strace prints where Python's errno module picks an alias.
_ERRNO_ALIASES = {95: "EOPNOTSUPP", 35: "EDEADLK"}


def errname(e: int) -> str:
    """strace's symbolic name for errno e (``EAGAIN``)."""
    return _ERRNO_ALIASES.get(e) or errno.errorcode.get(e) or f"errno {e}"


def error_ret(e: int) -> str:
    """``-1 EAGAIN (Resource temporarily unavailable)``."""
    return f"-1 {errname(e)} ({os.strerror(e)})"


# ---------------------------------------------------------------------------------
# Value printers.


def flags(v: int, table: Flags, zero: str = "0") -> str:
    """Flags joined with ``|`` in table order; leftover bits in hex, as strace does."""
    if v == 0:
        return zero
    out = []
    for bit, name in table:
        if bit and v & bit == bit:
            out.append(name)
            v &= ~bit
    if v:
        out.append(hex(v))
    return "|".join(out)


def xlat(v: int, table: dict[int, str], unknown: str = "") -> str:
    """A value's name, or strace's ``0x3e7 /* SO_??? */`` for one it does not know."""
    name = table.get(v)
    if name is not None:
        return name
    if unknown:
        return f"{hex(v)} /* {unknown}_??? */"
    return str(v)


def open_flags(v: int) -> str:
    """``O_RDONLY|O_CLOEXEC``: the access mode is always printed, then the flags."""
    rest = v & ~3
    mode = O_ACCMODE[v & 3]
    return mode if not rest else mode + "|" + flags(rest, O_FLAGS)


def socktype(v: int) -> str:
    base = SOCK_TYPE.get(v & 0xF, hex(v & 0xF))
    extra = v & ~0xF
    return base if not extra else base + "|" + flags(extra, SOCK_FLAGS)


def quote(data: bytes, limit: int = -1) -> str:
    """A C string literal the way strace prints buffers: printable ASCII as is, ``\\n``
    ``\\t`` ``\\"`` ``\\\\`` and friends, everything else in the shortest octal that
    cannot be misread (three digits when an octal digit follows); limit > 0 truncates
    to that many bytes and appends ``...`` after the closing quote (``-s N``)."""
    cut = 0 <= limit < len(data)
    if cut:
        data = data[:limit]
    out = ['"']
    n = len(data)
    for i, ch in enumerate(data):
        esc = _ESCAPES.get(ch)
        if esc is not None:
            out.append(esc)
        elif 0x20 <= ch <= 0x7E:
            out.append(chr(ch))
        elif i + 1 < n and 0x30 <= data[i + 1] <= 0x37:
            out.append(f"\\{ch >> 6}{(ch >> 3) & 7}{ch & 7}")
        else:
            out.append("\\" + oct(ch)[2:])
    out.append('"')
    if cut:
        out.append("...")
    return "".join(out)


_ESCAPES = {0x22: '\\"', 0x5C: "\\\\", 0x0C: "\\f", 0x0A: "\\n", 0x0D: "\\r", 0x09: "\\t",
            0x0B: "\\v"}


def inet6_ntop(b: bytes) -> str:
    """glibc's inet_ntop(AF_INET6): the longest run (>= 2) of zero words becomes
    ``::``; ``::ffff:a.b.c.d`` and ``::a.b.c.d`` keep the IPv4 tail dotted."""
    words = [(b[i] << 8) | b[i + 1] for i in range(0, 16, 2)]
    best, best_len, cur, cur_len = -1, 0, -1, 0
    for i, w in enumerate(words):
        if w == 0:
            if cur < 0:
                cur, cur_len = i, 0
            cur_len += 1
            if cur_len > best_len:
                best, best_len = cur, cur_len
        else:
            cur = -1
    if best == 0 and (best_len == 6 or (best_len == 5 and words[5] == 0xFFFF)):
        v4 = ".".join(str(x) for x in b[12:16])
        return "::ffff:" + v4 if best_len == 5 else "::" + v4
    hexes = [f"{w:x}" for w in words]
    if best_len < 2:
        return ":".join(hexes)
    return ":".join(hexes[:best]) + "::" + ":".join(hexes[best + best_len:])


def hostport(family: int, raw: bytes) -> tuple[str, int] | None:
    """(printable address, port) of an AF_INET/AF_INET6 sockaddr."""
    if family == c.AF_INET and len(raw) >= 8:
        return ".".join(str(x) for x in raw[4:8]), (raw[2] << 8) | raw[3]
    if family == c.AF_INET6 and len(raw) >= 24:
        return inet6_ntop(raw[8:24]), (raw[2] << 8) | raw[3]
    return None


def sockaddr(raw: bytes, ifname: Callable[[int], str | None] = lambda i: None) -> str:
    """``{sa_family=AF_INET, sin_port=htons(8888), sin_addr=inet_addr("127.0.0.1")}``
    and the AF_INET6 and AF_UNIX forms; raw is the sockaddr's first addrlen bytes."""
    if len(raw) < 2:
        return "{sa_family=???}" if raw else "{}"
    fam = int.from_bytes(raw[:2], sys.byteorder)
    head = "{sa_family=" + AF.get(fam, str(fam))
    if fam == c.AF_INET and len(raw) >= 8:
        port = (raw[2] << 8) | raw[3]
        addr = ".".join(str(x) for x in raw[4:8])
        return f'{head}, sin_port=htons({port}), sin_addr=inet_addr("{addr}")}}'
    if fam == c.AF_INET6 and len(raw) >= 24:
        port = (raw[2] << 8) | raw[3]
        flow = int.from_bytes(raw[4:8], "big")
        addr = inet6_ntop(raw[8:24])
        s = (f"{head}, sin6_port=htons({port}), sin6_flowinfo=htonl({flow}), "
             f'inet_pton(AF_INET6, "{addr}", &sin6_addr)')
        if len(raw) >= 28:
            scope = int.from_bytes(raw[24:28], sys.byteorder)
            name = ifname(scope) if scope and _link_local(raw[8:24]) else None
            s += f', sin6_scope_id=if_nametoindex("{name}")' if name else f", sin6_scope_id={scope}"
        return s + "}"
    if fam == c.AF_UNIX:
        path = raw[2:]
        if not path:
            return head + "}"
        if path[0] == 0:
            return f"{head}, sun_path=@{quote(path[1:])}}}"
        return f"{head}, sun_path={quote(path.split(bytes(1), 1)[0])}}}"
    return f"{head}, sa_data={quote(raw[2:])}}}"


def _link_local(a: bytes) -> bool:
    return (a[0] == 0xFE and a[1] & 0xC0 == 0x80) or (a[0] == 0xFF and a[1] & 0xF == 2)


# ---------------------------------------------------------------------------------
# ctypes arguments: what C received.


def obj(a: Any) -> Any:
    """The object behind an argument (``ctypes.byref(x)`` keeps x in ``_obj``)."""
    return getattr(a, "_obj", a)


def address(a: Any) -> int:
    """The address C received for a pointer argument."""
    if a is None:
        return 0
    if isinstance(a, int):
        return a
    if isinstance(a, bytes):
        return ctypes.cast(ctypes.c_char_p(a), ctypes.c_void_p).value or 0
    o = obj(a)
    if isinstance(o, (ctypes._SimpleCData, ctypes.Structure, ctypes.Union, ctypes.Array)):
        return ctypes.addressof(o)
    return 0


def pointer(a: Any) -> str:
    p = address(a)
    return hex(p) if p else "NULL"


def memory(a: Any, n: int) -> bytes:
    """n bytes at pointer argument a."""
    if n <= 0:
        return b""
    if isinstance(a, bytes):
        return a[:n]
    p = address(a)
    return ctypes.string_at(p, n) if p else b""


def uint(a: Any) -> int:
    """The value of an integer out-parameter (``byref(c_uint32)``)."""
    return int(obj(a).value)


# ---------------------------------------------------------------------------------
# Decoders.


class Context(Protocol):
    strsize: int

    def fd(self, n: int) -> str: ...

    def dirfd(self, n: int) -> str: ...

    def ifname(self, index: int) -> str | None: ...


Args = tuple[Any, ...]
Enter = Callable[[Args, Context], str]
Exit = Callable[[Args, int, Context, int], str]
Ret = Callable[[Args, int, Context], str]


class Decoder:
    """How strace prints one syscall: its entering half, exiting half and result."""

    __slots__ = ("enter", "exit", "ret")

    def __init__(self, enter: Enter, exit: Exit | None = None, ret: Ret | None = None) -> None:
        self.enter = enter
        self.exit = exit
        self.ret = ret


def _num(args: Args, ret: int, ctx: Context) -> str:
    return str(ret)


def _newfd(args: Args, ret: int, ctx: Context) -> str:
    return ctx.fd(ret)


def _sa(ctx: Context, a: Any, n: int) -> str:
    return sockaddr(memory(a, n), ctx.ifname) if address(a) else "NULL"


def _vr_len(before: int, after: int) -> str:
    """A value-result length: ``[112 => 16]``, or ``[16]`` when it did not change."""
    return f"[{before}]" if before == after else f"[{before} => {after}]"


def _socket(a: Args, x: Context) -> str:
    fam, typ, proto = a[0], a[1], a[2]
    p = xlat(proto, IPPROTO) if fam in (c.AF_INET, c.AF_INET6) else str(proto)
    return f"{xlat(fam, AF)}, {socktype(typ)}, {p}"


def _fd_sa_len(a: Args, x: Context) -> str:
    return f"{x.fd(a[0])}, {_sa(x, a[1], a[2])}, {a[2]}"


def _fd_int(a: Args, x: Context) -> str:
    return f"{x.fd(a[0])}, {a[1]}"


def _fd_only(a: Args, x: Context) -> str:
    return x.fd(a[0])


def _fd_then(a: Args, x: Context) -> str:
    return x.fd(a[0]) + ", "


def len_before(name: str, a: Args) -> int:
    """The value-result length argument's value before the call (the kernel overwrites
    it), for the calls that have one; the tracer reads it in its ``before``."""
    i = VALUE_RESULT_LEN.get(name)
    if i is None or len(a) <= i or not address(a[i]):
        return 0
    return uint(a[i])


def _accept4_exit(a: Args, ret: int, x: Context, before: int) -> str:
    fl = flags(a[3], SOCK_FLAGS)
    if not address(a[1]):
        return f"NULL, NULL, {fl}"
    if ret < 0:
        return f"{pointer(a[1])}, [{before}], {fl}"
    after = uint(a[2])
    return f"{_sa(x, a[1], min(after, before))}, {_vr_len(before, after)}, {fl}"


def _name_exit(a: Args, ret: int, x: Context, before: int) -> str:
    if ret < 0:
        return f"{pointer(a[1])}, [{before}]"
    after = uint(a[2])
    return f"{_sa(x, a[1], min(after, before))}, {_vr_len(before, after)}"


def _optname(level: int, opt: int) -> str:
    names = OPTNAMES.get(level)
    if names is None:
        return str(opt)
    return xlat(opt, names, UNKNOWN_OPT[level])


def _optval(level: int, opt: int, a: Any, n: int) -> str:
    if level == c.SOL_SOCKET and opt == c.SO_LINGER and n >= 8:
        raw = memory(a, 8)
        on = int.from_bytes(raw[:4], sys.byteorder, signed=True)
        secs = int.from_bytes(raw[4:8], sys.byteorder, signed=True)
        return f"{{l_onoff={on}, l_linger={secs}}}"
    if n == 4:
        v = int.from_bytes(memory(a, 4), sys.byteorder, signed=True)
        if level == c.SOL_SOCKET and opt == c.SO_ERROR and v > 0:
            return f"[{errname(v)}]"
        return f"[{v}]"
    return pointer(a)


def _setsockopt(a: Args, x: Context) -> str:
    fd, level, opt, val, n = a[:5]
    return (f"{x.fd(fd)}, {xlat(level, SOL)}, {_optname(level, opt)}, "
            f"{_optval(level, opt, val, n)}, {n}")


def _getsockopt_enter(a: Args, x: Context) -> str:
    return f"{x.fd(a[0])}, {xlat(a[1], SOL)}, {_optname(a[1], a[2])}, "


def _getsockopt_exit(a: Args, ret: int, x: Context, before: int) -> str:
    if ret < 0:
        return f"{pointer(a[3])}, [{before}]"
    after = uint(a[4])
    return f"{_optval(a[1], a[2], a[3], min(before, after))}, {_vr_len(before, after)}"


def _read_exit(a: Args, ret: int, x: Context, before: int) -> str:
    buf = pointer(a[1]) if ret < 0 else quote(memory(a[1], ret), x.strsize)
    return f"{buf}, {a[2]}"


def _write(a: Args, x: Context) -> str:
    return f"{x.fd(a[0])}, {quote(memory(a[1], a[2]), x.strsize)}, {a[2]}"


def _writev(a: Args, x: Context) -> str:
    iov, n = a[1], a[2]
    items = []
    arr = obj(iov)
    for i in range(min(n, x.strsize)):
        v = arr[i]
        base = quote(ctypes.string_at(v.iov_base, v.iov_len), x.strsize) if v.iov_base else "NULL"
        items.append(f"{{iov_base={base}, iov_len={v.iov_len}}}")
    if n > x.strsize:
        items.append("...")
    return f"{x.fd(a[0])}, [{', '.join(items)}], {n}"


def _fcntl(a: Args, x: Context) -> str:
    fd, cmd, arg = a[0], a[1], a[2] if len(a) > 2 else 0
    head = f"{x.fd(fd)}, {xlat(cmd, F_CMD)}"
    if cmd in (c.F_GETFD, c.F_GETFL, 9, 11, 1032):
        return head
    if cmd == c.F_SETFD:
        return f"{head}, {flags(arg, FD_FLAGS)}"
    if cmd == c.F_SETFL:
        return f"{head}, {open_flags(arg)}"
    return f"{head}, {arg}"


def _fcntl_ret(a: Args, ret: int, x: Context) -> str:
    cmd = a[1]
    if cmd == c.F_GETFD:
        return "0" if ret == 0 else f"{hex(ret)} (flags {flags(ret, FD_FLAGS)})"
    if cmd == c.F_GETFL:
        return f"{hex(ret) if ret else '0'} (flags {open_flags(ret)})"
    if cmd in (0, 1030):
        return x.fd(ret)
    return str(ret)


def _openat(a: Args, x: Context) -> str:
    dirfd, path, fl = a[0], a[1], a[2]
    p = quote(path if isinstance(path, bytes) else memory(path, 4096).split(bytes(1))[0])
    s = f"{x.dirfd(dirfd)}, {p}, {open_flags(fl)}"
    if fl & 0o100 or fl & 0o20000000:
        s += f", 0{a[3]:o}" if a[3] else ", 000"
    return s


def _epoll_event(ev: Any) -> str:
    d = int(ev.data)
    return (f"{{events={flags(ev.events, EPOLL_EVENTS)}, "
            f"data={{u32={d & 0xFFFFFFFF}, u64={d}}}}}")


def _epoll_ctl(a: Args, x: Context) -> str:
    epfd, op, fd, ev = a[:4]
    o = obj(ev)
    evs = pointer(ev) if op == c.EPOLL_CTL_DEL or o is None else _epoll_event(o)
    return f"{x.fd(epfd)}, {xlat(op, EPOLL_CTL)}, {x.fd(fd)}, {evs}"


def _event_list(arr: Any, n: int, limit: int) -> str:
    items = [_epoll_event(arr[i]) for i in range(min(n, limit))]
    if n > limit:
        items.append("...")
    return "[" + ", ".join(items) + "]"


def _epoll_pwait_exit(a: Args, ret: int, x: Context, before: int) -> str:
    arr = obj(a[1])
    evs = pointer(a[1]) if ret < 0 else _event_list(arr, ret, x.strsize)
    sigmask = pointer(a[4]) if len(a) > 4 else "NULL"
    # glibc's epoll_pwait passes the kernel sigset size (_NSIG / 8) as a 6th argument.
    return f"{evs}, {a[2]}, {a[3]}, {sigmask}, 8"


def _poll_enter(a: Args, x: Context) -> str:
    arr, n = obj(a[0]), a[1]
    items = [f"{{fd={x.fd(arr[i].fd)}, events={flags(arr[i].events & 0xFFFF, POLL_EVENTS)}}}"
             for i in range(min(n, x.strsize))]
    if n > x.strsize:
        items.append("...")
    return f"[{', '.join(items)}], {n}, {a[2]}"


def _poll_ret(a: Args, ret: int, x: Context) -> str:
    if ret == 0:
        return "0 (Timeout)"
    arr, n = obj(a[0]), a[1]
    items = [f"{{fd={arr[i].fd}, revents={flags(arr[i].revents & 0xFFFF, POLL_EVENTS)}}}"
             for i in range(n) if arr[i].revents]
    return f"{ret} ([{', '.join(items)}])"


def _pipe_exit(a: Args, ret: int, x: Context, before: int) -> str:
    if ret < 0:
        fds = pointer(a[0])
    else:
        arr = obj(a[0])
        fds = f"[{x.fd(arr[0])}, {x.fd(arr[1])}]"
    return fds + (f", {open_flags(a[1]) if a[1] else 0}" if len(a) > 1 else "")


def _uname_exit(a: Args, ret: int, x: Context, before: int) -> str:
    if ret < 0:
        return pointer(a[0])
    u = obj(a[0])
    return f"{{sysname={quote(u.sysname)}, nodename={quote(u.nodename)}, ...}}"


def _generic(a: Args, x: Context) -> str:
    return ", ".join(_generic_arg(v) for v in a)


def _generic_arg(v: Any) -> str:
    if v is None:
        return "NULL"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, bytes):
        return quote(v)
    return pointer(v)


def _nothing(a: Args, x: Context) -> str:
    return ""


DECODERS: dict[str, Decoder] = {
    "socket": Decoder(_socket, ret=_newfd),
    "bind": Decoder(_fd_sa_len),
    "connect": Decoder(_fd_sa_len),
    "listen": Decoder(_fd_int),
    "accept4": Decoder(_fd_then, _accept4_exit, _newfd),
    "getsockname": Decoder(_fd_then, _name_exit),
    "getpeername": Decoder(_fd_then, _name_exit),
    "setsockopt": Decoder(_setsockopt),
    "getsockopt": Decoder(_getsockopt_enter, _getsockopt_exit),
    "shutdown": Decoder(lambda a, x: f"{x.fd(a[0])}, {xlat(a[1], SHUT)}"),
    "read": Decoder(_fd_then, _read_exit),
    "write": Decoder(_write),
    "writev": Decoder(_writev),
    "close": Decoder(_fd_only),
    "fcntl": Decoder(_fcntl, ret=_fcntl_ret),
    "openat": Decoder(_openat, ret=_newfd),
    "epoll_create1": Decoder(lambda a, x: flags(a[0], EPOLL_FLAGS), ret=_newfd),
    "epoll_ctl": Decoder(_epoll_ctl),
    "epoll_pwait": Decoder(_fd_then, _epoll_pwait_exit),
    "eventfd2": Decoder(lambda a, x: f"{a[0]}, {flags(a[1], EFD_FLAGS)}", ret=_newfd),
    "poll": Decoder(_poll_enter, ret=_poll_ret),
    "pipe": Decoder(_nothing, _pipe_exit),
    "pipe2": Decoder(_nothing, _pipe_exit),
    "uname": Decoder(_nothing, _uname_exit),
}

# Calls whose value-result length (the argument at this index) is read before the call.
VALUE_RESULT_LEN = {"accept4": 2, "getsockname": 2, "getpeername": 2, "getsockopt": 4}

GENERIC = Decoder(_generic)
