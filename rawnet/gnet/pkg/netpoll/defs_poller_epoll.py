"""epoll's event masks and the poller's event list (gnet v2.10.0:
pkg/netpoll/defs_poller_epoll.go).

The event list is the array epoll_wait fills. It starts at ``InitPollEventsCap``
entries, doubles (up to ``MaxPollEventsCap``) when a wait fills it and halves (down to
``MinPollEventsCap``) when a wait uses less than half: a busy loop takes many events
per syscall, an idle one keeps little memory.
"""

from __future__ import annotations

from typing import Final

from ....linux import epoll
from ....sys import zerrors_linux as c

# gnet: pkg/netpoll/defs_poller_epoll.go InitPollEventsCap
InitPollEventsCap: Final = 128
# gnet: pkg/netpoll/defs_poller_epoll.go MaxPollEventsCap
MaxPollEventsCap: Final = 1024
# gnet: pkg/netpoll/defs_poller_epoll.go MinPollEventsCap
MinPollEventsCap: Final = 32
# gnet: pkg/netpoll/defs_poller_epoll.go MaxAsyncTasksAtOneTime
MaxAsyncTasksAtOneTime: Final = 256
# gnet: pkg/netpoll/defs_poller_epoll.go ReadEvents
ReadEvents: Final = c.EPOLLIN | c.EPOLLPRI
# gnet: pkg/netpoll/defs_poller_epoll.go WriteEvents
WriteEvents: Final = c.EPOLLOUT
# gnet: pkg/netpoll/defs_poller_epoll.go ReadWriteEvents
ReadWriteEvents: Final = ReadEvents | WriteEvents
# gnet: pkg/netpoll/defs_poller_epoll.go ErrEvents
# Reported whether asked for or not: an error on the socket, or both directions shut.
ErrEvents: Final = c.EPOLLERR | c.EPOLLHUP


# gnet: pkg/netpoll/defs_poller_epoll.go IsReadEvent
def IsReadEvent(event: int) -> bool:
    return event & ReadEvents != 0


# gnet: pkg/netpoll/defs_poller_epoll.go IsWriteEvent
def IsWriteEvent(event: int) -> bool:
    return event & WriteEvents != 0


# gnet: pkg/netpoll/defs_poller_epoll.go IsErrorEvent
def IsErrorEvent(event: int, _flags: int) -> bool:
    return event & ErrEvents != 0


# gnet: pkg/netpoll/defs_poller_epoll.go eventList
class eventList:
    """The epoll_event array epoll_wait fills, and a byte view of it to decode from."""

    __slots__ = ("size", "events", "raw")

    def __init__(self, size: int) -> None:
        self.alloc(size)

    def alloc(self, size: int) -> None:
        """A new array of size events (Go: make([]epollevent, size))."""
        self.size = size
        self.events = (epoll.epoll_event * size)()
        # Decoded with one struct call for all events (as the runtime's netpoll does):
        # reading ctypes fields makes three Python objects per event.
        self.raw = memoryview(self.events).cast("B")

    # gnet: pkg/netpoll/defs_poller_epoll.go eventList.expand
    def expand(self) -> None:
        if self.size << 1 <= MaxPollEventsCap:
            self.alloc(self.size << 1)

    # gnet: pkg/netpoll/defs_poller_epoll.go eventList.shrink
    def shrink(self) -> None:
        if self.size >> 1 >= MinPollEventsCap:
            self.alloc(self.size >> 1)


# gnet: pkg/netpoll/defs_poller_epoll.go newEventList
def newEventList(size: int) -> eventList:
    return eventList(size)
