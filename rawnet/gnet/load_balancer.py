"""Spreading new connections over the event loops (gnet v2.10.0: load_balancer.go).

The main reactor accepts every connection and asks the load balancer which loop gets
it: the next in turn (RoundRobin), the one with the fewest connections
(LeastConnections), or the one a hash of the client's address names (SourceAddrHash:
the same client address always lands on the same loop).

gnet makes the balancer the engine's list of loops; so does this module. With
``WithReusePort`` the kernel spreads the connections instead and the balancer only
lists the loops.
"""

from __future__ import annotations

import enum
import zlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from ..net.net import Addr

if TYPE_CHECKING:
    from .eventloop_unix import eventloop


# gnet: load_balancer.go LoadBalancing
class LoadBalancing(enum.IntEnum):
    RoundRobin = 0
    LeastConnections = 1
    SourceAddrHash = 2


RoundRobin = LoadBalancing.RoundRobin
LeastConnections = LoadBalancing.LeastConnections
SourceAddrHash = LoadBalancing.SourceAddrHash


# gnet: load_balancer.go loadBalancer
class loadBalancer(Protocol):
    def register(self, el: eventloop) -> None: ...

    def next(self, addr: Addr | None) -> eventloop: ...

    def index(self, i: int) -> eventloop | None: ...

    def iterate(self, f: Callable[[int, eventloop], bool]) -> None: ...

    def len(self) -> int: ...


# gnet: load_balancer.go baseLoadBalancer
class baseLoadBalancer:
    def __init__(self) -> None:
        self.eventLoops: list[eventloop] = []
        self.size = 0

    # gnet: load_balancer.go baseLoadBalancer.register
    def register(self, el: eventloop) -> None:
        el.idx = self.size
        self.eventLoops.append(el)
        self.size += 1

    # gnet: load_balancer.go baseLoadBalancer.index
    def index(self, i: int) -> eventloop | None:
        return self.eventLoops[i] if i < self.size else None

    # gnet: load_balancer.go baseLoadBalancer.iterate
    def iterate(self, f: Callable[[int, eventloop], bool]) -> None:
        """f(i, loop) for each loop in turn, until f returns False."""
        for i, el in enumerate(self.eventLoops):
            if not f(i, el):
                break

    # gnet: load_balancer.go baseLoadBalancer.len
    def len(self) -> int:
        return self.size


# gnet: load_balancer.go roundRobinLoadBalancer
class roundRobinLoadBalancer(baseLoadBalancer):
    def __init__(self) -> None:
        super().__init__()
        self.nextIndex = 0

    # gnet: load_balancer.go roundRobinLoadBalancer.next
    def next(self, addr: Addr | None) -> eventloop:
        el = self.eventLoops[self.nextIndex % self.size]
        self.nextIndex += 1
        return el


# gnet: load_balancer.go leastConnectionsLoadBalancer
class leastConnectionsLoadBalancer(baseLoadBalancer):
    # gnet: load_balancer.go leastConnectionsLoadBalancer.next
    def next(self, addr: Addr | None) -> eventloop:
        return min(self.eventLoops, key=lambda el: el.countConn())  # the first of equals


# gnet: load_balancer.go sourceAddrHashLoadBalancer
class sourceAddrHashLoadBalancer(baseLoadBalancer):
    # gnet: load_balancer.go sourceAddrHashLoadBalancer.hash
    @staticmethod
    def hash(s: str) -> int:
        """CRC-32 (IEEE) of s, as a non-negative int (Go: crc32.ChecksumIEEE)."""
        return zlib.crc32(s.encode())

    # gnet: load_balancer.go sourceAddrHashLoadBalancer.next
    def next(self, addr: Addr | None) -> eventloop:
        return self.eventLoops[self.hash(addr.String() if addr else "") % self.size]
