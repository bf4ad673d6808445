"""Echo server: trio, a task per connection, receive_some(4096) / send_all.

    python bench/peers/trio_echo.py 127.0.0.1:0
"""

from __future__ import annotations

from functools import partial

import _addr
import trio


async def handle(stream: trio.SocketStream) -> None:
    try:
        while data := await stream.receive_some(4096):
            await stream.send_all(data)
    except (trio.BrokenResourceError, trio.ClosedResourceError):
        pass  # a reset peer ends this connection only (trio would cancel the server)
    finally:
        await stream.aclose()


async def main() -> None:
    host, port = _addr.parse()
    listeners = await trio.open_tcp_listeners(port, host=host, backlog=_addr.BACKLOG)
    _addr.announce("trio", listeners[0].socket.getsockname()[:2])
    await trio.serve_listeners(handle, listeners)


if __name__ == "__main__":
    trio.run(partial(main))
