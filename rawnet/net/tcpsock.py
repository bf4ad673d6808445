"""TCP addresses, connections and listeners (Go: src/net/tcpsock.go).

TCPAddr's POSIX methods (family, sockaddr, toLocal) live in tcpsock_posix.go in Go;
a Python class cannot be split across files, so they are here, marked with their
Go file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .. import time
from ..sys.syscall_linux import SockaddrInet4, SockaddrInet6
from ..sys.zerrors_linux import AF_INET, AF_INET6
from . import dial, fd_unix, ipsock, ipsock_posix, tcpsock_posix
from .ip import IP, IPv4len, ipEmptyString
from .net import Addr, OpError, UnknownNetworkError, closer, conn, errMissingAddress
from .sockopt_posix import (
    setKeepAlive,
    setKeepAliveCount,
    setKeepAliveIdle,
    setKeepAliveInterval,
    setLinger,
    setNoDelay,
    sockFD,
)


# Go: src/net/tcpsock.go TCPAddr
@dataclass(eq=False)
class TCPAddr:
    """The address of a TCP end point. IP None is Go's nil IP (the wildcard).

    Equality compares IPs as Go's IP.Equal does, so an address read back from the
    kernel (4-byte IPv4) equals the one resolved from text (16-byte IPv4-mapped).
    """

    IP: IP | None = None
    Port: int = 0
    Zone: str = ""  # IPv6 scoped addressing zone

    # Go: src/net/tcpsock.go TCPAddr.Network
    def Network(self) -> str:
        return "tcp"

    # Go: src/net/tcpsock.go TCPAddr.String
    def String(self) -> str:
        ip = ipEmptyString(self.IP)
        if self.Zone:
            return ipsock.JoinHostPort(ip + "%" + self.Zone, str(self.Port))
        return ipsock.JoinHostPort(ip, str(self.Port))

    def __str__(self) -> str:
        return self.String()

    def _key(self) -> tuple[bytes, int, str]:
        ip = self.IP.To16() if self.IP else None
        return (bytes(ip) if ip is not None else b"", self.Port, self.Zone)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, TCPAddr):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    # Go: src/net/tcpsock.go TCPAddr.isWildcard
    def isWildcard(self) -> bool:
        if self.IP is None or len(self.IP) == 0:
            return True
        return self.IP.IsUnspecified()

    # Go: src/net/tcpsock_posix.go TCPAddr.family
    def family(self) -> int:
        if self.IP is None or len(self.IP) <= IPv4len:
            return AF_INET
        if self.IP.To4() is not None:
            return AF_INET
        return AF_INET6

    # Go: src/net/tcpsock_posix.go TCPAddr.sockaddr
    def sockaddr(self, family: int) -> SockaddrInet4 | SockaddrInet6:
        return ipsock_posix.ipToSockaddr(family, self.IP, self.Port, self.Zone)

    # Go: src/net/tcpsock_posix.go TCPAddr.toLocal
    def toLocal(self, net: str) -> TCPAddr:
        return TCPAddr(ipsock.loopbackIP(net), self.Port, self.Zone)


# Go: src/net/tcpsock.go ResolveTCPAddr
def ResolveTCPAddr(network: str, address: str) -> TCPAddr:
    """The TCP address of "host:port" (a literal or a name: IPv4 wins, unless the
    address holds an IPv6 literal). network is "tcp", "tcp4" or "tcp6" ("" = "tcp")."""
    if network == "":
        network = "tcp"  # a hint wildcard for Go 1.0 undocumented behavior
    elif network not in ("tcp", "tcp4", "tcp6"):
        raise UnknownNetworkError(network)
    addr = ipsock.internetAddrList(network, address).forResolve(network, address)
    assert isinstance(addr, TCPAddr)
    return addr


# Go: src/net/tcpsock.go KeepAliveConfig
@dataclass
class KeepAliveConfig:
    """TCP keep-alive settings. Durations are seconds; 0 means Go's default (15 s idle,
    15 s interval, 9 probes) and a negative value leaves the socket option as it is."""

    Enable: bool = False
    Idle: float = 0.0
    Interval: float = 0.0
    Count: int = 0


# Go: src/net/tcpsock.go TCPConn
class TCPConn(conn):
    """A TCP connection (Go: net.TCPConn): Read, Write, Close, deadlines, and the TCP
    options. Failing methods raise OpError with Go's text."""

    __slots__ = ()

    def _setop(self, e: BaseException) -> OpError:
        return OpError("set", self.fd.net, self.fd.laddr, self.fd.raddr, e)

    # Go: src/net/tcpsock.go TCPConn.CloseRead
    def CloseRead(self) -> None:
        """Shut down the reading side (shutdown(SHUT_RD))."""
        try:
            self.fd.closeRead()
        except OSError as e:
            raise self._op("close", e) from None

    # Go: src/net/tcpsock.go TCPConn.CloseWrite
    def CloseWrite(self) -> None:
        """Shut down the writing side (shutdown(SHUT_WR)): the peer reads EOF."""
        try:
            self.fd.closeWrite()
        except OSError as e:
            raise self._op("close", e) from None

    # Go: src/net/tcpsock.go TCPConn.SetLinger
    def SetLinger(self, sec: int) -> None:
        """sec < 0: close in the background (default); 0: discard unsent data and reset;
        > 0: linger up to sec seconds."""
        self._option(setLinger, sec)

    # Go: src/net/tcpsock.go TCPConn.SetKeepAlive
    def SetKeepAlive(self, keepalive: bool) -> None:
        self._option(setKeepAlive, keepalive)

    # Go: src/net/tcpsock.go TCPConn.SetKeepAlivePeriod
    def SetKeepAlivePeriod(self, d: float) -> None:
        """Set the idle time (seconds) before keep-alive probes start."""
        self._option(setKeepAliveIdle, d)

    # Go: src/net/tcpsock.go TCPConn.SetNoDelay
    def SetNoDelay(self, noDelay: bool) -> None:
        """Nagle's algorithm off (True, Go's default) or on (False)."""
        self._option(setNoDelay, noDelay)

    # Go: src/net/tcpsock_unix.go TCPConn.SetKeepAliveConfig
    def SetKeepAliveConfig(self, config: KeepAliveConfig) -> None:
        self._option(setKeepAlive, config.Enable)
        self._option(setKeepAliveIdle, config.Idle)
        self._option(setKeepAliveInterval, config.Interval)
        self._option(setKeepAliveCount, config.Count)

    def _option(self, setter: Callable[[sockFD, Any], None], value: Any) -> None:
        try:
            setter(self.fd, value)
        except OSError as e:
            raise self._setop(e) from None


