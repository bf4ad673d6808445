"""``python -m rawnet echo [ADDR]``: the echo server of the README, Go's shape in Python.
``python -m rawnet gnet-echo [ADDR]``: the same echo server on gnet's engine (rawnet.gnet).
``python -m rawnet trace [strace options] -- script.py args...``: run a Python program
with rawnet's strace-format syscall tracer on (see docs/debugging.md).
``python -m rawnet version`` (or ``--version``): the version, and which build runs and
why: compiled by mypyc, or pure Python (rawnet/_build.py)."""

from __future__ import annotations

import argparse
import os
import runpy
import signal
import sys

import rawnet
from rawnet import _build
from rawnet.gnet import echo as gnet_echo
from rawnet.os.signal import Notify
from rawnet.runtime import trace as runtime_trace
from rawnet.runtime.traceback import InstallSIGQUIT


def handle_conn(conn: rawnet.TCPConn) -> None:
    with conn:
        buf = bytearray(4096)
        try:
            while True:
                n = conn.Read(buf)  # parks this goroutine until data arrives
                conn.Write(memoryview(buf)[:n])
        except rawnet.EOF:  # Go's io.EOF
            pass
        except (ConnectionResetError, BrokenPipeError):
            pass  # the peer went away without a FIN (a reset): ordinary, not worth a line
        except rawnet.OpError as e:  # anything else ends that connection only, logged
            print(f"echo: {e}", file=sys.stderr)


# Go: src/net/http/server.go Server.Serve
def serve(ln: rawnet.TCPListener) -> None:
    """Accept connections on ln, a goroutine for each, until ln is closed; close ln
    when an error ends the loop.

    Go's accept loop, errors and all. A temporary error (Go: net.Error.Temporary) is
    one expected to clear by itself: EMFILE or ENFILE, the process or the whole system
    out of file descriptors. The kernel goes on completing handshakes into the listen
    backlog, but accept4 cannot hand a connection out until one of ours is closed. On
    such an error Go's HTTP server logs it, sleeps (5 ms, doubled after each failure
    in a row, at most 1 s: a server out of fds must not spin on accept4, and the fds
    come back only as its other goroutines finish) and accepts again; any other error
    ends the loop. (ECONNABORTED, a connection reset while still in the backlog, never
    gets here: internal/poll's Accept retries it itself.)"""
    tempDelay = 0  # ms to sleep on accept failure (Go: a time.Duration)
    with ln:  # Go: defer l.Close(); closing a closed listener is no error here
        while True:
            try:
                conn = ln.Accept()
            except rawnet.ErrClosed:  # shutdown closed ln (Go: srv.shuttingDown())
                return
            except rawnet.OpError as e:
                if not e.Temporary():
                    raise
                tempDelay = 5 if tempDelay == 0 else min(tempDelay * 2, 1000)
                # Go's Duration.String prints these as 5ms, 10ms, ... 640ms, 1s.
                retry = f"{tempDelay}ms" if tempDelay < 1000 else "1s"
                print(f"echo: Accept error: {e}; retrying in {retry}", file=sys.stderr,
                      flush=True)
                rawnet.Sleep(tempDelay / 1000)
                continue
            tempDelay = 0
            rawnet.go(handle_conn, conn)


def echo(addr: str) -> int:
    ln = rawnet.Listen("tcp", addr)
    print(f"rawnet echo server listening on {ln.Addr()}", flush=True)
    # Go's shape for a clean stop: Ctrl-C and SIGTERM are delivered to a goroutine
    # (os/signal.Notify) that closes the listener; the Accept loop then ends.
    sigs = Notify(signal.SIGINT, signal.SIGTERM)
    # SIGQUIT (Ctrl-\\) prints every goroutine's state and stack and exits 2, like Go.
    InstallSIGQUIT()

    def shutdown() -> None:
        if sigs.Recv() is not None:  # None: serve failed, and Stop below woke us
            ln.Close()  # serve's Accept returns ErrClosed

    rawnet.go(shutdown)
    try:
        serve(ln)
    finally:
        sigs.Stop()
    print("rawnet echo server stopped", flush=True)
    return 0


def trace(args: argparse.Namespace) -> int:
    """Run a script the way ``strace`` runs a program, with rawnet's tracer on."""
    from rawnet import strace  # the tracer is imported only when it is used


    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        print("python -m rawnet trace: no script to run", file=sys.stderr)
        return 2
    options = strace.Options(
        follow=args.f, timestamps=args.t, syscall_times=args.T, decode_fds=args.y,
        strsize=args.s, trace=strace.trace_expr(args.e), output=args.o)
    strace.stop_trace()  # one started by RAWNET_TRACE at import
    if args.runtime:
        runtime_trace.start(args.runtime)
    sys.argv = command
    sys.path[0] = os.path.dirname(os.path.abspath(command[0]))
    strace.start_trace(options=options)
    code: int | str | None = 0
    try:
        runpy.run_path(command[0], run_name="__main__")
    except SystemExit as e:
        code = e.code
    finally:
        strace.stop_trace()
        if args.runtime:
            runtime_trace.stop()
    if code is None or isinstance(code, int):
        return code or 0
    print(code, file=sys.stderr)
    return 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m rawnet", description=__doc__)
    parser.add_argument("--version", action="version", version=_build.version())
    sub = parser.add_subparsers(dest="cmd", required=True)
    sub.add_parser("version", help="print the version and which build runs (compiled or not)")
    p_echo = sub.add_parser("echo", help="run the echo server until Ctrl-C or SIGTERM")
    p_echo.add_argument("addr", nargs="?", default=":8888", help="host:port (default :8888)")
    p_gnet = sub.add_parser("gnet-echo", help="the echo server on gnet's engine (rawnet.gnet)")
    p_gnet.add_argument("addr", nargs="?", default=":8888",
                        help="host:port or tcp://host:port (default :8888)")
    p_trace = sub.add_parser(
        "trace", help="run a Python script with the strace-format syscall tracer on",
        description="Print every syscall rawnet makes as strace prints it (to stderr, or "
        "-o FILE).", usage="python -m rawnet trace [options] -- script.py [args ...]")
    p_trace.add_argument("-f", action="store_true", help="trace all threads ([pid  TID])")
    p_trace.add_argument("-t", action="count", default=0, help="-t, -tt, -ttt: timestamps")
    p_trace.add_argument("-T", action="store_true", help="show the time spent in each call")
    p_trace.add_argument("-y", action="count", default=0,
                         help="-y: fd paths; -yy: also socket protocols and addresses")
    p_trace.add_argument("-s", type=int, default=32, metavar="N",
                         help="string length to print (default 32)")
    p_trace.add_argument("-e", default="trace=all", metavar="trace=SET",
                         help="calls to trace: names, %%net, %%desc, %%file, !negation")
    p_trace.add_argument("-o", metavar="FILE", help="write the trace to FILE")
    p_trace.add_argument("--runtime", metavar="OUT.json",
                         help="also record a runtime trace (rawnet.runtime.trace) to OUT.json")
    p_trace.add_argument("command", nargs=argparse.REMAINDER, help="script.py and its args")
    args = parser.parse_args(argv)
    if args.cmd == "version":
        print(_build.version())
        return 0
    if args.cmd == "trace":
        return trace(args)
    if args.cmd == "gnet-echo":
        return gnet_echo.main(args.addr)
    try:
        return echo(args.addr)
    except rawnet.OpError as e:
        print(f"rawnet: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
