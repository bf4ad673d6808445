"""rawnet's built-in strace: every call through the syscall gate, printed the way
``strace`` prints it, so that the two can be diffed line by line.

    RAWNET_TRACE=1 python app.py                 # to stderr
    RAWNET_TRACE=/tmp/trace.txt python app.py    # to a file (strace's -o)
    RAWNET_TRACE_OPTS="-f -yy -e trace=%net" RAWNET_TRACE=1 python app.py
    python -m rawnet trace -f -yy -- app.py args...

    from rawnet import strace
    with strace.trace(sys.stderr, decode_fds=2):
        ...
    strace.start_trace("/tmp/trace.txt", follow=True); ...; strace.stop_trace()

Options mirror strace's: ``-f`` (trace every thread, prefix ``[pid  TID]``),
``-t``/``-tt``/``-ttt`` (timestamps), ``-T`` (time spent in the call), ``-y``/``-yy``
(fd decoration), ``-s N`` (string length), ``-e trace=`` (names, ``%net``,
``%desc``, ``%file``, ``all``, ``!`` to negate), ``-o FILE``.

What strace does that this cannot: it shows the interpreter's own system calls too
(imports, ``os.write``); this shows exactly rawnet's. Library calls that are not
system calls (``getaddrinfo``, ``if_nametoindex``) also pass the gate; strace cannot
see them, so they are left out unless ``-e trace=`` names them. Without ``-f``, as
with strace, only the main thread's calls are shown. A line is written once the call
returns (one ``write`` per line, so lines from threads never mix); a call that
another thread's line interrupts is printed as strace prints it, ``<unfinished ...>``
and later ``<... NAME resumed>``. Fault injection by another gate hook is not marked
``(INJECTED)``.
"""

from __future__ import annotations

import os
import shlex
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import IO, Any

from ..sys import gate
from ..sys.gate import Entry
from .decode import (
    DECODERS,
    GENERIC,
    error_ret,
    len_before,
    memory,
)
from .fd import FdNames

__all__ = [
    "Options", "Tracer", "compile_trace", "from_env", "parse_options", "start_trace",
    "stop_trace", "trace", "trace_expr",
]

# strace's syscall classes (-e trace=%net ...), for the calls rawnet can make.
GROUPS: dict[str, frozenset[str]] = {
    "net": frozenset({
        "socket", "socketpair", "bind", "listen", "accept", "accept4", "connect",
        "getsockname", "getpeername", "sendto", "recvfrom", "sendmsg", "recvmsg",
        "sendmmsg", "recvmmsg", "shutdown", "setsockopt", "getsockopt"}),
    "desc": frozenset({
        "read", "write", "readv", "writev", "close", "fcntl", "epoll_create1", "epoll_ctl",
        "epoll_wait", "epoll_pwait", "eventfd2", "openat", "poll", "pipe2", "dup", "dup3"}),
    "file": frozenset({"openat"}),
}
GROUPS["network"] = GROUPS["net"]
# They pass the gate but are C library functions, not system calls: strace never
# shows them, so "all" does not include them.
LIBCALLS = frozenset({"getaddrinfo", "if_nametoindex", "if_indextoname"})


@dataclass
class Options:
    follow: bool = False  # -f
    timestamps: int = 0  # -t 1, -tt 2, -ttt 3
    syscall_times: bool = False  # -T
    decode_fds: int = 0  # -y 1, -yy 2
    strsize: int = 32  # -s N
    trace: str = "all"  # -e trace=EXPR
    output: str | None = None  # -o FILE; None: stderr

    @classmethod
    def parse(cls, args: str | list[str]) -> Options:
        """Options from strace-style arguments (``"-f -yy -e trace=%net"``)."""
        opts, rest = parse_options(shlex.split(args) if isinstance(args, str) else args)
        if rest:
            raise ValueError(f"not a trace option: {rest[0]!r}")
        return opts


def parse_options(argv: list[str]) -> tuple[Options, list[str]]:
    """Parse strace's options up to ``--`` or the first argument that is not one;
    return the options and the rest (the command)."""
    o = Options()
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "--":
            return o, argv[i + 1:]
        if not a.startswith("-") or a == "-":
            break
        i += 1
        letters = a[1:]
        while letters:
            ch, letters = letters[0], letters[1:]
            if ch == "f":
                o.follow = True
            elif ch == "t":
                o.timestamps += 1
            elif ch == "T":
                o.syscall_times = True
            elif ch == "y":
                o.decode_fds += 1
            elif ch in "seo":
                if not letters:
                    if i >= len(argv):
                        raise ValueError(f"option -{ch} needs an argument")
                    letters, i = argv[i], i + 1
                if ch == "s":
                    o.strsize = int(letters)
                elif ch == "e":
                    o.trace = trace_expr(letters)
                else:
                    o.output = letters
                letters = ""
            else:
                raise ValueError(f"unknown trace option -{ch}")
    return o, argv[i:]


