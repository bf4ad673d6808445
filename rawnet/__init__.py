"""rawnet: Go's native network model rebuilt from raw syscalls.

    import rawnet

    ln = rawnet.Listen("tcp", ":8888")
    while True:
        conn = ln.Accept()
        rawnet.go(handle_conn, conn)

The layers mirror Go's tree, each importing only the ones below it:

    rawnet.net            Go's net: Listen, Dial, conns, addresses, errors
    rawnet.internal.poll  internal/poll: FD, the fdMutex, deadlines
    rawnet.runtime        the goroutine scheduler, timers and netpoll.go, which runs
      with one backend:   rawnet.linux (epoll), rawnet.bsd (kqueue) or
                          rawnet.runtime.netpoll_poll (poll(2))
    rawnet.sys            every syscall, through one gate

netpoll and its backend import each other, as in Go, where they are one package: the
backend implements netpoll.Poller and calls netpollready back; netpoll imports the
chosen backend when the poller is first needed. rawnet.gnet (gnet's Reactor engine)
stands beside rawnet.net: it shares rawnet.sys and net's address and error types, not
the goroutine scheduler or netpoll (it has its own poller); rawnet.strace
and rawnet.net.internal.socktest (the debugging tools) are imported only when used.
"""

import os as _os

# First: which build runs, compiled or pure Python (RAWNET_PURE=1), holds for every
# import after this one (rawnet/_build.py).
from . import _build  # noqa: F401
from .internal.poll.fd import DeadlineExceededError, ErrNetClosing
from .io import EOF, ErrUnexpectedEOF
from .net import (
    IP,
    Addr,
    AddrError,
    Dial,
    Dialer,
    DialTCP,
    DialTimeout,
    DNSError,
    ErrClosed,
    InvalidAddrError,
    JoinHostPort,
    KeepAliveConfig,
    Listen,
    ListenConfig,
    ListenTCP,
    OpError,
    ParseError,
    ParseIP,
    ResolveTCPAddr,
    SplitHostPort,
    TCPAddr,
    TCPConn,
    TCPListener,
    UnknownNetworkError,
)
from .os.error import SyscallError
from .runtime.proc import Gosched, go, set_goexit_hook
from .runtime.time import Sleep
from .runtime.traceback import DumpGoroutines
from .runtime.traceback import from_env as _sigquit_from_env
from .sync import WaitGroup
from .sys.errno import Errno

if _os.environ.get("RAWNET_TRACE", "") not in ("", "0"):
    # RAWNET_TRACE=1 or =FILE: the strace-format syscall tracer (docs/debugging.md).
    # Imported here, not at the top, on purpose: the tracer is debugging tooling, and
    # a program that does not ask for it should not load it (tests/test_layering.py).
    from .strace import from_env as _trace_from_env

    _trace_from_env()
_sigquit_from_env()  # RAWNET_SIGQUIT=1: dump every goroutine on SIGQUIT, as Go does

# Go: os.ErrDeadlineExceeded, the error of an expired deadline.
ErrDeadlineExceeded = DeadlineExceededError

__all__ = [
    "EOF", "IP", "Addr", "AddrError", "DNSError", "DeadlineExceededError", "Dial", "DialTCP",
    "DialTimeout", "Dialer", "DumpGoroutines", "ErrClosed", "ErrDeadlineExceeded", "ErrNetClosing",
    "ErrUnexpectedEOF", "Errno", "Gosched", "InvalidAddrError", "JoinHostPort",
    "KeepAliveConfig", "Listen", "ListenConfig", "ListenTCP", "OpError", "ParseError",
    "ParseIP", "ResolveTCPAddr", "Sleep", "SplitHostPort", "SyscallError", "TCPAddr",
    "TCPConn", "TCPListener", "UnknownNetworkError", "WaitGroup", "go", "set_goexit_hook",
]
