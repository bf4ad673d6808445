"""The Addr interface and the error types of package net (Go: src/net/net.go).

Go returns error values and compares sentinels with ``errors.Is``; Python raises. Each
Go sentinel (``ErrClosed``, ``errMissingAddress``, ``errTimeout``…) is therefore a
class here, raised as a fresh instance and tested with ``isinstance``/``except``.

:class:`OpError` keeps Go's five fields and Go's text, and is also an instance of the
class of the error it wraps (built with :func:`rawnet.internal.errmix.mixed`): an
``OpError`` around a deadline is a ``TimeoutError``, around a reset a
``ConnectionResetError``, around ``ErrClosed`` an ``ErrClosed``.
"""

from __future__ import annotations

from typing import Any, Protocol, Self, runtime_checkable

from .. import time
from ..internal.errmix import category, fixedError, mixed
from ..internal.poll.fd import errNetClosing
from ..internal.poll.fd_unix import FD
from ..os.error import SyscallError
from ..sys.errno import ECONNABORTED, ECONNRESET, Errno
from .sockopt_posix import setReadBuffer, setWriteBuffer


# Go: src/net/net.go Addr
@runtime_checkable
class Addr(Protocol):
    """A network end point address."""

    def Network(self) -> str: ...

    def String(self) -> str: ...


_Addr = Addr  # the OpError fields below are named Addr too


def _timeout(err: BaseException | None) -> bool:
    t = getattr(err, "Timeout", None)
    return bool(t is not None and t())


def _temporary(err: BaseException | None) -> bool:
    t = getattr(err, "Temporary", None)
    return bool(t is not None and t())


# Go: src/net/error_unix.go isConnError
def isConnError(err: BaseException | None) -> bool:
    return isinstance(err, Errno) and err.errno in (ECONNRESET, ECONNABORTED)


# Go: src/net/net.go OpError
class OpError(OSError):
    """The error of every net operation: ``read tcp 127.0.0.1:8888->127.0.0.1:50000: i/o timeout``.

    ``Op`` is the operation ("dial", "read", …), ``Net`` the network, ``Source`` and
    ``Addr`` the local and remote addresses (either may be None), ``Err`` the cause.
    """

    Op: str
    Net: str
    Source: _Addr | None
    Addr: _Addr | None
    Err: BaseException

    def __new__(
        cls,
        Op: str,
        Net: str,
        Source: _Addr | None,
        Addr: _Addr | None,
        Err: BaseException,
    ) -> OpError:
        e = Err.errno if isinstance(Err, OSError) and isinstance(Err.errno, int) else None
        return OSError.__new__(mixed(cls, Err), e, str(Err))

    def __init__(
        self,
        Op: str,
        Net: str,
        Source: _Addr | None,
        Addr: _Addr | None,
        Err: BaseException,
    ) -> None:
        self.Op = Op
        self.Net = Net
        self.Source = Source
        self.Addr = Addr
        self.Err = Err
        self._category = category(Err)

    # Go: src/net/net.go OpError.Error
    def __str__(self) -> str:
        s = self.Op
        if self.Net:
            s += " " + self.Net
        if self.Source is not None:
            s += " " + self.Source.String()
        if self.Addr is not None:
            s += "->" if self.Source is not None else " "
            s += self.Addr.String()
        return s + ": " + str(self.Err)

    def Error(self) -> str:
        return str(self)

    def __repr__(self) -> str:
        return (
            f"OpError(Op={self.Op!r}, Net={self.Net!r}, Source={self.Source!r}, "
            f"Addr={self.Addr!r}, Err={self.Err!r})"
        )

    def __reduce__(self) -> tuple[Any, ...]:
        return (OpError, (self.Op, self.Net, self.Source, self.Addr, self.Err))

    # Go: src/net/net.go OpError.Unwrap
    def Unwrap(self) -> BaseException:
        return self.Err

    # Go: src/net/net.go OpError.Timeout
    def Timeout(self) -> bool:
        if isinstance(self.Err, SyscallError):
            return _timeout(self.Err.Err)
        return _timeout(self.Err)

    # Go: src/net/net.go OpError.Temporary
    def Temporary(self) -> bool:
        # ECONNRESET and ECONNABORTED from accept are temporary (Go issue 6163). As in
        # Go, only a bare Errno counts: accept errors arrive wrapped in a SyscallError.
        if self.Op == "accept" and isConnError(self.Err):
            return True
        if isinstance(self.Err, SyscallError):
            return _temporary(self.Err.Err)
        return _temporary(self.Err)