# Go: src/net/tcpsock.go newTCPConn
def newTCPConn(fd: fd_unix.netFD, keepAliveIdle: float, keepAliveCfg: KeepAliveConfig) -> TCPConn:
    try:
        setNoDelay(fd, True)
    except OSError:
        pass
    if not keepAliveCfg.Enable and keepAliveIdle >= 0:
        keepAliveCfg = KeepAliveConfig(Enable=True, Idle=keepAliveIdle)
    c = TCPConn(fd)
    if keepAliveCfg.Enable:
        try:
            c.SetKeepAliveConfig(keepAliveCfg)
        except OSError:
            pass
    return c


# Go: src/net/tcpsock.go TCPListener
class TCPListener(closer):
    """A TCP listener (Go: net.TCPListener). A context manager: ``with ln:`` closes it."""

    __slots__ = ("fd", "lc")

    def __init__(self, fd: fd_unix.netFD, lc: dial.ListenConfig) -> None:
        self.fd = fd
        self.lc = lc

    def __repr__(self) -> str:
        return f"<TCPListener {self.fd.laddr}>"

    def _op(self, op: str, e: BaseException) -> OpError:
        return OpError(op, self.fd.net, None, self.fd.laddr, e)

    # Go: src/net/tcpsock.go TCPListener.AcceptTCP
    def AcceptTCP(self) -> TCPConn:
        """Wait for and return the next connection."""
        try:
            return self.accept()
        except OSError as e:
            raise self._op("accept", e) from None

    # Go: src/net/tcpsock.go TCPListener.Accept
    def Accept(self) -> TCPConn:
        """Wait for and return the next connection (Go returns it as a net.Conn)."""
        return self.AcceptTCP()

    # Go: src/net/tcpsock_posix.go TCPListener.accept
    def accept(self) -> TCPConn:
        fd = self.fd.accept()
        return newTCPConn(fd, self.lc.KeepAlive, self.lc.KeepAliveConfig)

    # Go: src/net/tcpsock.go TCPListener.Close
    def Close(self) -> None:
        """Stop listening; blocked Accepts fail with ErrClosed."""
        try:
            self.fd.Close()
        except OSError as e:
            raise self._op("close", e) from None

    # Go: src/net/tcpsock.go TCPListener.Addr
    def Addr(self) -> Addr | None:
        return self.fd.laddr

    # Go: src/net/tcpsock.go TCPListener.SetDeadline
    def SetDeadline(self, t: time.Time) -> None:
        """Deadline for Accept: an absolute time, or None."""
        try:
            self.fd.SetDeadline(t)
        except OSError as e:
            raise self._op("set", e) from None


# Go: src/net/tcpsock.go ListenTCP
def ListenTCP(network: str, laddr: TCPAddr | None) -> TCPListener:
    if network not in ("tcp", "tcp4", "tcp6"):
        raise OpError("listen", network, None, laddr, UnknownNetworkError(network))
    if laddr is None:
        laddr = TCPAddr()
    try:
        return tcpsock_posix.listenTCP(dial.ListenConfig(), network, laddr)
    except OSError as e:
        raise OpError("listen", network, None, laddr, e) from None


# Go: src/net/tcpsock.go DialTCP
def DialTCP(network: str, laddr: TCPAddr | None, raddr: TCPAddr | None) -> TCPConn:
    if network not in ("tcp", "tcp4", "tcp6"):
        raise OpError("dial", network, laddr, raddr, UnknownNetworkError(network))
    if raddr is None:
        raise OpError("dial", network, laddr, None, errMissingAddress())
    try:
        return tcpsock_posix.dialTCP(dial.Dialer(), network, laddr, raddr, None)
    except OSError as e:
        raise OpError("dial", network, laddr, raddr, e) from None

