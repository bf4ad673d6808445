"""Goroutine dumps, as Go prints them on SIGQUIT (Go: src/runtime/traceback.go).

    goroutine 1 [IO wait]:
      File "server.py", line 12, in main
        conn = ln.Accept()
      ...

:func:`DumpGoroutines` writes one such block per live goroutine, with its state
(``running``, ``runnable``, or the wait reason: ``IO wait``, ``sleep``,
``semacquire``…) and its Python stack. :func:`InstallSIGQUIT` makes ``kill -QUIT`` (or
Ctrl-\\ in a terminal) dump every goroutine and exit with status 2, as a Go program
does; ``RAWNET_SIGQUIT=1`` in the environment installs it when rawnet is imported.
"""

from __future__ import annotations

import os
import signal
import sys
import traceback
from types import FrameType
from typing import TextIO

from greenlet import getcurrent

from . import proc, trace


def _state(g: proc.G) -> str:
    if g.status == proc._Gwaiting:
        return ", ".join(filter(None, (g.waitreason, proc.waitDetail(g)))) or "waiting"
    if g.status == proc._Grunnable:
        return "runnable"
    if g.status == proc._Gdead:
        return "dead"
    return "running"


def _frame(g: proc.G, current: FrameType | None) -> FrameType | None:
    if g.gr is getcurrent():
        return current  # the goroutine that is running the dump
    frame: FrameType | None = getattr(g.gr, "gr_frame", None)
    return frame


def DumpGoroutines(file: TextIO | None = None, current: FrameType | None = None) -> int:
    """Write every live goroutine's id, state and stack to file (stderr by default);
    return how many were written. current: the frame to show for the caller."""
    out = file or sys.stderr
    if current is None:
        current = sys._getframe(1)
    live = (gr.rawnet_g for gr in list(proc.allgs))
    gs = sorted((g for g in live if g.status != proc._Gdead), key=lambda g: g.goid)
    for g in gs:
        out.write(f"goroutine {g.goid} [{_state(g)}]:\n")
        frame = _frame(g, current)
        if frame is not None:
            out.write("".join(traceback.format_stack(frame)))
        elif g.status == proc._Grunnable and g.fn is not None:
            out.write(f"  created, not yet started: {trace.funcname(g)}\n")
        else:
            out.write("  (running on another thread)\n")
        out.write("\n")
    out.flush()
    return len(gs)


def _onSIGQUIT(signum: int, frame: FrameType | None) -> None:
    sys.stderr.write("SIGQUIT: quit\n\n")
    DumpGoroutines(sys.stderr, frame)
    os._exit(2)


def InstallSIGQUIT() -> None:
    """On SIGQUIT, dump all goroutines to stderr and exit with status 2, like Go."""
    signal.signal(signal.SIGQUIT, _onSIGQUIT)


def from_env() -> None:
    if os.environ.get("RAWNET_SIGQUIT", "") not in ("", "0"):
        InstallSIGQUIT()