def trace_expr(e: str) -> str:
    """The set of an ``-e`` argument: ``trace=%net`` (or just ``%net``) -> ``%net``."""
    if "=" not in e:
        return e
    kind, value = e.split("=", 1)
    if kind not in ("trace", "t"):
        raise ValueError(f"only -e trace= is supported, not {e!r}")
    return value


def compile_trace(expr: str) -> Callable[[str], bool]:
    """A predicate on syscall names for a ``-e trace=`` expression."""
    negate = expr.startswith("!")
    if negate:
        expr = expr[1:]
    names: set[str] = set()
    every = False
    for part in expr.split(","):
        part = part.strip()
        if part in ("all", "%all"):
            every = True
        elif part.lstrip("%") in GROUPS and (part.startswith("%") or part == "network"):
            names |= GROUPS[part.lstrip("%")]
        elif part.startswith("%"):
            raise ValueError(f"unknown syscall class {part!r}")
        elif part:
            names.add(part)
    if every:
        return (lambda n: False) if negate else (lambda n: n not in LIBCALLS)
    if negate:
        return lambda n: n not in names and n not in LIBCALLS
    return names.__contains__


# ---------------------------------------------------------------------------------


class _Call:
    """One traced call between its two halves."""

    __slots__ = ("name", "args", "tid", "text", "stamp", "t0", "vr", "link")

    def __init__(self, name: str, args: tuple[Any, ...], tid: int) -> None:
        self.name = name
        self.args = args
        self.tid = tid
        self.text = ""
        self.stamp = ""
        self.t0 = 0.0
        self.vr = 0
        self.link: str | None = None


# Calls after which -yy bookkeeping needs the socket's /proc link, read at entry.
_WATCHED = frozenset({"close", "listen", "connect"})


class Tracer:
    """The gate hook that prints calls as strace does (see the module docstring)."""

    def __init__(self, options: Options | None = None,
                 out: int | IO[str] | None = None) -> None:
        self.options = o = options or Options()
        self._wanted = compile_trace(o.trace)
        self._ctx = FdNames(o.decode_fds, o.strsize)
        self._lock = threading.RLock()
        self._tls = threading.local()
        self._open: _Call | None = None  # the call whose line a new line would interrupt
        self._closed = False
        self._own_fd = False
        self._stream: IO[str] | None = None
        self._fd = 2
        self._to_file = False
        if out is None and o.output is not None:
            self._fd = os.open(o.output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC,
                               0o644)
            self._own_fd = self._to_file = True
        elif isinstance(out, int):
            self._fd = out
            self._to_file = out != 2
        elif out is not None:
            self._stream = out
            self._to_file = not _is_stderr(out)
        self._main = threading.main_thread().ident

    # The gate's hook protocol.

    def before(self, entry: Entry, args: tuple[Any, ...]) -> int | None:
        name = entry.name
        if not self._wanted(name) or self._closed:
            return None
        if not self.options.follow and threading.get_ident() != self._main:
            return None
        call = self._enter(name, args)
        with self._lock:
            if self._open is not None:
                self._interrupt()
            self._open = call
        try:
            stack = self._tls.stack
        except AttributeError:
            stack = self._tls.stack = []
        stack.append(call)
        call.t0 = time.perf_counter()
        return None

    def after(self, entry: Entry, args: tuple[Any, ...], ret: int) -> None:
        t1 = time.perf_counter()
        stack: list[_Call] | None = getattr(self._tls, "stack", None)
        if stack and stack[-1].args is args:
            call = stack.pop()
        else:  # before() was skipped (another hook answered the call) or filtered it
            name = entry.name
            if not self._wanted(name) or self._closed:
                return
            if not self.options.follow and threading.get_ident() != self._main:
                return
            call = self._enter(name, args)
            call.t0 = t1
        self._exit(call, ret, t1)

    # Formatting.

    def _enter(self, name: str, args: tuple[Any, ...]) -> _Call:
        call = _Call(name, args, threading.get_native_id())
        dec = DECODERS.get(name, GENERIC)
        call.text = dec.enter(args, self._ctx)
        if dec.exit is not None:
            call.vr = len_before(name, args)
        if self.options.decode_fds >= 2 and name in _WATCHED and args:
            call.link = self._ctx.link(args[0])
        if self.options.timestamps:
            call.stamp = self._stamp()
        return call

    def _exit(self, call: _Call, ret: int, t1: float) -> None:
        name, args = call.name, call.args
        dec = DECODERS.get(name, GENERIC)
        rest = dec.exit(args, ret, self._ctx, call.vr) if dec.exit is not None else ""
        if ret < 0:
            result = error_ret(-ret)
        elif dec.ret is not None:
            result = dec.ret(args, ret, self._ctx)
        else:
            result = str(ret)
        if self.options.syscall_times:
            result += f" <{t1 - call.t0:.6f}>"
        if call.link is not None:
            self._bookkeep(call, ret)
        with self._lock:
            if self._closed:
                return
            if self._open is call:
                self._open = None
                line = self._prefix(call.tid) + call.stamp + f"{name}({call.text}{rest})"
            else:
                if self._open is not None:
                    self._interrupt()
                stamp = self._stamp() if self.options.timestamps else ""
                line = self._prefix(call.tid) + stamp + f"<... {name} resumed>{rest})"
            self._write(f"{line.ljust(39)} = {result}\n")

    def _interrupt(self) -> None:
        # Another thread's line comes first: close this one as strace does.
        c = self._open
        assert c is not None
        self._open = None
        self._write(f"{self._prefix(c.tid)}{c.stamp}{c.name}({c.text} <unfinished ...>\n")

    def _bookkeep(self, call: _Call, ret: int) -> None:
        link, name, args = call.link, call.name, call.args
        if link is None or not link.startswith("socket:"):
            return
        if name == "close" and ret == 0:
            self._ctx.closed(link)
        elif name == "listen" and ret == 0:
            self._ctx.listened(link)
        elif name == "connect" and ret in (0, -115):  # EINPROGRESS
            self._ctx.connecting(link, memory(args[1], args[2]))

    def _prefix(self, tid: int) -> str:
        if not self.options.follow:
            return ""
        if self._to_file:
            return f"{tid:<5d} "
        if threading.active_count() > 1:
            return f"[pid {tid:5d}] "
        return ""

    def _stamp(self) -> str:
        now = time.time()
        if self.options.timestamps >= 3:
            return f"{now:.6f} "
        t = time.strftime("%H:%M:%S", time.localtime(now))
        if self.options.timestamps == 1:
            return t + " "
        return f"{t}.{int(now * 1e6) % 1000000:06d} "

    def _write(self, line: str) -> None:
        if self._stream is not None:
            self._stream.write(line)
            self._stream.flush()
            return
        data = line.encode(errors="surrogateescape")
        while data:
            try:
                n = os.write(self._fd, data)
            except InterruptedError:
                continue
            except OSError:
                return
            data = data[n:]

    def close(self) -> None:
        """Stop writing; a call still in progress is left ``<unfinished ...>``."""
        with self._lock:
            if self._closed:
                return
            if self._open is not None:
                self._interrupt()
            self._closed = True
            if self._own_fd:
                os.close(self._fd)


