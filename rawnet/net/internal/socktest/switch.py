"""The Switch: socktest's tables and filters, and the rules rawnet adds (Go:
src/net/internal/socktest/switch.go, switch_posix.go).

Counters. ``Stat`` counts per socket kind (family, type, protocol), as socktest
does, what the stack saw, injected faults included. Unlike socktest, a Cookie holds
what the kernel reports for the socket (``SO_DOMAIN``, ``SO_TYPE``, ``SO_PROTOCOL``):
the bare socket type (``SOCK_NONBLOCK|SOCK_CLOEXEC`` masked off) and the protocol
the kernel picked for 0 (TCP for an Internet stream socket), so a socket opened
before the switch and one opened inside count under the same kind. And
"would block" results (``EAGAIN`` from accept; ``EINPROGRESS``, ``EALREADY`` and
``EINTR`` from connect or in ``SO_ERROR``) are not failures. A connect counts as
failed when connect(2) fails outright or ``SO_ERROR`` reports an error.
"""

from __future__ import annotations

import enum
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from rawnet.sys import gate
from rawnet.sys import zerrors_linux as c
from rawnet.sys.errno import (
    EAGAIN,
    EALREADY,
    EBADF,
    EINPROGRESS,
    EINTR,
    EISCONN,
    Errno,
)
from rawnet.sys.gate import Entry

from .sys_unix import (
    Action,
    Fail,
    Short,
    SocketError,
    apply,
    fdKind,
    intArg,
    isSOError,
    nonSocketCreators,
    otherFdArg,
    socketFdArg,
    socketKind,
)

# ---------------------------------------------------------------------------------
# Cookies, statuses, stats (Go: switch.go).


class Cookie(int):
    """The 3-tuple of a socket: address family, socket type and protocol number."""

    def Family(self) -> int:
        return int(self) >> 48

    def Type(self) -> int:
        return (int(self) >> 16) & 0xFFFFFFFF

    def Protocol(self) -> int:
        return int(self) & 0xFF

    def __repr__(self) -> str:
        return (f"Cookie({_family(self.Family())}, {_type(self.Type())}, "
                f"{_protocol(self.Protocol())})")


def cookie(family: int, sotype: int, proto: int) -> Cookie:
    return Cookie(family << 48 | (sotype & 0xFFFFFFFF) << 16 | proto & 0xFF)


def _family(f: int) -> str:
    return {c.AF_INET: "inet4", c.AF_INET6: "inet6", c.AF_UNIX: "local"}.get(f, str(f))


def _type(t: int) -> str:
    return {c.SOCK_STREAM: "stream", c.SOCK_DGRAM: "data-gram", c.SOCK_RAW: "raw",
            c.SOCK_SEQPACKET: "seqpacket"}.get(t, str(t))


def _protocol(p: int) -> str:
    return {0: "default", c.IPPROTO_TCP: "tcp", 17: "udp"}.get(p, str(p))


@dataclass
class Status:
    """What a filter or a rule's predicate sees of one call (Go: socktest.Status).

    ``Cookie`` is the kind of the socket the call is about (None for a descriptor
    that is not a socket). In the table :meth:`Switch.Sockets` returns, ``Err`` is
    the last error a call on the socket returned and ``SocketErr`` the last error
    ``SO_ERROR`` reported; before a call both are None. ``Syscall`` (the strace
    name), ``Fd`` (the descriptor the call is about, -1 for none: the target fd of
    epoll_ctl) and ``Args`` (the C arguments as passed) are rawnet's.
    """

    Cookie: Cookie | None
    Err: Errno | None = None
    SocketErr: Errno | None = None
    Syscall: str = ""
    Fd: int = -1
    Args: tuple[Any, ...] = ()

    def __str__(self) -> str:
        ck = self.Cookie
        if ck is None:
            kind = "(not a socket)"
        else:
            kind = f"({_family(ck.Family())}, {_type(ck.Type())}, {_protocol(ck.Protocol())})"
        return f"{kind}: syscallerr={self.Err}, socketerr={self.SocketErr}"


@dataclass
class Stat:
    """Per-socket-kind statistics (Go: socktest.Stat)."""

    Family: int
    Type: int
    Protocol: int
    Opened: int = 0
    Connected: int = 0
    Listened: int = 0
    Accepted: int = 0
    Closed: int = 0
    OpenFailed: int = 0
    ConnectFailed: int = 0
    ListenFailed: int = 0
    AcceptFailed: int = 0
    CloseFailed: int = 0

    def __str__(self) -> str:
        return (f"({_family(self.Family)}, {_type(self.Type)}, {_protocol(self.Protocol)}): "
                f"opened={self.Opened}, connected={self.Connected}, "
                f"listened={self.Listened}, accepted={self.Accepted}, closed={self.Closed}, "
                f"openfailed={self.OpenFailed}, connectfailed={self.ConnectFailed}, "
                f"listenfailed={self.ListenFailed}, acceptfailed={self.AcceptFailed}, "
                f"closefailed={self.CloseFailed}")


