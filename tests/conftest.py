"""Shared fixtures: every test must leave the process's open-fd count as it found it."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest


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
        f"{fd}={os.readlink(f'/proc/self/fd/{fd}')}" for fd in sorted(leaked) if fd
    )
