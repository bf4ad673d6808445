"""Echo server: uvloop (libuv) with an asyncio Protocol. data_received -> transport.write.

    python bench/peers/uvloop_protocol.py 127.0.0.1:0
"""

from __future__ import annotations

import asyncio
from typing import cast

import _addr
import uvloop


class Echo(asyncio.Protocol):
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's is not a subclass

    def data_received(self, data: bytes) -> None:
        self.transport.write(data)


async def main() -> None:
    host, port = _addr.parse()
    loop = asyncio.get_running_loop()
    server = await loop.create_server(Echo, host, port, backlog=_addr.BACKLOG)
    _addr.announce("uvloop", server.sockets[0].getsockname()[:2])
    await server.serve_forever()


if __name__ == "__main__":
    uvloop.run(main())
