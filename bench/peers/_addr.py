"""Shared by the peer echo servers: argv[1] as HOST:PORT (port 0 picks a free one)."""

from __future__ import annotations

import sys

BACKLOG = 4096  # net.core.somaxconn here; Go and rawnet listen with it too


def parse(default: str = "127.0.0.1:0") -> tuple[str, int]:
    addr = sys.argv[1] if len(sys.argv) > 1 else default
    host, _, port = addr.rpartition(":")
    return host.strip("[]") or "0.0.0.0", int(port)


def announce(name: str, sockname: tuple[str, int]) -> None:
    """The first stdout line, which the harness reads to learn the port."""
    print(f"{name} echo server listening on {sockname[0]}:{sockname[1]}", flush=True)
