"""TCP sockets on POSIX systems (Go: src/net/tcpsock_posix.go)."""

from __future__ import annotations

from .. import time
from ..os.error import SyscallError
from ..sys.errno import EADDRNOTAVAIL, Errno
from ..sys.syscall_linux import Sockaddr, SockaddrInet4, SockaddrInet6
from ..sys.zerrors_linux import SOCK_STREAM
from . import dial, fd_unix, ipsock_posix, tcpsock
from .ip import IP
from .net import OpError


# Go: src/net/tcpsock_posix.go sockaddrToTCP
def sockaddrToTCP(sa: Sockaddr | None) -> tcpsock.TCPAddr | None:
    """The TCPAddr of a kernel sockaddr: IPv4 as 4 bytes, IPv6 as 16 bytes + zone."""
    if isinstance(sa, SockaddrInet4):
        return tcpsock.TCPAddr(IP(sa.Addr), sa.Port)
    if isinstance(sa, SockaddrInet6):
        return tcpsock.TCPAddr(IP(sa.Addr), sa.Port, ipsock_posix.zoneToName(sa.ZoneId))
    return None


# Go: src/net/tcpsock_posix.go sysDialer.dialTCP
def dialTCP(
    d: dial.Dialer,
    net: str,
    laddr: tcpsock.TCPAddr | None,
    raddr: tcpsock.TCPAddr,
    deadline: time.Time,
) -> tcpsock.TCPConn:
    return doDialTCPProto(d, net, laddr, raddr, 0, deadline)


# Go: src/net/tcpsock_posix.go sysDialer.doDialTCPProto
def doDialTCPProto(
    d: dial.Dialer,
    net: str,
    laddr: tcpsock.TCPAddr | None,
    raddr: tcpsock.TCPAddr,
    proto: int,
    deadline: time.Time,
) -> tcpsock.TCPConn:
    # TCP has a rarely used mechanism called a 'simultaneous connection' in which Dial
    # ("tcp", addr1, addr2) run on the machine at addr1 can connect to a simultaneous
    # Dial("tcp", addr2, addr1) run on the machine at addr2, without either machine
    # executing Listen. If laddr == nil, it means we want the kernel to pick an
    # appropriate originating local address. Some Linux kernels cycle blindly through
    # a fixed range of local ports, regardless of destination port. If a kernel
    # happens to pick local port 50001 as the source for a Dial("tcp", "", "localhost:
    # 50001"), then the Dial will succeed, having simultaneously connected to itself.
    # This can only happen when we are letting the kernel pick a port (laddr == nil)
    # and when there is no listener for the destination address. It's hard to argue
    # this is anything other than a kernel bug. If we see this happen, rather than
    # expose the buggy effect to users, we close the fd and try again. If it happens
    # twice more, we relent and use the result. See also Go issue 2690.
    fd: fd_unix.netFD | None = None
    err: OSError | None = None
    for i in range(3):
        fd, err = None, None
        try:
            fd = ipsock_posix.internetSocket(
                net, laddr, raddr, SOCK_STREAM, proto, "dial", deadline
            )
        except OSError as e:
            err = e
        if i == 2 or not (laddr is None or laddr.Port == 0):
            break
        if not (selfConnect(fd, err) or spuriousENOTAVAIL(err)):
            break
        if fd is not None:
            fd.Close()
    if err is not None:
        raise err
    assert fd is not None
    return tcpsock.newTCPConn(fd, d.KeepAlive, d.KeepAliveConfig)


# Go: src/net/tcpsock_posix.go selfConnect
def selfConnect(fd: fd_unix.netFD | None, err: OSError | None) -> bool:
    # If the connect failed, we clearly didn't connect to ourselves.
    if err is not None or fd is None:
        return False
    # The socket constructor can return an fd with raddr nil under certain unknown
    # conditions. The errors in the calls there to Getpeername are discarded, but we
    # can't catch the problem there because those calls are sometimes legitimately
    # erroneous with a "socket not connected". Since this code (selfConnect) is
    # already meant to guard against a kernel bug, treat it as a self-connect.
    l, r = fd.laddr, fd.raddr
    if not isinstance(l, tcpsock.TCPAddr) or not isinstance(r, tcpsock.TCPAddr):
        return True
    return l.Port == r.Port and l.IP is not None and r.IP is not None and l.IP.Equal(r.IP)


# Go: src/net/tcpsock_posix.go spuriousENOTAVAIL
def spuriousENOTAVAIL(err: OSError | None) -> bool:
    if isinstance(err, OpError):
        err = err.Err if isinstance(err.Err, OSError) else None
    if isinstance(err, SyscallError):
        err = err.Err if isinstance(err.Err, OSError) else None
    return isinstance(err, Errno) and err.errno == EADDRNOTAVAIL


# Go: src/net/tcpsock_posix.go sysListener.listenTCP
def listenTCP(lc: dial.ListenConfig, net: str, laddr: tcpsock.TCPAddr) -> tcpsock.TCPListener:
    return listenTCPProto(lc, net, laddr, 0)


# Go: src/net/tcpsock_posix.go sysListener.listenTCPProto
def listenTCPProto(
    lc: dial.ListenConfig, net: str, laddr: tcpsock.TCPAddr, proto: int
) -> tcpsock.TCPListener:
    fd = ipsock_posix.internetSocket(net, laddr, None, SOCK_STREAM, proto, "listen", None)
    return tcpsock.TCPListener(fd, lc)