class _netError(OSError):
    """Base of the plain-text net errors: Go text, Timeout() and Temporary() false.

    Subclasses set their Go fields first, then call this with the same arguments (kept
    for pickling); OSError itself gets only the text, so ``errno`` stays None. The
    sentinels among them (``errMissingAddress``…) list
    :class:`~rawnet.internal.errmix.fixedError` first: its fixed text and its pickling
    without arguments come before this class's.
    """

    def __init__(self, *goargs: Any) -> None:
        self._goargs = goargs
        super().__init__(str(self))

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), self._goargs)

    def Error(self) -> str:
        return str(self)

    def Timeout(self) -> bool:
        return False

    def Temporary(self) -> bool:
        return False


# Go: src/net/net.go ParseError
class ParseError(_netError):
    def __init__(self, Type: str, Text: str) -> None:
        self.Type = Type
        self.Text = Text
        super().__init__(Type, Text)

    def __str__(self) -> str:
        return "invalid " + self.Type + ": " + self.Text

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ParseError) and (self.Type, self.Text) == (
            other.Type,
            other.Text,
        )

    def __hash__(self) -> int:
        return hash((self.Type, self.Text))


# Go: src/net/net.go AddrError
class AddrError(_netError):
    """``address ADDR: ERR``, or just ERR when Addr is empty."""

    def __init__(self, Err: str, Addr: str) -> None:
        self.Err = Err
        self.Addr = Addr
        super().__init__(Err, Addr)

    # Go: src/net/net.go AddrError.Error
    def __str__(self) -> str:
        if self.Addr:
            return "address " + self.Addr + ": " + self.Err
        return self.Err

    def __repr__(self) -> str:
        return f"AddrError(Err={self.Err!r}, Addr={self.Addr!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, AddrError) and (self.Err, self.Addr) == (other.Err, other.Addr)

    def __hash__(self) -> int:
        return hash((self.Err, self.Addr))


# Go: src/net/net.go UnknownNetworkError
class UnknownNetworkError(_netError):
    def __init__(self, network: str) -> None:
        self.network = network
        super().__init__(network)

    def __str__(self) -> str:
        return "unknown network " + self.network

    def __repr__(self) -> str:
        return f"UnknownNetworkError({self.network!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, UnknownNetworkError) and self.network == other.network

    def __hash__(self) -> int:
        return hash(self.network)


# Go: src/net/net.go InvalidAddrError
class InvalidAddrError(_netError):
    def __init__(self, text: str) -> None:
        self.text = text
        super().__init__(text)

    def __str__(self) -> str:
        return self.text

    def __eq__(self, other: object) -> bool:
        return isinstance(other, InvalidAddrError) and self.text == other.text

    def __hash__(self) -> int:
        return hash(self.text)


# Go: src/net/net.go timeoutError
class timeoutError(fixedError, TimeoutError):
    """errTimeout: "i/o timeout" for dial deadlines (Go maps context.DeadlineExceeded
    to it). Distinct from poll.DeadlineExceededError, which is for Conn deadlines."""

    text = "i/o timeout"

    def Timeout(self) -> bool:
        return True

    def Temporary(self) -> bool:
        return True


errTimeout = timeoutError


# Go: src/net/net.go canceledError
class canceledError(fixedError, _netError):
    """errCanceled: Go maps context.Canceled to it."""

    text = "operation was canceled"


errCanceled = canceledError


# Go: src/net/net.go errNoSuitableAddress
class errNoSuitableAddress(fixedError, _netError):
    text = "no suitable address found"


