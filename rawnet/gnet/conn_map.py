"""An event loop's connections by fd (gnet v2.10.0: conn_map.go, the ``gc_opt``-less
build's connMatrix).

Only the loop's own thread changes the map; ``loadCount`` is read by other threads
(the LeastConnections balancer, ``Engine.CountConnections``): an int read is atomic
under the GIL, as gnet's atomic.LoadInt32 is.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .connection_unix import conn


# gnet: conn_map.go connMatrix
class connMatrix:
    def __init__(self) -> None:
        self.connCount = 0
        self.connMap: dict[int, conn] = {}

    # gnet: conn_map.go connMatrix.iterate
    def iterate(self, f: Callable[[conn], bool]) -> None:
        """f(c) for each connection until f returns False (over a copy: f may close c)."""
        for c in list(self.connMap.values()):
            if not f(c):
                return

    # gnet: conn_map.go connMatrix.loadCount
    def loadCount(self) -> int:
        return self.connCount

    # gnet: conn_map.go connMatrix.addConn
    def addConn(self, c: conn) -> None:
        self.connMap[c.fd] = c
        self.connCount += 1

    # gnet: conn_map.go connMatrix.delConn
    def delConn(self, c: conn) -> None:
        del self.connMap[c.fd]
        self.connCount -= 1

    # gnet: conn_map.go connMatrix.getConn
    def getConn(self, fd: int) -> conn | None:
        return self.connMap.get(fd)
