"""os/signal.Notify: signals reach a goroutine through a pipe instead of raising in
whatever code runs."""

from __future__ import annotations

import os
import signal
import threading

import pytest

import rawnet
from rawnet.os.signal import Notify

pytestmark = pytest.mark.timeout(30)


def test_signal_is_received_by_a_parked_goroutine() -> None:
    got: list[int] = []
    with Notify(signal.SIGUSR1, signal.SIGUSR2) as sigs:
        def receiver() -> None:
            got.append(sigs.Recv())
            got.append(sigs.Recv())

        rawnet.go(receiver)
        rawnet.Gosched()  # the receiver parks in IO wait on the pipe
        os.kill(os.getpid(), signal.SIGUSR2)
        os.kill(os.getpid(), signal.SIGUSR1)
        while len(got) < 2:
            rawnet.Gosched()
            rawnet.Sleep(0.001)
    assert got == [signal.SIGUSR2, signal.SIGUSR1]


def test_other_python_handled_signals_are_not_received() -> None:
    # CPython writes every signal with a Python handler to the wake-up fd; a SIGUSR2
    # handled elsewhere (a profiler's SIGPROF, say) must not look like ours.
    seen: list[int] = []
    old = signal.signal(signal.SIGUSR2, lambda s, f: seen.append(s))
    try:
        with Notify(signal.SIGUSR1) as sigs:
            got: list[int] = []
            rawnet.go(lambda: got.append(sigs.Recv()))
            rawnet.Gosched()
            os.kill(os.getpid(), signal.SIGUSR2)
            os.kill(os.getpid(), signal.SIGUSR1)
            while not got:
                rawnet.Gosched()
                rawnet.Sleep(0.001)
        assert got == [signal.SIGUSR1]
        assert seen == [signal.SIGUSR2]
    finally:
        signal.signal(signal.SIGUSR2, old)


def test_stop_restores_handlers_and_wakes_receivers() -> None:
    # Go's Stop sends nothing more on the channel and fails no one. rawnet's Stop
    # closes the pipe, which wakes a parked Recv: it returns None instead of raising
    # (before, ErrFileClosing escaped the receiving goroutine with a traceback).
    before = signal.getsignal(signal.SIGUSR1)
    sigs = Notify(signal.SIGUSR1)
    assert signal.getsignal(signal.SIGUSR1) is not before
    got: list[int | None] = []
    rawnet.go(lambda: got.append(sigs.Recv()))
    rawnet.Gosched()  # the receiver parks in IO wait on the pipe
    assert got == []
    sigs.Stop()  # returns once the receiver has let go of the pipe
    assert got == [None]
    assert signal.getsignal(signal.SIGUSR1) is before
    assert sigs.Recv() is None  # and any later Recv returns at once
    sigs.Stop()  # a second Stop does nothing, as in Go
    with Notify(signal.SIGUSR1):  # a new Notify may start once the old one stopped
        pass


def test_one_notify_at_a_time_and_bad_input() -> None:
    with Notify(signal.SIGUSR1):
        with pytest.raises(RuntimeError, match="already active"):
            Notify(signal.SIGUSR2)
    with pytest.raises(ValueError):
        Notify()


def test_notify_from_another_thread_is_refused_and_leaks_nothing() -> None:
    errors: list[BaseException] = []

    def other() -> None:
        try:
            Notify(signal.SIGUSR1)
        except BaseException as e:
            errors.append(e)

    t = threading.Thread(target=other)
    t.start()
    t.join()
    assert len(errors) == 1 and isinstance(errors[0], ValueError)
    with Notify(signal.SIGUSR1):  # the failed attempt left nothing active
        pass
