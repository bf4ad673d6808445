"""The engine: its loops, their threads, and how it stops (gnet v2.10.0: engine_unix.go).

Two shapes, as in gnet:

- main reactor (the default): one extra loop, the ``ingress``, owns the listeners and
  only accepts; each connection goes to one of N loops (``activateReactors``);
- ``WithReusePort``: each of the N loops has a listener of its own on the same address
  (SO_REUSEPORT) and accepts for itself; the kernel spreads the connections
  (``runEventLoops``).

Each loop runs on a thread (gnet: a goroutine, pinned to a thread with
``WithLockOSThread``). The GIL lets one of them run Python at a time: the loops are
concurrent, not parallel, and multicore buys overlap of syscalls and waits, not
CPU (docs/gnet.md).

Stopping. ``shutdown`` (from ``Engine.Stop``, a loop that ends, or a handler's
``Shutdown``) sets ``turnOff``. The thread in ``Run`` waits for it in ``stop``: it
calls ``OnShutdown``, queues a shutdown task on every loop (each closes its
connections, sending what they have queued as far as the sockets take it), joins the
threads, closes the pollers and listeners, and marks the engine shut down.

Where Python differs from gnet: an errgroup's goroutines are a list of threads; the
first error a loop ends with is raised from ``Run`` (gnet logs it and returns nil).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from . import gnet
from .eventloop_unix import eventloop, shutdownTask
from .listener_unix import initListener, listener
from .load_balancer import (
    LeastConnections,
    SourceAddrHash,
    leastConnectionsLoadBalancer,
    loadBalancer,
    roundRobinLoadBalancer,
    sourceAddrHashLoadBalancer,
)
from .options import Options
from .pkg.errors import ErrEngineShutdown
from .pkg.netpoll.poller_epoll_default import OpenPoller
from .pkg.queue.queue import HighPriority

if TYPE_CHECKING:
    from .gnet import EventHandler


# gnet: engine_unix.go engine
class engine:
    def __init__(self, listeners: dict[int, listener], opts: Options,
                 eventHandler: EventHandler) -> None:
        self.listeners = listeners  # fd -> listener: the main reactor's, or loop 0's
        self.opts = opts
        self.ingress: eventloop | None = None  # the main reactor
        self.eventLoops: loadBalancer = newLoadBalancer(opts)
        self.inShutdown = threading.Event()  # set once stop is done
        self.turnOff = threading.Event()  # set to stop (gnet: the context's cancel)
        self.eventHandler = eventHandler
        self.concurrency: list[threading.Thread] = []  # gnet: an errgroup
        self.errors: list[BaseException] = []  # what the threads ended with

    # gnet: engine_unix.go engine.isShutdown
    def isShutdown(self) -> bool:
        return self.inShutdown.is_set()

    # gnet: engine_unix.go engine.shutdown
    def shutdown(self, err: BaseException | None) -> None:
        """Ask the engine to stop (from any thread, a signal handler included)."""
        if err is not None and not isinstance(err, ErrEngineShutdown):
            self.getLogger().Errorf("engine is being shutdown with error: %s", err)
        self.turnOff.set()

    def getLogger(self) -> gnet.Logger:
        assert self.opts.Logger is not None
        return self.opts.Logger

    def go(self, fn: Callable[[], None], name: str) -> None:
        """Start fn on a thread of the group (gnet: eng.concurrency.Go)."""
        def body() -> None:
            try:
                fn()
            except BaseException as e:
                self.errors.append(e)
        t = threading.Thread(target=body, name=name, daemon=True)
        self.concurrency.append(t)
        t.start()

    def loops(self) -> list[eventloop]:
        """The event loops, in order (not the main reactor)."""
        loops: list[eventloop] = []

        def add(_: int, el: eventloop) -> bool:
            loops.append(el)
            return True

        self.eventLoops.iterate(add)
        return loops

    def allLoops(self) -> list[eventloop]:
        """The event loops and the main reactor, if any."""
        return self.loops() + ([self.ingress] if self.ingress is not None else [])

    # gnet: engine_unix.go engine.closeEventLoops
    def closeEventLoops(self) -> None:
        """Close every loop's listeners and poller (the threads are done)."""
        for el in self.allLoops():
            if el.acceptRetry is not None:  # a back-off timer: it may not trigger now
                el.acceptRetry.cancel()
                el.acceptRetry.join()
            for ln in el.listeners.values():
                ln.close()
            el.poller.Close()

    def newLoop(self, listeners: dict[int, listener]) -> eventloop:
        return eventloop(self, OpenPoller(self.opts.Logger), listeners)

    # gnet: engine_unix.go engine.runEventLoops
    def runEventLoops(self, numEventLoop: int) -> None:
        """WithReusePort: N loops, each with its own listeners on the same addresses."""
        el0: eventloop | None = None
        for i in range(numEventLoop):
            lns = self.listeners
            if i > 0:
                # Loop 0 has the engine's listeners; the others bind the address those
                # got (not the one asked for: port 0 would give each another port).
                # A Unix listener is shared instead: a path has one socket (gnet binds
                # it again, which removes loop 0's file and leaves its socket
                # unreachable); every loop watches it and whichever accepts first
                # gets the connection (the others find the queue empty).
                lns = {}
                for l0 in self.listeners.values():
                    assert l0.addr is not None
                    ln = l0
                    if l0.network != "unix":
                        ln = initListener(l0.network, l0.addr.String(), self.opts)
                    lns[ln.fd] = ln
            el = self.newLoop(lns)
            self.eventLoops.register(el)
            for ln in lns.values():
                el.poller.AddRead(ln.packPollAttachment(el.accept), False)
            if self.opts.Ticker and el.idx == 0:
                el0 = el
        for el in self.loops():
            self.go(el.run, f"gnet-loop-{el.idx}")
        if el0 is not None:
            ticking = el0
            self.go(lambda: ticking.ticker(self.turnOff), "gnet-ticker")

    # gnet: engine_unix.go engine.activateReactors
    def activateReactors(self, numEventLoop: int) -> None:
        """The main reactor and N loops it hands connections to."""
        for _ in range(numEventLoop):
            self.eventLoops.register(self.newLoop(self.listeners))
        for el in self.loops():
            self.go(el.orbit, f"gnet-loop-{el.idx}")
        el = self.newLoop(self.listeners)
        el.idx = -1
        self.ingress = el
        for ln in self.listeners.values():
            el.poller.AddRead(ln.packPollAttachment(el.accept0), True)
        self.go(el.rotate, "gnet-main-reactor")
        if self.opts.Ticker:
            self.go(lambda: el.ticker(self.turnOff), "gnet-ticker")

    # gnet: engine_unix.go engine.start
    def start(self, numEventLoop: int) -> None:
        if self.opts.ReusePort:
            self.runEventLoops(numEventLoop)
        else:
            self.activateReactors(numEventLoop)

    # gnet: engine_unix.go engine.stop
    def stop(self, s: gnet.Engine) -> None:
        """Wait for shutdown, then stop everything (see the module's docstring)."""
        self.turnOff.wait()
        try:
            self.eventHandler.OnShutdown(s)
        finally:
            self.halt()

    def halt(self) -> None:
        """End every loop, join the threads, close the pollers and listeners."""
        self.turnOff.set()  # the ticker's wait ends with it
        for el in self.allLoops():
            el.poller.Trigger(HighPriority, shutdownTask, None)
        for t in self.concurrency:
            t.join()
        self.closeEventLoops()
        self.inShutdown.set()


