"""Where does rawnet's echo server spend its CPU? A cProfile of the server under load.

    python3 bench/profile_echo.py [--conns 50] [--seconds 3] [--top 30]

Runs the README's echo server in this process under cProfile, drives it from
bench/echoload.c (built with cc) pinned to the other CPU, and prints the functions
with the most time of their own. The gate's ``syscall`` line includes the time the
poller spends asleep in epoll_pwait, so read it as "syscalls plus waiting"; every other
row is CPU. cProfile slows Python code down about threefold: compare rows, not totals.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import subprocess
import sys
import tempfile
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, HERE)
from echo_rtt import pinned  # noqa: E402

import rawnet  # noqa: E402
from rawnet.__main__ import handle_conn  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--conns", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=3.0)
    ap.add_argument("--top", type=int, default=30)
    a = ap.parse_args()
    os.sched_setaffinity(0, {0})
    with tempfile.TemporaryDirectory() as tmp:
        load = os.path.join(tmp, "echoload")
        subprocess.run(["cc", "-O2", "-o", load, os.path.join(HERE, "echoload.c")], check=True)
        ln = rawnet.Listen("tcp", "127.0.0.1:0")
        port = str(ln.Addr()).rsplit(":", 1)[1]
        result: list[str] = []

        def drive() -> None:  # an OS thread: it only waits for the load generator
            out = subprocess.run(pinned(1, [load, "127.0.0.1", port, str(a.conns), "64",
                                            str(a.seconds), "0.2"]),
                                 capture_output=True, text=True, timeout=a.seconds + 60)
            result.append(out.stdout.strip())
            ln.Close()  # wakes the Accept loop below: the run is over

        def accept_loop() -> None:
            while True:
                try:
                    conn = ln.Accept()
                except rawnet.ErrClosed:
                    return
                rawnet.go(handle_conn, conn)

        threading.Thread(target=drive, daemon=True).start()
        prof = cProfile.Profile()
        prof.enable()
        accept_loop()
        prof.disable()
        print(result[0] if result else "(no result)")
        pstats.Stats(prof).sort_stats("tottime").print_stats(a.top)


if __name__ == "__main__":
    main()
