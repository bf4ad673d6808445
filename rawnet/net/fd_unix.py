"""The network file descriptor (Go: src/net/fd_unix.go; the netFD type and its small
wrappers from src/net/fd_posix.go carry their own markers).

netFD adds what the network package knows to a poll.FD: the family, the socket type,
the network name the user asked for and both addresses. Its I/O wrappers turn a bare
syscall Errno into an os.SyscallError named after the call (``read: connection reset
by peer``) and let every other error (closing, deadline, EOF) through unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from .. import time
from ..internal.poll.fd import DeadlineExceededError
from ..internal.poll.fd_unix import FD
from ..os.error import SyscallError
from ..sys import syscall_linux as sc
from ..sys.errno import EALREADY, EINPROGRESS, EINTR, EISCONN, Errno
from ..sys.syscall_linux import Sockaddr
from ..sys.zerrors_linux import (
    AF_INET,
    AF_INET6,
    SHUT_RD,
    SHUT_WR,
    SO_ERROR,
    SOCK_DGRAM,
    SOCK_RAW,
    SOCK_STREAM,
    SOL_SOCKET,
)
from . import tcpsock_posix
from .net import Addr, timeoutError

# Go: src/net/fd_unix.go readSyscallName
readSyscallName: Final = "read"
writeSyscallName: Final = "write"

# Go: src/net/hook_unix.go connectFunc (a test hook in Go)
connectFunc = sc.Connect


class netFD:
    """Go: src/net/fd_posix.go netFD."""

    __slots__ = ("pfd", "family", "sotype", "isConnected", "net", "laddr", "raddr")

    # Go: src/net/fd_unix.go newFD
    def __init__(self, sysfd: int, family: int, sotype: int, net: str) -> None:
        self.pfd = FD(sysfd, sotype == SOCK_STREAM, sotype not in (SOCK_DGRAM, SOCK_RAW))
        # immutable until Close
        self.family = family
        self.sotype = sotype
        self.isConnected = False  # handshake completed or use of association with peer
        self.net = net
        self.laddr: Addr | None = None
        self.raddr: Addr | None = None

    # Go: src/net/fd_unix.go netFD.init
    def init(self) -> None:
        self.pfd.Init(self.net, True)

    # Go: src/net/fd_posix.go netFD.setAddr
    def setAddr(self, laddr: Addr | None, raddr: Addr | None) -> None:
        # Go also sets a finalizer that closes a forgotten fd; rawnet leaves that to the
        # user (and to `with` blocks): a finalizer that blocks on Close could run on
        # any goroutine.
        self.laddr = laddr
        self.raddr = raddr

    # Go: src/net/fd_unix.go netFD.name
    def name(self) -> str:
        ls = self.laddr.String() if self.laddr is not None else ""
        rs = self.raddr.String() if self.raddr is not None else ""
        return self.net + ":" + ls + "->" + rs

    # Go: src/net/fd_posix.go netFD.Close
    def Close(self) -> None:
        self.pfd.Close()

    # Go: src/net/fd_posix.go netFD.shutdown
    def shutdown(self, how: int) -> None:
        try:
            self.pfd.Shutdown(how)
        except Errno as e:
            raise SyscallError("shutdown", e) from None

    # Go: src/net/fd_posix.go netFD.closeRead
    def closeRead(self) -> None:
        self.shutdown(SHUT_RD)

    # Go: src/net/fd_posix.go netFD.closeWrite
    def closeWrite(self) -> None:
        self.shutdown(SHUT_WR)

    # Go: src/net/fd_posix.go netFD.Read
    def Read(self, p: Any) -> int:
        try:
            return self.pfd.Read(p)
        except Errno as e:
            raise SyscallError(readSyscallName, e) from None

    # Go: src/net/fd_posix.go netFD.Write
    def Write(self, p: Any) -> int:
        try:
            return self.pfd.Write(p)
        except Errno as e:
            err = SyscallError(writeSyscallName, e)
            err.n = getattr(e, "n", 0)  # type: ignore[attr-defined]
            raise err from None

    # Go: src/net/fd_posix.go netFD.SetDeadline
    def SetDeadline(self, t: time.Time) -> None:
        self.pfd.SetDeadline(t)

    # Go: src/net/fd_posix.go netFD.SetReadDeadline
    def SetReadDeadline(self, t: time.Time) -> None:
        self.pfd.SetReadDeadline(t)

    # Go: src/net/fd_posix.go netFD.SetWriteDeadline
    def SetWriteDeadline(self, t: time.Time) -> None:
        self.pfd.SetWriteDeadline(t)

    # Go: src/net/sockaddr_posix.go netFD.addrFunc
    def addrFunc(self) -> Callable[[Sockaddr | None], Addr | None]:
        if self.family in (AF_INET, AF_INET6) and self.sotype == SOCK_STREAM:
            return tcpsock_posix.sockaddrToTCP
        return lambda sa: None

    # Go: src/net/fd_unix.go netFD.connect
    def connect(self, ra: Sockaddr, deadline: time.Time) -> Sockaddr | None:
        """Non-blocking connect: start it, register the fd, wait for writability, read
        SO_ERROR, confirm with getpeername. deadline plays the part of Go's context
        deadline: it becomes the fd's write deadline while connecting, and its expiry
        is reported as the dial timeout (errTimeout), as Go maps ctx.Err()."""
        e = -connectFunc(self.pfd.Sysfd, ra)
        if e in (EINPROGRESS, EALREADY, EINTR):
            pass
        elif e in (0, EISCONN):
            if _expired(deadline):
                raise timeoutError()
            self.pfd.Init(self.net, True)
            return None
        else:
            raise SyscallError("connect", Errno(e))
        self.pfd.Init(self.net, True)
        if deadline is not None:
            self.pfd.SetWriteDeadline(deadline)
        try:
            return self._waitConnected(deadline)
        finally:
            if deadline is not None:
                self.pfd.SetWriteDeadline(None)

    def _waitConnected(self, deadline: time.Time) -> Sockaddr | None:
        while True:
            # Performing multiple connect system calls on a non-blocking socket under
            # Unix variants does not necessarily result in earlier errors being
            # returned. Instead, once runtime-integrated network poller tells us that
            # the socket is ready, get the SO_ERROR socket option to see if the
            # connection succeeded or failed.
            try:
                self.pfd.WaitWrite()
            except DeadlineExceededError:
                if deadline is not None:
                    raise timeoutError() from None
                raise
            r, nerr = sc.GetsockoptInt(self.pfd.Sysfd, SOL_SOCKET, SO_ERROR)
            if r < 0:
                raise SyscallError("getsockopt", Errno(-r))
            if nerr in (EINPROGRESS, EALREADY, EINTR):
                continue
            if nerr == EISCONN:
                return None
            if nerr == 0:
                # The runtime poller can wake us up spuriously; see Go issues 14548 and
                # 19289. Check that we are really connected; if not, wait again.
                r, rsa = sc.Getpeername(self.pfd.Sysfd)
                if r == 0:
                    return rsa
                continue
            raise SyscallError("connect", Errno(nerr))

    # Go: src/net/fd_unix.go netFD.accept
    def accept(self) -> netFD:
        d, rsa, errcall, err = self.pfd.Accept()
        if err is not None:
            raise SyscallError(errcall, err) if errcall else err
        netfd = netFD(d, self.family, self.sotype, self.net)
        try:
            netfd.init()
        except BaseException:
            netfd.Close()
            raise
        _, lsa = sc.Getsockname(netfd.pfd.Sysfd)
        toAddr = netfd.addrFunc()
        netfd.setAddr(toAddr(lsa), toAddr(rsa))
        return netfd


def _expired(deadline: time.Time) -> bool:
    return deadline is not None and time.Until(deadline) <= 0
