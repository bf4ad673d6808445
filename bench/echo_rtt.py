"""Round trips per second of the echo server against a compiled load generator.

    python3 bench/echo_rtt.py [--conns 1,50] [--size 64] [--seconds 3] [--runs 3]
                              [--rev NAME=GITREV ...] [--no-hooks NAME] [--no-go] [--mypyc]

Builds bench/echoload.c with cc, starts each server (rawnet's `python -m rawnet echo`,
and Go's bench/go_echo.go when `go` is installed) pinned to CPU 0, the load generator
on CPU 1, and prints a markdown table: median round trips/s (min-max over runs) and
the ratio to Go. ``--rev old=abc123`` adds rawnet as it was at that commit (checked
out with ``git worktree`` into a temporary folder), so that a change is measured
against its parent in the same run. ``--no-hooks stripped`` adds the working tree's
rawnet with its tracing and fault-injection hooks cut out (the gate's hook test and
the runtime trace's ``if _trace.enabled`` tests), to price what they cost when off.
``--mypyc`` adds each of those trees compiled by tools/mypyc_build.py, as NAME-mypyc.
Absolute numbers on a shared 2-core machine are noise; compare the ratios of one run.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def strip_hooks(dest: str) -> None:
    """Copy rawnet to dest with the disabled-hook tests removed from the hot paths."""
    src = os.path.join(os.path.dirname(HERE), "rawnet")
    pkg = os.path.join(dest, "rawnet")
    shutil.copytree(src, pkg, ignore=shutil.ignore_patterns("__pycache__"))
    cuts = [("sys/gate.py", "    if _hooks:\n        return _hooked(entry, args)\n", ""),
            ("runtime/proc.py", "if _trace.enabled:", "if False:")]
    for rel, old, new in cuts:
        path = os.path.join(pkg, rel)
        with open(path, encoding="utf-8") as f:
            text = f.read()
        if old not in text:
            raise SystemExit(f"--no-hooks: {rel} no longer contains {old!r}")
        with open(path, "w", encoding="utf-8") as f:
            f.write(text.replace(old, new))


def rawnet_server(tree: str, *flags: str) -> list[str]:
    """The README echo server, importing rawnet from tree first."""
    return ["env", f"PYTHONPATH={tree}", sys.executable, *flags, "-m", "rawnet", "echo"]


def build(tmp: str, revs: list[str], go: bool, nohooks: str = "",
          mypyc: bool = False) -> dict[str, list[str]]:
    load = os.path.join(tmp, "echoload")
    subprocess.run(["cc", "-O2", "-o", load, os.path.join(HERE, "echoload.c")], check=True)
    # Every server runs with its own tree first on sys.path and with cwd=tmp:
    # ``python -m`` puts the working directory first, so a server started from the
    # checkout would import the checkout's rawnet whatever PYTHONPATH says.
    trees = {"rawnet": os.path.dirname(HERE)}
    for spec in revs:
        name, rev = spec.split("=", 1)
        trees[name] = os.path.join(tmp, "rev-" + name)
        subprocess.run(["git", "-C", HERE, "worktree", "add", "--detach", trees[name], rev],
                       check=True, capture_output=True)
    if nohooks:
        trees[nohooks] = os.path.join(tmp, "nohooks")
        strip_hooks(trees[nohooks])
    servers = {name: rawnet_server(tree) for name, tree in trees.items()}
    if mypyc:
        servers.update(compiled(tmp, trees))
    if go and shutil.which("go"):
        exe = os.path.join(tmp, "go_echo")
        env = {**os.environ, "GOCACHE": os.path.join(tmp, "gocache"), "GO111MODULE": "off"}
        subprocess.run(["go", "build", "-o", exe, os.path.join(HERE, "go_echo.go")],
                       check=True, env=env)
        servers["go"] = [exe]
    servers["_load"] = [load]
    return servers


def compiled(tmp: str, trees: dict[str, str]) -> dict[str, list[str]]:
    """NAME-mypyc for every rawnet tree: that tree built by tools/mypyc_build.py.
    -P: the compiled copy, not the current directory, first on sys.path."""
    tool = os.path.join(os.path.dirname(HERE), "tools", "mypyc_build.py")
    servers = {}
    for name, tree in trees.items():
        out = os.path.join(tmp, "mypyc-" + name)
        r = subprocess.run([sys.executable, tool, "--src", tree, out],
                           capture_output=True, text=True)
        if r.returncode != 0:
            print(f"{name}: mypyc build failed: {(r.stderr or r.stdout).strip()[-300:]}",
                  file=sys.stderr)
            continue
        servers[name + "-mypyc"] = rawnet_server(out, "-P")
    return servers


def pinned(cpu: int, cmd: list[str]) -> list[str]:
    if shutil.which("taskset") and (os.cpu_count() or 1) > 1:
        return ["taskset", "-c", str(cpu), *cmd]
    return cmd


def run_one(server: list[str], load: list[str], conns: int, size: int, secs: float,
            cwd: str) -> float:
    # stderr: the servers report every reset connection (the load generator closes
    # with RST), which is noise here.
    p = subprocess.Popen(pinned(0, [*server, "127.0.0.1:0"]), stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, text=True, cwd=cwd)
    try:
        assert p.stdout is not None
        port = p.stdout.readline().rsplit(":", 1)[1].strip()
        out = subprocess.run(pinned(1, [*load, "127.0.0.1", port, str(conns), str(size),
                                        str(secs), "0.5"]),
                             capture_output=True, text=True, check=True, timeout=secs + 30)
        return float(json.loads(out.stdout)["rtt_per_s"])
    finally:
        p.terminate()
        p.wait(10)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--conns", default="1,50")
    ap.add_argument("--size", type=int, default=64)
    ap.add_argument("--seconds", type=float, default=3.0)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--rev", action="append", default=[], help="NAME=GITREV")
    ap.add_argument("--no-hooks", default="", metavar="NAME",
                    help="also run rawnet with its tracing/fault hooks cut out, as NAME")
    ap.add_argument("--no-go", action="store_true")
    ap.add_argument("--base", default="", help="the server the ratios are against")
    ap.add_argument("--mypyc", action="store_true",
                    help="also run every rawnet tree compiled by tools/mypyc_build.py")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        try:
            table(a, build(tmp, a.rev, not a.no_go, a.no_hooks, a.mypyc), tmp)
        finally:
            subprocess.run(["git", "-C", HERE, "worktree", "prune"], check=False)


def table(a: argparse.Namespace, servers: dict[str, list[str]], cwd: str) -> None:
    load = servers.pop("_load")
    base = a.base or ("go" if "go" in servers else "rawnet")
    print(f"| server | conns | size | round trips/s (median, min-max of {a.runs}) "
          f"| vs {base} |")
    print("|---|---|---|---|---|")
    for conns in (int(c) for c in a.conns.split(",")):
        results: dict[str, list[float]] = {name: [] for name in servers}
        for _ in range(a.runs):  # interleaved, so that drift hits every server alike
            for name, cmd in servers.items():
                results[name].append(run_one(cmd, load, conns, a.size, a.seconds, cwd))
        ref = statistics.median(results[base])
        for name, rs in results.items():
            med = statistics.median(rs)
            print(f"| {name} | {conns} | {a.size} | {med:,.0f} "
                  f"({min(rs):,.0f}-{max(rs):,.0f}) | {med / ref:.2f} |", flush=True)


if __name__ == "__main__":
    main()
