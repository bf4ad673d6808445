"""Echo server: asyncio Protocol (stdlib event loop). data_received -> transport.write.

    python bench/peers/asyncio_protocol.py 127.0.0.1:0

asyncio's selector transport reads up to its own max_size (256 KiB) per recv; a
Protocol cannot ask for less, so this peer is the idiomatic one, not a 4096-byte read.
"""

from __future__ import annotations

import asyncio
from typing import cast

import _addr


class Echo(asyncio.Protocol):
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's is not a subclass

    def data_received(self, data: bytes) -> None:
        self.transport.write(data)


async def main(name: str = "asyncio-protocol") -> None:
    host, port = _addr.parse()
    loop = asyncio.get_running_loop()
    server = await loop.create_server(Echo, host, port, backlog=_addr.BACKLOG)
    _addr.announce(name, server.sockets[0].getsockname()[:2])
    await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
