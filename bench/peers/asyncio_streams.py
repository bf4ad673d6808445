"""Echo server: asyncio streams (StreamReader.read(4096), StreamWriter.write + drain).

    python bench/peers/asyncio_streams.py 127.0.0.1:0
"""

from __future__ import annotations

import asyncio

import _addr


async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(4096):
            writer.write(data)
            await writer.drain()
    except ConnectionError:
        pass
    finally:
        writer.close()


async def main() -> None:
    host, port = _addr.parse()
    server = await asyncio.start_server(handle, host, port, backlog=_addr.BACKLOG)
    _addr.announce("asyncio-streams", server.sockets[0].getsockname()[:2])
    await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
