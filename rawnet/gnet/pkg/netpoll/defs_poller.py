"""What a poller calls back, and with what (gnet v2.10.0: pkg/netpoll/defs_poller.go)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

# gnet: pkg/netpoll/defs_poller.go PollEventHandler
# fd, the events epoll reported for it (IOEvent), and flags (IOFlags, kqueue's; always
# 0 under epoll). It raises ErrEngineShutdown or ErrAcceptSocket to end the loop.
PollEventHandler = Callable[[int, int, int], None]


# gnet: pkg/netpoll/defs_poller.go PollAttachment
@dataclass
class PollAttachment:
    """An fd to register with a poller and the callback for its events."""

    FD: int
    Callback: PollEventHandler | None = None
