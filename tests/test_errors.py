"""Error types and texts of package net (src/net/net.go; the tables of
reference/go-netpoll.md §8 and the shapes checked by src/net/error_test.go)."""

from __future__ import annotations

import pickle

import pytest

from rawnet.internal.poll.fd import DeadlineExceededError, errNetClosing
from rawnet.io import EOF
from rawnet.net import net
from rawnet.net.ip import IPv4, IPv6unspecified
from rawnet.net.ipsock import internetAddrList
from rawnet.net.net import (
    AddrError,
    DNSError,
    ErrClosed,
    ErrWriteToConnected,
    InvalidAddrError,
    OpError,
    ParseError,
    UnknownNetworkError,
    errCanceled,
    errMissingAddress,
    errNoSuitableAddress,
    errTimeout,
    mapErr,
    newDNSError,
    notFoundError,
    temporaryError,
)
from rawnet.net.tcpsock import TCPAddr
from rawnet.os.error import SyscallError
from rawnet.sys.errno import (
    EADDRINUSE,
    EADDRNOTAVAIL,
    EAGAIN,
    ECONNABORTED,
    ECONNREFUSED,
    ECONNRESET,
    ENOENT,
    Errno,
)

pytestmark = pytest.mark.timeout(30)

L = TCPAddr(IPv4(127, 0, 0, 1), 8888)
R = TCPAddr(IPv4(127, 0, 0, 1), 50000)
A = TCPAddr(IPv4(127, 0, 0, 1), 40013)


