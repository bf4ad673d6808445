"""Every echo server in one run: rawnet against its Python and Go peers (issue 5).

    python3 bench/run_all.py [--runs 3] [--seconds 3] [--conns 1,50,1000] [--sizes 64,4096]
                             [--cases 1x64,50x64,...] [--servers rawnet,go,...]
                             [--no-syscalls] [--no-rss] [--no-install]
                             [--md docs/bench.md] [--svg docs/bench.svg]

What it does, in order:

1. Installs what it needs: the ``bench`` extra (uvloop, gevent, trio) with
   ``pip install -e '.[bench]'`` when one of them is missing, and ``golang-go`` and
   ``strace`` with ``apt-get`` when ``go`` or ``strace`` is missing. Builds
   bench/echoload.c with ``cc -O2``, bench/go_echo.go with ``go build``, and a copy of
   rawnet with its Read/Write path compiled by mypyc (tools/mypyc_build.py), which the
   ``rawnet-mypyc`` servers run.
2. Round trips: for each run (default 3), each server in turn (runs interleaved, so that
   drift on a shared machine hits every server alike), a fresh server process pinned to
   CPU 0 (``taskset``), and for each case (C connections, S-byte messages) a warm-up
   echoload run, then the measured echoload run pinned to CPU 1. The server's CPU time
   (utime + stime from /proc/PID/stat) is sampled just before and after the measured run:
   CPU µs per round trip. The load generator's own CPU time is recorded too (if it is
   near 100% of the wall time, the load generator is the bottleneck).
3. Syscalls per round trip (C=50, S=64, warmed server): ``perf stat`` on the
   raw_syscalls tracepoints (near full speed; also counts EAGAIN returns) and
   ``strace -c -f -p PID`` (per-call breakdown), each over a long and a short run; the
   difference of the two cancels connection set-up and tear-down.
4. RSS per idle connection: the server's VmRSS with N idle connections held by echoload
   minus its VmRSS with none, divided by N (N = 10,000; rawnet also 1,000 and 15,000).
   The open-files limit is raised to its hard limit and reported.
5. Writes a markdown table (docs/bench.md) and an SVG bar chart (docs/bench.svg) with the
   machine, the versions, and this command. Ratios are rawnet / peer per run (the runs are
   interleaved), median and min-max over the runs.

Only 127.0.0.0/8 traffic; every subprocess has a timeout. Absolute figures on a shared
2-core machine are noise: read the ratios of one run.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import json
import os
import platform
import resource
import select
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PEERS = os.path.join(HERE, "peers")
CLK_TCK = os.sysconf("SC_CLK_TCK")
SERVER_CPU, LOAD_CPU = 0, 1

# name -> (how it is started, extra environment, short description)
SERVER_ORDER = ["rawnet", "rawnet-fast", "rawnet-mypyc", "rawnet-mypyc-fast", "go", "uvloop",
                "selectors", "threads", "gevent", "trio", "asyncio-streams",
                "asyncio-protocol", "floor", "floor-short"]
# The four ways to run rawnet's echo server; the report gives each one's ratios.
RAWNETS = ["rawnet", "rawnet-fast", "rawnet-mypyc", "rawnet-mypyc-fast"]
DESCRIPTIONS = {
    "rawnet": "`python -m rawnet echo`: goroutine per connection (Go-exact syscalls)",
    "rawnet-fast": "the same with `RAWNET_GODEBUG=shortread=1`",
    "rawnet-mypyc": "the same source with its Read/Write path compiled by mypyc "
                    "(tools/mypyc_build.py), Go-exact syscalls",
    "rawnet-mypyc-fast": "rawnet-mypyc with `RAWNET_GODEBUG=shortread=1`",
    "go": "Go `net`, goroutine per connection (bench/go_echo.go)",
    "uvloop": "uvloop, asyncio Protocol (bench/peers/uvloop_protocol.py)",
    "selectors": "stdlib selectors reactor, epoll (bench/peers/selectors_echo.py)",
    "threads": "OS thread per connection, blocking socket (bench/peers/threads_echo.py)",
    "gevent": "gevent StreamServer, greenlet per connection (bench/peers/gevent_echo.py)",
    "trio": "trio, task per connection (bench/peers/trio_echo.py)",
    "asyncio-streams": "asyncio streams (bench/peers/asyncio_streams.py)",
    "asyncio-protocol": "asyncio Protocol (bench/peers/asyncio_protocol.py)",
    "floor": "not a peer: the floor of rawnet's model, a greenlet per connection on bare "
             "ctypes syscalls and an edge-triggered epoll, read until EAGAIN like Go "
             "(bench/peers/floor_echo.py)",
    "floor-short": "the floor with `--shortread`, as rawnet-fast",
}
PEER_FILES = {
    "uvloop": "uvloop_protocol.py", "selectors": "selectors_echo.py",
    "threads": "threads_echo.py", "gevent": "gevent_echo.py", "trio": "trio_echo.py",
    "asyncio-streams": "asyncio_streams.py", "asyncio-protocol": "asyncio_protocol.py",
}
BENCH_MODULES = ["uvloop", "gevent", "trio"]


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# ----------------------------------------------------------------------------- set-up


def sh(cmd: list[str], timeout: float = 60, **kw: Any) -> str:
    """Run and return stdout ('' if the command is missing or fails)."""
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, **kw)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return out.stdout if out.returncode == 0 else ""


def install(a: argparse.Namespace, notes: list[str]) -> None:
    missing = [m for m in BENCH_MODULES if importlib.util.find_spec(m) is None]
    if missing and not a.no_install:
        log(f"installing the bench extra (missing: {', '.join(missing)})")
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "-e", f"{ROOT}[bench]"],
                       check=False, timeout=900)
        importlib.invalidate_caches()
    tools = [pkg for tool, pkg in (("go", "golang-go"), ("strace", "strace"))
             if shutil.which(tool) is None]
    if tools and not a.no_install:
        log(f"installing {' '.join(tools)} with apt-get")
        sudo = [] if os.geteuid() == 0 else ["sudo", "-n"]
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run([*sudo, "apt-get", "update", "-q"], check=False, env=env, timeout=600,
                       stdout=subprocess.DEVNULL)
        subprocess.run([*sudo, "apt-get", "install", "-y", "-q", "--no-install-recommends",
                        *tools], check=False, env=env, timeout=900, stdout=subprocess.DEVNULL)
    for m in BENCH_MODULES:
        if importlib.util.find_spec(m) is None:
            notes.append(f"Python package `{m}` is not installed: its server is skipped.")
    for tool in ("go", "strace", "taskset"):
        if shutil.which(tool) is None:
            notes.append(f"`{tool}` is not available.")


def build(tmp: str, notes: list[str]) -> tuple[str, str | None, str | None]:
    """echoload, the Go server and the mypyc build of rawnet (None: not built)."""
    load = os.path.join(tmp, "echoload")
    subprocess.run(["cc", "-O2", "-o", load, os.path.join(HERE, "echoload.c")], check=True,
                   timeout=120)
    go_exe: str | None = None
    if shutil.which("go"):
        go_exe = os.path.join(tmp, "go_echo")
        env = {**os.environ, "GOCACHE": os.path.join(tmp, "gocache"), "GO111MODULE": "off"}
        r = subprocess.run(["go", "build", "-o", go_exe, os.path.join(HERE, "go_echo.go")],
                           env=env, timeout=600, capture_output=True, text=True)
        if r.returncode != 0:
            notes.append(f"`go build` failed: {r.stderr.strip()[:300]}")
            go_exe = None
    compiled: str | None = os.path.join(tmp, "mypyc")
    r = subprocess.run([sys.executable, os.path.join(ROOT, "tools", "mypyc_build.py"),
                        str(compiled)], timeout=900, capture_output=True, text=True)
    if r.returncode != 0:  # it also fails if the copy does not load its extensions
        notes.append(f"tools/mypyc_build.py failed: {(r.stderr or r.stdout).strip()[-300:]}")
        return load, go_exe, None
    return load, go_exe, compiled


def server_commands(go_exe: str | None,
                    compiled: str | None) -> dict[str, tuple[list[str], dict[str, str]]]:
    py = sys.executable
    rawnet = [py, "-m", "rawnet", "echo"]
    fast = {"RAWNET_GODEBUG": "shortread=1"}
    cmds: dict[str, tuple[list[str], dict[str, str]]] = {
        "rawnet": (rawnet, {}),
        "rawnet-fast": (rawnet, fast),
    }
    if compiled:  # -P: not the checkout (the servers' cwd) first on sys.path
        mypyc = [py, "-P", "-m", "rawnet", "echo"]
        cmds["rawnet-mypyc"] = (mypyc, {"PYTHONPATH": compiled})
        cmds["rawnet-mypyc-fast"] = (mypyc, {"PYTHONPATH": compiled, **fast})
    if go_exe:
        cmds["go"] = ([go_exe], {})
    for name, f in PEER_FILES.items():
        mod = name.split("-")[0]
        if mod in BENCH_MODULES and importlib.util.find_spec(mod) is None:
            continue
        cmds[name] = ([py, os.path.join(PEERS, f)], {})
    floor = [py, os.path.join(PEERS, "floor_echo.py")]
    cmds["floor"] = (floor, {})
    cmds["floor-short"] = ([*floor, "--shortread"], {})
    return {n: cmds[n] for n in SERVER_ORDER if n in cmds}


def pinned(cpu: int, cmd: list[str]) -> list[str]:
    if shutil.which("taskset") and (os.cpu_count() or 1) > 1:
        return ["taskset", "-c", str(cpu), *cmd]
    return cmd


# ----------------------------------------------------------------------------- processes


class Server:
    """A server process pinned to SERVER_CPU; ``port`` from its first stdout line."""

    def __init__(self, name: str, cmd: list[str], env: dict[str, str], logdir: str) -> None:
        self.name = name
        self.log = open(os.path.join(logdir, f"{name}.log"), "a", encoding="utf-8")
        env_ = {k: v for k, v in os.environ.items() if k != "RAWNET_GODEBUG"}
        env_.update(env)
        env_.setdefault("GOMAXPROCS", "1")  # one core, as taskset says anyway
        self.p = subprocess.Popen(pinned(SERVER_CPU, [*cmd, "127.0.0.1:0"]), cwd=ROOT,
                                  env=env_, stdout=subprocess.PIPE, stderr=self.log, text=True)
        self.pid = self.p.pid  # taskset execs the server: same pid
        assert self.p.stdout is not None
        ready, _, _ = select.select([self.p.stdout], [], [], 30)
        line = self.p.stdout.readline() if ready else ""
        if "listening on" not in line:
            self.stop()
            raise RuntimeError(f"{name} did not start (first line {line!r}); see its log")
        self.port = int(line.rsplit(":", 1)[1])

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        if self.p.poll() is None:
            self.p.send_signal(signal.SIGTERM)
            try:
                self.p.wait(15)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait(15)
        if self.p.stdout:
            self.p.stdout.close()
        self.log.close()

    def alive(self) -> bool:
        return self.p.poll() is None

    def cpu_seconds(self) -> float:
        with open(f"/proc/{self.pid}/stat", encoding="ascii") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime, stime

    def rss_kib(self) -> int:
        with open(f"/proc/{self.pid}/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        raise RuntimeError("no VmRSS")

    def nfds(self) -> int:
        return len(os.listdir(f"/proc/{self.pid}/fd"))


def echoload(load: str, port: int, conns: int, size: int, secs: float,
             warmup: float = 0.0) -> dict[str, Any]:
    """One load generator run pinned to LOAD_CPU; adds its own CPU seconds."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    cmd = pinned(LOAD_CPU, [load, "127.0.0.1", str(port), str(conns), str(size), str(secs),
                            str(warmup)])
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=secs + warmup + 90)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if out.returncode != 0:
        raise RuntimeError(f"echoload failed: {out.stderr.strip()[:300]}")
    r: dict[str, Any] = json.loads(out.stdout)
    r["load_cpu_s"] = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return r


