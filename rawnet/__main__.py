"""``python -m rawnet echo [ADDR]``: the echo server of the README, Go's shape in Python."""

from __future__ import annotations

import argparse
import signal
import sys
from types import FrameType

import rawnet


def handle_conn(conn: rawnet.TCPConn) -> None:
    with conn:
        buf = bytearray(4096)
        try:
            while True:
                n = conn.Read(buf)  # parks this goroutine until data arrives
                conn.Write(memoryview(buf)[:n])
        except rawnet.EOF:  # Go's io.EOF
            pass
        except rawnet.OpError as e:  # a reset peer, say: that connection only
            print(f"echo: {e}", file=sys.stderr)


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def echo(addr: str) -> int:
    ln = rawnet.Listen("tcp", addr)
    print(f"rawnet echo server listening on {ln.Addr()}", flush=True)
    # SIGTERM stops the server the way Ctrl-C does: the exception surfaces in the main
    # goroutine, wherever the scheduler was (usually asleep in epoll_pwait).
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        while True:
            conn = ln.Accept()
            rawnet.go(handle_conn, conn)
    except KeyboardInterrupt:
        pass
    finally:
        ln.Close()
    print("rawnet echo server stopped", flush=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m rawnet", description=__doc__)
    sub = parser.add_subparsers(dest="cmd", required=True)
    p_echo = sub.add_parser("echo", help="run the echo server until Ctrl-C or SIGTERM")
    p_echo.add_argument("addr", nargs="?", default=":8888", help="host:port (default :8888)")
    args = parser.parse_args(argv)
    try:
        return echo(args.addr)
    except rawnet.OpError as e:
        print(f"rawnet: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