@dataclass
class CallStat:
    """Per-syscall counters (rawnet): calls seen, calls that returned an error
    (injected ones included), and faults injected."""

    Calls: int = 0
    Failed: int = 0
    Injected: int = 0


class FilterType(enum.IntEnum):
    """The call kind a filter is set for (Go: socktest.FilterType; Go's six first,
    then rawnet's)."""

    FilterSocket = 0  # socket
    FilterConnect = 1  # connect
    FilterListen = 2  # listen
    FilterAccept = 3  # accept4, accept
    FilterGetsockoptInt = 4  # getsockopt
    FilterClose = 5  # close
    FilterRead = 6  # read
    FilterWrite = 7  # write, writev
    FilterEpollCtl = 8  # epoll_ctl (about its target fd)
    FilterSetsockopt = 9  # setsockopt


FilterSocket = FilterType.FilterSocket
FilterConnect = FilterType.FilterConnect
FilterListen = FilterType.FilterListen
FilterAccept = FilterType.FilterAccept
FilterGetsockoptInt = FilterType.FilterGetsockoptInt
FilterClose = FilterType.FilterClose
FilterRead = FilterType.FilterRead
FilterWrite = FilterType.FilterWrite
FilterEpollCtl = FilterType.FilterEpollCtl
FilterSetsockopt = FilterType.FilterSetsockopt

_filterTypes: dict[str, FilterType] = {
    "socket": FilterSocket,
    "connect": FilterConnect,
    "listen": FilterListen,
    "accept4": FilterAccept,
    "accept": FilterAccept,
    "getsockopt": FilterGetsockoptInt,
    "close": FilterClose,
    "read": FilterRead,
    "write": FilterWrite,
    "writev": FilterWrite,
    "epoll_ctl": FilterEpollCtl,
    "setsockopt": FilterSetsockopt,
}


# ---------------------------------------------------------------------------------
# Filters and rules.


Filter = Callable[[Status], Action | None]
"""Go's Filter: called before each call of its kind on a socket; returning a fault
injects it, returning None lets the call through. (Go's Filter returns an
AfterFilter and an error; ``Fail(e, after=True)`` is what an AfterFilter that fails
the call does.)"""


@dataclass
class Rule:
    """One declarative fault (see :meth:`Switch.inject`). ``seen`` counts the calls
    that matched, ``injected`` the faults injected so far."""

    call: str
    action: Action
    fd: int | None = None
    family: int | None = None
    sotype: int | None = None
    nth: int = 1
    times: int | None = 1
    when: Callable[[Status], bool] | None = None
    seen: int = 0
    injected: int = 0
    switch: Switch | None = field(default=None, repr=False)

    def _matches(self, st: Status) -> bool:
        if st.Syscall != self.call:
            return False
        if self.fd is not None:
            if st.Fd != self.fd:
                return False
        elif st.Syscall in socketFdArg and st.Cookie is None:
            return False  # not a socket, and not named
        ck = st.Cookie
        if self.family is not None and (ck is None or ck.Family() != self.family):
            return False
        if self.sotype is not None and (ck is None or ck.Type() != self.sotype):
            return False
        if isinstance(self.action, SocketError) and not isSOError(st.Args):
            return False
        return self.when is None or self.when(st)

    def _take(self, st: Status) -> bool:
        """Count a call; report whether this one gets the fault."""
        if self.times is not None and self.injected >= self.times:
            return False
        if not self._matches(st):
            return False
        self.seen += 1
        if self.seen < self.nth:
            return False
        self.injected += 1
        return True

    @property
    def exhausted(self) -> bool:
        return self.times is not None and self.injected >= self.times


# ---------------------------------------------------------------------------------
# The switch.


