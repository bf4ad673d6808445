"""Shared fixtures: every test must leave the process's open-fd count as it found it."""

from __future__ import annotations

import faulthandler
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


# --- a test blocked in C must not hang the run -------------------------------------
# pytest-timeout's signal method (the default) fails a test that overruns its timeout
# and the run goes on, but only if the main thread comes back to the interpreter to
# run the SIGALRM handler. It never does while it sits in a C call that retries EINTR
# itself, or waits for another thread that is stuck, or the signal went to a thread
# the library made (libkqueue's). The thread method ends those, but not a call that
# holds the GIL (rawnet's PyDLL entries keep it), and its timer thread changes
# threading.active_count() for every test. So, as a backstop, faulthandler's watchdog,
# a C thread that needs no GIL: WATCHDOG_GRACE seconds after the test's timeout it
# prints every thread's Python stack and ends the process with status 1.
WATCHDOG_GRACE = 10
_watchdogOut = -1


def pytest_configure(config: pytest.Config) -> None:
    global _watchdogOut
    _watchdogOut = os.dup(2)  # stderr as it is before output capture replaces fd 2


@pytest.hookimpl(tryfirst=True)
def pytest_timeout_set_timer(item: pytest.Item, settings: Any) -> None:
    if settings.timeout > 0:
        faulthandler.dump_traceback_later(settings.timeout + WATCHDOG_GRACE, exit=True,
                                          file=_watchdogOut)
    # None: pytest-timeout's own hook still sets its timer


@pytest.hookimpl(tryfirst=True)
def pytest_timeout_cancel_timer(item: pytest.Item) -> None:
    faulthandler.cancel_dump_traceback_later()
