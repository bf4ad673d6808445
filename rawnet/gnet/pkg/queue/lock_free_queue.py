"""The queue behind a poller's tasks (gnet v2.10.0: pkg/queue/lock_free_queue.go).

gnet's is the Michael-Scott lock-free queue: a linked list whose head and tail are
moved with compare-and-swap, so that producers on many threads never block the loop.
CPython already gives ``collections.deque`` that property: ``append`` and ``popleft``
are each one C call made under the GIL, atomic with respect to other threads, and
never wait on a lock a producer holds. So the queue is a deque.
"""

from __future__ import annotations

from collections import deque

from .queue import Task


# gnet: pkg/queue/lock_free_queue.go lockFreeQueue
class lockFreeQueue:
    """FIFO of tasks, safe to fill from any thread (the ``AsyncTaskQueue`` Protocol)."""

    __slots__ = ("q",)

    def __init__(self) -> None:
        self.q: deque[Task] = deque()

    # gnet: pkg/queue/lock_free_queue.go lockFreeQueue.Enqueue
    def Enqueue(self, task: Task) -> None:
        self.q.append(task)

    # gnet: pkg/queue/lock_free_queue.go lockFreeQueue.Dequeue
    def Dequeue(self) -> Task | None:
        try:
            return self.q.popleft()
        except IndexError:  # empty
            return None

    # gnet: pkg/queue/lock_free_queue.go lockFreeQueue.IsEmpty
    def IsEmpty(self) -> bool:
        return not self.q

    # gnet: pkg/queue/lock_free_queue.go lockFreeQueue.Length
    def Length(self) -> int:
        return len(self.q)


# gnet: pkg/queue/lock_free_queue.go NewLockFreeQueue
def NewLockFreeQueue() -> lockFreeQueue:
    return lockFreeQueue()
