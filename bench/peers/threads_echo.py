"""Echo server: an OS thread per connection, blocking stdlib socket recv(4096) / sendall.

    python bench/peers/threads_echo.py 127.0.0.1:0
"""

from __future__ import annotations

import socket
import threading

import _addr


def main() -> None:
    ln = socket.create_server(_addr.parse(), backlog=_addr.BACKLOG)
    _addr.announce("threads", ln.getsockname()[:2])
    while True:
        conn, _ = ln.accept()
        threading.Thread(target=_addr.echo_conn, args=(conn,), daemon=True).start()


if __name__ == "__main__":
    main()