class UnixAddr:
    """A stand-in for unixsock.UnixAddr (not part of these modules)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def Network(self) -> str:
        return "unix"

    def String(self) -> str:
        return self.name


def dialErr(network: str, address: str) -> OpError:
    """What Dial reports for an address that fails to resolve (Go's resolveAddrList)."""
    try:
        if address == "":
            raise errMissingAddress()
        internetAddrList(network, address)
    except OSError as e:
        return OpError("dial", network, None, None, e)
    raise AssertionError("no error")


# (error, text, Timeout(), Temporary()): the §8 tables that need no socket.
errorTextTests = [
    (OpError("dial", "tcp", None, TCPAddr(IPv4(127, 0, 0, 1), 1),
             SyscallError("connect", Errno(ECONNREFUSED))),
     "dial tcp 127.0.0.1:1: connect: connection refused", False, False),
    (OpError("dial", "tcp", None, A, errTimeout()),
     "dial tcp 127.0.0.1:40013: i/o timeout", True, True),
    (OpError("dial", "tcp", None, A, errCanceled()),
     "dial tcp 127.0.0.1:40013: operation was canceled", False, False),
    (OpError("dial", "tcp", None, None, AddrError("missing port in address", "127.0.0.1")),
     "dial tcp: address 127.0.0.1: missing port in address", False, False),
    (OpError("dial", "tcp", None, None, errMissingAddress()),
     "dial tcp: missing address", False, False),
    (OpError("dial", "foo", None, None, UnknownNetworkError("foo")),
     "dial foo: unknown network foo", False, False),
    (OpError("dial", "unix", None, UnixAddr("/path/to/missing.sock"),
             SyscallError("connect", Errno(ENOENT))),
     "dial unix /path/to/missing.sock: connect: no such file or directory", False, False),
    (OpError("read", "tcp", L, R, DeadlineExceededError()),
     "read tcp 127.0.0.1:8888->127.0.0.1:50000: i/o timeout", True, True),
    (OpError("read", "tcp", L, R, SyscallError("read", Errno(ECONNRESET))),
     "read tcp 127.0.0.1:8888->127.0.0.1:50000: read: connection reset by peer", False, False),
    (OpError("write", "tcp", L, R, SyscallError("write", Errno(EAGAIN))),
     "write tcp 127.0.0.1:8888->127.0.0.1:50000: write: resource temporarily unavailable",
     True, True),
    (OpError("accept", "tcp", None, TCPAddr(IPv6unspecified, 8888), errNetClosing()),
     "accept tcp [::]:8888: use of closed network connection", False, False),
    (OpError("listen", "tcp", None, TCPAddr(None, 8888), SyscallError("bind", Errno(EADDRINUSE))),
     "listen tcp :8888: bind: address already in use", False, False),
    (OpError("listen", "tcp", None, TCPAddr(IPv4(1, 2, 3, 4), 0),
             SyscallError("bind", Errno(EADDRNOTAVAIL))),
     "listen tcp 1.2.3.4:0: bind: cannot assign requested address", False, False),
    (OpError("listen", "udp", None, TCPAddr(None, 0), AddrError("unexpected address type", ":0")),
     "listen udp :0: address :0: unexpected address type", False, False),
    (OpError("close", "tcp", L, R, errNetClosing()),
     "close tcp 127.0.0.1:8888->127.0.0.1:50000: use of closed network connection",
     False, False),
]  # fmt: skip


@pytest.mark.parametrize(("err", "text", "timeout", "temporary"), errorTextTests)
def test_TestErrors_text(err: OpError, text: str, timeout: bool, temporary: bool) -> None:
    assert str(err) == text
    assert err.Timeout() is timeout
    assert err.Temporary() is temporary


# Dial errors that come from resolving the address (§8.5), built the way Dial does.
dialErrorTests = [
    ("tcp", "127.0.0.1", "dial tcp: address 127.0.0.1: missing port in address"),
    ("tcp", "127.0.0.1:-1", "dial tcp: address -1: invalid port"),
    ("tcp", "127.0.0.1:123456789", "dial tcp: address 123456789: invalid port"),
    ("tcp", "", "dial tcp: missing address"),
    ("foo", "x:1", "dial foo: unknown network foo"),
    ("tcp", "::1:80", "dial tcp: address ::1:80: too many colons in address"),
    ("tcp6", "127.0.0.1:1", "dial tcp6: address 127.0.0.1: no suitable address found"),
    ("tcp", "no-such-host.invalid:80", "dial tcp: lookup no-such-host.invalid: no such host"),
    ("tcp", "127.0.0.1:☺", "dial tcp: lookup tcp/☺: unknown port"),
]


@pytest.mark.parametrize(("network", "address", "text"), dialErrorTests)
def test_TestDialError_resolve(network: str, address: str, text: str) -> None:
    err = dialErr(network, address)
    assert str(err) == text
    assert not err.Timeout() and not err.Temporary()
    assert err.Source is None and err.Addr is None


def test_OpError_catchable_as_python_classes() -> None:
    e = OpError("read", "tcp", L, R, DeadlineExceededError())
    assert isinstance(e, TimeoutError)
    assert isinstance(e, DeadlineExceededError)  # errors.Is(err, os.ErrDeadlineExceeded)
    assert isinstance(e, OpError)
    e = OpError("read", "tcp", L, R, SyscallError("read", Errno(ECONNRESET)))
    assert isinstance(e, ConnectionResetError)
    assert e.errno == ECONNRESET
    e = OpError("accept", "tcp", None, L, errNetClosing())
    assert isinstance(e, ErrClosed) and isinstance(e, errNetClosing)
    e = OpError("dial", "tcp", None, A, errTimeout())
    assert isinstance(e, TimeoutError) and isinstance(e, net.timeoutError)
    assert not isinstance(e, DeadlineExceededError)  # dial deadlines are errTimeout
    e = OpError("dial", "tcp", None, None, AddrError("invalid port", "-1"))
    assert isinstance(e, AddrError) and isinstance(e, OSError)
    with pytest.raises(ConnectionRefusedError):
        raise OpError("dial", "tcp", None, A, SyscallError("connect", Errno(ECONNREFUSED)))


def test_OpError_fields_and_unwrap() -> None:
    inner = SyscallError("read", Errno(ECONNRESET))
    e = OpError("read", "tcp", L, R, inner)
    assert (e.Op, e.Net, e.Source, e.Addr) == ("read", "tcp", L, R)
    assert e.Unwrap() is inner
    assert e.Err is inner
    assert "OpError(Op='read'" in repr(e)


def test_OpError_Temporary_accept_rule() -> None:
    # Go's isConnError looks at OpError.Err itself: a bare ECONNRESET/ECONNABORTED.
    assert OpError("accept", "tcp", None, L, Errno(ECONNRESET)).Temporary()
    assert OpError("accept", "tcp", None, L, Errno(ECONNABORTED)).Temporary()
    assert not OpError("read", "tcp", L, R, Errno(ECONNRESET)).Temporary()
    # Wrapped in a SyscallError (as accept errors are), the rule does not fire.
    wrapped = SyscallError("accept4", Errno(ECONNABORTED))
    assert not OpError("accept", "tcp", None, L, wrapped).Temporary()


def test_OpError_pickle() -> None:
    e = OpError("read", "tcp", L, R, SyscallError("read", Errno(ECONNRESET)))
    back = pickle.loads(pickle.dumps(e))
    assert str(back) == str(e)
    assert isinstance(back, ConnectionResetError)


plainErrorTests: list[tuple[OSError, str]] = [
    (ParseError("IP address", "1.2.3"), "invalid IP address: 1.2.3"),
    (AddrError("missing port in address", "x"), "address x: missing port in address"),
    (AddrError("missing address", ""), "missing address"),
    (UnknownNetworkError("foo"), "unknown network foo"),
    (InvalidAddrError("bad addr"), "bad addr"),
    (errMissingAddress(), "missing address"),
    (errNoSuitableAddress(), "no suitable address found"),
    (ErrWriteToConnected(), "use of WriteTo with pre-connected connection"),
    (errCanceled(), "operation was canceled"),
    (DNSError("no such host", "example.invalid"), "lookup example.invalid: no such host"),
    (
        DNSError("no such host", "x.invalid", Server="192.0.2.53:53"),
        "lookup x.invalid on 192.0.2.53:53: no such host",
    ),
]


@pytest.mark.parametrize(("err", "text"), plainErrorTests)
def test_plain_errors(err: OSError, text: str) -> None:
    assert str(err) == text
    assert err.Timeout() is False  # type: ignore[attr-defined]
    assert err.Temporary() is False  # type: ignore[attr-defined]
    assert err.errno is None
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is type(err) and str(back) == text


def test_timeoutError() -> None:
    e = errTimeout()
    assert str(e) == "i/o timeout"
    assert isinstance(e, TimeoutError)
    assert e.Timeout() and e.Temporary()


def test_value_equality() -> None:
    assert AddrError("a", "b") == AddrError("a", "b")
    assert AddrError("a", "b") != AddrError("a", "c")
    assert UnknownNetworkError("x") == UnknownNetworkError("x")
    assert ParseError("t", "x") == ParseError("t", "x")


def test_newDNSError() -> None:
    e = newDNSError(notFoundError("no such host"), "h", "")
    assert str(e) == "lookup h: no such host"
    assert e.IsNotFound and not e.Timeout() and not e.Temporary()
    e = newDNSError(temporaryError("server misbehaving"), "h", "s:53")
    assert str(e) == "lookup h on s:53: server misbehaving"
    assert e.Temporary() and not e.IsNotFound
    e = newDNSError(errTimeout(), "h", "")
    assert e.Timeout() and e.Temporary()
    assert isinstance(e.Unwrap(), errTimeout)


def test_mapErr(monkeypatch: pytest.MonkeyPatch) -> None:
    class Canceled(Exception):
        pass

    class DeadlineExceeded(Exception):
        pass

    monkeypatch.setattr(
        net, "contextErrors", {Canceled: errCanceled, DeadlineExceeded: errTimeout}
    )
    assert isinstance(mapErr(Canceled()), errCanceled)
    assert isinstance(mapErr(DeadlineExceeded()), errTimeout)
    other = EOF()
    assert mapErr(other) is other


def test_ErrClosed_is_poll_ErrNetClosing() -> None:
    assert ErrClosed is errNetClosing
    assert net.errClosed is errNetClosing
