"""Signals delivered to a goroutine instead of raised in one (Go: src/os/signal/signal.go).

Python's default for SIGINT raises KeyboardInterrupt in whatever code the main thread
is running at that moment: in the middle of a Read, between taking a lock and the
``try`` that would release it, inside the scheduler. A server cannot shut down cleanly
from there. Go never interrupts goroutines for signals: ``signal.Notify`` has the
runtime queue them, and a goroutine receives them like any other message. rawnet does
the same with the pieces CPython gives: ``signal.set_wakeup_fd`` makes CPython's C
handler write each signal's number to a non-blocking pipe, a no-op Python handler
keeps the default action (KeyboardInterrupt, termination) away, and the pipe's read
end is an ordinary pollable fd on which ``Recv`` parks the receiving goroutine::

    sigs = rawnet.os.signal.Notify(signal.SIGINT, signal.SIGTERM)

    def shutdown():
        sigs.Recv()        # parks until a signal arrives
        ln.Close()         # the main goroutine's Accept returns ErrClosed

    rawnet.go(shutdown)

CPython allows one wake-up fd per process and only the main thread may set it, so one
``Notify`` is active at a time; ``Stop`` restores the previous handlers.

After ``Stop`` no signal is delivered any more. In Go the channel is simply never
sent to again, and a goroutine still receiving from it waits until the program ends.
rawnet cannot leave it waiting: ``Stop`` closes the pipe, and closing an FD wakes
every goroutine parked on it (and waits for them to let go of it, so that the fd
number is not reused under them). ``Recv`` therefore returns None once stopped, the
way a receive from a closed Go channel returns the zero value (a nil ``os.Signal``),
so that ``Stop`` never makes a goroutine fail.
"""

from __future__ import annotations

import signal
from types import FrameType
from typing import Any

from ..internal.poll.fd import ErrFileClosing
from ..internal.poll.fd_unix import FD
from ..runtime.nbpipe import nonblockingPipe
from ..sys import syscall_linux as sc
from ..sys.errno import Errno

_active: Signals | None = None


def _ignore(signum: int, frame: FrameType | None) -> None:
    """The Python-level handler: the signal was already queued to the pipe by CPython."""


class Signals:
    """The receiving end of Notify (Go: the channel passed to signal.Notify)."""

    def __init__(self, sigs: tuple[int, ...]) -> None:
        r, w, errno = nonblockingPipe()
        if errno:
            raise Errno(-errno)
        self._w = w
        self._fd = FD(r, True, True)
        self._fd.Init("file", True)
        self._pending = bytearray()
        self._sigs = frozenset(sigs)
        self._saved: dict[int, Any] = {}
        try:
            self._oldWakeup = signal.set_wakeup_fd(w, warn_on_full_buffer=False)
            for s in sigs:
                self._saved[s] = signal.signal(s, _ignore)
        except BaseException:
            self._restore()
            raise

    # Go: src/os/signal/signal.go Notify (the receive side of its channel)
    def Recv(self) -> int | None:
        """Park the calling goroutine until one of the signals arrives; return it.
        Return None once ``Stop`` has been called, whether before or while parked."""
        buf = bytearray(64)
        while True:
            while not self._pending:
                try:
                    n = self._fd.Read(buf)
                except ErrFileClosing:  # Stop closed the pipe: nothing will come now
                    return None
                self._pending += buf[:n]
            signum = self._pending[0]
            del self._pending[0]
            # CPython writes every signal that has a Python handler to the wake-up fd,
            # not only ours (a profiler's SIGPROF, say): skip the others.
            if signum in self._sigs:
                return signum

    # Go: src/os/signal/signal.go Stop
    def Stop(self) -> None:
        """Restore the previous handlers and wake-up fd; blocked and later Recv calls
        return None."""
        global _active
        self._restore()
        if _active is self:
            _active = None

    def _restore(self) -> None:
        for s, old in self._saved.items():
            signal.signal(s, old)
        self._saved.clear()
        if self._w < 0:
            return
        if hasattr(self, "_oldWakeup"):  # only if set_wakeup_fd succeeded
            signal.set_wakeup_fd(self._oldWakeup)
        self._fd.Close()
        sc.Close(self._w)
        self._w = -1

    def __enter__(self) -> Signals:
        return self

    def __exit__(self, *exc: object) -> None:
        self.Stop()


# Go: src/os/signal/signal.go Notify
def Notify(*sigs: int) -> Signals:
    """Deliver the given signals to ``Recv`` instead of their default action.

    Call from the main thread (CPython's rule for signal handlers)."""
    global _active
    if not sigs:
        raise ValueError("Notify needs at least one signal (Go's 'all signals' is not "
                         "supported: CPython cannot catch all of them)")
    if _active is not None:
        raise RuntimeError("signal.Notify is already active: call Stop() first")
    _active = Signals(sigs)
    return _active