# Go: src/net/net.go errMissingAddress
class errMissingAddress(fixedError, _netError):
    text = "missing address"


# Go: src/net/net.go ErrWriteToConnected
class ErrWriteToConnected(fixedError, _netError):
    text = "use of WriteTo with pre-connected connection"


# The reason rawnet gives for the networks Go has that it does not build yet (UDP, IP
# and unix sockets): the Err of an AddrError whose Addr is the network. No Go twin.
notBuiltYet = "network not supported by rawnet yet"


# Go: src/net/net.go notFoundError
class notFoundError(_netError):
    def __init__(self, s: str) -> None:
        self.s = s
        super().__init__(s)

    def __str__(self) -> str:
        return self.s


# Go: src/net/net.go temporaryError
class temporaryError(notFoundError):
    def Temporary(self) -> bool:
        return True


# Go: src/net/net.go errNoSuchHost
def errNoSuchHost() -> notFoundError:
    return notFoundError("no such host")


# Go: src/net/net.go errUnknownPort
def errUnknownPort() -> notFoundError:
    return notFoundError("unknown port")


# Go: src/net/net.go DNSError
class DNSError(_netError):
    """``lookup NAME[ on SERVER]: ERR``."""

    def __init__(
        self,
        Err: str,
        Name: str,
        Server: str = "",
        IsTimeout: bool = False,
        IsTemporary: bool = False,
        IsNotFound: bool = False,
        UnwrapErr: BaseException | None = None,
    ) -> None:
        self.Err = Err
        self.Name = Name
        self.Server = Server
        self.IsTimeout = IsTimeout
        self.IsTemporary = IsTemporary
        self.IsNotFound = IsNotFound
        self.UnwrapErr = UnwrapErr
        super().__init__(Err, Name, Server, IsTimeout, IsTemporary, IsNotFound, UnwrapErr)

    # Go: src/net/net.go DNSError.Error
    def __str__(self) -> str:
        s = "lookup " + self.Name
        if self.Server:
            s += " on " + self.Server
        return s + ": " + self.Err

    def __repr__(self) -> str:
        return f"DNSError(Err={self.Err!r}, Name={self.Name!r}, Server={self.Server!r})"

    # Go: src/net/net.go DNSError.Unwrap
    def Unwrap(self) -> BaseException | None:
        return self.UnwrapErr

    # Go: src/net/net.go DNSError.Timeout
    def Timeout(self) -> bool:
        return self.IsTimeout

    # Go: src/net/net.go DNSError.Temporary
    def Temporary(self) -> bool:
        return self.IsTimeout or self.IsTemporary


# Go: src/net/net.go newDNSError
def newDNSError(err: BaseException, name: str, server: str) -> DNSError:
    unwrap = err if isinstance(err, timeoutError | canceledError) else None
    return DNSError(
        Err=str(err),
        Name=name,
        Server=server,
        IsTimeout=_timeout(err),
        IsTemporary=_temporary(err),
        IsNotFound=type(err) is notFoundError,
        UnwrapErr=unwrap,
    )


# Go: src/net/net.go errClosed
errClosed = errNetClosing
ErrClosed = errNetClosing

# Python has no context package. A context implementation registers its Canceled and
# DeadlineExceeded error classes here, mapped to the net errors Go substitutes.
contextErrors: dict[type[BaseException], type[BaseException]] = {}


# Go: src/net/net.go mapErr
def mapErr(err: BaseException) -> BaseException:
    """context.Canceled ⇒ errCanceled, context.DeadlineExceeded ⇒ errTimeout, else err."""
    for ctxErr, netErr in contextErrors.items():
        if isinstance(err, ctxErr):
            return netErr()
    return err


