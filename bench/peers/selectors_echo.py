"""Echo server: a single-threaded reactor on the stdlib selectors module (epoll here).

    python bench/peers/selectors_echo.py 127.0.0.1:0

Level-triggered: on readable, recv(4096) and send it back; a short send parks the rest
and waits for writable (it does not happen with these message sizes, but it is correct).
"""

from __future__ import annotations

import selectors
import socket

import _addr

READ, WRITE = selectors.EVENT_READ, selectors.EVENT_WRITE


def main() -> None:
    ln = socket.create_server(_addr.parse(), backlog=_addr.BACKLOG)
    ln.setblocking(False)
    _addr.announce("selectors", ln.getsockname()[:2])
    sel = selectors.DefaultSelector()
    sel.register(ln, READ, None)
    pending: dict[socket.socket, memoryview] = {}

    def close(conn: socket.socket) -> None:
        sel.unregister(conn)
        pending.pop(conn, None)
        conn.close()

    while True:
        for key, mask in sel.select():
            if key.data is None:  # the listener
                while True:
                    try:
                        conn, _ = ln.accept()
                    except BlockingIOError:
                        break
                    conn.setblocking(False)
                    conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                    sel.register(conn, READ, True)
                continue
            conn = key.fileobj
            assert isinstance(conn, socket.socket)
            try:
                if mask & WRITE:
                    rest = pending[conn]
                    n = conn.send(rest)
                    if n < len(rest):
                        pending[conn] = rest[n:]
                    else:
                        del pending[conn]
                        sel.modify(conn, READ, True)
                    continue
                data = conn.recv(4096)
                if not data:
                    close(conn)
                    continue
                try:
                    n = conn.send(data)
                except BlockingIOError:
                    n = 0
                if n < len(data):
                    pending[conn] = memoryview(data)[n:]
                    sel.modify(conn, WRITE, True)
            except BlockingIOError:
                pass
            except ConnectionError:
                close(conn)


if __name__ == "__main__":
    main()
