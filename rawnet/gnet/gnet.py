"""gnet's API: Run, the event handler, Conn, Engine (gnet v2.10.0: gnet.go).

An application implements :class:`EventHandler` (usually by subclassing
:class:`BuiltinEventEngine`, whose methods do nothing) and calls ``Run``::

    class Echo(BuiltinEventEngine):
        def OnTraffic(self, c: Conn) -> Action | None:
            c.Write(c.Next(-1))
            return None

    Run(Echo(), "tcp://127.0.0.1:9000", WithMulticore(True))

``Run`` blocks until the engine stops: ``Engine.Stop`` from another thread, a handler
returning ``Shutdown``, or a loop failing.

Where Python differs from gnet:
- gnet's ``Action`` ``None`` is Python's ``None`` (``None`` is a keyword); ``Close``
  and ``Shutdown`` are :class:`Action` members. A handler returns ``None`` to go on.
- durations are seconds (float); errors are raised (``Run`` raises the error a loop
  ended with; ``Engine.Stop`` raises ``TimeoutError`` where gnet's returns the
  context's error);
- ``Engine.Addrs`` is rawnet's: the addresses the listeners are bound to (a listener
  on port 0 gets its port from the kernel; gnet has no way to ask);
- not built: ``Engine.Register``/``DupListener``, ``EventLoop`` (``Execute``,
  ``Register``, ``Enroll``), the client, ``Conn.SendTo``.

Protocols, as gnet: "tcp", "tcp4", "tcp6" and "unix" are streams (OnOpen, OnTraffic,
OnClose); "udp", "udp4", "udp6" are datagrams: each datagram is one ``OnTraffic``
with a ``Conn`` of its own whose ``RemoteAddr`` is the sender and whose ``Write``
answers it (sendto); no ``OnOpen``/``OnClose``, and the conn is gone when OnTraffic
returns.
"""

from __future__ import annotations

import enum
import os
import posixpath
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Protocol

from ..net.net import Addr
from . import engine_unix
from .listener_unix import initListener, listener
from .options import Option, Options, loadOptions
from .pkg.buffer import BytesLike, ring
from .pkg.errors import (
    ErrEmptyEngine,
    ErrEngineInShutdown,
    ErrInvalidNetworkAddress,
    ErrUnsupportedOp,
    ErrUnsupportedProtocol,
)
from .pkg.logging.logger import GetDefaultLogger, Logger
from .pkg.math import CeilToPowerOfTwo

if TYPE_CHECKING:
    from .engine_unix import engine

__all__ = ["Logger"]  # re-exported for the engine's modules


# gnet: gnet.go Action
class Action(enum.IntEnum):
    """What the engine does after an event handler returns (None: nothing)."""

    Close = 1  # close the connection
    Shutdown = 2  # stop the engine


Close = Action.Close
Shutdown = Action.Shutdown


# gnet: gnet.go Engine
class Engine:
    """The running engine, as handlers see it (OnBoot, OnShutdown)."""

    def __init__(self, eng: engine) -> None:
        self.eng = eng

    # gnet: gnet.go Engine.Validate
    def Validate(self) -> None:
        """Raise unless the engine is running."""
        if not self.eng.listeners:
            raise ErrEmptyEngine()
        if self.eng.isShutdown():
            raise ErrEngineInShutdown()

    # gnet: gnet.go Engine.CountConnections
    def CountConnections(self) -> int:
        """The open connections over all loops (-1 once the engine is shut down)."""
        try:
            self.Validate()
        except (ErrEmptyEngine, ErrEngineInShutdown):
            return -1
        count = 0
        for el in self.eng.allLoops():
            count += el.countConn()
        return count

    # gnet: gnet.go Engine.Dup
    def Dup(self) -> int:
        """A duplicate of the listener's fd (the caller closes it); raises
        ErrUnsupportedOp when there are several listeners."""
        self.Validate()
        if len(self.eng.listeners) > 1:
            raise ErrUnsupportedOp()
        (ln,) = self.eng.listeners.values()
        return ln.dup()

    def Addrs(self) -> list[Addr]:
        """The addresses the engine listens on, as bound (rawnet's)."""
        return [ln.addr for ln in self.eng.listeners.values() if ln.addr is not None]

    # gnet: gnet.go Engine.Stop
    def Stop(self, timeout: float | None = None) -> None:
        """Stop the engine and wait until it has stopped, at most timeout seconds
        (TimeoutError then; the stop goes on). With timeout 0 it only asks: that is
        what a signal handler on the thread that runs ``Run`` must do, since that
        thread is the one that carries the stop out."""
        self.Validate()
        self.eng.shutdown(None)
        if not self.eng.inShutdown.wait(timeout):
            raise TimeoutError("gnet: engine did not stop in time")


