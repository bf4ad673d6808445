"""Socket options as values, and the entry points (gnet v2.10.0: pkg/socket/socket.go)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ....net.tcpsock import TCPAddr
from ....sys import Sockaddr
from .sock_cloexec import sysAccept
from .tcp_socket import tcpSocket


# gnet: pkg/socket/socket.go Option
@dataclass(frozen=True)
class Option:
    """A socket option to set on a new socket: SetSockOpt(fd, Opt)."""

    SetSockOpt: Callable[[int, int], None]
    Opt: int


# gnet: pkg/socket/socket.go execSockOpts
def execSockOpts(fd: int, opts: Sequence[Option]) -> None:
    for opt in opts:
        opt.SetSockOpt(fd, opt.Opt)


# gnet: pkg/socket/socket.go TCPSocket
def TCPSocket(proto: str, addr: str, passive: bool, sockOptInts: Sequence[Option]
              ) -> tuple[int, TCPAddr]:
    """A TCP socket bound and listening on addr (passive), with the options set; its
    fd and its address."""
    return tcpSocket(proto, addr, passive, sockOptInts)


# gnet: pkg/socket/socket.go Accept
def Accept(fd: int) -> tuple[int, Sockaddr | None]:
    """accept4: the new fd (or -errno) and the peer's address."""
    return sysAccept(fd)
