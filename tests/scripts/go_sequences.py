"""Run the scenarios of go-netpoll.md §8 and print, per phase, the syscalls rawnet's
gate saw, decoded: one JSON object per line. Run in a fresh interpreter, so that the
once-per-process calls (IP stack probe, somaxconn, poller set-up) are seen too."""

from __future__ import annotations

import json
import sys
import time
from typing import Any

import rawnet
from rawnet.sys import gate

SOCK_TYPES = {1: "SOCK_STREAM", 2: "SOCK_DGRAM"}
FAMILIES = {2: "AF_INET", 10: "AF_INET6", 1: "AF_UNIX"}


def socktype(t: int) -> str:
    parts = [SOCK_TYPES.get(t & 0xF, str(t & 0xF))]
    if t & 0o2000000:
        parts.append("SOCK_CLOEXEC")
    if t & 0o4000:
        parts.append("SOCK_NONBLOCK")
    return "|".join(parts)


def val(arg: Any) -> Any:
    obj = getattr(arg, "_obj", arg)  # ctypes.byref keeps the object in _obj
    return getattr(obj, "value", obj)


def decode(c: gate.Call) -> list[Any]:
    a = c.args
    if c.name == "socket":
        return [FAMILIES.get(a[0], a[0]), socktype(a[1]), a[2]]
    if c.name == "setsockopt":
        return [a[0], a[1], a[2], val(a[3])]
    if c.name == "getsockopt":
        return [a[0], a[1], a[2]]
    if c.name == "accept4":
        return [a[0], socktype(a[3] | 1).replace("SOCK_STREAM|", "")]
    if c.name == "epoll_ctl":
        ev = a[3]
        return [a[1], a[2], ev.events]
    if c.name == "epoll_pwait":
        return [a[3]]
    if c.name == "openat":
        return [a[1].decode()]
    if c.name in ("listen", "shutdown"):
        return [a[0], a[1]]
    return [a[0]] if a else []


def emit(phase: str, rec: gate.Recorder) -> None:
    for c in rec.calls:
        print(json.dumps({"phase": phase, "name": c.name, "args": decode(c), "ret": c.ret}))
    sys.stdout.flush()


def main() -> None:
    conns: list[rawnet.TCPConn] = []
    errors: dict[str, str] = {}

    with gate.record() as rec:
        ln = rawnet.Listen("tcp", ":0")
    emit("listen", rec)
    port = ln.Addr().Port  # type: ignore[union-attr]

    def acceptor() -> None:
        conns.append(ln.Accept())

    with gate.record() as rec:
        rawnet.go(acceptor)
        rawnet.Gosched()  # the acceptor tries accept4 once and parks
    emit("accept-empty", rec)

    with gate.record() as rec:
        c = rawnet.Dial("tcp", f"127.0.0.1:{port}")
        while not conns:
            rawnet.Gosched()
    emit("dial+accept", rec)
    s = conns[0]
    buf = bytearray(64)
    got: list[bytes] = []

    def reader() -> None:
        n = s.Read(buf)
        got.append(bytes(buf[:n]))

    with gate.record() as rec:
        rawnet.go(reader)
        rawnet.Gosched()  # read on an empty socket: EAGAIN, park
        c.Write(b"hello")
        while not got:
            rawnet.Gosched()
    emit("read-empty+write", rec)

    cbuf = bytearray(64)
    with gate.record() as rec:
        c.SetReadDeadline(time.time() + 0.03)
        for _ in range(2):
            try:
                c.Read(cbuf)
            except rawnet.OpError as e:
                errors.setdefault("read-deadline", str(e))
    emit("read-deadline", rec)

    def blockedReader() -> None:
        try:
            s.Read(buf)
        except rawnet.OpError as e:
            errors["read-closed"] = str(e)

    with gate.record() as rec:
        rawnet.go(blockedReader)
        rawnet.Gosched()
        s.Close()
        while "read-closed" not in errors:
            rawnet.Gosched()
    emit("close-blocked-read", rec)

    with gate.record() as rec:
        try:
            s.Close()
        except rawnet.OpError as e:
            errors["second-close"] = str(e)
    emit("second-close", rec)

    def blockedAccept() -> None:
        try:
            ln.Accept()
        except rawnet.OpError as e:
            errors["accept-closed"] = str(e)

    with gate.record() as rec:
        rawnet.go(blockedAccept)
        rawnet.Gosched()
        ln.Close()
        while "accept-closed" not in errors:
            rawnet.Gosched()
    emit("close-blocked-accept", rec)
    c.Close()
    print(json.dumps({"errors": errors, "laddr": str(ln.Addr()), "s": [str(s.LocalAddr()),
                      str(s.RemoteAddr())], "c": [str(c.LocalAddr()), str(c.RemoteAddr())]}))


if __name__ == "__main__":
    main()