# gnet: gnet.go AsyncCallback
# Called on the loop's thread once an asynchronous operation is done, with its error.
AsyncCallback = Callable[["Conn", BaseException | None], None]


# gnet: gnet.go Conn
class Conn(Protocol):
    """A connection, as event handlers see it. The Reader and Writer methods but the
    Async ones, Wake and Close are for the loop's thread only (inside a handler)."""

    # Reader
    def Read(self, p: bytearray | memoryview) -> int: ...
    def Next(self, n: int) -> memoryview: ...
    def Peek(self, n: int) -> memoryview: ...
    def Discard(self, n: int) -> int: ...
    def InboundBuffered(self) -> int: ...

    # Writer
    def Write(self, p: BytesLike) -> int: ...
    def Writev(self, bs: Sequence[BytesLike]) -> int: ...
    def Flush(self) -> None: ...
    def OutboundBuffered(self) -> int: ...
    def AsyncWrite(self, buf: BytesLike, callback: AsyncCallback | None = None) -> None: ...
    def AsyncWritev(self, bs: Sequence[BytesLike], callback: AsyncCallback | None = None
                    ) -> None: ...

    # Socket
    def Fd(self) -> int: ...
    def Dup(self) -> int: ...
    def SetReadBuffer(self, size: int) -> None: ...
    def SetWriteBuffer(self, size: int) -> None: ...
    def SetLinger(self, sec: int) -> None: ...
    def SetKeepAlivePeriod(self, d: float) -> None: ...
    def SetKeepAlive(self, enabled: bool, idle: float, intvl: float, cnt: int) -> None: ...
    def SetNoDelay(self, noDelay: bool) -> None: ...

    def Context(self) -> object: ...
    def SetContext(self, ctx: object) -> None: ...
    def LocalAddr(self) -> Addr | None: ...
    def RemoteAddr(self) -> Addr | None: ...
    def Wake(self, callback: AsyncCallback | None = None) -> None: ...
    def CloseWithCallback(self, callback: AsyncCallback | None) -> None: ...
    def Close(self) -> None: ...


# gnet: gnet.go EventHandler
class EventHandler(Protocol):
    def OnBoot(self, eng: Engine) -> Action | None:
        """The engine is ready (its listeners bound); Shutdown stops it before it starts."""

    def OnShutdown(self, eng: Engine) -> None:
        """The engine is stopping; the loops and connections are still there."""

    def OnOpen(self, c: Conn) -> tuple[BytesLike | None, Action | None]:
        """A connection is open: bytes to send it first, and an action."""

    def OnClose(self, c: Conn, err: BaseException | None) -> Action | None:
        """A connection is closing: err is why (None if the server closed it)."""

    def OnTraffic(self, c: Conn) -> Action | None:
        """Bytes arrived on c (or Wake was called): read them with c's Reader methods."""

    def OnTick(self) -> tuple[float, Action | None]:
        """With WithTicker: called again after the delay it returns (seconds)."""


# gnet: gnet.go BuiltinEventEngine
class BuiltinEventEngine:
    """An EventHandler whose every method does nothing: subclass it and override the
    events you need."""

    # gnet: gnet.go BuiltinEventEngine.OnBoot
    def OnBoot(self, eng: Engine) -> Action | None:
        return None

    # gnet: gnet.go BuiltinEventEngine.OnShutdown
    def OnShutdown(self, eng: Engine) -> None:
        return None

    # gnet: gnet.go BuiltinEventEngine.OnOpen
    def OnOpen(self, c: Conn) -> tuple[BytesLike | None, Action | None]:
        return None, None

    # gnet: gnet.go BuiltinEventEngine.OnClose
    def OnClose(self, c: Conn, err: BaseException | None) -> Action | None:
        return None

    # gnet: gnet.go BuiltinEventEngine.OnTraffic
    def OnTraffic(self, c: Conn) -> Action | None:
        return None

    # gnet: gnet.go BuiltinEventEngine.OnTick
    def OnTick(self) -> tuple[float, Action | None]:
        return 0.0, None


# gnet: gnet.go MaxStreamBufferCap
MaxStreamBufferCap = 64 * 1024


