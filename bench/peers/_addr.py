"""Shared by the peer echo servers: argv[1] as HOST:PORT (port 0 picks a free one), the
announcement line, and the blocking-socket echo loop of the threads and gevent peers."""

from __future__ import annotations

import socket
import sys

BACKLOG = 4096  # net.core.somaxconn here; Go and rawnet listen with it too


def parse(default: str = "127.0.0.1:0") -> tuple[str, int]:
    addr = sys.argv[1] if len(sys.argv) > 1 else default
    host, _, port = addr.rpartition(":")
    return host.strip("[]") or "0.0.0.0", int(port)


def announce(name: str, sockname: tuple[str, int]) -> None:
    """The first stdout line, which the harness reads to learn the port."""
    print(f"{name} echo server listening on {sockname[0]}:{sockname[1]}", flush=True)


def echo_conn(conn: socket.socket) -> None:
    """recv(4096) / sendall until EOF or a reset, then close (blocking or gevent socket)."""
    conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # as Go and asyncio do
    try:
        while data := conn.recv(4096):
            conn.sendall(data)
    except ConnectionError:
        pass
    finally:
        conn.close()
