"""The syscall gate: the one choke point every libc call of rawnet passes through.

Each C function rawnet uses is one :class:`Entry` (its strace name and its ctypes
function). Every call goes through :func:`syscall`, which follows the kernel's raw
syscall convention instead of raising: it returns the non-negative result, or
``-errno`` on failure. Errors are rare on the hot path except ``EAGAIN``, and a
Python exception per ``EAGAIN`` would cost more than the syscall itself; the layers
above turn a negative result into an :class:`~rawnet.sys.errno.Errno` only where Go
returns an error.

Hooks (a tracer, a recorder, fault injection) register with :func:`add_hook`. While
none is registered the gate costs one truth test of a module global per call.
A hook may answer a call itself (``before`` returns an int: the call is not made,
that value is returned, as a fault injector does) and sees every result (``after``).
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Final, Protocol

get_errno: Final = ctypes.get_errno
set_errno: Final = ctypes.set_errno


class Entry:
    """One C function behind the gate: the name strace prints and the ctypes function."""

    __slots__ = ("name", "fn", "blocking")

    def __init__(self, name: str, fn: Callable[..., int], blocking: bool) -> None:
        self.name = name
        self.fn = fn
        # blocking: the function was loaded through ctypes.CDLL, which releases the
        # GIL around the call; the others come from ctypes.PyDLL and keep it.
        self.blocking = blocking

    def __repr__(self) -> str:
        return f"<syscall {self.name}>"


class Hook(Protocol):
    def before(self, entry: Entry, args: tuple[Any, ...]) -> int | None: ...

    def after(self, entry: Entry, args: tuple[Any, ...], ret: int) -> None: ...


_hooks: Final[list[Hook]] = []


def syscall(entry: Entry, *args: Any) -> int:
    """Call entry with args; return its result, or -errno on failure."""
    if _hooks:
        return _hooked(entry, args)
    # In two steps: the mypyc build compiles entry.fn(...) as a method call, which
    # finds fn by a generic getattr; entry.fn alone is read from the slot.
    fn = entry.fn
    r = fn(*args)
    if r < 0:
        return -get_errno()
    return r


def _hooked(entry: Entry, args: tuple[Any, ...]) -> int:
    hooks = tuple(_hooks)
    r: int | None = None
    for h in hooks:
        r = h.before(entry, args)
        if r is not None:
            break
    if r is None:
        r = entry.fn(*args)
        if r < 0:
            r = -get_errno()
    for h in hooks:
        h.after(entry, args, r)
    return r


def add_hook(h: Hook) -> None:
    _hooks.append(h)


def remove_hook(h: Hook) -> None:
    _hooks.remove(h)


class Call:
    """One recorded call: its entry, the C arguments as passed, and the gate's result."""

    __slots__ = ("entry", "args", "ret")

    def __init__(self, entry: Entry, args: tuple[Any, ...], ret: int) -> None:
        self.entry = entry
        self.args = args
        self.ret = ret

    @property
    def name(self) -> str:
        return self.entry.name

    def __repr__(self) -> str:
        return f"{self.name}{self.args!r} = {self.ret}"


class Recorder:
    """A hook that keeps every call made while it is installed."""

    def __init__(self) -> None:
        self.calls: list[Call] = []

    def before(self, entry: Entry, args: tuple[Any, ...]) -> int | None:
        return None

    def after(self, entry: Entry, args: tuple[Any, ...], ret: int) -> None:
        self.calls.append(Call(entry, args, ret))

    def names(self) -> list[str]:
        return [c.name for c in self.calls]


@contextmanager
def record() -> Iterator[Recorder]:
    """``with record() as rec:`` keeps the calls made inside the block in ``rec.calls``."""
    rec = Recorder()
    add_hook(rec)
    try:
        yield rec
    finally:
        remove_hook(rec)
