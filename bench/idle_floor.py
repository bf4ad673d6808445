"""What an idle goroutine-per-connection costs in RSS before rawnet adds anything.

    python3 bench/idle_floor.py [--n 5000]

Measures, in this process, the VmRSS growth per object for N of each:

* a greenlet parked (switched away from) 2 and 12 Python frames deep: an idle rawnet
  connection's goroutine is parked about 12 frames deep (handler, conn.Read, netFD.Read,
  FD.Read, pollDesc.wait, runtime_pollWait, netpollblock, gopark, park_m, schedule, ...);
* a ``bytearray(4096)``, the README echo server's buffer (zero-filled, so every page
  of it is touched);

and prints them with their sum, the floor under rawnet's per-connection RSS. Go's
goroutine starts with a 2 KiB stack, and its 4 KiB buffer, never written while the
connection is idle, costs no RSS: the kernel maps a page only when it is first touched.
"""

from __future__ import annotations

import argparse

from greenlet import getcurrent, greenlet


def rss_kib() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS in /proc/self/status")


_kept: list[object] = []  # everything measured stays alive: freed memory would be reused


def parked_greenlets(n: int, depth: int) -> float:
    main = getcurrent()

    def nest(k: int) -> None:
        if k > 1:
            nest(k - 1)
        else:
            main.switch()  # park here, depth frames down

    before = rss_kib()
    for _ in range(n):
        g = greenlet(nest)
        g.switch(depth)
        _kept.append(g)
    return (rss_kib() - before) / n


def buffers(n: int) -> float:
    before = rss_kib()
    _kept.extend(bytearray(4096) for _ in range(n))
    return (rss_kib() - before) / n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=5000)
    a = ap.parse_args()
    g2 = parked_greenlets(a.n, 2)
    g12 = parked_greenlets(a.n, 12)
    buf = buffers(a.n)
    print(f"parked greenlet, 2 frames deep:  {g2:5.2f} KiB")
    print(f"parked greenlet, 12 frames deep: {g12:5.2f} KiB")
    print(f"bytearray(4096):                 {buf:5.2f} KiB")
    print(f"floor (12-deep greenlet + buffer): {g12 + buf:5.2f} KiB per connection")


if __name__ == "__main__":
    main()
