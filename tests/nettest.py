"""Test helpers ported from Go's src/net/mockserver_test.go and error_test.go.

Go's helpers return ``error`` values and report through ``t.Error``; here the error-shape
validators (``parseReadError`` and friends) return ``None`` when the error is well-formed
and a message otherwise, so a test writes ``assert parseReadError(e) is None``.
Goroutines report failures by raising: :class:`goresult` and :class:`localServer`
capture what a goroutine raised and re-raise it in the test's own goroutine.

Go's channels have no rawnet twin yet, so :class:`Chan` is a minimal unbounded channel
over a runtime semaphore: ``send`` never blocks, ``recv`` parks the goroutine (not the
thread), ``close`` makes every later ``recv`` return ``None``.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Generic, TypeVar

import rawnet
from rawnet.net.net import (
    canceledError,
    errMissingAddress,
    errNoSuitableAddress,
    timeoutError,
)
from rawnet.runtime.sema import Sema, semacquire, semrelease

T = TypeVar("T")

# Go: src/net/conn_test.go someTimeout. Used only to check that setting deadlines
# doesn't explode; it is not a timeout any test waits for.
someTimeout = 3600.0

# Go: src/net/timeout_test.go minDynamicTimeout / maxDynamicTimeout.
minDynamicTimeout = 1e-3
maxDynamicTimeout = 4.0


# --- channels and goroutine results (Go's chan, no rawnet twin) ---------------------


class Chan(Generic[T]):
    """An unbounded channel: send never blocks, recv parks until a value (or close)."""

    _closed = object()

    def __init__(self) -> None:
        self._q: deque[Any] = deque()
        self._items = Sema(0)

    def send(self, v: T) -> None:
        self._q.append(v)
        semrelease(self._items)

    def close(self) -> None:
        self._q.append(Chan._closed)
        semrelease(self._items)

    def recv(self) -> T | None:
        """The next value, or None once the channel is closed and drained."""
        semacquire(self._items)
        v = self._q.popleft()
        if v is Chan._closed:
            # Leave the close marker for the next receiver too.
            self._q.appendleft(v)
            semrelease(self._items)
            return None
        return v  # type: ignore[no-any-return]

    def drain(self) -> list[T]:
        """Receive until closed (Go: ``for v := range ch``)."""
        out: list[T] = []
        while True:
            v = self.recv()
            if v is None:
                return out
            out.append(v)


class Semaphore:
    """A counting semaphore for goroutines (Go's ``make(chan struct{}, n)`` throttle)."""

    def __init__(self, n: int) -> None:
        self._s = Sema(n)

    def acquire(self) -> None:
        semacquire(self._s)

    def release(self) -> None:
        semrelease(self._s)


class goresult(Generic[T]):
    """Run fn(*args) as a goroutine and keep its result or exception.

    ``done`` says whether it has finished; ``wait()`` parks until it has and returns
    the result or re-raises; ``error()`` parks likewise and returns the exception (or
    None) without raising.
    """

    def __init__(self, fn: Callable[..., T], *args: Any) -> None:
        self.done = False
        self._value: T | None = None
        self._exc: BaseException | None = None
        self._wg = rawnet.WaitGroup()
        self._wg.Add(1)
        rawnet.go(self._run, fn, args)

    def _run(self, fn: Callable[..., T], args: tuple[Any, ...]) -> None:
        try:
            self._value = fn(*args)
        except Exception as e:
            self._exc = e
        finally:
            self.done = True
            self._wg.Done()

    def error(self) -> BaseException | None:
        self._wg.Wait()
        return self._exc

    def wait(self) -> T | None:
        self._wg.Wait()
        if self._exc is not None:
            raise self._exc
        return self._value


def reraise_first(errs: list[BaseException | None]) -> None:
    for e in errs:
        if e is not None:
            raise e


# --- listeners and servers (Go: mockserver_test.go) ---------------------------------


# Go: src/net/mockserver_test.go newLocalListener
def newLocalListener(network: str) -> rawnet.TCPListener:
    """A listener on the loopback: "tcp4" 127.0.0.1:0 (IPv6 fallback: [::1]:0)."""
    if network in ("tcp", "tcp4", "tcp6"):
        try:
            return rawnet.Listen("tcp4", "127.0.0.1:0")
        except OSError:
            return rawnet.Listen("tcp6", "[::1]:0")
    raise ValueError(f"{network} is not supported")


# Go's tests dial a listener as Dial(ln.Addr().Network(), ln.Addr().String()).
def dialListener(ln: rawnet.TCPListener, d: rawnet.Dialer | None = None) -> rawnet.TCPConn:
    """Dial ln's address on its address's network ("tcp"), with Dialer d if given."""
    a = ln.Addr()
    assert a is not None
    return (d or rawnet.Dialer()).Dial(a.Network(), a.String())


def dialAccept(
    ln: rawnet.TCPListener, d: rawnet.Dialer | None = None
) -> tuple[rawnet.TCPConn, rawnet.TCPConn]:
    """A connected (client, server) pair on ln: dial it (with d if given), accept."""
    client = dialListener(ln, d)
    return client, ln.Accept()


@contextmanager
def localConn() -> Iterator[rawnet.TCPConn]:
    """``with localConn() as c:`` a conn dialed to a fresh newLocalListener that never
    accepts it (the kernel completes the handshake all the same), as Go's timeout
    tests set up. Both are closed when the block ends (c unless closed inside it)."""
    with newLocalListener("tcp") as ln, dialListener(ln) as c:
        yield c


class localServer:
    """Go: mockserver_test.go localServer. ``buildup(handler)`` runs
    ``handler(ls, ln)`` as a goroutine; ``teardown()`` closes the listener, waits for
    the handler and re-raises whatever it raised (Go's handlers call t.Error)."""

    def __init__(self, ln: rawnet.TCPListener) -> None:
        self.Listener = ln
        self._handler: goresult[None] | None = None

    def buildup(self, handler: Callable[[localServer, rawnet.TCPListener], None]) -> None:
        self._handler = goresult(handler, self, self.Listener)

    def teardown(self) -> None:
        try:
            self.Listener.Close()
        except rawnet.ErrClosed:
            pass
        if self._handler is not None:
            h, self._handler = self._handler, None
            h.wait()

    def __enter__(self) -> localServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.teardown()


# Go: src/net/mockserver_test.go newLocalServer
def newLocalServer(network: str) -> localServer:
    return localServer(newLocalListener(network))


def _deadline(d: float) -> float:
    return time.time() + d


# Go: src/net/mockserver_test.go localServer.transponder
def transponder(ln: rawnet.TCPListener, ch: Chan[BaseException | str]) -> None:
    """Accept one connection, set every deadline an hour ahead, echo one read; send
    any failure (and its shape problem) on ch, then close ch."""
    try:
        ln.SetDeadline(_deadline(someTimeout))
        try:
            c = ln.Accept()
        except OSError as e:
            perr = parseAcceptError(e)
            if perr is not None:
                ch.send(perr)
            ch.send(e)
            return
        with c:
            network = ln.Addr().Network()  # type: ignore[union-attr]
            la, ra = c.LocalAddr(), c.RemoteAddr()
            assert la is not None and ra is not None
            if la.Network() != network or ra.Network() != network:
                ch.send(f"got {la.Network()}->{ra.Network()}; expected {network}->{network}")
                return
            c.SetDeadline(_deadline(someTimeout))
            c.SetReadDeadline(_deadline(someTimeout))
            c.SetWriteDeadline(_deadline(someTimeout))
            b = bytearray(256)
            try:
                n = c.Read(b)
            except (OSError, EOFError) as e:
                perr = parseReadError(e)
                if perr is not None:
                    ch.send(perr)
                ch.send(e)
                return
            try:
                c.Write(b[:n])
            except OSError as e:
                perr = parseWriteError(e)
                if perr is not None:
                    ch.send(perr)
                ch.send(e)
                return
    finally:
        ch.close()


# Go: src/net/net_test.go withTCPConnPair
def withTCPConnPair(
    peer1: Callable[[rawnet.TCPConn], None], peer2: Callable[[rawnet.TCPConn], None]
) -> None:
    """Set up a TCP connection and run peer1 (accepted side) and peer2 (dialing side)
    as goroutines; return when both are done, re-raising the first exception."""
    ln = newLocalListener("tcp")
    try:

        def side1() -> None:
            c1 = ln.Accept()
            with c1:  # Go ignores this Close's error; the peer may have closed it
                peer1(c1)

        def side2() -> None:
            c2 = dialListener(ln)
            with c2:  # Go ignores this Close's error; the peer may have closed it
                peer2(c2)

        r1, r2 = goresult(side1), goresult(side2)
        errs = [r1.error(), r2.error()]
    finally:
        ln.Close()
    reraise_first(errs)


# --- error predicates and shape validators (Go: timeout_test.go, error_test.go) ------


def isNetError(err: object) -> bool:
    """Go's ``err.(net.Error)``: has Timeout() and Temporary() (and an Error text)."""
    return (
        isinstance(err, BaseException)
        and callable(getattr(err, "Timeout", None))
        and callable(getattr(err, "Temporary", None))
    )


# Go: src/net/timeout_test.go isDeadlineExceeded
def isDeadlineExceeded(err: object) -> bool:
    """err implements net.Error, Timeout() is true, and it is os.ErrDeadlineExceeded."""
    if not isNetError(err):
        return False
    if not err.Timeout():  # type: ignore[attr-defined]
        return False
    return isinstance(err, rawnet.ErrDeadlineExceeded)


# Go: src/net/error_posix_test.go / error_unix_test.go isPlatformError
def isPlatformError(err: object) -> bool:
    return isinstance(err, rawnet.Errno)


def _wrapper(err: object) -> bool:
    # OpError and SyscallError are also instances of the class of what they wrap
    # (an OpError around a deadline *is* a DeadlineExceededError), so a leaf check by
    # isinstance must first rule the wrappers out.
    return isinstance(err, rawnet.OpError | rawnet.SyscallError)


def _unexpected(level: str, err: object) -> str:
    return f"unexpected type on {level} nested level: {type(err).__name__} ({err!r})"


# Go: src/net/error_test.go OpError.isValid
def _isValid(e: rawnet.OpError) -> str | None:
    if not e.Op:
        return f"OpError.Op is empty: {e}"
    if not e.Net:
        return f"OpError.Net is empty: {e}"
    for addr in (e.Source, e.Addr):
        if addr is not None and not isinstance(addr, rawnet.TCPAddr):
            return f"OpError.Source or Addr is unknown type: {type(addr).__name__}, {e!r}"
    if e.Err is None:
        return f"OpError.Err is empty: {e}"
    return None


def _leaf(
    err: BaseException, classes: tuple[type[BaseException], ...]
) -> bool:
    return not _wrapper(err) and isinstance(err, classes)


def _parse(
    nested: object,
    second: tuple[type[BaseException], ...],
    eofOK: bool = False,
) -> str | None:
    """The common walk of Go's parseXxxError: OpError, then a platform error, a
    SyscallError around a platform error, or one of the allowed second-level leaves."""
    if nested is None:
        return None
    if eofOK and type(nested) is rawnet.EOF:
        return None
    if not isinstance(nested, rawnet.OpError):
        return _unexpected("1st", nested)
    perr = _isValid(nested)
    if perr is not None:
        return perr
    nested = nested.Err
    # second level
    if isPlatformError(nested):
        return None
    if isinstance(nested, rawnet.SyscallError):
        nested = nested.Err
        # third level
        if isPlatformError(nested):
            return None
        return _unexpected("3rd", nested)
    if isinstance(nested, BaseException) and _leaf(nested, second):
        return None
    return _unexpected("2nd", nested)


# The leaf errors Go's parseDialError and parseWriteError both accept.
_dialWriteLeaves: tuple[type[BaseException], ...] = (
    rawnet.AddrError,
    rawnet.DNSError,
    rawnet.InvalidAddrError,
    rawnet.ParseError,
    timeoutError,
    rawnet.DeadlineExceededError,
    rawnet.UnknownNetworkError,
    canceledError,
    rawnet.ErrClosed,
    errMissingAddress,
)


# Go: src/net/error_test.go parseDialError (also used for Listen errors)
def parseDialError(nestedErr: object) -> str | None:
    return _parse(nestedErr, (*_dialWriteLeaves, errNoSuitableAddress))


# Go: src/net/error_test.go parseReadError
def parseReadError(nestedErr: object) -> str | None:
    """A Read failure: io.EOF bare, or an OpError around ErrClosed, a deadline, or an
    (os.SyscallError around an) Errno."""
    return _parse(
        nestedErr, (rawnet.ErrClosed, timeoutError, rawnet.DeadlineExceededError), eofOK=True
    )


# Go: src/net/error_test.go parseWriteError
def parseWriteError(nestedErr: object) -> str | None:
    return _parse(nestedErr, (*_dialWriteLeaves, rawnet.ErrUnexpectedEOF))


# Go: src/net/error_test.go parseCloseError
def parseCloseError(nestedErr: object, isShutdown: bool) -> str | None:
    """A Close/CloseRead/CloseWrite failure. Unless it came from a shutdown, the text
    must contain "use of closed network connection" and the error must be ErrClosed
    (programs match that text; Go issues 4373 and 19252)."""
    if nestedErr is None:
        return None
    want = "use of closed network connection"
    if not isShutdown and want not in str(nestedErr):
        return f"error string {str(nestedErr)!r} does not contain expected string {want!r}"
    if not isShutdown and not isinstance(nestedErr, rawnet.ErrClosed):
        return f"isinstance({nestedErr!r}, ErrClosed) is false, want true"
    return _parse(nestedErr, (rawnet.ErrClosed,))


# Go: src/net/error_test.go parseAcceptError
def parseAcceptError(nestedErr: object) -> str | None:
    return _parse(
        nestedErr, (rawnet.ErrClosed, timeoutError, rawnet.DeadlineExceededError)
    )


# Go: src/net/error_test.go parseCommonError
def parseCommonError(nestedErr: object) -> str | None:
    return _parse(nestedErr, (rawnet.ErrClosed,))


# Go: src/net/timeout_test.go timeoutUpperBound
def timeoutUpperBound(d: float) -> float:
    """The longest a call with timeout d may reasonably take (slop for the clock,
    deadline-timer scheduling and reporting)."""
    return d * 11 / 10


# Go: src/net/timeout_test.go nextTimeout
def nextTimeout(actual: float) -> tuple[float, bool]:
    """The next timeout to try after a call that took ``actual`` on a slow machine."""
    if actual >= maxDynamicTimeout:
        return maxDynamicTimeout, False
    nxt = actual * 5 / 4
    if nxt > maxDynamicTimeout:
        return maxDynamicTimeout, True
    return nxt, True


# --- small helpers shared by the rawnet-specific test files ---------------------------


def pair(addr: str = "127.0.0.1:0") -> tuple[rawnet.TCPListener, rawnet.TCPConn, rawnet.TCPConn]:
    """A listener and one connected (client, server) pair on it."""
    ln = rawnet.Listen("tcp", addr)
    client, server = dialAccept(ln)
    return ln, client, server


@contextmanager
def connected() -> Iterator[tuple[rawnet.TCPConn, rawnet.TCPConn]]:
    """``with connected() as (c, s):`` a connected (client, server) pair from pair(),
    closed with its listener when the block ends."""
    ln, c, s = pair()
    try:
        yield c, s
    finally:
        close_all(c, s, ln)


def close_all(*things: Any) -> None:
    for t in things:
        t.Close()


def read_full(conn: rawnet.TCPConn, n: int) -> bytes:
    """Read exactly n bytes."""
    buf = bytearray(n)
    view = memoryview(buf)
    got = 0
    while got < n:
        got += conn.Read(view[got:])
    return bytes(buf)


def mustShutdown(shut: Callable[[], None]) -> None:
    """Call CloseRead or CloseWrite; a failure must have the shape Go's
    parseCloseError(err, true) accepts, and fails the test."""
    try:
        shut()
    except OSError as e:
        perr = parseCloseError(e, True)
        assert perr is None, perr
        raise
