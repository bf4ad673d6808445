"""rawnet.net mirrors Go's src/net: addresses, Dial, Listen, TCPConn, TCPListener,
and the error types, on top of rawnet.internal.poll."""

from .dial import Dial, Dialer, DialTimeout, Listen, ListenConfig
from .ip import IP, ParseIP
from .ipsock import JoinHostPort, SplitHostPort
from .net import (
    Addr,
    AddrError,
    DNSError,
    ErrClosed,
    InvalidAddrError,
    OpError,
    ParseError,
    UnknownNetworkError,
)
from .tcpsock import (
    DialTCP,
    KeepAliveConfig,
    ListenTCP,
    ResolveTCPAddr,
    TCPAddr,
    TCPConn,
    TCPListener,
)

__all__ = [
    "IP", "Addr", "AddrError", "DNSError", "Dial", "DialTCP", "DialTimeout", "Dialer",
    "ErrClosed", "InvalidAddrError", "JoinHostPort", "KeepAliveConfig", "Listen",
    "ListenConfig", "ListenTCP", "OpError", "ParseError", "ParseIP", "ResolveTCPAddr",
    "SplitHostPort", "TCPAddr", "TCPConn", "TCPListener", "UnknownNetworkError",
]
