"""The bridge from internal/poll to the runtime poller (Go:
src/internal/poll/fd_poll_runtime.go).

Go links these names straight into the runtime (``runtime_pollWait`` is
``poll_runtime_pollWait``); here they are plain imports.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ... import time
from ...runtime import netpoll as rt
from ...runtime.netpoll import (
    modeR,
    modeRW,
    modeW,
    pollErrClosing,
    pollErrNotPollable,
    pollErrTimeout,
    pollNoError,
)
from ...runtime.netpoll import poll_runtime_isPollServerDescriptor as runtime_isPollServerDescriptor
from ...runtime.netpoll import poll_runtime_pollClose as runtime_pollClose
from ...runtime.netpoll import poll_runtime_pollOpen as runtime_pollOpen
from ...runtime.netpoll import poll_runtime_pollReset as runtime_pollReset
from ...runtime.netpoll import poll_runtime_pollServerInit as runtime_pollServerInit
from ...runtime.netpoll import poll_runtime_pollSetDeadline as runtime_pollSetDeadline
from ...runtime.netpoll import poll_runtime_pollUnblock as runtime_pollUnblock
from ...runtime.netpoll import poll_runtime_pollWait as runtime_pollWait
from ...sys.errno import Errno
from .fd import ErrDeadlineExceeded, ErrNoDeadline, ErrNotPollable, errClosing

if TYPE_CHECKING:
    from .fd_unix import FD


class pollDesc:
    """Go: src/internal/poll/fd_poll_runtime.go pollDesc. ``runtimeCtx`` is the runtime's
    pollDesc, or None while the fd is not registered with the poller."""

    __slots__ = ("runtimeCtx",)

    def __init__(self) -> None:
        self.runtimeCtx: rt.pollDesc | None = None

    # Go: src/internal/poll/fd_poll_runtime.go pollDesc.init
    def init(self, fd: FD) -> None:
        runtime_pollServerInit()  # Go: serverInit.Do(runtime_pollServerInit)
        ctx, errno = runtime_pollOpen(fd.Sysfd)
        if errno != 0:
            raise Errno(errno)
        self.runtimeCtx = ctx

    # Go: src/internal/poll/fd_poll_runtime.go pollDesc.close
    def close(self) -> None:
        if self.runtimeCtx is None:
            return
        runtime_pollClose(self.runtimeCtx)
        self.runtimeCtx = None

    # Go: src/internal/poll/fd_poll_runtime.go pollDesc.evict
    def evict(self) -> None:
        """Evict the descriptor from the poller: wake every goroutine blocked on it."""
        if self.runtimeCtx is None:
            return
        runtime_pollUnblock(self.runtimeCtx)

    # Go: src/internal/poll/fd_poll_runtime.go pollDesc.prepare
    def prepare(self, mode: int, isFile: bool) -> None:
        if self.runtimeCtx is None:
            return
        res = runtime_pollReset(self.runtimeCtx, mode)
        if res != pollNoError:
            raise convertErr(res, isFile)

    # Go: src/internal/poll/fd_poll_runtime.go pollDesc.prepareRead
    def prepareRead(self, isFile: bool) -> None:
        self.prepare(modeR, isFile)

    # Go: src/internal/poll/fd_poll_runtime.go pollDesc.wait
    def wait(self, mode: int, isFile: bool) -> None:
        if self.runtimeCtx is None:
            raise OSError("waiting for unsupported file type")
        res = runtime_pollWait(self.runtimeCtx, mode)
        if res != pollNoError:
            raise convertErr(res, isFile)

    # Go: src/internal/poll/fd_poll_runtime.go pollDesc.waitRead
    def waitRead(self, isFile: bool) -> None:
        self.wait(modeR, isFile)

    # Go: src/internal/poll/fd_poll_runtime.go pollDesc.waitWrite
    def waitWrite(self, isFile: bool) -> None:
        self.wait(modeW, isFile)

    # Go: src/internal/poll/fd_poll_runtime.go pollDesc.pollable
    def pollable(self) -> bool:
        return self.runtimeCtx is not None


# Go: src/internal/poll/fd_poll_runtime.go convertErr
def convertErr(res: int, isFile: bool) -> OSError:
    if res == pollErrClosing:
        return errClosing(isFile)
    if res == pollErrTimeout:
        return ErrDeadlineExceeded()
    if res == pollErrNotPollable:
        return ErrNotPollable()
    raise AssertionError("unreachable: " + str(res))


# Go: src/internal/poll/fd_poll_runtime.go setDeadlineImpl
def setDeadlineImpl(fd: FD, t: time.Time, mode: int) -> None:
    d = 0
    if t is not None:
        d = time.Until(t)
        if d == 0:
            d = -1  # don't confuse deadline right now with no deadline
    fd.incref()
    try:
        if fd.pd.runtimeCtx is None:
            raise ErrNoDeadline()
        runtime_pollSetDeadline(fd.pd.runtimeCtx, d, mode)
    finally:
        fd.decref()


# Go: src/internal/poll/fd_poll_runtime.go IsPollDescriptor
def IsPollDescriptor(fd: int) -> bool:
    return runtime_isPollServerDescriptor(fd)


__all__ = ["modeR", "modeW", "modeRW", "pollDesc", "setDeadlineImpl"]
