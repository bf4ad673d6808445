"""Socket options on POSIX systems (Go: src/net/sockopt_posix.go, plus
tcpsockopt_posix.go and tcpsockopt_unix.go for the TCP ones)."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Protocol

from ..internal.poll.fd_unix import FD
from ..os.error import SyscallError
from ..sys.errno import Errno
from ..sys.zerrors_linux import (
    IPPROTO_TCP,
    SO_KEEPALIVE,
    SO_LINGER,
    SO_RCVBUF,
    SO_SNDBUF,
    SOL_SOCKET,
    TCP_KEEPCNT,
    TCP_KEEPIDLE,
    TCP_KEEPINTVL,
    TCP_NODELAY,
)


class sockFD(Protocol):
    """The netFD (fd_unix.py) as the setters below see it: the poll.FD whose socket
    they set options on. A Protocol rather than netFD itself, so that this module,
    which net.py's conn calls, stays below fd_unix.py (see rawnet/net/__init__.py).
    """

    @property
    def pfd(self) -> FD: ...

# Go: src/net/dial.go defaultTCPKeepAliveIdle (and Interval, Count); seconds.
defaultTCPKeepAliveIdle = 15.0
defaultTCPKeepAliveInterval = 15.0
defaultTCPKeepAliveCount = 9


# Go: src/net/sockopt_posix.go boolint
def boolint(b: bool) -> int:
    return 1 if b else 0


def _wrap(call: Callable[[], None]) -> None:
    # Go: wrapSyscallError("setsockopt", err)
    try:
        call()
    except Errno as e:
        raise SyscallError("setsockopt", e) from None


def _setInt(fd: sockFD, level: int, opt: int, value: int) -> None:
    _wrap(lambda: fd.pfd.SetsockoptInt(level, opt, value))


# Go: src/net/sockopt_posix.go setReadBuffer
def setReadBuffer(fd: sockFD, n: int) -> None:
    _setInt(fd, SOL_SOCKET, SO_RCVBUF, n)


# Go: src/net/sockopt_posix.go setWriteBuffer
def setWriteBuffer(fd: sockFD, n: int) -> None:
    _setInt(fd, SOL_SOCKET, SO_SNDBUF, n)


# Go: src/net/sockopt_posix.go setKeepAlive
def setKeepAlive(fd: sockFD, keepalive: bool) -> None:
    _setInt(fd, SOL_SOCKET, SO_KEEPALIVE, boolint(keepalive))


# Go: src/net/sockopt_posix.go setLinger
def setLinger(fd: sockFD, sec: int) -> None:
    onoff, linger = (1, sec) if sec >= 0 else (0, 0)
    _wrap(lambda: fd.pfd.SetsockoptLinger(SOL_SOCKET, SO_LINGER, onoff, linger))


# Go: src/net/tcpsockopt_posix.go setNoDelay
def setNoDelay(fd: sockFD, noDelay: bool) -> None:
    _setInt(fd, IPPROTO_TCP, TCP_NODELAY, boolint(noDelay))


# Go: src/net/tcpsock.go roundDurationUp
def roundDurationUp(d: float) -> int:
    """Whole seconds in d, rounded up (durations are seconds here)."""
    return math.ceil(round(d, 9))


# Go: src/net/tcpsockopt_unix.go setKeepAliveIdle
def setKeepAliveIdle(fd: sockFD, d: float) -> None:
    if d == 0:
        d = defaultTCPKeepAliveIdle
    elif d < 0:
        return
    # The kernel expects seconds so round to next highest second.
    _setInt(fd, IPPROTO_TCP, TCP_KEEPIDLE, roundDurationUp(d))


# Go: src/net/tcpsockopt_unix.go setKeepAliveInterval
def setKeepAliveInterval(fd: sockFD, d: float) -> None:
    if d == 0:
        d = defaultTCPKeepAliveInterval
    elif d < 0:
        return
    _setInt(fd, IPPROTO_TCP, TCP_KEEPINTVL, roundDurationUp(d))


# Go: src/net/tcpsockopt_unix.go setKeepAliveCount
def setKeepAliveCount(fd: sockFD, n: int) -> None:
    if n == 0:
        n = defaultTCPKeepAliveCount
    elif n < 0:
        return
    _setInt(fd, IPPROTO_TCP, TCP_KEEPCNT, n)
