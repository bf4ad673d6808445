"""A Redis-protocol (RESP2) server on rawnet.gnet: ``python3 examples/gnet_redis.py [ADDR]``.

ADDR is ``host:port`` (default ``127.0.0.1:6379``, Redis's port; port 0: the kernel
picks one). It prints ``gnet_redis listening on HOST:PORT``, serves until SIGINT or
SIGTERM, and exits 0. Try it with ``redis-cli -p PORT ping`` or ``redis-benchmark -p
PORT -t ping,set,get``.

Commands: ``PING [message]``, ``ECHO message``, ``SET key value``, ``GET key``,
``DEL key [key ...]``, and ``CONFIG GET parameter`` for the two parameters
redis-benchmark asks about at start. Anything else gets Redis's ``-ERR unknown
command`` error; the connection stays open.

The protocol (https://redis.io/docs/latest/develop/reference/protocol-spec/)
--------------------------------------------------------------------------
A client sends a command in one of two forms:

- *multibulk* (what client libraries send): ``*<n>\\r\\n`` then n arguments, each as
  ``$<length>\\r\\n<bytes>\\r\\n``. The lengths say where each argument ends, so an
  argument may hold any bytes, CR and LF included;
- *inline* (what a person types into ``telnet``): one line, arguments separated by
  spaces, e.g. ``SET k v\\r\\n``.

The server answers each command with one reply, in order: ``+OK`` (a simple string),
``-ERR ...`` (an error), ``:3`` (an integer), ``$<length>\\r\\n<bytes>\\r\\n`` (a bulk
string; ``$-1`` for none), ``*<n>`` followed by n replies (an array).

How it reads commands: ``serve.Server.OnTraffic`` calls :meth:`redisServer.answer` for
each command buffered (see serve.py for the loop over gnet's ``Peek``/``Discard``);
redis-benchmark's ``-P`` pipelining puts many commands in one read.

Bounds, Redis's kind with smaller numbers: an inline command or a count line over
``MAX_INLINE`` bytes, more than ``MAX_ARGS`` arguments, an argument over ``MAX_BULK``
bytes, or anything malformed get ``-ERR Protocol error: ...`` (Redis's texts) and the
connection closed, as Redis does: after a framing error the rest of the stream cannot
be trusted. The store holds at most ``MAX_KEYS`` keys (Redis: ``maxmemory``); a ``SET``
of a new key past that gets Redis's ``-OOM`` error.

Redis runs its commands on one thread, so this server runs one event loop (gnet's
default): the store is touched by that loop's thread only and needs no lock.

Not built: inline quoting (``SET k "a b"``), RESP3 (``HELLO 3``), SET's options (EX,
NX, ...), the rest of Redis's commands.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable

from serve import Answer, Incomplete, Server, main

MAX_INLINE = 64 * 1024  # Redis's PROTO_INLINE_MAX_SIZE
MAX_ARGS = 1024  # Redis allows 1024*1024
MAX_BULK = 1 << 20  # Redis allows 512 MiB (proto-max-bulk-len)
MAX_KEYS = 100_000

COUNT = re.compile(rb"-?[0-9]{1,18}")  # a count or a length, as Redis's string2ll reads


class ProtocolError(Exception):
    """The bytes are not RESP: reply ``-ERR Protocol error: <text>`` and close."""


# --- replies -------------------------------------------------------------------------

def simple(s: str) -> bytes:
    return b"+" + s.encode() + b"\r\n"


def error(s: str) -> bytes:
    return b"-" + s.encode("utf-8", "replace") + b"\r\n"


def integer(n: int) -> bytes:
    return b":%d\r\n" % n


def bulk(b: bytes | None) -> bytes:
    if b is None:
        return b"$-1\r\n"  # RESP2's null bulk string: "no such key"
    return b"$%d\r\n%s\r\n" % (len(b), b)


def array(items: list[bytes]) -> bytes:
    return b"*%d\r\n" % len(items) + b"".join(bulk(i) for i in items)


# --- parsing -------------------------------------------------------------------------

def read_line(data: bytes, pos: int, limit: int, too_big: str) -> int:
    """The index of the CR of the CRLF ending the line at data[pos], or -1 if it has
    not arrived; raises ProtocolError(too_big) if limit bytes came without one."""
    end = data.find(b"\r\n", pos, pos + limit)
    if end < 0 and len(data) - pos >= limit:
        raise ProtocolError(too_big)
    return end


def read_count(data: bytes, pos: int, end: int, what: str) -> int:
    """The number after the type byte at data[pos] (``*3``, ``$5``)."""
    digits = data[pos + 1 : end]
    if not COUNT.fullmatch(digits):  # int() would also take " 3", "+3" and "1_0"
        raise ProtocolError(f"invalid {what} length")
    return int(digits)


def parse_multibulk(data: bytes, pos: int) -> tuple[list[bytes], int] | Incomplete:
    """``*<n>\\r\\n`` and n ``$<len>\\r\\n<bytes>\\r\\n`` at data[pos]: the arguments
    and where the command ends, or Incomplete."""
    end = read_line(data, pos, MAX_INLINE, "too big mbulk count string")
    if end < 0:
        return Incomplete()
    n = read_count(data, pos, end, "multibulk")
    if n > MAX_ARGS:
        raise ProtocolError("invalid multibulk length")
    i = end + 2
    args: list[bytes] = []
    for _ in range(n):  # n <= 0: no arguments, an empty command (Redis skips it)
        if i >= len(data):
            return Incomplete()
        if data[i] != ord("$"):
            raise ProtocolError(f"expected '$', got '{chr(data[i])}'")
        end = read_line(data, i, MAX_INLINE, "too big bulk count string")
        if end < 0:
            return Incomplete()
        size = read_count(data, i, end, "bulk")
        if not 0 <= size <= MAX_BULK:
            raise ProtocolError("invalid bulk length")
        start = end + 2
        if len(data) < start + size + 2:
            # The argument's length is known: wait until all of it is buffered.
            return Incomplete(start + size + 2 - pos)
        args.append(data[start : start + size])
        i = start + size + 2  # skip the argument's CRLF (Redis does not check it)
    return args, i


def parse_inline(data: bytes, pos: int) -> tuple[list[bytes], int] | Incomplete:
    """One line of space-separated arguments at data[pos] (Redis also accepts a bare
    LF as its end)."""
    end = data.find(b"\n", pos, pos + MAX_INLINE)
    if end < 0:
        if len(data) - pos >= MAX_INLINE:
            raise ProtocolError("too big inline request")
        return Incomplete()
    return data[pos:end].split(), end + 1  # split() drops the CR and empty lines' args


# --- commands ------------------------------------------------------------------------

Store = dict[bytes, bytes]


def arity_error(name: str) -> bytes:
    return error(f"ERR wrong number of arguments for '{name}' command")


def cmd_ping(store: Store, args: list[bytes]) -> bytes:
    if len(args) == 1:
        return simple("PONG")
    if len(args) == 2:
        return bulk(args[1])
    return arity_error("ping")


def cmd_echo(store: Store, args: list[bytes]) -> bytes:
    return bulk(args[1]) if len(args) == 2 else arity_error("echo")


def cmd_set(store: Store, args: list[bytes]) -> bytes:
    if len(args) < 3:
        return arity_error("set")
    if len(args) > 3:
        return error("ERR syntax error")  # SET's options are not built
    key = args[1]
    if key not in store and len(store) >= MAX_KEYS:
        return error("OOM command not allowed when used memory > 'maxmemory'.")
    store[key] = args[2]
    return simple("OK")


def cmd_get(store: Store, args: list[bytes]) -> bytes:
    return bulk(store.get(args[1])) if len(args) == 2 else arity_error("get")


def cmd_del(store: Store, args: list[bytes]) -> bytes:
    if len(args) < 2:
        return arity_error("del")
    return integer(sum(store.pop(k, None) is not None for k in args[1:]))


# The configuration this server has, as CONFIG GET reports it: no snapshots, no
# append-only file (redis-benchmark asks for both when it starts).
CONFIG = {b"save": b"", b"appendonly": b"no"}


def cmd_config(store: Store, args: list[bytes]) -> bytes:
    if len(args) != 3 or args[1].lower() != b"get":
        return error("ERR only CONFIG GET parameter is supported")
    value = CONFIG.get(args[2].lower())
    return array([] if value is None else [args[2], value])


COMMANDS: dict[bytes, Callable[[Store, list[bytes]], bytes]] = {
    b"ping": cmd_ping,
    b"echo": cmd_echo,
    b"set": cmd_set,
    b"get": cmd_get,
    b"del": cmd_del,
    b"config": cmd_config,
}


def unknown_command(args: list[bytes]) -> bytes:
    """Redis's text: the name and the first arguments, quoted, within 128 characters."""
    text = ""
    for a in args[1:]:
        if len(text) >= 128:
            break
        text += "'" + a.decode("utf-8", "replace")[: 128 - len(text)] + "' "
    name = args[0].decode("utf-8", "replace")[:128]
    return error(f"ERR unknown command '{name}', with args beginning with: {text}")


class redisServer(Server):
    name = "gnet_redis"

    def __init__(self) -> None:
        self.store: Store = {}

    def answer(self, data: bytes, pos: int) -> Answer | Incomplete:
        try:
            if data[pos] == ord("*"):
                parsed = parse_multibulk(data, pos)
            else:
                parsed = parse_inline(data, pos)
        except ProtocolError as e:
            return Answer(error(f"ERR Protocol error: {e}"), 0, close=True)
        if isinstance(parsed, Incomplete):
            return parsed
        args, end = parsed
        if not args:  # an empty line or "*0": no command, no reply
            return Answer(b"", end)
        cmd = COMMANDS.get(args[0].lower())
        reply = cmd(self.store, args) if cmd is not None else unknown_command(args)
        return Answer(reply, end)


if __name__ == "__main__":
    sys.exit(main(redisServer(), "127.0.0.1:6379"))