class Switch:
    """A gate hook that injects faults and keeps socktest's tables (Go:
    socktest.Switch). Use it as a context manager; it is active inside the block."""

    def __init__(self) -> None:
        self._mu = threading.RLock()  # a predicate may make calls itself
        self._fltab: dict[FilterType, Filter] = {}
        self._rules: list[Rule] = []
        self._names: frozenset[str] = frozenset()  # calls a filter or rule is about
        self._sotab: dict[int, Status] = {}  # sockets opened while installed
        self._kinds: dict[int, Cookie | None] = {}  # every fd seen: its kind
        self._stats: dict[Cookie, Stat] = {}
        self._calls: dict[str, CallStat] = {}
        self._installed = False

    # --- Go's API ----------------------------------------------------------------

    def Set(self, t: FilterType, f: Filter | None) -> None:
        """Deploy filter f for call kind t (None removes it)."""
        with self._mu:
            if f is None:
                self._fltab.pop(t, None)
            else:
                self._fltab[t] = f
            self._reindex()

    def Stats(self) -> list[Stat]:
        """Per-cookie statistics, copied."""
        with self._mu:
            return [Stat(**vars(s)) for s in self._stats.values()]

    def Sockets(self) -> dict[int, Status]:
        """The sockets opened (socket, accept4) while the switch was installed and not
        closed since: descriptor -> status."""
        with self._mu:
            return dict(self._sotab)

    # --- rawnet's API --------------------------------------------------------------

    def inject(
        self,
        call: str,
        action: Action | None = None,
        *,
        errno: int | None = None,
        after: bool = False,
        short: int | None = None,
        so_error: int | None = None,
        fd: int | None = None,
        family: int | None = None,
        sotype: int | None = None,
        nth: int = 1,
        times: int | None = 1,
        when: Callable[[Status], bool] | None = None,
    ) -> Rule:
        """Add a rule: the nth call named ``call`` (strace name: "read", "accept4",
        "epoll_ctl"…) that matches fd, family, sotype and the predicate ``when``,
        and the ``times - 1`` matching calls after it (all of them when times is
        None), get the fault: ``action``, or one of ``errno=`` (:class:`Fail`, with
        ``after``), ``short=`` (:class:`Short`), ``so_error=`` (:class:`SocketError`).

        Without fd, a rule on a call about a descriptor touches sockets only. Rules
        are tried in the order they were added; the first that takes a call wins,
        and filters set with :meth:`Set` see only calls no rule took.
        """
        given = [a for a in (action, errno, short, so_error) if a is not None]
        if len(given) != 1:
            raise ValueError("inject: give exactly one of action, errno, short, so_error")
        if action is None:
            if errno is not None:
                action = Fail(errno, after)
            elif short is not None:
                action = Short(short)
            else:
                assert so_error is not None
                action = SocketError(so_error)
        if isinstance(action, Short) and call not in ("read", "write"):
            raise ValueError(f"inject: a short count applies to read and write, not {call}")
        if isinstance(action, SocketError) and call != "getsockopt":
            raise ValueError(f"inject: so_error applies to getsockopt, not {call}")
        if nth < 1:
            raise ValueError("inject: nth counts from 1")
        rule = Rule(call, action, fd, family, sotype, nth, times, when, switch=self)
        with self._mu:
            self._rules.append(rule)
            self._reindex()
        return rule

    def remove(self, rule: Rule) -> None:
        """Stop a rule before the end of the block."""
        with self._mu:
            self._rules.remove(rule)
            self._reindex()

    def Calls(self) -> dict[str, CallStat]:
        """Per-syscall counters (by strace name), copied."""
        with self._mu:
            return {k: CallStat(**vars(v)) for k, v in self._calls.items()}

    def Injected(self) -> int:
        """How many faults were injected in all."""
        with self._mu:
            return sum(s.Injected for s in self._calls.values())

    def __enter__(self) -> Switch:
        if self._installed:
            raise RuntimeError("socktest: Switch already installed")
        self._installed = True
        gate.add_hook(self)
        return self

    def __exit__(self, *exc: object) -> None:
        gate.remove_hook(self)
        self._installed = False

    # --- the gate hook -----------------------------------------------------------

    def _reindex(self) -> None:
        names = {r.call for r in self._rules}
        names.update(n for n, t in _filterTypes.items() if t in self._fltab)
        self._names = frozenset(names)

    def _kind(self, fd: int) -> Cookie | None:
        """The kind of descriptor fd: from the calls seen, else asked of the kernel."""
        try:
            return self._kinds[fd]
        except KeyError:
            pass
        kind = fdKind(fd)
        ck = None if kind is None else cookie(*kind)
        self._kinds[fd] = ck
        return ck

    def _status(self, name: str, args: tuple[Any, ...]) -> Status:
        if name == "socket":
            return Status(cookie(*socketKind(args)), Syscall=name, Args=args)
        i = socketFdArg.get(name)
        if i is None:
            i = otherFdArg.get(name)
            if i is None:
                return Status(None, Syscall=name, Args=args)
            return Status(None, Syscall=name, Fd=args[i], Args=args)
        fd = args[i]
        return Status(self._kind(fd), Syscall=name, Fd=fd, Args=args)

    def before(self, entry: Entry, args: tuple[Any, ...]) -> int | None:
        name = entry.name
        if name not in self._names:
            return None
        with self._mu:
            st = self._status(name, args)
            action: Action | None = None
            for rule in self._rules:
                if rule._take(st):
                    action = rule.action
                    break
            f = None
            if action is None:
                t = _filterTypes.get(name)
                f = self._fltab.get(t) if t is not None else None
        if action is None and f is not None and (st.Cookie is not None or name == "socket"):
            action = f(st)  # outside the lock: a filter may do anything
        if action is None:
            return None
        with self._mu:
            self._calls.setdefault(name, CallStat()).Injected += 1
        return apply(action, entry, args)

    def after(self, entry: Entry, args: tuple[Any, ...], ret: int) -> None:
        name = entry.name
        with self._mu:
            cs = self._calls.setdefault(name, CallStat())
            cs.Calls += 1
            if ret < 0:
                cs.Failed += 1
            if name == "socket":
                self._opened(cookie(*socketKind(args)), ret, False)
            elif name in ("accept4", "accept"):
                ck = self._kind(args[0])
                if ck is not None:
                    self._opened(ck, ret, True)
            elif name == "close":
                self._closed(args[0], ret)
            elif name in nonSocketCreators:
                if ret >= 0:
                    self._kinds[ret] = None
            elif name == "connect":
                self._connected(args[0], -ret if ret < 0 else 0, False)
            elif name == "listen":
                self._listen(args[0], ret)
            elif name == "getsockopt" and isSOError(args) and ret == 0:
                self._connected(args[0], intArg(args[3]).value, True)

    # The bookkeeping below runs with _mu held.

    def _stat(self, ck: Cookie) -> Stat:
        s = self._stats.get(ck)
        if s is None:
            s = self._stats[ck] = Stat(ck.Family(), ck.Type(), ck.Protocol())
        return s

    def _opened(self, ck: Cookie, ret: int, accepted: bool) -> None:
        st = self._stat(ck)
        if ret >= 0:
            self._kinds[ret] = ck
            self._sotab[ret] = Status(ck, Fd=ret)
            if accepted:
                st.Accepted += 1
            else:
                st.Opened += 1
        elif accepted:
            if -ret != EAGAIN:
                st.AcceptFailed += 1
        else:
            st.OpenFailed += 1

    def _closed(self, fd: int, ret: int) -> None:
        ck = self._kinds.get(fd)
        if ret < 0 and -ret == EBADF:
            return  # nothing was closed
        # Linux releases the descriptor even when close reports an error (EINTR, EIO).
        self._kinds.pop(fd, None)
        self._sotab.pop(fd, None)
        if ck is not None:
            if ret == 0:
                self._stat(ck).Closed += 1
            else:
                self._stat(ck).CloseFailed += 1

    def _connected(self, fd: int, e: int, soerr: bool) -> None:
        """Count the outcome e of connect(2) (soerr False) or of SO_ERROR (True)."""
        ck = self._kinds.get(fd)
        if ck is None or e in (EINPROGRESS, EALREADY, EINTR):
            return
        if e in (0, EISCONN):
            self._stat(ck).Connected += 1
            return
        so = self._sotab.get(fd)
        if so is not None:
            if soerr:
                so.SocketErr = Errno(e)
            else:
                so.Err = Errno(e)
        self._stat(ck).ConnectFailed += 1

    def _listen(self, fd: int, ret: int) -> None:
        ck = self._kinds.get(fd)
        if ck is None:
            return
        if ret == 0:
            self._stat(ck).Listened += 1
        else:
            self._stat(ck).ListenFailed += 1
            so = self._sotab.get(fd)
            if so is not None:
                so.Err = Errno(-ret)


@contextmanager
def inject(
    call: str,
    action: Action | None = None,
    **kw: Any,
) -> Iterator[Rule]:
    """One rule in a switch of its own, for the block:
    ``with inject("read", errno=ECONNRESET, fd=fd) as rule: ...`` (arguments as
    :meth:`Switch.inject`; ``rule.switch`` is the switch, for its counters)."""
    with Switch() as sw:
        yield sw.inject(call, action, **kw)


__all__ = [
    "CallStat",
    "Cookie",
    "Filter",
    "FilterAccept",
    "FilterClose",
    "FilterConnect",
    "FilterEpollCtl",
    "FilterGetsockoptInt",
    "FilterListen",
    "FilterRead",
    "FilterSetsockopt",
    "FilterSocket",
    "FilterType",
    "FilterWrite",
    "Rule",
    "Stat",
    "Status",
    "Switch",
    "cookie",
    "inject",
]
