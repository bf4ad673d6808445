"""Echo server: gevent StreamServer, a greenlet per connection, recv(4096) / sendall.

    python bench/peers/gevent_echo.py 127.0.0.1:0
"""

from __future__ import annotations

import socket

import _addr
from gevent.server import StreamServer


def handle(conn: socket.socket, _addr_: tuple[str, int]) -> None:
    _addr.echo_conn(conn)


def main() -> None:
    server = StreamServer(_addr.parse(), handle, backlog=_addr.BACKLOG)
    server.start()
    _addr.announce("gevent", server.address[:2])
    server.serve_forever()


if __name__ == "__main__":
    main()
