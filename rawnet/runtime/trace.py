"""The runtime tracer: what ``go tool trace`` shows, for rawnet (Go: src/runtime/trace.go,
in spirit; Go's binary format is not reproduced).

While tracing is on, the scheduler, the poller and the timers record events, and
:func:`stop` writes them as Chrome trace-event JSON, which opens in Perfetto
(https://ui.perfetto.dev) or ``chrome://tracing``:

* one track per P (OS thread) shows which goroutine runs when (``G7 handle_conn``),
  each netpoll call (``netpoll delay=-1`` with the events it returned) and timer firings;
* one track per goroutine shows how it waits: ``IO wait fd 7 read``, ``sleep``,
  ``semacquire``…;
* an arrow runs from whoever readied a goroutine (the poller, a timer, another
  goroutine) to the moment the goroutine runs again.

    rawnet.runtime.trace.start("out.json")
    ...
    rawnet.runtime.trace.stop()   # writes the file

or ``python -m rawnet trace --runtime out.json -- script.py``. When tracing is off each
hook costs one test of the flag ``state.enabled``.
"""

from __future__ import annotations

import json
import os
import threading
import time as _time
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from .proc import G, P


class _State:
    """Go: src/runtime/trace.go the ``trace`` variable's struct, of which the hooks need
    one field: Go's ``traceEnabled()`` reads ``trace.enabled``."""

    __slots__ = ("enabled",)

    def __init__(self) -> None:
        self.enabled = False


state: Final = _State()

_lock = threading.Lock()
_events: list[dict[str, Any]] = []
_path: str | None = None
_t0 = 0
_pid = os.getpid()
_named: set[int] = set()  # tids that already have a name
_flow = 0
_running: dict[int, tuple[int, float, str]] = {}  # P id -> (goid, start µs, name)
_parked: dict[int, tuple[float, str]] = {}  # goid -> (start µs, reason)
_readied: dict[int, int] = {}  # goid -> flow id of the arrow that readied it

GTRACK = 1_000_000  # goroutine tracks are tids above P tracks


def _now() -> float:
    return (_time.perf_counter_ns() - _t0) / 1000.0


def _emit(ev: dict[str, Any]) -> None:
    ev["pid"] = _pid
    with _lock:
        _events.append(ev)


def _name_track(tid: int, name: str, sort: int) -> None:
    if tid in _named:
        return
    _named.add(tid)
    _emit({"ph": "M", "name": "thread_name", "tid": tid, "args": {"name": name}})
    _emit({"ph": "M", "name": "thread_sort_index", "tid": tid, "args": {"sort_index": sort}})


def gname(g: G) -> str:
    return f"G{g.goid} {funcname(g)}"


def funcname(g: G) -> str:
    """The function a goroutine was started with (Go: the g's start PC), or "main"."""
    fn = g.startpc
    if fn is None:
        return "main"
    name = getattr(fn, "__qualname__", None) or getattr(fn, "__name__", None)
    return str(name) if name else repr(fn)


def _ptrack(p: P) -> int:
    _name_track(p.id, f"P{p.id} (thread {p.thread})", p.id)
    return p.id


def _gtrack(g: G) -> int:
    tid = GTRACK + g.goid
    _name_track(tid, gname(g), tid)
    return tid


def start(path: str) -> None:
    """Start recording; stop() writes the events to path."""
    global _path, _t0
    with _lock:
        _events.clear()
    _named.clear()
    _running.clear()
    _parked.clear()
    _readied.clear()
    _path = path
    _t0 = _time.perf_counter_ns()
    _emit({"ph": "M", "name": "process_name", "args": {"name": "rawnet"}})
    state.enabled = True


def stop() -> str | None:
    """Stop recording and write the trace; returns the path written (None if not on)."""
    if not state.enabled:
        return None
    state.enabled = False
    now = _now()
    for pid, (_goid, t, name) in list(_running.items()):
        _emit({"ph": "X", "name": name, "tid": pid, "ts": t, "dur": now - t, "cat": "run"})
    for goid, (t, reason) in list(_parked.items()):
        _emit({"ph": "X", "name": reason, "tid": GTRACK + goid, "ts": t, "dur": now - t,
               "cat": "wait"})
    assert _path is not None
    with _lock:
        data = {"traceEvents": list(_events), "displayTimeUnit": "ms"}
    with open(_path, "w", encoding="utf-8") as f:
        json.dump(data, f)
    return _path


def events() -> list[dict[str, Any]]:
    """A copy of the events recorded so far (for tests and tools)."""
    with _lock:
        return list(_events)


# --- hooks called by the runtime (only while enabled) -------------------------------


def goCreate(g: G, p: P) -> None:
    _emit({"ph": "i", "s": "t", "name": f"go {gname(g)}", "tid": _ptrack(p), "ts": _now(),
           "cat": "sched"})
    _gtrack(g)


def goStart(g: G, p: P) -> None:
    t = _now()
    tid = _ptrack(p)
    _running[p.id] = (g.goid, t, gname(g))
    parked = _parked.pop(g.goid, None)
    if parked is not None:
        _emit({"ph": "X", "name": parked[1], "tid": _gtrack(g), "ts": parked[0],
               "dur": t - parked[0], "cat": "wait"})
    flow = _readied.pop(g.goid, None)
    if flow is not None:
        _emit({"ph": "f", "bp": "e", "name": "ready", "id": flow, "tid": tid, "ts": t,
               "cat": "flow"})


def goStop(g: G, p: P, why: str) -> None:
    """g left its P: it parked (why = the wait reason), yielded or ended."""
    t = _now()
    run = _running.pop(p.id, None)
    if run is not None:
        _emit({"ph": "X", "name": run[2], "tid": _ptrack(p), "ts": run[1], "dur": t - run[1],
               "cat": "run", "args": {"then": why}})
    if why not in ("yield", "end"):
        _parked[g.goid] = (t, why)


def goUnpark(g: G, by: P | None, what: str) -> None:
    """g was made runnable by `what` (netpoll, timer, a goroutine) running on P `by`."""
    global _flow
    _flow += 1
    tid = _ptrack(by) if by is not None else 0
    _readied[g.goid] = _flow
    _emit({"ph": "s", "name": "ready", "id": _flow, "tid": tid, "ts": _now(), "cat": "flow",
           "args": {"goroutine": g.goid, "by": what}})


def netpoll(p: P, delay: int, start_us: float, ready: list[G]) -> None:
    name = f"netpoll delay={'block' if delay < 0 else f'{delay / 1e6:.3f}ms'}"
    _emit({"ph": "X", "name": name, "tid": _ptrack(p), "ts": start_us,
           "dur": _now() - start_us, "cat": "netpoll",
           "args": {"delay_ns": delay, "ready": [g.goid for g in ready]}})


def timerFire(p: P | None, f: Any) -> None:
    _emit({"ph": "i", "s": "t", "name": f"timer {getattr(f, '__name__', f)}",
           "tid": _ptrack(p) if p is not None else 0, "ts": _now(), "cat": "timer"})


def now() -> float:
    return _now()
