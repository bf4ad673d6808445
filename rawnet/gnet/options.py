"""The engine's options (gnet v2.10.0: options.go).

gnet's functional options: ``Run(handler, "tcp://:9000", WithMulticore(True),
WithTicker(True))``. Each ``WithX`` returns a function that sets one field of
:class:`Options`. Durations are seconds (float), where gnet takes a ``time.Duration``.

Not mirrored: ``WithLockOSThread`` (every loop already runs on a thread of its own),
``WithLogPath``/``WithLogLevel`` (configure the ``rawnet.gnet`` logger instead),
``WithMulticastInterfaceIndex`` and ``WithBindToDevice`` (UDP and interfaces are not
built).
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass

from .load_balancer import LoadBalancing
from .pkg.logging import logger as logging


# gnet: options.go TCPSocketOpt
class TCPSocketOpt(enum.IntEnum):
    TCPNoDelay = 0  # TCP_NODELAY on (the default): each write is sent at once
    TCPDelay = 1  # TCP_NODELAY off: Nagle's algorithm may hold small writes back


TCPNoDelay = TCPSocketOpt.TCPNoDelay
TCPDelay = TCPSocketOpt.TCPDelay


# gnet: options.go Options
@dataclass
class Options:
    """What the engine is asked for; the zero values are gnet's defaults."""

    # How new connections are spread over the event loops.
    LB: LoadBalancing = LoadBalancing.RoundRobin
    # SO_REUSEADDR on the listening socket.
    ReuseAddr: bool = False
    # SO_REUSEPORT: each event loop gets a listener of its own on the same address,
    # and the kernel spreads the connections (no main reactor).
    ReusePort: bool = False
    # One event loop per CPU (os.cpu_count()) instead of one.
    Multicore: bool = False
    # This many event loops; overrides Multicore when > 0.
    NumEventLoop: int = 0
    # The bytes one read(2) may take (the loop's shared read buffer), rounded up to a
    # power of two; 64 KiB by default.
    ReadBufferCap: int = 0
    # The bytes a connection's outbound ring may hold before the overflow goes to a
    # list, rounded up to a power of two; 64 KiB by default. Here it is also where
    # back-pressure starts: a connection with this much unsent stops being read.
    WriteBufferCap: int = 0
    # Call EventHandler.OnTick.
    Ticker: bool = False
    # TCP keep-alive: idle time before the first probe, the interval between probes
    # (idle/5 if 0) and the probes before giving up (5 if 0).
    TCPKeepAlive: float = 0.0
    TCPKeepInterval: float = 0.0
    TCPKeepCount: int = 0
    TCPNoDelay: TCPSocketOpt = TCPSocketOpt.TCPNoDelay
    # SO_RCVBUF / SO_SNDBUF of the listening socket (accepted sockets inherit them).
    SocketRecvBuffer: int = 0
    SocketSendBuffer: int = 0
    # None: the rawnet.gnet logger of the logging module.
    Logger: logging.Logger | None = None
    # Register connections edge-triggered (EPOLLET): each loop reads and writes until
    # EAGAIN, or until EdgeTriggeredIOChunk bytes (1 MiB by default), then queues the
    # rest as a task so other connections get their turn.
    EdgeTriggeredIO: bool = False
    EdgeTriggeredIOChunk: int = 0


# gnet: options.go Option
Option = Callable[[Options], None]


# gnet: options.go loadOptions
def loadOptions(*options: Option) -> Options:
    opts = Options()
    for option in options:
        option(opts)
    return opts


# gnet: options.go WithOptions
def WithOptions(options: Options) -> Option:
    def set(opts: Options) -> None:
        opts.__dict__.update(options.__dict__)
    return set


# gnet: options.go WithMulticore
def WithMulticore(multicore: bool) -> Option:
    def set(opts: Options) -> None:
        opts.Multicore = multicore
    return set


# gnet: options.go WithReadBufferCap
def WithReadBufferCap(readBufferCap: int) -> Option:
    def set(opts: Options) -> None:
        opts.ReadBufferCap = readBufferCap
    return set


# gnet: options.go WithWriteBufferCap
def WithWriteBufferCap(writeBufferCap: int) -> Option:
    def set(opts: Options) -> None:
        opts.WriteBufferCap = writeBufferCap
    return set


# gnet: options.go WithLoadBalancing
def WithLoadBalancing(lb: LoadBalancing) -> Option:
    def set(opts: Options) -> None:
        opts.LB = lb
    return set


# gnet: options.go WithNumEventLoop
def WithNumEventLoop(numEventLoop: int) -> Option:
    def set(opts: Options) -> None:
        opts.NumEventLoop = numEventLoop
    return set


# gnet: options.go WithReusePort
def WithReusePort(reusePort: bool) -> Option:
    def set(opts: Options) -> None:
        opts.ReusePort = reusePort
    return set


# gnet: options.go WithReuseAddr
def WithReuseAddr(reuseAddr: bool) -> Option:
    def set(opts: Options) -> None:
        opts.ReuseAddr = reuseAddr
    return set


# gnet: options.go WithTCPKeepAlive
def WithTCPKeepAlive(tcpKeepAlive: float) -> Option:
    def set(opts: Options) -> None:
        opts.TCPKeepAlive = tcpKeepAlive
    return set


# gnet: options.go WithTCPKeepInterval
def WithTCPKeepInterval(tcpKeepInterval: float) -> Option:
    def set(opts: Options) -> None:
        opts.TCPKeepInterval = tcpKeepInterval
    return set


# gnet: options.go WithTCPKeepCount
def WithTCPKeepCount(tcpKeepCount: int) -> Option:
    def set(opts: Options) -> None:
        opts.TCPKeepCount = tcpKeepCount
    return set


# gnet: options.go WithTCPNoDelay
def WithTCPNoDelay(tcpNoDelay: TCPSocketOpt) -> Option:
    def set(opts: Options) -> None:
        opts.TCPNoDelay = tcpNoDelay
    return set


# gnet: options.go WithSocketRecvBuffer
def WithSocketRecvBuffer(recvBuf: int) -> Option:
    def set(opts: Options) -> None:
        opts.SocketRecvBuffer = recvBuf
    return set


# gnet: options.go WithSocketSendBuffer
def WithSocketSendBuffer(sendBuf: int) -> Option:
    def set(opts: Options) -> None:
        opts.SocketSendBuffer = sendBuf
    return set


# gnet: options.go WithTicker
def WithTicker(ticker: bool) -> Option:
    def set(opts: Options) -> None:
        opts.Ticker = ticker
    return set


# gnet: options.go WithLogger
def WithLogger(logger: logging.Logger) -> Option:
    def set(opts: Options) -> None:
        opts.Logger = logger
    return set


# gnet: options.go WithEdgeTriggeredIO
def WithEdgeTriggeredIO(et: bool) -> Option:
    def set(opts: Options) -> None:
        opts.EdgeTriggeredIO = et
    return set


# gnet: options.go WithEdgeTriggeredIOChunk
def WithEdgeTriggeredIOChunk(chunk: int) -> Option:
    def set(opts: Options) -> None:
        opts.EdgeTriggeredIOChunk = chunk
    return set
