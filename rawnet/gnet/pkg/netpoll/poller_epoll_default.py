"""The epoll poller of an event loop (gnet v2.10.0: pkg/netpoll/poller_epoll_default.go).

A Poller is one epoll instance plus one eventfd. ``Polling`` runs the loop: wait for
events, call back for each ready fd, and whenever the eventfd fired, run the tasks that
other threads queued with ``Trigger``. The eventfd is registered like any other fd, so
a thread that queues a task wakes a loop asleep in epoll_wait by writing 8 bytes to it.

``wakeupCall`` keeps the writes few: the first Trigger after the loop last drained its
queues writes the eventfd; the ones after it, until the loop drains the queues again,
only enqueue. gnet sets it with a compare-and-swap; here a lock makes the test and the
set one step (Python has no CAS on an attribute).

Where Python differs from gnet:
- callbacks and tasks raise instead of returning errors. ``ErrEngineShutdown`` and
  ``ErrAcceptSocket`` end ``Polling`` (it re-raises them), as in gnet; a syscall error
  (an ``OSError``) from a callback is logged and the loop goes on, where gnet drops it
  without a word; anything else (a bug in an event handler) ends the loop, where a Go
  panic would end the process.
- ``ModWrite`` (writable events only) is not gnet's: the event loop uses it to stop
  reading from a connection whose outbound buffer is over its cap (back-pressure,
  eventloop_unix.py).
"""

from __future__ import annotations

import threading
from typing import Final

from ....linux import epoll
from ....sys import syscall_linux as sc
from ....sys import zerrors_linux as c
from ....sys.errno import EAGAIN, EINTR
from ..errors import checkSyscall
from ..logging.logger import GetDefaultLogger, Logger
from ..queue.lock_free_queue import NewLockFreeQueue
from ..queue.queue import EventPriority, Func, HighPriority, Task
from .defs_poller import PollAttachment, PollEventHandler
from .defs_poller_epoll import (
    InitPollEventsCap,
    MaxAsyncTasksAtOneTime,
    MaxPollEventsCap,
    ReadEvents,
    ReadWriteEvents,
    WriteEvents,
    newEventList,
)

# The 8 bytes written to the eventfd: the counter goes up by one (little-endian uint64 1).
_one: Final = (1).to_bytes(8, "little")