def _is_stderr(stream: IO[str]) -> bool:
    # strace's [pid  N] prefix rule differs for a terminal-like stderr and a file.
    try:
        return stream.fileno() == 2
    except (AttributeError, OSError, ValueError):
        return False


# ---------------------------------------------------------------------------------
# The API.

_active: Tracer | None = None


def _make(output: str | int | IO[str] | None, options: Options | None,
          fields: dict[str, Any]) -> Tracer:
    opts = replace(options or Options(), **fields)
    if isinstance(output, str):
        opts.output = output
        output = None
    return Tracer(opts, output)


def start_trace(output: str | int | IO[str] | None = None, *, options: Options | None = None,
                **fields: Any) -> Tracer:
    """Trace every gate call from now on, until :func:`stop_trace`.

    output is a path (strace's ``-o``), an fd, a text stream, or None for stderr;
    fields are :class:`Options` fields (``follow=True, decode_fds=2, strsize=64,
    trace="%net,epoll_pwait"``)."""
    global _active
    stop_trace()
    t = _make(output, options, fields)
    gate.add_hook(t)
    _active = t
    return t


def stop_trace() -> None:
    """Stop the tracer :func:`start_trace` (or ``RAWNET_TRACE``) started, if any."""
    global _active
    t, _active = _active, None
    if t is not None:
        gate.remove_hook(t)
        t.close()


@contextmanager
def trace(output: str | int | IO[str] | None = None, *, options: Options | None = None,
          **fields: Any) -> Iterator[Tracer]:
    """``with trace(sys.stderr, decode_fds=2):`` traces the calls made in the block
    (arguments as for :func:`start_trace`; independent of it)."""
    t = _make(output, options, fields)
    gate.add_hook(t)
    try:
        yield t
    finally:
        gate.remove_hook(t)
        t.close()


def from_env(environ: Mapping[str, str] | None = None) -> Tracer | None:
    """Start tracing if ``RAWNET_TRACE`` asks for it: ``1`` traces to stderr, any other
    non-empty value but ``0`` is the output file. ``RAWNET_TRACE_OPTS`` holds strace
    options (``"-f -yy -e trace=%net"``)."""
    env = os.environ if environ is None else environ
    where = env.get("RAWNET_TRACE", "")
    if where in ("", "0"):
        return None
    try:
        opts = Options.parse(env.get("RAWNET_TRACE_OPTS", ""))
        if where != "1":
            opts.output = where
        return start_trace(options=opts)
    except (ValueError, OSError) as e:  # a bad setting must not break "import rawnet"
        os.write(2, f"rawnet: RAWNET_TRACE: {e}; not tracing\n".encode())
        return None
