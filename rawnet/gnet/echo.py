"""``python -m rawnet gnet-echo [ADDR]``: the echo server on gnet's engine (not a gnet
file: the counterpart of ``python -m rawnet echo``, which runs on rawnet.net).

SIGINT and SIGTERM stop it with exit status 0. The thread that runs ``Run`` is the
main thread, the one Python runs signal handlers on, and it is also the one that
carries the stop out (``engine.stop``); so the handler only asks (``Stop(0)``) and
returns, and ``Run`` returns once the engine has stopped.
"""

from __future__ import annotations

import contextlib
import signal
import sys
from types import FrameType

from . import gnet
from .options import WithMulticore


class echoServer(gnet.BuiltinEventEngine):
    def OnBoot(self, eng: gnet.Engine) -> gnet.Action | None:
        def stop(signum: int, frame: FrameType | None) -> None:
            with contextlib.suppress(TimeoutError):
                eng.Stop(0)  # ask only: this thread carries the stop out

        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, stop)
        print(f"rawnet gnet echo server listening on {eng.Addrs()[0]}", flush=True)
        return None

    def OnTraffic(self, c: gnet.Conn) -> gnet.Action | None:
        c.Write(c.Next(-1))
        return None


def main(addr: str) -> int:
    """Serve addr ("host:port" or "tcp://host:port") until SIGINT or SIGTERM."""
    if "://" not in addr:
        addr = "tcp://" + addr
    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        gnet.Run(echoServer(), addr, WithMulticore(True))
    except OSError as e:
        print(f"rawnet: {e}", file=sys.stderr)
        return 1
    finally:
        for s, h in handlers.items():
            signal.signal(s, h)
    print("rawnet gnet echo server stopped", flush=True)
    return 0