def newLoadBalancer(opts: Options) -> loadBalancer:
    """The balancer WithLoadBalancing asked for (a switch in gnet's run)."""
    if opts.LB == LeastConnections:
        return leastConnectionsLoadBalancer()
    if opts.LB == SourceAddrHash:
        return sourceAddrHashLoadBalancer()
    return roundRobinLoadBalancer()


# gnet: engine_unix.go run
def run(eventHandler: EventHandler, listeners: list[listener], options: Options,
        addrs: list[str]) -> None:
    """Boot, start the loops and block until the engine has stopped."""
    numEventLoop = gnet.determineEventLoops(options)
    eng = engine({ln.fd: ln for ln in listeners}, options, eventHandler)
    eng.getLogger().Infof("Launching gnet with %d event-loops, listening on: %s",
                          numEventLoop, " | ".join(addrs))
    e = gnet.Engine(eng)
    # Known to gnet.Stop from the start (gnet: once the loops run), so that Stop works
    # as soon as OnBoot has been called.
    with gnet.allEnginesMu:
        for addr in addrs:
            gnet.allEngines[addr] = eng
    try:
        if eventHandler.OnBoot(e) == gnet.Shutdown:
            return
        try:
            eng.start(numEventLoop)
        except BaseException:
            eng.halt()
            raise
        eng.stop(e)
    finally:
        with gnet.allEnginesMu:
            for addr in addrs:
                gnet.allEngines.pop(addr, None)
    if eng.errors:
        raise eng.errors[0]
