"""Shared fixtures: every test must leave the process's open-fd count as it found it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from rawnet.sys import gate


def open_fds() -> set[int]:
    return {int(n) for n in os.listdir("/proc/self/fd")}


def _stable_fds() -> set[int]:
    # listdir itself opens an fd for the directory; it shows up in its own listing,
    # so take the intersection of two listings.
    return open_fds() & open_fds()


@pytest.fixture(autouse=True)
def no_fd_leak() -> Iterator[None]:
    import rawnet.runtime.netpoll as netpoll  # the poller's own fds are process-wide

    netpoll.netpollGenericInit()
    before = _stable_fds()
    yield
    after = _stable_fds()
    leaked = after - before
    assert not leaked, f"test leaked fds: {sorted(leaked)} -> " + ", ".join(
        f"{fd}={_describe(fd)}" for fd in sorted(leaked)
    )


def _describe(fd: int) -> str:
    try:
        return os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        return "?"


class NoDNS:
    """Tests send traffic to loopback only: getaddrinfo may resolve "localhost" (from
    /etc/hosts) and nothing else; every other name fails as not found, so that no test
    can make the C library query a DNS server."""

    EAI_NONAME = -2 & 0xFFFFFFFF  # as the gate returns getaddrinfo's unsigned result

    def before(self, entry: gate.Entry, args: tuple[Any, ...]) -> int | None:
        if entry.name == "getaddrinfo" and args[0] != b"localhost":
            return self.EAI_NONAME
        return None

    def after(self, entry: gate.Entry, args: tuple[Any, ...], ret: int) -> None:
        pass


@pytest.fixture(autouse=True)
def no_dns() -> Iterator[None]:
    hook = NoDNS()
    gate.add_hook(hook)
    yield
    gate.remove_hook(hook)
