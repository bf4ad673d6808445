"""Does the poller's cost grow with the number of watched fds? (issue 4)

    python3 bench/idle_pollers.py [--idle 0,1000,5000,15000] [--backends epoll,poll]
                                  [--conns 4] [--seconds 3] [--runs 3]

For each backend (RAWNET_POLLER) and each count of idle connections, starts
``python -m rawnet echo`` pinned to CPU 0, has bench/echoload.c open and hold the idle
connections, then ping-pong on a few active ones from CPU 1, and records round trips/s
and latency. poll(2) hands the kernel the whole pollfd array on every call, so its cost
should grow with the idle count; epoll's ready list should not. Writes
docs/pollers-idle.md (table) and docs/pollers-idle.svg (plot). The per-process open
files limit here is 20,000, so 15,000 idle connections is the top of the range.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
DOCS = os.path.join(os.path.dirname(HERE), "docs")
sys.path.insert(0, HERE)
from echo_rtt import pinned  # noqa: E402


def run(load: str, backend: str, idle: int, conns: int, secs: float) -> dict[str, float]:
    env = {**os.environ, "RAWNET_POLLER": backend}
    p = subprocess.Popen(pinned(0, [sys.executable, "-m", "rawnet", "echo", "127.0.0.1:0"]),
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    try:
        assert p.stdout is not None
        port = p.stdout.readline().rsplit(":", 1)[1].strip()
        warmup = 1.0 + idle / 5000  # let the server accept and register every idle conn
        out = subprocess.run(pinned(1, [load, "127.0.0.1", port, str(conns), "64", str(secs),
                                        str(warmup), str(idle)]),
                             capture_output=True, text=True, timeout=secs + 120)
        if out.returncode != 0:
            raise RuntimeError(f"echoload failed ({backend}, {idle} idle): {out.stderr}")
        r: dict[str, float] = json.loads(out.stdout)
        return r
    finally:
        p.terminate()
        p.wait(30)


def svg(rows: list[tuple[str, int, float]], path: str) -> None:
    """A small dependency-free line chart: p50 latency (µs) against idle connections."""
    W, H, L, B = 640, 400, 70, 50
    xs = sorted({x for _, x, _ in rows})
    ymax = max(y for *_, y in rows) * 1.1 or 1
    def px(x: int) -> float:
        return L + (W - L - 20) * (xs.index(x) / max(len(xs) - 1, 1))
    def py(y: float) -> float:
        return H - B - (H - B - 20) * y / ymax
    colors = {"epoll": "#1f77b4", "poll": "#d62728", "kqueue": "#2ca02c"}
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" '
             f'font-family="sans-serif" font-size="12">',
             f'<rect width="{W}" height="{H}" fill="white"/>',
             f'<line x1="{L}" y1="{H - B}" x2="{W - 20}" y2="{H - B}" stroke="black"/>',
             f'<line x1="{L}" y1="20" x2="{L}" y2="{H - B}" stroke="black"/>',
             f'<text x="{W / 2}" y="{H - 10}" text-anchor="middle">idle connections</text>',
             f'<text x="15" y="{H / 2}" transform="rotate(-90 15 {H / 2})" '
             'text-anchor="middle">p50 round trip (µs)</text>']
    for x in xs:
        parts.append(f'<text x="{px(x)}" y="{H - B + 16}" text-anchor="middle">{x}</text>')
    for i in range(5):
        y = ymax * i / 4
        parts.append(f'<text x="{L - 6}" y="{py(y) + 4}" text-anchor="end">{y:.0f}</text>')
    for k, backend in enumerate(sorted({b for b, *_ in rows})):
        pts = sorted((x, y) for b, x, y in rows if b == backend)
        c = colors.get(backend, "black")
        parts.append('<polyline fill="none" stroke-width="2" stroke="' + c + '" points="'
                     + " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in pts) + '"/>')
        parts.append(f'<text x="{W - 120}" y="{40 + 16 * k}" fill="{c}">{backend}</text>')
    parts.append("</svg>")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(parts))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--idle", default="0,1000,5000,15000")
    ap.add_argument("--backends", default="epoll,poll")
    ap.add_argument("--conns", type=int, default=4)
    ap.add_argument("--seconds", type=float, default=3.0)
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    lines = [f"Open-files limit per process: {hard}. Server pinned to CPU 0, load on CPU 1, "
             f"{a.conns} active connections, 64-byte ping-pong, {a.seconds:g} s per run, "
             f"median of {a.runs} runs (min-max). Command: `python3 bench/idle_pollers.py "
             f"--idle {a.idle} --backends {a.backends} --runs {a.runs}`.", "",
             "| backend | idle conns | round trips/s | p50 µs | p99 µs |", "|---|---|---|---|---|"]
    rows: list[tuple[str, int, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        load = os.path.join(tmp, "echoload")
        subprocess.run(["cc", "-O2", "-o", load, os.path.join(HERE, "echoload.c")], check=True)
        for idle in (int(x) for x in a.idle.split(",")):
            for backend in a.backends.split(","):
                rs = [run(load, backend, idle, a.conns, a.seconds) for _ in range(a.runs)]
                rate = [r["rtt_per_s"] for r in rs]
                p50 = statistics.median(r["p50_us"] for r in rs)
                p99 = statistics.median(r["p99_us"] for r in rs)
                rows.append((backend, idle, p50))
                line = (f"| {backend} | {idle} | {statistics.median(rate):,.0f} "
                        f"({min(rate):,.0f}-{max(rate):,.0f}) | {p50:.0f} | {p99:.0f} |")
                lines.append(line)
                print(line, flush=True)
    os.makedirs(DOCS, exist_ok=True)
    with open(os.path.join(DOCS, "pollers-idle.md"), "w", encoding="utf-8") as f:
        f.write("# Poller cost against idle connections\n\n" + "\n".join(lines) +
                "\n\n![p50 latency](pollers-idle.svg)\n")
    svg(rows, os.path.join(DOCS, "pollers-idle.svg"))


if __name__ == "__main__":
    main()