# ----------------------------------------------------------------------------- phases


@dataclass
class Results:
    rtt: dict[tuple[str, int, int], list[dict[str, Any]]] = field(default_factory=dict)
    syscalls: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    rss: dict[tuple[str, int], dict[str, Any]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


def phase_rtt(a: argparse.Namespace, servers: dict[str, tuple[list[str], dict[str, str]]],
              load: str, cases: list[tuple[int, int]], logdir: str, res: Results) -> None:
    for run in range(a.runs):
        for name, (cmd, env) in servers.items():
            try:
                with Server(name, cmd, env, logdir) as s:
                    for conns, size in cases:
                        echoload(load, s.port, conns, size, a.warmup)  # warm-up
                        c0 = s.cpu_seconds()
                        r = echoload(load, s.port, conns, size, a.seconds)
                        c1 = s.cpu_seconds()
                        if not s.alive():
                            raise RuntimeError("server died")
                        trips = max(r["round_trips"], 1)
                        r["cpu_us_per_rt"] = (c1 - c0) * 1e6 / trips
                        r["server_cpu_pct"] = 100 * (c1 - c0) / a.seconds
                        r["load_cpu_pct"] = 100 * r["load_cpu_s"] / a.seconds
                        res.rtt.setdefault((name, conns, size), []).append(r)
                        log(f"run {run + 1}/{a.runs} {name:16} C={conns:<5} S={size:<5} "
                            f"{r['rtt_per_s']:>9,.0f} rt/s  p50 {r['p50_us']:8.1f} µs  "
                            f"server {r['cpu_us_per_rt']:6.2f} µs/rt  "
                            f"load cpu {r['load_cpu_pct']:3.0f}%")
            except Exception as e:  # one broken peer must not sink the run
                res.errors.append(f"round trips, run {run + 1}, {name}: {e}")
                log(f"ERROR {name}: {e}")


def strace_counts(path: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            t = line.split()
            if len(t) in (5, 6) and t[0].replace(".", "", 1).isdigit() and t[3].isdigit():
                counts[t[-1]] = int(t[3])
    return counts


def perf_counts(path: str) -> dict[str, int]:
    """perf stat -x, output: raw_syscalls:sys_enter (all calls), sys_exit (EAGAIN only)."""
    names = {"raw_syscalls:sys_enter": "total", "raw_syscalls:sys_exit": "EAGAIN"}
    counts: dict[str, int] = {}
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            t = line.strip().split(",")
            if len(t) > 2 and t[2] in names:
                counts[names[t[2]]] = int(t[0]) if t[0].isdigit() else 0
    return counts


def counted(tool: str, s: Server, load: str, conns: int, size: int, secs: float,
            tmp: str) -> tuple[dict[str, int], int]:
    """(syscall counts of the server over one echoload run, that run's round trips)."""
    out = os.path.join(tmp, f"{tool}-{s.name}-{secs}.txt")
    if tool == "strace":
        cmd = ["strace", "-c", "-f", "-p", str(s.pid), "-o", out]
    else:  # kernel tracepoints: counts without stopping the server at every call
        cmd = ["perf", "stat", "-x,", "-o", out, "-e", "raw_syscalls:sys_enter",
               "-e", "raw_syscalls:sys_exit", "--filter", "ret == -11", "-p", str(s.pid)]
    st = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        if tool == "strace":
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:  # every thread attached?
                tracers = []
                for tid in os.listdir(f"/proc/{s.pid}/task"):
                    try:
                        with open(f"/proc/{s.pid}/task/{tid}/status", encoding="ascii") as f:
                            tracers += [ln for ln in f if ln.startswith("TracerPid:")]
                    except FileNotFoundError:
                        pass
                if tracers and all(ln.split()[1] != "0" for ln in tracers):
                    break
                time.sleep(0.05)
            else:
                raise RuntimeError("strace did not attach")
        time.sleep(0.3)
        if st.poll() is not None:
            raise RuntimeError(f"{tool} exited early")
        r = echoload(load, s.port, conns, size, secs)
        time.sleep(0.5)  # let the server finish closing the run's connections
    finally:
        if st.poll() is None:
            st.send_signal(signal.SIGINT)
        try:
            st.wait(30)
        except subprocess.TimeoutExpired:
            st.kill()
            st.wait(10)
    counts = strace_counts(out) if tool == "strace" else perf_counts(out)
    return counts, int(r["round_trips"])


def phase_syscalls(a: argparse.Namespace,
                   servers: dict[str, tuple[list[str], dict[str, str]]], load: str,
                   logdir: str, tmp: str, res: Results) -> None:
    """Per server and tool: (counts over a measured run minus counts over a run that only
    opens and closes the connections) / round trips of the measured run."""
    conns, size = a.syscalls_case
    tools = [t for t in ("perf", "strace") if shutil.which(t)]
    for name, (cmd, env) in servers.items():
        try:
            with Server(name, cmd, env, logdir) as s:
                echoload(load, s.port, conns, size, 0.5)  # warm-up, uncounted
                for tool in tools:
                    long_s = a.syscalls_seconds if tool == "strace" else 1.0
                    # 1 ms: connect, a round trip or two, close (0 s would print rt/s nan)
                    setup, n_setup = counted(tool, s, load, conns, size, 0.001, tmp)
                    long_, n_long = counted(tool, s, load, conns, size, long_s, tmp)
                    trips = n_long - n_setup
                    if trips <= 0 or "total" not in long_:
                        raise RuntimeError(f"{tool}: no usable counts ({trips} round trips)")
                    per = {k: (v - setup.get(k, 0)) / trips for k, v in long_.items()}
                    corrected = min(per.values()) > -0.005
                    if not corrected:  # set-up cost not steady under the tool: raw figure
                        per = {k: v / trips for k, v in long_.items()}
                    res.syscalls.setdefault(name, {})[tool] = {
                        "per_rt": per.pop("total"), "by_call": per, "trips": trips,
                        "rtt_per_s": trips / long_s, "setup_subtracted": corrected}
                    log(f"syscalls {name:16} {tool:6} {per_rt(res, name, tool)} per round trip")
        except Exception as e:
            res.errors.append(f"syscalls, {name}: {e}")
            log(f"ERROR syscalls {name}: {e}")


def per_rt(res: Results, name: str, tool: str) -> str:
    s = res.syscalls.get(name, {}).get(tool)
    return f"{s['per_rt']:.2f}{'' if s['setup_subtracted'] else '*'}" if s else "n/a"


def phase_rss(a: argparse.Namespace, servers: dict[str, tuple[list[str], dict[str, str]]],
              load: str, logdir: str, res: Results) -> None:
    for name, (cmd, env) in servers.items():
        counts = a.rawnet_idle if name == "rawnet" else a.idle
        for n in counts:
            try:
                res.rss[(name, n)] = idle_rss(name, cmd, env, load, n, a, logdir)
                r = res.rss[(name, n)]
                log(f"rss {name:16} {n:>6} idle: {r['kib_per_conn']:.2f} KiB per connection")
            except Exception as e:
                res.errors.append(f"idle RSS, {name}, {n} conns: {e}")
                log(f"ERROR rss {name} {n}: {e}")


def idle_rss(name: str, cmd: list[str], env: dict[str, str], load: str, n: int,
             a: argparse.Namespace, logdir: str) -> dict[str, Any]:
    with Server(name, cmd, env, logdir) as s:
        echoload(load, s.port, 1, 64, 0.3)  # serve one connection first (code paths warm)
        time.sleep(0.3)
        base_fds, rss0 = s.nfds(), s.rss_kib()
        # CONNS=0, long enough to be stopped by us; echoload dials n idle conns from
        # 127.0.0.2 (20,000 per source address) and holds them.
        lg = subprocess.Popen(pinned(LOAD_CPU, [load, "127.0.0.1", str(s.port), "0", "64",
                                                "600", "0", str(n)]),
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            t0 = time.monotonic()
            while s.nfds() < base_fds + n:
                if lg.poll() is not None:
                    raise RuntimeError(f"echoload exited: {lg.stderr.read().strip()[:200]}"
                                       if lg.stderr else "echoload exited")
                if not s.alive():
                    raise RuntimeError("server died")
                if time.monotonic() - t0 > a.idle_timeout:
                    raise RuntimeError(f"only {s.nfds() - base_fds} of {n} accepted "
                                       f"in {a.idle_timeout:g} s")
                time.sleep(0.2)
            accept_s = time.monotonic() - t0
            prev, rss = -1, s.rss_kib()  # settle: handlers started, buffers allocated
            for _ in range(25):
                if abs(rss - prev) < 64:
                    break
                time.sleep(0.4)
                prev, rss = rss, s.rss_kib()
            if not s.alive():
                raise RuntimeError("server died")
        finally:
            lg.terminate()  # its sockets close with RST: no TIME_WAIT
            try:
                lg.wait(30)
            except subprocess.TimeoutExpired:
                lg.kill()
                lg.wait(10)
            if lg.stderr:
                lg.stderr.close()
    return {"rss0_kib": rss0, "rss_kib": rss, "kib_per_conn": (rss - rss0) / n,
            "accept_s": accept_s}


# ----------------------------------------------------------------------------- report


def med_range(xs: list[float], fmt: str = ",.0f") -> str:
    if not xs:
        return "n/a"
    m = statistics.median(xs)
    if len(xs) == 1:
        return format(m, fmt)
    return f"{format(m, fmt)} ({format(min(xs), fmt)}–{format(max(xs), fmt)})"


def ratios(res: Results, num: str, den: str, conns: int, size: int) -> list[float]:
    """num/den round trips per run; runs are interleaved, so run i pairs with run i."""
    a = res.rtt.get((num, conns, size), [])
    b = res.rtt.get((den, conns, size), [])
    return [x["rtt_per_s"] / y["rtt_per_s"] for x, y in zip(a, b, strict=False)
            if y["rtt_per_s"] > 0]


def machine() -> dict[str, str]:
    model = "?"
    with open("/proc/cpuinfo", encoding="utf-8") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    return {"nproc": str(os.cpu_count()), "cpu": model,
            "kernel": f"{platform.system()} {platform.release()}",
            "rlimit_nofile": f"{soft} (soft) / {hard} (hard)"}


def versions_rawnet() -> str:
    rev = sh(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"]).strip() or "?"
    dirty = sh(["git", "-C", ROOT, "status", "--porcelain", "--", "rawnet"]).strip()
    return f"{rev}{' + uncommitted changes in rawnet/' if dirty else ''}"


def versions(go_exe: str | None) -> dict[str, str]:
    v = {"python": f"{platform.python_implementation()} {platform.python_version()}"}
    for pkg in ("greenlet", "uvloop", "gevent", "trio"):
        try:
            v[pkg] = importlib.metadata.version(pkg)
        except importlib.metadata.PackageNotFoundError:
            v[pkg] = "not installed"
    v["rawnet"] = versions_rawnet()
    try:
        v["mypy (mypyc)"] = importlib.metadata.version("mypy")
    except importlib.metadata.PackageNotFoundError:
        v["mypy (mypyc)"] = "not installed"
    v["go"] = (sh(["go", "version"]).strip().removeprefix("go version ") if go_exe
               else "not available")
    v["strace"] = ((sh(["strace", "-V"]).splitlines() or [""])[0].split() or ["n/a"])[-1]
    v["perf"] = (sh(["perf", "--version"]).split() or ["n/a"])[-1]
    v["cc"] = (sh(["cc", "--version"]).splitlines() or ["?"])[0]
    return v


def report(a: argparse.Namespace, servers: list[str], cases: list[tuple[int, int]],
           res: Results, meta: tuple[dict[str, str], dict[str, str]], notes: list[str],
           elapsed: float) -> str:
    m, v = meta
    rev_end = versions_rawnet()
    if rev_end != v["rawnet"]:
        notes.append(f"rawnet changed during the run: {v['rawnet']} at the start, "
                     f"{rev_end} at the end (each server process loads the tree as it is).")
    cmd = "python3 bench/run_all.py" + "".join(" " + shlex.quote(x) for x in sys.argv[1:])
    L = ["# rawnet against its peers: echo round trips, CPU, syscalls, idle memory", "",
         f"Produced by `{cmd}` on {time.strftime('%Y-%m-%d %H:%M %Z')} "
         f"({elapsed / 60:.1f} min).", "",
         f"- Machine: {m['nproc']} CPUs, {m['cpu']}, {m['kernel']}; "
         f"RLIMIT_NOFILE {m['rlimit_nofile']}.",
         "- Versions: " + ", ".join(f"{k} {val}" for k, val in v.items()) + ".",
         f"- Method: each server pinned to CPU {SERVER_CPU}, the load generator "
         f"(bench/echoload.c: C, single-threaded, epoll, ping-pong) pinned to CPU {LOAD_CPU}; "
         f"a fresh server per run; per case a {a.warmup:g} s warm-up run, then a "
         f"{a.seconds:g} s measured run; {a.runs} runs interleaved across servers. "
         "Figures are medians with min–max over the runs. Ratios are rawnet ÷ peer "
         "computed run by run (> 1: rawnet is faster). Server CPU is utime + stime from "
         "/proc/PID/stat around the measured run (10 ms ticks; it includes accepting and "
         "closing the run's connections), divided by its round trips.",
         "- Absolute figures on a shared 2-core machine are noise; compare the ratios.", ""]
    L += ["Servers:", ""] + [f"- **{n}**: {DESCRIPTIONS[n]}" for n in servers] + [""]

    # the targets: C = 50 and 1000 at S = 64
    key_cases = [c for c in cases if c[1] == 64 and c[0] in (50, 1000)]
    if key_cases and "rawnet" in servers:
        L += ["## Ratios at S = 64 (rawnet ÷ peer, round trips/s)", ""]
        hdr = "| peer |"
        sep = "|---|"
        for conns, _ in key_cases:
            for base in RAWNETS:
                if base in servers:
                    hdr += f" {base} ÷ peer, C={conns} |"
                    sep += "---|"
        L += [hdr, sep]
        for peer in servers:
            row = f"| {peer} |"
            for conns, size in key_cases:
                for base in RAWNETS:
                    if base in servers:
                        row += f" {med_range(ratios(res, base, peer, conns, size), '.2f')} |"
            L.append(row)
        L += [""]

    L += targets(res, key_cases)
    for conns, size in cases:
        bases = [b for b in RAWNETS if b in servers]
        L += [f"## C = {conns} connections, S = {size} bytes", "",
              "| server | round trips/s | " + "".join(f"{b} ÷ server | " for b in bases)
              + "p50 µs | p99 µs | p999 µs | server CPU µs/rt | load gen CPU % |",
              "|---|---|" + "---|" * len(bases) + "---|---|---|---|---|"]
        for name in servers:
            rs = res.rtt.get((name, conns, size), [])
            if not rs:
                L.append(f"| {name} | failed |" + " |" * (len(bases) + 5))
                continue

            def col(k: str, rs: list[dict[str, Any]] = rs) -> list[float]:
                return [float(r[k]) for r in rs]

            L.append(
                f"| {name} | {med_range(col('rtt_per_s'))} "
                + "".join(f"| {med_range(ratios(res, b, name, conns, size), '.2f')} "
                          for b in bases)
                + f"| {statistics.median(col('p50_us')):.0f} "
                f"| {statistics.median(col('p99_us')):.0f} "
                f"| {statistics.median(col('p999_us')):.0f} "
                f"| {med_range(col('cpu_us_per_rt'), '.2f')} "
                f"| {statistics.median(col('load_cpu_pct')):.0f} |")
        L.append("")
    go50 = res.rtt.get(("go", 50, 64), [])
    if go50:
        rate = [r["rtt_per_s"] for r in go50]
        lcpu = [r["load_cpu_pct"] for r in go50]
        L += [f"Load generator check: against Go at C = 50, S = 64 it drove "
              f"{med_range(rate)} round trips/s using {statistics.median(lcpu):.0f}% of its "
              "core (the load generator is the bottleneck only near 100%).", ""]

    if res.syscalls:
        conns, size = a.syscalls_case
        L += ["## Syscalls per round trip", "",
              f"C = {conns}, S = {size}, on a warmed server. Each tool counts over a "
              "measured run and over a run that only opens and closes the connections; "
              "(calls in the measured run − calls in the open/close run) ÷ round trips of "
              "the measured run (* = that difference was not usable, e.g. negative; the "
              "figure then includes connection set-up and tear-down). **perf**: "
              "`perf stat -e raw_syscalls:sys_enter -p PID` "
              "(kernel tracepoints, 1 s run; the server runs at nearly full speed) and the "
              "calls that failed with EAGAIN. **strace**: `strace -c -f -p PID` "
              f"({a.syscalls_seconds:g} s run). strace stops the server at every call, so "
              "the next request has often arrived by the time a read-until-EAGAIN server "
              "reads again: its count of those reads is lower than at full speed (Go, "
              "rawnet default); its per-call breakdown is the useful part.", "",
              "| server | perf: syscalls/rt | perf: EAGAIN/rt | strace: syscalls/rt "
              "| strace: calls per round trip |", "|---|---|---|---|---|"]
        for name in servers:
            sc = res.syscalls.get(name, {})
            pf, st = sc.get("perf"), sc.get("strace")
            eagain = f"{pf['by_call'].get('EAGAIN', 0):.2f}" if pf else "n/a"
            top = sorted(((c, k) for k, c in st["by_call"].items() if c >= 0.005),
                         reverse=True)[:6] if st else []
            L.append(f"| {name} | {per_rt(res, name, 'perf')} | {eagain} "
                     f"| {per_rt(res, name, 'strace')} | "
                     + ", ".join(f"{k} {c:.2f}" for c, k in top) + " |")
        L.append("")

    if res.rss:
        L += ["## RSS per idle connection", "",
              "The server's VmRSS with N idle connections held open (echoload, from "
              "127.0.0.2) minus its VmRSS after serving one connection and before the idle "
              f"ones, divided by N. RLIMIT_NOFILE {m['rlimit_nofile']}. KiB = 1024 bytes.",
              "", "| server | idle conns | RSS before (MiB) | RSS with N (MiB) "
              "| KiB per connection | time to accept all (s) |", "|---|---|---|---|---|---|"]
        for (name, n), r in sorted(res.rss.items(),
                                   key=lambda kv: (servers.index(kv[0][0]), kv[0][1])):
            L.append(f"| {name} | {n:,} | {r['rss0_kib'] / 1024:.1f} | "
                     f"{r['rss_kib'] / 1024:.1f} | {r['kib_per_conn']:.2f} | "
                     f"{r['accept_s']:.1f} |")
        L.append("")

    if notes or res.errors:
        L += ["## Notes and failures", ""] + [f"- {x}" for x in notes + res.errors] + [""]
    L += ["![round trips/s at S = 64](bench.svg)", ""]
    return "\n".join(L)


def targets(res: Results, key_cases: list[tuple[int, int]]) -> list[str]:
    """Issue 5's targets, checked against this run (median of the per-run ratios)."""
    rows: list[tuple[str, str, str]] = []

    def ratio(num: str, den: str, want: float | None) -> None:
        """A target row per key case; want None: a row for reference, no target."""
        for conns, size in key_cases:
            rs = ratios(res, num, den, conns, size)
            if not rs:
                continue
            if want is None:
                rows.append((f"{num} ÷ {den}, for reference (C={conns}, S={size})",
                             med_range(rs, ".2f"), "—"))
            else:
                ok = "yes" if statistics.median(rs) >= want else "**no**"
                rows.append((f"{num} ÷ {den} ≥ {want:g} (C={conns}, S={size})",
                             med_range(rs, ".2f"), ok))

    for plain, fast in (("rawnet", "rawnet-fast"), ("rawnet-mypyc", "rawnet-mypyc-fast")):
        ratio(plain, "gevent", 1.15)
        ratio(plain, "asyncio-streams", 2.2)
        ratio(fast, "gevent", 1.3)
        ratio(fast, "asyncio-streams", 2.5)
        ratio(fast, "go", 0.8)
        ratio(plain, "floor", None)
        ratio(fast, "floor-short", None)
    pf = {n: t["perf"]["per_rt"] for n, t in res.syscalls.items() if "perf" in t}
    idle = {(n, k): r["kib_per_conn"] for (n, k), r in res.rss.items()}
    for plain, fast in (("rawnet", "rawnet-fast"), ("rawnet-mypyc", "rawnet-mypyc-fast")):
        if plain in pf and "go" in pf:
            d = pf[plain] - pf["go"]
            rows.append((f"{plain} syscalls/rt = Go's (perf)",
                         f"{pf[plain]:.2f} vs {pf['go']:.2f}",
                         "yes" if abs(d) <= 0.05 else "**no**"))
        if fast in pf:
            rows.append((f"{fast} syscalls/rt ≤ 2.05 (perf)", f"{pf[fast]:.2f}",
                         "yes" if pf[fast] <= 2.05 else "**no**"))
        if (plain, 10000) in idle and ("go", 10000) in idle:
            a_, g_ = idle[(plain, 10000)], idle[("go", 10000)]
            rows.append((f"{plain} RSS per idle conn ≤ Go's (10,000 conns)",
                         f"{a_:.2f} vs {g_:.2f} KiB", "yes" if a_ <= g_ else "**no**"))
    if ("rawnet", 10000) in idle and ("floor", 10000) in idle:
        rows.append(("rawnet RSS per idle conn against the floor's (a greenlet and a "
                     "4 KiB buffer), for reference",
                     f"{idle[('rawnet', 10000)]:.2f} vs {idle[('floor', 10000)]:.2f} KiB", "—"))
    flat = sorted((k, v) for (n, k), v in idle.items() if n == "rawnet")
    if len(flat) > 1:
        lo, hi = min(v for _, v in flat), max(v for _, v in flat)
        rows.append((f"rawnet per-conn RSS flat from {flat[0][0]:,} to {flat[-1][0]:,}",
                     ", ".join(f"{v:.2f}" for _, v in flat) + " KiB",
                     "yes" if hi <= lo * 1.15 else "**no**"))
    if ("rawnet", 15000) in idle:
        rows.append(("15,000 idle connections held by rawnet", "held", "yes"))
    if not rows:
        return []
    return (["## Issue 5 targets in this run", "", "| target | measured | met |",
             "|---|---|---|"] + [f"| {t} | {m} | {ok} |" for t, m, ok in rows] + [""])


def svg(res: Results, servers: list[str], cases: list[tuple[int, int]]) -> str:
    """Horizontal bars: median round trips/s per server, C = 50 and 1000 at S = 64,
    with min-max whiskers. Dependency-free."""
    groups = [c for c in ((50, 64), (1000, 64)) if c in cases] or cases[:2]
    colors = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728"]
    names = [n for n in servers if any(res.rtt.get((n, *g)) for g in groups)]
    if not names:
        return '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'
    bar, gap, L, R, T = 12, 10, 130, 40, 50
    W = 760
    H = T + len(names) * (len(groups) * bar + gap) + 50
    vmax = max(max(r["rtt_per_s"] for r in res.rtt[(n, *g)])
               for n in names for g in groups if res.rtt.get((n, *g))) * 1.08

    def px(v: float) -> float:
        return L + (W - L - R) * v / vmax

    p = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" '
         'font-family="sans-serif" font-size="12">',
         f'<rect width="{W}" height="{H}" fill="white"/>',
         f'<text x="{W / 2}" y="20" text-anchor="middle" font-size="14">Echo round trips/s, '
         f'{groups[0][1]}-byte messages (median, min–max whiskers)</text>']
    step = next(k * 10**e for e in range(12) for k in (1, 2, 5) if vmax / (k * 10**e) <= 8)
    tick = 0
    while tick <= vmax:
        x = px(tick)
        p.append(f'<line x1="{x:.1f}" y1="{T - 5}" x2="{x:.1f}" y2="{H - 45}" '
                 'stroke="#ddd"/>')
        p.append(f'<text x="{x:.1f}" y="{H - 30}" text-anchor="middle">'
                 f'{tick / 1000:g}k</text>')
        tick += step
    y = T
    for n in names:
        p.append(f'<text x="{L - 6}" y="{y + len(groups) * bar / 2 + 4}" '
                 f'text-anchor="end">{n}</text>')
        for k, g in enumerate(groups):
            rs = [r["rtt_per_s"] for r in res.rtt.get((n, *g), [])]
            if rs:
                m = statistics.median(rs)
                p.append(f'<rect x="{L}" y="{y}" width="{px(m) - L:.1f}" height="{bar - 2}" '
                         f'fill="{colors[k % 4]}"/>')
                yc = y + (bar - 2) / 2
                p.append(f'<line x1="{px(min(rs)):.1f}" y1="{yc}" x2="{px(max(rs)):.1f}" '
                         f'y2="{yc}" stroke="black"/>')
                p.append(f'<text x="{px(max(rs)) + 4:.1f}" y="{y + bar - 3}" '
                         f'font-size="10">{m / 1000:.0f}k</text>')
            y += bar
        y += gap
    p.append(f'<line x1="{L}" y1="{T - 5}" x2="{L}" y2="{H - 45}" stroke="black"/>')
    for k, g in enumerate(groups):
        lx = L + 160 * k
        p.append(f'<rect x="{lx}" y="{H - 18}" width="12" height="10" '
                 f'fill="{colors[k % 4]}"/>')
        p.append(f'<text x="{lx + 16}" y="{H - 9}">C = {g[0]} connections</text>')
    p.append("</svg>")
    return "\n".join(p) + "\n"


# ----------------------------------------------------------------------------- main


def ints(s: str) -> list[int]:
    return [int(x) for x in s.split(",") if x]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--seconds", type=float, default=3.0, help="measured run length")
    ap.add_argument("--warmup", type=float, default=0.5, help="warm-up run length")
    ap.add_argument("--conns", type=ints, default=[1, 50, 1000])
    ap.add_argument("--sizes", type=ints, default=[64, 4096])
    ap.add_argument("--cases", default="",
                    help="CxS list overriding --conns x --sizes, e.g. 1x64,50x64,1000x64")
    ap.add_argument("--servers", default=",".join(SERVER_ORDER))
    ap.add_argument("--no-rtt", action="store_true", help="skip the round-trip phase")
    ap.add_argument("--no-syscalls", action="store_true")
    ap.add_argument("--syscalls-seconds", type=float, default=2.0)
    ap.add_argument("--syscalls-case", default="50x64")
    ap.add_argument("--no-rss", action="store_true")
    ap.add_argument("--idle", type=ints, default=[10000], help="idle conns for every server")
    ap.add_argument("--rawnet-idle", type=ints, default=[1000, 10000, 15000])
    ap.add_argument("--idle-timeout", type=float, default=120.0)
    ap.add_argument("--no-install", action="store_true")
    ap.add_argument("--md", default=os.path.join(ROOT, "docs", "bench.md"))
    ap.add_argument("--svg", default=os.path.join(ROOT, "docs", "bench.svg"))
    ap.add_argument("--json", default="", help="also dump the raw results here")
    a = ap.parse_args()
    cases = ([tuple(int(x) for x in c.split("x")) for c in a.cases.split(",")]
             if a.cases else [(c, s) for s in a.sizes for c in a.conns])
    a.syscalls_case = tuple(int(x) for x in a.syscalls_case.split("x"))
    if max(a.idle + a.rawnet_idle + [0]) > 20000:
        ap.error("idle connections above 20,000 need more than one server source range")

    t_start = time.monotonic()
    notes: list[str] = []
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # inherited by children
    if (os.cpu_count() or 1) < 2:
        notes.append("fewer than 2 CPUs: server and load generator share a core.")
    install(a, notes)
    res = Results()
    with tempfile.TemporaryDirectory(prefix="rawnet-bench-") as tmp:
        load, go_exe, compiled = build(tmp, notes)
        meta = machine(), versions(go_exe)  # at the start: rawnet may change meanwhile
        all_servers = server_commands(go_exe, compiled)
        wanted = [s for s in a.servers.split(",") if s]
        for s in wanted:
            if s not in all_servers:
                notes.append(f"server `{s}` is unavailable or unknown: skipped.")
        servers = {n: all_servers[n] for n in wanted if n in all_servers}
        est = a.runs * len(servers) * len(cases) * (a.seconds + a.warmup + 0.6) / 60
        log(f"{len(servers)} servers x {len(cases)} cases x {a.runs} runs: "
            f"round trips phase about {est:.0f} min")
        logdir = os.path.join(tmp, "logs")
        os.makedirs(logdir)
        try:
            if not a.no_rtt:
                phase_rtt(a, servers, load, cases, logdir, res)
            if not a.no_syscalls and shutil.which("strace"):
                phase_syscalls(a, servers, load, logdir, tmp, res)
            if not a.no_rss:
                phase_rss(a, servers, load, logdir, res)
        finally:
            for f in sorted(os.listdir(logdir)):  # servers' complaints, abridged
                with open(os.path.join(logdir, f), encoding="utf-8", errors="replace") as fh:
                    lines = [ln for ln in fh if "reset by peer" not in ln]
                if lines:
                    log(f"{f}: {len(lines)} stderr lines, last: {lines[-1].strip()[:200]}")
    names = list(servers)
    md = report(a, names, cases, res, meta, notes, time.monotonic() - t_start)
    os.makedirs(os.path.dirname(os.path.abspath(a.md)), exist_ok=True)
    with open(a.md, "w", encoding="utf-8") as f:
        f.write(md)
    with open(a.svg, "w", encoding="utf-8") as f:
        f.write(svg(res, names, cases))
    if a.json:
        with open(a.json, "w", encoding="utf-8") as f:
            json.dump({"rtt": {f"{k[0]} {k[1]}x{k[2]}": v for k, v in res.rtt.items()},
                       "syscalls": res.syscalls,
                       "rss": {f"{k[0]} {k[1]}": v for k, v in res.rss.items()},
                       "errors": res.errors}, f, indent=1)
    print(md)
    log(f"wrote {a.md} and {a.svg}")


if __name__ == "__main__":
    main()
