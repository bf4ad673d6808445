"""Keep-alive and SO_REUSEPORT (gnet v2.10.0: pkg/socket/sockopts_unix.go,
sockopts_unix1.go). Durations are whole seconds, as gnet passes them to the kernel."""

from __future__ import annotations

from ....sys import zerrors_linux as c
from .sockopts_posix import setsockoptInt


# gnet: pkg/socket/sockopts_unix.go SetKeepAlivePeriod
def SetKeepAlivePeriod(fd: int, secs: int) -> None:
    """Keep-alive on, first probe after secs idle, then every secs/5 (at least 1), 5 probes."""
    if secs <= 0:
        raise ValueError("invalid time duration")
    SetKeepAlive(fd, True, secs, max(secs // 5, 1), 5)


# gnet: pkg/socket/sockopts_unix.go SetKeepAlive
def SetKeepAlive(fd: int, enabled: bool, idle: int, intvl: int, cnt: int) -> None:
    if enabled and (idle <= 0 or intvl <= 0 or cnt <= 0):
        raise ValueError("invalid time duration")
    setsockoptInt(fd, c.SOL_SOCKET, c.SO_KEEPALIVE, 1 if enabled else 0)
    if not enabled:
        return
    setsockoptInt(fd, c.IPPROTO_TCP, c.TCP_KEEPIDLE, idle)
    setsockoptInt(fd, c.IPPROTO_TCP, c.TCP_KEEPINTVL, intvl)
    setsockoptInt(fd, c.IPPROTO_TCP, c.TCP_KEEPCNT, cnt)


# gnet: pkg/socket/sockopts_unix1.go SetReuseport
def SetReuseport(fd: int, reusePort: int) -> None:
    """SO_REUSEPORT: several sockets may bind the same address and port; the kernel
    spreads incoming connections over their listen queues by a hash of the 4-tuple."""
    setsockoptInt(fd, c.SOL_SOCKET, c.SO_REUSEPORT, reusePort)
