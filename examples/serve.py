"""What both examples share: the request loop of ``OnTraffic``, printing the bound
address, running until SIGINT or SIGTERM.

How a protocol sits on a reactor
--------------------------------
gnet does not hand the application a stream to read from, one request at a time: it
calls ``OnTraffic`` whenever bytes arrive on a connection, and the connection's
buffer then holds whatever the client has sent and the server has not consumed yet.
That may be half a request, one request, or several (a client *pipelining* sends
requests without waiting for the answers). So :meth:`Server.OnTraffic` is a loop:

1. ``Peek`` at the buffered bytes, without consuming them;
2. while a whole request is there, answer it (the protocol's :meth:`Server.answer`)
   and move past it;
3. send the answers, in the order of the requests, with one ``Writev``;
4. ``Discard`` the bytes of the requests answered. What is left (the start of the
   next request) stays in the connection's buffer, and the next ``OnTraffic`` sees it
   again with more bytes after it.

A server must not wait forever for a request that never ends (a client could send
bytes until the server runs out of memory), so each protocol bounds what it waits
for, answers an error past the bound and closes. Replies are bounded by the engine: a
client that sends requests and never reads the answers stops being read once its
connection has ``WriteBufferCap`` bytes unsent (rawnet's back-pressure).

Running
-------
A gnet server is an :class:`~rawnet.gnet.gnet.EventHandler` given to ``gnet.Run``,
which blocks until the engine stops. :class:`Server` does two things on boot:

- the address the kernel bound, printed on one line (with ``127.0.0.1:0`` the kernel
  picks the port: the tests read it from this line);
- SIGINT and SIGTERM stopping the engine. Python runs signal handlers on the main
  thread, which is the thread inside ``gnet.Run``, and that thread is also the one that
  carries the stop out; so the handler only asks (``Stop(0)``) and returns, and
  ``Run`` returns once the loops have closed their connections.
"""

from __future__ import annotations

import contextlib
import signal
import sys
from dataclasses import dataclass
from types import FrameType

from rawnet.gnet import gnet
from rawnet.gnet.options import Option
from rawnet.gnet.pkg.errors import ErrInvalidNetworkAddress, ErrUnsupportedProtocol

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


@dataclass
class Answer:
    """A request was complete: reply to it, then go on at end (an index into the
    bytes given to ``answer``), or close the connection once the reply is sent."""

    reply: bytes
    end: int
    close: bool = False


@dataclass
class Incomplete:
    """The request is not all here yet. need: how many bytes (counted from the
    request's start) must be buffered before it is worth looking again; 0 if unknown
    (look again on the next bytes)."""

    need: int = 0


class Server(gnet.BuiltinEventEngine):
    """An event handler for a request/reply protocol: subclasses say how to answer
    one request (``answer``); it announces itself and stops on SIGINT/SIGTERM."""

    name = "server"  # the subclass's name, printed on the first line

    def answer(self, data: bytes, pos: int) -> Answer | Incomplete:
        """Answer the request starting at data[pos] if all of it is there."""
        raise NotImplementedError

    def OnTraffic(self, c: gnet.Conn) -> gnet.Action | None:
        # A request found incomplete left in the connection's context how many bytes
        # it needs: until they are buffered there is nothing to do (a 1 MiB body
        # arriving in 64 KiB reads would otherwise be copied and parsed 16 times).
        need = c.Context()
        if isinstance(need, int) and c.InboundBuffered() < need:
            return None
        c.SetContext(None)
        # One copy of everything buffered: bytes.find and slicing work on it, and it
        # stays valid while we answer (a memoryview from Peek is valid only until the
        # connection's buffer changes).
        data = bytes(c.Peek(-1))
        pos = 0  # where the first request not yet answered starts
        replies: list[bytes] = []
        close = False
        while pos < len(data) and not close:
            step = self.answer(data, pos)
            if isinstance(step, Incomplete):
                if step.need:
                    c.SetContext(step.need)  # counted from pos: Discard(pos) follows
                break
            if step.reply:
                replies.append(step.reply)
            pos, close = step.end, step.close
        if replies:
            c.Writev(replies)
        if close:
            # The engine's close sends what Writev queued, then closes the socket;
            # whatever the client sent after the last request answered is dropped.
            return gnet.Close
        if pos:  # (Discard(0) would discard everything, as gnet's does)
            c.Discard(pos)
        return None

    def OnBoot(self, eng: gnet.Engine) -> gnet.Action | None:
        def stop(signum: int, frame: FrameType | None) -> None:
            with contextlib.suppress(TimeoutError):
                eng.Stop(0)  # ask only: this thread carries the stop out

        for sig in STOP_SIGNALS:
            signal.signal(sig, stop)
        print(f"{self.name} listening on {eng.Addrs()[0]}", flush=True)
        return None


def main(server: Server, default_addr: str, *opts: Option) -> int:
    """Serve the address given on the command line (``host:port`` or
    ``tcp://host:port``; default_addr without one) until SIGINT or SIGTERM.
    Returns the exit status: 0 once stopped, 1 if the address cannot be served."""
    addr = sys.argv[1] if len(sys.argv) > 1 else default_addr
    if "://" not in addr:
        addr = "tcp://" + addr
    saved = {s: signal.getsignal(s) for s in STOP_SIGNALS}
    try:
        gnet.Run(server, addr, *opts)
    except (OSError, ErrInvalidNetworkAddress, ErrUnsupportedProtocol) as e:
        # The address is taken, not this machine's, malformed, not TCP...
        print(f"{server.name}: {e}", file=sys.stderr)
        return 1
    finally:
        for s, h in saved.items():
            signal.signal(s, h)
    print(f"{server.name} stopped", flush=True)
    return 0
