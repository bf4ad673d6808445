"""Unix domain stream sockets (gnet v2.10.0: pkg/socket/unix_socket.go).

The address is a file system path (or "@name", Linux's abstract namespace: no file).
bind(2) creates the socket file, with the mode 0777 less the process's umask, as for
any new file; it fails with EADDRINUSE if the path exists, which is why gnet's
listener removes the path first (listener_unix.py).
"""

from __future__ import annotations

from collections.abc import Sequence

from ....net.sock_linux import maxListenerBacklog
from ....sys import Sockaddr
from ....sys import zerrors_linux as c
from ....sys.syscall_linux import SockaddrUnix
from ..errors import ErrUnsupportedUDSProtocol
from . import socket  # socket.py imports this module too: by module, as tcp_socket.py
from .sockaddr import UnixAddr


# gnet: pkg/socket/unix_socket.go GetUnixSockAddr
def GetUnixSockAddr(proto: str, addr: str) -> tuple[Sockaddr, int, UnixAddr]:
    """(sockaddr, family, address) for a "unix" path (Go's ResolveUnixAddr takes the
    path as it is)."""
    if proto != "unix":
        raise ErrUnsupportedUDSProtocol()
    return SockaddrUnix(addr), c.AF_UNIX, UnixAddr(addr)


# gnet: pkg/socket/unix_socket.go udsSocket
def udsSocket(proto: str, addr: str, passive: bool, sockOptInts: Sequence[socket.Option]
              ) -> tuple[int, UnixAddr]:
    """A Unix stream socket bound to addr and listening (passive; the client side is
    not built): its fd and its address."""
    sa, family, unixAddr = GetUnixSockAddr(proto, addr)
    if not passive:
        raise NotImplementedError("gnet's client (connect) is not built")
    fd, _ = socket.bindSocket(family, c.SOCK_STREAM, 0, sa, sockOptInts, maxListenerBacklog())
    return fd, unixAddr
