"""The task and its queue's interface (gnet v2.10.0: pkg/queue/queue.go).

Any thread may hand an event loop work: an accepted connection to register, an
``AsyncWrite``, a ``Wake``, a ``Close``. The work is a :class:`Task` (a function and its
parameter) put on one of the poller's two queues, and the poller's eventfd is written
so that the loop wakes up and runs it (``Poller.Trigger``).

Where Python differs from gnet: gnet recycles Tasks through a ``sync.Pool``
(``GetTask``/``PutTask``); a Python object that small is cheaper to make than to pool.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import Protocol

# gnet: pkg/queue/queue.go Func
# The work itself. It raises to stop the loop (``ErrEngineShutdown``); gnet's returns
# that error instead.
Func = Callable[[object], None]


# gnet: pkg/queue/queue.go Task
class Task:
    """One piece of work for an event loop."""

    __slots__ = ("Exec", "Param")

    def __init__(self, Exec: Func, Param: object) -> None:
        self.Exec = Exec
        self.Param = Param


# gnet: pkg/queue/queue.go AsyncTaskQueue
class AsyncTaskQueue(Protocol):
    """A queue that any number of threads may fill while one drains it."""

    def Enqueue(self, task: Task) -> None: ...

    def Dequeue(self) -> Task | None: ...

    def IsEmpty(self) -> bool: ...

    def Length(self) -> int: ...


# gnet: pkg/queue/queue.go EventPriority
class EventPriority(enum.IntEnum):
    """HighPriority tasks all run at the next wake-up; LowPriority ones at most
    ``MaxAsyncTasksAtOneTime`` per wake-up, so that a flood of them cannot starve I/O."""

    HighPriority = 0
    LowPriority = 1


HighPriority = EventPriority.HighPriority
LowPriority = EventPriority.LowPriority