class closer:
    """``with x:`` closes x at the end of the block (a no-op if it was closed inside)."""

    __slots__ = ()

    def Close(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self.Close()
        except errNetClosing:
            pass  # closed inside the block already


class connFD(Protocol):
    """What a conn asks of its fd, a netFD (fd_unix.py): Go's ``conn.fd *netFD``.

    A Protocol rather than netFD itself, so that this module stays at the bottom of
    rawnet.net: every other module raises the errors defined here, and fd_unix.py
    reaches most of them (a netFD makes TCPAddrs, tcpsock.py). closeRead and
    closeWrite are TCPConn's; pfd is what the socket option setters need.
    """

    net: str
    laddr: Addr | None
    raddr: Addr | None
    pfd: FD

    def Read(self, p: Any) -> int: ...

    def Write(self, p: Any) -> int: ...

    def Close(self) -> None: ...

    def closeRead(self) -> None: ...

    def closeWrite(self) -> None: ...

    def SetDeadline(self, t: time.Time) -> None: ...

    def SetReadDeadline(self, t: time.Time) -> None: ...

    def SetWriteDeadline(self, t: time.Time) -> None: ...


# Go: src/net/net.go conn
class conn(closer):
    """The generic stream connection behind TCPConn (Go's unexported ``conn``).

    Every method raises an OpError with Go's text on failure, except ``Read``, which
    raises ``EOF`` bare at end of stream, as Go returns io.EOF unwrapped. A conn is a
    context manager: ``with conn:`` closes it.
    """

    __slots__ = ("fd",)

    def __init__(self, fd: connFD) -> None:
        self.fd = fd

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.fd.laddr}->{self.fd.raddr}>"

    def _op(self, op: str, e: BaseException) -> OpError:
        return OpError(op, self.fd.net, self.fd.laddr, self.fd.raddr, e)

    def _set(self, e: BaseException) -> OpError:
        return OpError("set", self.fd.net, None, self.fd.laddr, e)

    # Go: src/net/net.go conn.Read
    def Read(self, b: Any) -> int:
        """Read into b (a bytearray, writable memoryview or other writable buffer)
        without copying; return the count. Raises EOF at end of stream."""
        try:
            return self.fd.Read(b)
        except OSError as e:
            raise self._op("read", e) from None

    # Go: src/net/net.go conn.Write
    def Write(self, b: Any) -> int:
        """Write all of b (any bytes-like object); return len(b). On failure the
        OpError's ``n`` is the count written before it."""
        try:
            return self.fd.Write(b)
        except (OSError, EOFError) as e:
            err = self._op("write", e)
            err.n = getattr(e, "n", 0)  # type: ignore[attr-defined]
            raise err from None

    # Go: src/net/net.go conn.Close
    def Close(self) -> None:
        try:
            self.fd.Close()
        except OSError as e:
            raise self._op("close", e) from None

    # Go: src/net/net.go conn.LocalAddr
    def LocalAddr(self) -> Addr | None:
        return self.fd.laddr

    # Go: src/net/net.go conn.RemoteAddr
    def RemoteAddr(self) -> Addr | None:
        return self.fd.raddr

    # Go: src/net/net.go conn.SetDeadline
    def SetDeadline(self, t: time.Time) -> None:
        """Set the read and write deadlines: an absolute time (``time.time()`` float or
        ``datetime``), or None for none. Expiry is sticky until moved."""
        try:
            self.fd.SetDeadline(t)
        except OSError as e:
            raise self._set(e) from None

    # Go: src/net/net.go conn.SetReadDeadline
    def SetReadDeadline(self, t: time.Time) -> None:
        try:
            self.fd.SetReadDeadline(t)
        except OSError as e:
            raise self._set(e) from None

    # Go: src/net/net.go conn.SetWriteDeadline
    def SetWriteDeadline(self, t: time.Time) -> None:
        try:
            self.fd.SetWriteDeadline(t)
        except OSError as e:
            raise self._set(e) from None

    # Go: src/net/net.go conn.SetReadBuffer
    def SetReadBuffer(self, nbytes: int) -> None:
        try:
            setReadBuffer(self.fd, nbytes)
        except OSError as e:
            raise self._set(e) from None

    # Go: src/net/net.go conn.SetWriteBuffer
    def SetWriteBuffer(self, nbytes: int) -> None:
        try:
            setWriteBuffer(self.fd, nbytes)
        except OSError as e:
            raise self._set(e) from None

