"""setsockopt helpers (gnet v2.10.0: pkg/socket/sockopts_posix.go). Each raises
``os.SyscallError("setsockopt", …)`` on failure."""

from __future__ import annotations

from ....sys import syscall_linux as sc
from ....sys import zerrors_linux as c
from ..errors import checkSyscall


def setsockoptInt(fd: int, level: int, opt: int, value: int) -> None:
    checkSyscall("setsockopt", sc.SetsockoptInt(fd, level, opt, value))


# gnet: pkg/socket/sockopts_posix.go SetNoDelay
def SetNoDelay(fd: int, noDelay: int) -> None:
    """TCP_NODELAY: 1 sends each write at once, 0 lets Nagle's algorithm batch them."""
    setsockoptInt(fd, c.IPPROTO_TCP, c.TCP_NODELAY, noDelay)


# gnet: pkg/socket/sockopts_posix.go SetRecvBuffer
def SetRecvBuffer(fd: int, size: int) -> None:
    setsockoptInt(fd, c.SOL_SOCKET, c.SO_RCVBUF, size)


# gnet: pkg/socket/sockopts_posix.go SetSendBuffer
def SetSendBuffer(fd: int, size: int) -> None:
    setsockoptInt(fd, c.SOL_SOCKET, c.SO_SNDBUF, size)


# gnet: pkg/socket/sockopts_posix.go SetReuseAddr
def SetReuseAddr(fd: int, reuseAddr: int) -> None:
    setsockoptInt(fd, c.SOL_SOCKET, c.SO_REUSEADDR, reuseAddr)


# gnet: pkg/socket/sockopts_posix.go SetIPv6Only
def SetIPv6Only(fd: int, ipv6only: int) -> None:
    setsockoptInt(fd, c.IPPROTO_IPV6, c.IPV6_V6ONLY, ipv6only)


# gnet: pkg/socket/sockopts_posix.go SetLinger
def SetLinger(fd: int, sec: int) -> None:
    """SO_LINGER: sec >= 0 makes close wait up to sec seconds for unsent data (0: reset
    the connection at once); a negative sec turns lingering off."""
    onoff = 1 if sec >= 0 else 0
    checkSyscall("setsockopt", sc.SetsockoptLinger(fd, c.SOL_SOCKET, c.SO_LINGER, onoff,
                                                   max(sec, 0)))