# gnet: gnet.go createListeners
def createListeners(addrs: Sequence[str], *opts: Option) -> tuple[list[listener], Options]:
    """Settle the options (buffer sizes rounded to powers of two, the defaults filled
    in) and open a listener for each address."""
    options = loadOptions(*opts)
    if options.Logger is None:
        options.Logger = GetDefaultLogger()
    if options.EdgeTriggeredIOChunk > 0:
        options.EdgeTriggeredIO = True
        options.EdgeTriggeredIOChunk = CeilToPowerOfTwo(options.EdgeTriggeredIOChunk)
    elif options.EdgeTriggeredIO:
        options.EdgeTriggeredIOChunk = 1 << 20  # 1 MiB
    options.ReadBufferCap = bufferCap(options.ReadBufferCap)
    options.WriteBufferCap = bufferCap(options.WriteBufferCap)
    parsed = [parseProtoAddr(a) for a in addrs]  # all checked before any is opened
    # AF_UNIX has no SO_REUSEPORT (Linux fails it with EOPNOTSUPP since 6.x): gnet
    # turns the option off with a Unix address...
    if any(proto == "unix" for proto, _ in parsed):
        options.ReusePort = False
    # ...and on with a UDP one, and edge-triggered I/O off: a UDP socket has nothing
    # to accept, so the main reactor cannot hand it to a loop; each loop reads
    # datagrams from a socket of its own on the same address, and the kernel spreads
    # the datagrams by a hash of the sender's address.
    if any(proto.startswith("udp") for proto, _ in parsed):
        options.ReusePort = True
        options.EdgeTriggeredIO = False
    listeners: list[listener] = []
    try:
        for proto, addr in parsed:
            listeners.append(initListener(proto, addr, options))
    except BaseException:
        for ln in listeners:
            ln.close()
        raise
    return listeners, options


def bufferCap(n: int) -> int:
    """A buffer option as gnet settles it: 64 KiB if unset, at least the ring's
    default size, a power of two."""
    if n <= 0:
        return MaxStreamBufferCap
    if n <= ring.DefaultBufferSize:
        return ring.DefaultBufferSize
    return CeilToPowerOfTwo(n)


# gnet: gnet.go Run
def Run(eventHandler: EventHandler, protoAddr: str, *opts: Option) -> None:
    """Serve protoAddr ("tcp://host:port", "tcp4://…", "tcp6://…", "udp://host:port",
    "udp4://…", "udp6://…", "unix:///path/to/socket") with eventHandler until the
    engine stops."""
    Rotate(eventHandler, [protoAddr], *opts)


# gnet: gnet.go Rotate
def Rotate(eventHandler: EventHandler, addrs: Sequence[str], *opts: Option) -> None:
    """Run, on several addresses at once (of any protocols: "tcp://…", "udp://…" and
    "unix://…" together is fine)."""
    listeners, options = createListeners(addrs, *opts)
    try:
        engine_unix.run(eventHandler, listeners, options, list(addrs))
    finally:
        for ln in listeners:
            ln.close()


# gnet: gnet.go allEngines
# The running engines by the address Run was given, for Stop.
allEngines: dict[str, engine] = {}
allEnginesMu = threading.Lock()


# gnet: gnet.go Stop
def Stop(protoAddr: str, timeout: float | None = None) -> None:
    """Stop the engine running on protoAddr (as Run was given it); as Engine.Stop."""
    with allEnginesMu:
        eng = allEngines.get(protoAddr)
    if eng is None:
        raise ErrEngineInShutdown()
    Engine(eng).Stop(timeout)


# gnet: gnet.go parseProtoAddr
def parseProtoAddr(protoAddr: str) -> tuple[str, str]:
    """("tcp", "host:port") from "tcp://host:port", ("unix", "/run/x.sock") from
    "unix:///run/x.sock" (gnet parses it as a URL: the scheme, then a host with no
    path; for unix, host and path joined, cleaned, so "unix://x.sock" is relative)."""
    scheme, sep, rest = protoAddr.partition("://")
    if not sep or not scheme:
        raise ErrInvalidNetworkAddress()
    if scheme == "unix":
        if rest == "":
            raise ErrInvalidNetworkAddress()
        return scheme, posixpath.normpath(rest)
    if scheme not in ("tcp", "tcp4", "tcp6", "udp", "udp4", "udp6"):
        raise ErrUnsupportedProtocol()
    if rest == "" or "/" in rest:
        raise ErrInvalidNetworkAddress()
    return scheme, rest


# gnet: gnet.go determineEventLoops
def determineEventLoops(opts: Options) -> int:
    numEventLoop = 1
    if opts.Multicore:
        numEventLoop = os.cpu_count() or 1
    if opts.NumEventLoop > 0:
        numEventLoop = opts.NumEventLoop
    return numEventLoop
