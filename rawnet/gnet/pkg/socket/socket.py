"""Socket options as values, and the entry points (gnet v2.10.0: pkg/socket/socket.go)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ....net.tcpsock import TCPAddr
from ....sys import Sockaddr
from ....sys import syscall_linux as sc
from ..errors import checkSyscall
from .sock_cloexec import sysAccept, sysSocket
from .sockaddr import UDPAddr, UnixAddr
from .tcp_socket import tcpSocket
from .udp_socket import udpSocket
from .unix_socket import udsSocket


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


def bindSocket(family: int, sotype: int, proto: int, sa: Sockaddr, opts: Sequence[Option],
               backlog: int | None) -> tuple[int, Sockaddr | None]:
    """What tcpSocket, udpSocket and udsSocket have in common (rawnet's; gnet spells it
    out in each): a non-blocking socket with opts set, bound to sa, listening with
    backlog unless None (a datagram socket). Returns the fd and the address the
    kernel bound (getsockname: a port 0 is now a port). Closes the fd on failure."""
    fd = sysSocket(family, sotype, proto)
    try:
        execSockOpts(fd, opts)
        checkSyscall("bind", sc.Bind(fd, sa))
        if backlog is not None:
            checkSyscall("listen", sc.Listen(fd, backlog))
        r, bound = sc.Getsockname(fd)
        checkSyscall("getsockname", r)
        return fd, bound
    except BaseException:
        sc.Close(fd)
        raise


# gnet: pkg/socket/socket.go UDPSocket
def UDPSocket(proto: str, addr: str, sockOptInts: Sequence[Option]) -> tuple[int, UDPAddr]:
    """A UDP socket bound to addr, with the options set (gnet's connect=false: the
    server side); its fd and its address."""
    return udpSocket(proto, addr, sockOptInts)


# gnet: pkg/socket/socket.go UnixSocket
def UnixSocket(proto: str, addr: str, passive: bool, sockOptInts: Sequence[Option]
               ) -> tuple[int, UnixAddr]:
    """A Unix stream socket bound and listening on the path addr (passive)."""
    return udsSocket(proto, addr, passive, sockOptInts)


# gnet: pkg/socket/socket.go Accept
def Accept(fd: int) -> tuple[int, Sockaddr | None]:
    """accept4: the new fd (or -errno) and the peer's address."""
    return sysAccept(fd)
