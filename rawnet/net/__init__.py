"""rawnet.net mirrors Go's src/net (addresses, Dial, Listen, TCPConn, TCPListener, the
errors) on rawnet.internal.poll, a module per Go file. ip, hosts, port, net (Addr, conn, the
errors) and the socket helpers import only downwards: conn and the option setters name their
netFD by Protocols (net.connFD, sockopt_posix.sockFD), not by importing fd_unix. The others
call each other both ways, as their Go files do, so they import each other as modules
(``from . import tcpsock``) and look names up at call time. Only dial needs one at import time
(tcpsock.KeepAliveConfig, a field default): it is imported first; tcpsock completes inside.
"""

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
