"""Sockets made non-blocking and close-on-exec in one call (gnet v2.10.0:
pkg/socket/sock_cloexec.go)."""

from __future__ import annotations

from ....sys import Sockaddr
from ....sys import syscall_linux as sc
from ....sys import zerrors_linux as c
from ..errors import checkSyscall


# gnet: pkg/socket/sock_cloexec.go sysSocket
def sysSocket(family: int, sotype: int, proto: int) -> int:
    return checkSyscall("socket", sc.Socket(family, sotype | c.SOCK_NONBLOCK | c.SOCK_CLOEXEC,
                                            proto))


# gnet: pkg/socket/sock_cloexec.go sysAccept
def sysAccept(fd: int) -> tuple[int, Sockaddr | None]:
    """accept4 as the raw result (fd or -errno) and the peer's address: the acceptor
    tells EAGAIN and EMFILE apart, so this one does not raise."""
    return sc.Accept4(fd, c.SOCK_NONBLOCK | c.SOCK_CLOEXEC)
