"""Wall-clock time for deadlines (Go: src/time/time.go Time, Now, Until).

Go's deadlines are ``time.Time`` values. rawnet takes Python's own clock values where
Go takes a Time: seconds since the epoch as ``time.time()`` returns them, or a
``datetime.datetime`` (a naive one is local time). ``None`` plays Go's zero Time,
which a deadline setter reads as "no deadline".

The runtime's timers count monotonic nanoseconds (rawnet/runtime/time.py); :func:`Until`
is where a wall-clock deadline becomes such a duration, as in Go, where
``poll.setDeadlineImpl`` calls ``time.Until``.
"""

from __future__ import annotations

import datetime
import time as _walltime

Time = float | datetime.datetime | None
"""A deadline: a ``time.time()`` float, a ``datetime``, or None for Go's zero Time."""


# Go: src/time/time.go Now
def Now() -> float:
    """The current time, in ``time.time()``'s seconds since the epoch."""
    return _walltime.time()


# Go: src/time/time.go Until
def Until(t: object) -> int:
    """The nanoseconds from now until t (negative once t has passed), saturated to
    Go's Duration range, an int64. t is a Time other than None; anything else is a
    TypeError, since users hand deadlines in."""
    if isinstance(t, datetime.datetime):
        t = t.timestamp()
    if isinstance(t, bool) or not isinstance(t, int | float):
        raise TypeError(f"deadline must be a float timestamp, a datetime or None, not {t!r}")
    d = (t - _walltime.time()) * 1e9
    if d >= 2**63:
        return 2**63 - 1
    if d <= -(2**63):
        return -(2**63)
    return int(d)
