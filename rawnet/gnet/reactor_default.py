"""What each loop's thread runs (gnet v2.10.0: reactor_default.go): functions with the
loop as their receiver, bound as eventloop methods in eventloop_unix.py.

- ``rotate``: the main reactor, which only accepts;
- ``orbit``: a loop fed connections by the main reactor;
- ``run``: a loop with listeners of its own (``WithReusePort``).

Each polls until ``ErrEngineShutdown`` (the engine stops, or a handler returned
``Shutdown``) or an error, then closes its connections and tells the engine to shut
down, so one loop's end ends them all.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .pkg.errors import ErrEngineShutdown
from .pkg.netpoll.defs_poller import PollEventHandler

if TYPE_CHECKING:
    from .eventloop_unix import eventloop


def poll(el: eventloop, callback: PollEventHandler, name: str) -> None:
    """Polling(callback) until it ends; then the shutdown of the engine (gnet repeats
    these lines in each of the three)."""
    err: BaseException | None = None
    try:
        el.poller.Polling(callback)
    except ErrEngineShutdown as e:
        el.getLogger().Debugf("%s is exiting in terms of the demand from user, %s", name, e)
    except BaseException as e:
        el.getLogger().Errorf("%s is exiting due to error: %s", name, e)
        err = e
    el.closeConns()
    el.engine.shutdown(err)
    if err is not None:
        raise err


# gnet: reactor_default.go eventloop.rotate
def rotate(el: eventloop) -> None:
    poll(el, el.accept0, "main reactor")


def dispatch(el: eventloop, fd: int, ev: int, flags: int) -> None:
    """Hand fd's events to its connection (the callback both loops share in gnet)."""
    c = el.connections.getConn(fd)
    if c is None:
        # An event for an fd no longer ours (gnet logs a warning): stop watching it.
        el.getLogger().Warnf("received event[fd=%d|ev=%d] of a stale connection "
                             "from event-loop(%d)", fd, ev, el.idx)
        el.poller.Delete(fd)
        return
    c.processIO(fd, ev, flags)


# gnet: reactor_default.go eventloop.orbit
def orbit(el: eventloop) -> None:
    poll(el, lambda fd, ev, flags: dispatch(el, fd, ev, flags), f"event-loop({el.idx})")


# gnet: reactor_default.go eventloop.run
def run(el: eventloop) -> None:
    def callback(fd: int, ev: int, flags: int) -> None:
        if fd in el.listeners and el.connections.getConn(fd) is None:
            el.accept(fd, ev, flags)
        else:
            dispatch(el, fd, ev, flags)
    poll(el, callback, f"event-loop({el.idx})")
