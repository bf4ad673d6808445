"""rawnet.net mirrors Go's src/net: addresses, Dial, Listen, TCPConn, TCPListener,
and the error types, on top of rawnet.internal.poll.

Go's net is one package whose files use each other freely; here each Go file is a
module, and their imports fall into two groups.

* Below, importing only downwards: ip, hosts, port, the socket helpers (sock_cloexec,
  sock_linux, sockopt_posix, sockopt_linux) and net (Addr, conn and the error types
  every other module raises). The modules above import their names
  (``from .net import OpError``). conn and the option setters name the netFD they are
  handed by a Protocol (net.connFD, sockopt_posix.sockFD) rather than by importing
  fd_unix, which would pull the whole cycle below into this group.
* A cycle, because the Go files truly call each other both ways: dial, tcpsock,
  tcpsock_posix, ipsock, ipsock_posix, sock_posix, fd_unix, lookup and cgo_unix. A
  netFD makes TCPAddrs (sockaddrToTCP) and a TCPConn holds a netFD; the resolver
  (ipsock) makes TCPAddrs and a TCPAddr prints itself with ipsock's JoinHostPort; the
  IP stack probe is ipsock's, its socket calls ipsock_posix's. These modules import
  each other as modules (``from . import tcpsock``) and name what they use where they
  use it (``tcpsock.TCPAddr``), at call time, when every module is complete. The one
  name needed earlier is tcpsock.KeepAliveConfig, the default of two dataclass fields
  in dial, made when dial is. So dial is imported first, below: tcpsock completes
  inside dial's imports. (Imported first itself, tcpsock would start dial before its
  own KeepAliveConfig exists; entered anywhere else, the cycle loads.)
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
