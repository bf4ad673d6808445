"""The one constructor of every socket (Go: src/net/sock_posix.go).

Go's methods ``(fd *netFD) dial`` and ``(fd *netFD) listenStream`` live in this Go
file; here they are functions taking the netFD first, so that they too live in the
module named after their Go file.
"""

from __future__ import annotations

from .. import time
from ..internal.poll.sock_cloexec import CloseFunc
from ..os.error import SyscallError
from ..sys import syscall_linux as sc
from ..sys.errno import Errno
from ..sys.syscall_linux import Sockaddr
from ..sys.zerrors_linux import SOCK_SEQPACKET, SOCK_STREAM
from . import fd_unix, ipsock_posix
from .sock_cloexec import sysSocket
from .sock_linux import listenerBacklog
from .sockopt_linux import setDefaultListenerSockopts, setDefaultSockopts

# Go: src/net/hook_unix.go listenFunc
listenFunc = sc.Listen


# Go: src/net/sock_posix.go socket
def socket(
    net: str,
    family: int,
    sotype: int,
    proto: int,
    ipv6only: bool,
    laddr: ipsock_posix.sockaddr | None,
    raddr: ipsock_posix.sockaddr | None,
    deadline: time.Time,
) -> fd_unix.netFD:
    """Return a network file descriptor that is ready for I/O using the poller: a
    listener if only laddr is given for a stream socket, else a dialed socket."""
    s = sysSocket(family, sotype, proto)
    try:
        setDefaultSockopts(s, family, sotype, ipv6only)
    except BaseException:
        CloseFunc(s)
        raise
    fd = fd_unix.netFD(s, family, sotype, net)
    try:
        # This function makes a network file descriptor for the following
        # applications: an endpoint holder that opens a passive stream connection
        # (a listener), or one that opens an active connection (a dialer).
        if laddr is not None and raddr is None and sotype in (SOCK_STREAM, SOCK_SEQPACKET):
            listenStream(fd, laddr, listenerBacklog())
        else:
            dial(fd, laddr, raddr, deadline)
    except BaseException:
        fd.Close()
        raise
    return fd


def _sockaddr(fd: fd_unix.netFD, a: ipsock_posix.sockaddr) -> Sockaddr | None:
    return a.sockaddr(fd.family)


# Go: src/net/sock_posix.go netFD.dial
def dial(
    fd: fd_unix.netFD,
    laddr: ipsock_posix.sockaddr | None,
    raddr: ipsock_posix.sockaddr | None,
    deadline: time.Time,
) -> None:
    if laddr is not None:
        lsa = _sockaddr(fd, laddr)
        if lsa is not None:
            r = sc.Bind(fd.pfd.Sysfd, lsa)
            if r < 0:
                raise SyscallError("bind", Errno(-r))
    crsa: Sockaddr | None = None
    if raddr is not None:
        rsa = _sockaddr(fd, raddr)
        assert rsa is not None
        crsa = fd.connect(rsa, deadline)
        fd.isConnected = True
    else:
        fd.init()
    # Record the local and remote addresses from the actual socket. Get the local
    # address by calling getsockname. For the remote address, use
    # 1) the one returned by the connect method, if any; or
    # 2) the one from getpeername, if it succeeds; or
    # 3) the one passed to us as the raddr parameter.
    _, lsa = sc.Getsockname(fd.pfd.Sysfd)
    toAddr = fd.addrFunc()
    if crsa is not None:
        fd.setAddr(toAddr(lsa), toAddr(crsa))
        return
    r, prsa = sc.Getpeername(fd.pfd.Sysfd)
    if r == 0:
        fd.setAddr(toAddr(lsa), toAddr(prsa))
    else:
        fd.setAddr(toAddr(lsa), raddr)


# Go: src/net/sock_posix.go netFD.listenStream
def listenStream(fd: fd_unix.netFD, laddr: ipsock_posix.sockaddr, backlog: int) -> None:
    setDefaultListenerSockopts(fd.pfd.Sysfd)
    lsa = _sockaddr(fd, laddr)
    if lsa is not None:
        r = sc.Bind(fd.pfd.Sysfd, lsa)
        if r < 0:
            raise SyscallError("bind", Errno(-r))
    r = listenFunc(fd.pfd.Sysfd, backlog)
    if r < 0:
        raise SyscallError("listen", Errno(-r))
    fd.init()
    _, lsa2 = sc.Getsockname(fd.pfd.Sysfd)
    fd.setAddr(fd.addrFunc()(lsa2), None)
