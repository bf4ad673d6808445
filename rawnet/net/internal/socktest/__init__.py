"""Fault injection at the syscall gate (Go: src/net/internal/socktest, reshaped for a gate
that sees every call).

Go's net tests route socket, connect, listen, accept, getsockopt and close through a
``socktest.Switch``: a table of filters, one per call kind, that may fail a call
before it is made, plus a table of the sockets it saw opened and per-socket-kind
counters. rawnet needs no test hooks in the stack for that, since every libc call
already passes through :mod:`rawnet.sys.gate`: a :class:`Switch` is a gate hook.

What is kept from Go: the names (``Switch``, ``Set``, ``Filter``, ``FilterType``
with ``FilterSocket`` … ``FilterClose``, ``Status``, ``Stat``, ``Cookie``,
``Stats()``, ``Sockets()``) and the rule that a filter sees only *sockets*: a call
on the poller's epoll fd or eventfd is never touched unless a rule names that fd.

What rawnet adds:

* more call kinds (``FilterRead``, ``FilterWrite``, ``FilterEpollCtl``,
  ``FilterSetsockopt``), and rules for any call by its strace name;
* declarative rules (:meth:`Switch.inject`): by call name, optionally by fd, family,
  socket type, a predicate, the Nth matching call and a number of times, each with
  its own counters;
* three kinds of fault (:class:`Fail`, :class:`Short`, :class:`SocketError`), where
  Go's filters can only fail a call;
* per-call counters (:meth:`Switch.Calls`).

A Switch is a context manager, so a fault cannot outlive the test that set it::

    with socktest.Switch() as sw:
        sw.inject("accept4", errno=ECONNABORTED, times=3)
        conn = ln.Accept()          # retried three times, silently
    sw.Stats()                      # [Stat(AF_INET, SOCK_STREAM, 0, Accepted=1, AcceptFailed=3)]

or, for one rule, ``with socktest.inject("read", errno=ECONNRESET, fd=fd) as rule:``.

The modules follow Go's files: :mod:`.switch` (switch.go, switch_posix.go: the
Switch, its tables, filters, rules and counters) and :mod:`.sys_unix` (sys_unix.go:
what the switch knows about each call it intercepts, and how each kind of fault is
carried out).

Nothing in rawnet imports this package: only a test or program that injects faults
loads it (tests/test_layering.py checks that ``import rawnet`` and a round trip leave
it out).
"""

from .switch import (
    CallStat,
    Cookie,
    Filter,
    FilterAccept,
    FilterClose,
    FilterConnect,
    FilterEpollCtl,
    FilterGetsockoptInt,
    FilterListen,
    FilterRead,
    FilterSetsockopt,
    FilterSocket,
    FilterType,
    FilterWrite,
    Rule,
    Stat,
    Status,
    Switch,
    cookie,
    inject,
)
from .sys_unix import Action, Fail, Short, SocketError

__all__ = [
    "Action",
    "CallStat",
    "Cookie",
    "Fail",
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
    "Short",
    "SocketError",
    "Stat",
    "Status",
    "Switch",
    "cookie",
    "inject",
]