# gnet: pkg/netpoll/poller_epoll_default.go Poller
class Poller:
    """An epoll instance with an eventfd and two task queues. Make one with OpenPoller."""

    def __init__(self, logger: Logger) -> None:
        self.fd = -1  # the epoll fd
        self.efd = -1  # the eventfd
        self.efdBuf = bytearray(8)  # where a read of the eventfd's counter lands
        self.wakeupCall = False  # an eventfd write is on its way and not yet handled
        self.wakeupMu = threading.Lock()  # makes wakeupCall's test-and-set atomic
        self.asyncTaskQueue = NewLockFreeQueue()  # low priority
        self.urgentAsyncTaskQueue = NewLockFreeQueue()  # high priority
        self.highPriorityEventsThreshold = MaxPollEventsCap
        self.logger = logger

    # gnet: pkg/netpoll/poller_epoll_default.go Poller.Close
    def Close(self) -> None:
        """Close the eventfd and the epoll fd."""
        sc.Close(self.efd)
        checkSyscall("close", sc.Close(self.fd))

    # gnet: pkg/netpoll/poller_epoll_default.go Poller.Trigger
    def Trigger(self, priority: EventPriority, fn: Func, param: object) -> None:
        """Queue fn(param) for the loop and wake it; safe from any thread.

        A low-priority task goes to the urgent queue too while that queue is short
        (it keeps the order of a thread's tasks); once the urgent queue holds
        highPriorityEventsThreshold tasks, low-priority ones wait in their own."""
        task = Task(fn, param)
        if priority > HighPriority and (
            self.urgentAsyncTaskQueue.Length() >= self.highPriorityEventsThreshold
        ):
            self.asyncTaskQueue.Enqueue(task)
        else:
            self.urgentAsyncTaskQueue.Enqueue(task)
        self.wakeup()

    def wakeup(self) -> None:
        """Write the eventfd unless a write is already pending (inlined twice in gnet:
        in Trigger and at the end of Polling's chores)."""
        with self.wakeupMu:
            if self.wakeupCall:
                return
            self.wakeupCall = True
        while True:
            r = sc.Write(self.efd, _one)
            if r == -EAGAIN:
                # The counter is at its maximum (never, in practice): empty it, retry.
                sc.Read(self.efd, self.efdBuf)
                continue
            checkSyscall("write", r)
            return

    # gnet: pkg/netpoll/poller_epoll_default.go Poller.Polling
    def Polling(self, callback: PollEventHandler) -> None:
        """Run the loop on this thread until a callback or task raises
        ErrEngineShutdown or ErrAcceptSocket (re-raised here).

        After a batch of events the next wait does not block (msec 0): more events
        are often ready already, and a wait that finds none goes back to blocking."""
        el = newEventList(InitPollEventsCap)
        msec = -1
        while True:
            n = epoll.EpollWait(self.fd, el.events, el.size, msec)
            if n == 0 or n == -EINTR:
                msec = -1
                continue
            checkSyscall("epoll_wait", n)
            msec = 0

            doChores = False
            ev: int
            fd: int
            for ev, fd in epoll.eventLayout.iter_unpack(el.raw[: n * epoll.eventSize]):
                if fd == self.efd:  # woken to run the queued tasks
                    doChores = True
                    continue
                try:
                    callback(fd, ev, 0)
                except OSError as e:  # a syscall failed for that fd: others go on
                    self.logger.Warnf("event-loop callback for fd=%d failed: %s", fd, e)

            if doChores:
                self.doChores()

            if n == el.size:
                el.expand()
            elif n < el.size >> 1:
                el.shrink()

    def doChores(self) -> None:
        """Run every urgent task and up to MaxAsyncTasksAtOneTime low-priority ones;
        write the eventfd again if any are left (inlined in Polling in gnet).

        The eventfd is registered edge-triggered, so it is never read: each write is
        an edge, reported once, and the counter's value does not matter."""
        while (task := self.urgentAsyncTaskQueue.Dequeue()) is not None:
            self.run(task)
        for _ in range(MaxAsyncTasksAtOneTime):
            if (task := self.asyncTaskQueue.Dequeue()) is None:
                break
            self.run(task)
        with self.wakeupMu:
            self.wakeupCall = False
        if not self.asyncTaskQueue.IsEmpty() or not self.urgentAsyncTaskQueue.IsEmpty():
            self.wakeup()

    def run(self, task: Task) -> None:
        """Run one task; a syscall error is logged, as a callback's is."""
        try:
            task.Exec(task.Param)
        except OSError as e:
            self.logger.Warnf("event-loop task failed: %s", e)

    def ctl(self, op: int, name: str, pa: PollAttachment, events: int, edgeTriggered: bool
            ) -> None:
        """epoll_ctl(op) for pa.FD with events; edge-triggered adds EPOLLET and
        EPOLLRDHUP (the peer's shutdown is then reported on its own)."""
        if edgeTriggered:
            events |= c.EPOLLET | c.EPOLLRDHUP
        ev = epoll.epoll_event(events, pa.FD)
        checkSyscall(name, epoll.EpollCtl(self.fd, op, pa.FD, ev))

    # gnet: pkg/netpoll/poller_epoll_default.go Poller.AddReadWrite
    def AddReadWrite(self, pa: PollAttachment, edgeTriggered: bool) -> None:
        self.ctl(c.EPOLL_CTL_ADD, "epoll_ctl add", pa, ReadWriteEvents, edgeTriggered)

    # gnet: pkg/netpoll/poller_epoll_default.go Poller.AddRead
    def AddRead(self, pa: PollAttachment, edgeTriggered: bool) -> None:
        self.ctl(c.EPOLL_CTL_ADD, "epoll_ctl add", pa, ReadEvents, edgeTriggered)

    # gnet: pkg/netpoll/poller_epoll_default.go Poller.AddWrite
    def AddWrite(self, pa: PollAttachment, edgeTriggered: bool) -> None:
        self.ctl(c.EPOLL_CTL_ADD, "epoll_ctl add", pa, WriteEvents, edgeTriggered)

    # gnet: pkg/netpoll/poller_epoll_default.go Poller.ModRead
    def ModRead(self, pa: PollAttachment, edgeTriggered: bool) -> None:
        self.ctl(c.EPOLL_CTL_MOD, "epoll_ctl mod", pa, ReadEvents, edgeTriggered)

    # gnet: pkg/netpoll/poller_epoll_default.go Poller.ModReadWrite
    def ModReadWrite(self, pa: PollAttachment, edgeTriggered: bool) -> None:
        self.ctl(c.EPOLL_CTL_MOD, "epoll_ctl mod", pa, ReadWriteEvents, edgeTriggered)

    def ModWrite(self, pa: PollAttachment, edgeTriggered: bool) -> None:
        """Writable events only (not gnet's: back-pressure stops reading)."""
        self.ctl(c.EPOLL_CTL_MOD, "epoll_ctl mod", pa, WriteEvents, edgeTriggered)

    # gnet: pkg/netpoll/poller_epoll_default.go Poller.Delete
    def Delete(self, fd: int) -> None:
        checkSyscall("epoll_ctl del", epoll.EpollCtl(self.fd, c.EPOLL_CTL_DEL, fd,
                                                     epoll.epoll_event()))


# gnet: pkg/netpoll/poller_epoll_default.go OpenPoller
def OpenPoller(logger: Logger | None = None) -> Poller:
    """A new poller: epoll_create1, eventfd, the eventfd registered for reading."""
    poller = Poller(logger or GetDefaultLogger())
    poller.fd = checkSyscall("epoll_create1", epoll.EpollCreate1(c.EPOLL_CLOEXEC))
    try:
        poller.efd = checkSyscall("eventfd",
                                  epoll.Eventfd(0, c.EFD_NONBLOCK | c.EFD_CLOEXEC))
        poller.AddRead(PollAttachment(poller.efd), True)
    except OSError:
        poller.Close()
        raise
    return poller
