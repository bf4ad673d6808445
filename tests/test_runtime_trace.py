"""The runtime trace (Chrome trace-event JSON) and the goroutine dump."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

import rawnet
from rawnet.runtime import trace
from rawnet.runtime.traceback import DumpGoroutines

pytestmark = pytest.mark.timeout(60)


def echo_once(ln: rawnet.TCPListener, wg: rawnet.WaitGroup) -> None:
    # Echo one message, then hold the conn until the peer closes it.
    try:
        with ln.Accept() as c:
            b = bytearray(16)
            c.Write(b[: c.Read(b)])
            with pytest.raises(rawnet.EOF):
                c.Read(b)
    finally:
        wg.Done()


def test_trace_shows_a_read_parking_and_the_poller_waking_it(tmp_path: Path) -> None:
    out = tmp_path / "trace.json"
    trace.start(str(out))
    try:
        ln = rawnet.Listen("tcp", "127.0.0.1:0")
        wg = rawnet.WaitGroup()
        wg.Add(1)
        rawnet.go(echo_once, ln, wg)
        c = rawnet.Dial("tcp", str(ln.Addr()))
        c.Write(b"ping")
        c.Read(bytearray(16))
        c.SetReadDeadline(time.time() + 0.005)
        with pytest.raises(TimeoutError):
            c.Read(bytearray(16))
        rawnet.Sleep(0.001)
        c.Close()
        wg.Wait()
        ln.Close()
    finally:
        assert trace.stop() == str(out)
    data = json.loads(out.read_text())
    evs: list[dict[str, Any]] = data["traceEvents"]
    names = {e["args"]["name"] for e in evs if e["ph"] == "M" and e["name"] == "thread_name"}
    assert any(n.startswith("P") for n in names)  # a track per P
    assert any(n.endswith("echo_once") for n in names)  # a track per goroutine
    waits = [e["name"] for e in evs if e.get("cat") == "wait"]
    assert any(w.startswith("IO wait fd ") and w.endswith(" read") for w in waits)
    assert "sleep" in waits
    polls = [e for e in evs if e.get("cat") == "netpoll"]
    assert polls and any(e["args"]["ready"] for e in polls)  # the poller readied someone
    starts = {e["id"]: e for e in evs if e["ph"] == "s"}
    finishes = [e for e in evs if e["ph"] == "f"]
    assert finishes and all(f["id"] in starts for f in finishes)  # every arrow has a source
    assert {starts[f["id"]]["args"]["by"] for f in finishes} >= {"netpoll", "timer"}
    assert any(e.get("cat") == "timer" and "netpollReadDeadline" in e["name"] for e in evs)
    assert all(e["ph"] != "X" or e["dur"] >= 0 for e in evs)


def test_trace_off_records_nothing() -> None:
    assert not trace.state.enabled
    n = len(trace.events())
    rawnet.go(rawnet.Sleep, 0)
    rawnet.Gosched()
    assert len(trace.events()) == n


def test_dump_goroutines_shows_states_and_stacks() -> None:
    ln = rawnet.Listen("tcp", "127.0.0.1:0")
    try:
        def acceptor() -> None:
            try:
                ln.Accept()
            except rawnet.ErrClosed:
                pass

        rawnet.go(acceptor)
        rawnet.go(rawnet.Sleep, 0.5)
        rawnet.Gosched()
        rawnet.go(print)
        buf = io.StringIO()
        assert DumpGoroutines(buf) >= 4
        text = buf.getvalue()
        port = ln.fd.pfd.Sysfd
        assert f"[IO wait, fd {port} read]:" in text
        assert "in acceptor" in text and "ln.Accept()" in text
        assert "[sleep]:" in text
        assert "[runnable]:\n  created, not yet started: print" in text
        assert "[running]:" in text and "test_dump_goroutines_shows_states_and_stacks" in text
    finally:
        ln.Close()
        rawnet.Gosched()


def test_sigquit_dumps_and_exits_2() -> None:
    script = textwrap.dedent("""
        import os, sys, rawnet
        from rawnet.runtime.traceback import InstallSIGQUIT
        InstallSIGQUIT()
        ln = rawnet.Listen("tcp", "127.0.0.1:0")
        def waiter():
            ln.Accept()
        def reporter():  # runs once main and waiter have both parked
            print("ready", flush=True)
        rawnet.go(waiter)
        rawnet.go(reporter)
        ln.Accept()
    """)
    p = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    try:
        assert p.stdout is not None and p.stdout.readline() == "ready\n"
        os.kill(p.pid, signal.SIGQUIT)
        _, err = p.communicate(timeout=20)
    finally:
        if p.poll() is None:
            p.kill()
            p.communicate()
    assert p.returncode == 2
    assert err.startswith("SIGQUIT: quit\n")
    # One goroutine waits in the poller; the other queues for the read lock (fdMutex).
    assert err.count("[IO wait, fd ") == 1 and "[semacquire]:" in err and "in waiter" in err


def test_cli_trace_runtime_writes_chrome_json(tmp_path: Path) -> None:
    script = tmp_path / "prog.py"
    script.write_text(textwrap.dedent("""
        import rawnet
        ln = rawnet.Listen("tcp", "127.0.0.1:0")
        def srv():
            with ln.Accept() as c:
                b = bytearray(8)
                c.Write(b[:c.Read(b)])
        rawnet.go(srv)
        with rawnet.Dial("tcp", str(ln.Addr())) as c:
            c.Write(b"hi")
            c.Read(bytearray(8))
        rawnet.Sleep(0.001)
        ln.Close()
    """))
    out = tmp_path / "rt.json"
    r = subprocess.run([sys.executable, "-m", "rawnet", "trace", "-o", str(tmp_path / "st.txt"),
                        "--runtime", str(out), "--", str(script)],
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r.stderr
    evs = json.loads(out.read_text())["traceEvents"]
    assert any(e.get("cat") == "wait" and e["name"].startswith("IO wait") for e in evs)
    assert "accept4(" in (tmp_path / "st.txt").read_text()
