"""``python -m rawnet echo`` out of file descriptors (issue 12).

A server that runs out of fds gets EMFILE from accept4. Go's net/http.Server.Serve
treats that as a temporary error: it logs it, sleeps 5 ms (doubling to at most 1 s)
and accepts again, so the server keeps its connections and serves new ones once
descriptors are free. The echo server does the same, and stops quietly whichever way
its accept loop ends.

The test side uses the stdlib ``socket`` module, as clients independent of rawnet.
"""

from __future__ import annotations

import queue
import re
import resource
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack

import pytest
from nettest import pair

import rawnet
from rawnet.__main__ import handle_conn, main
from rawnet.net.internal import socktest
from rawnet.sys.errno import EINVAL, EMFILE

pytestmark = pytest.mark.timeout(60)

LIMIT = 40  # the server's RLIMIT_NOFILE, as after `ulimit -n 40`
CLIENTS = 60  # more connections than the server can hold fds for
DEADLINE = 20.0  # seconds; any single wait of the test, never a synchronisation sleep


class Lines:
    """The lines a pipe carries, read by a thread so that the test can wait for the
    next one with a deadline. None marks the end of the pipe (the process exited)."""

    def __init__(self, pipe: Iterator[str]) -> None:
        self.seen: list[str] = []
        self._q: queue.Queue[str | None] = queue.Queue()
        self._t = threading.Thread(target=self._read, args=(pipe,), daemon=True)
        self._t.start()

    def _read(self, pipe: Iterator[str]) -> None:
        for line in pipe:
            self._q.put(line)
        self._q.put(None)

    def next(self) -> str:
        """The next line; fails if the pipe ends first or none comes in time."""
        try:
            line = self._q.get(timeout=DEADLINE)
        except queue.Empty:
            pytest.fail(f"no line within {DEADLINE} s; so far: {''.join(self.seen)}")
        if line is None:
            pytest.fail(f"the server exited; its stderr: {''.join(self.seen)}")
        self.seen.append(line)
        return line

    def rest(self) -> str:
        """Everything up to the end of the pipe (call once the process has exited)."""
        self._t.join(DEADLINE)
        assert not self._t.is_alive(), "the stderr pipe is still open"
        while (line := self._q.get_nowait()) is not None:
            self.seen.append(line)
        return "".join(self.seen)


def echoes(c: socket.socket, msg: bytes) -> None:
    c.sendall(msg)
    got = b""
    while len(got) < len(msg):
        chunk = c.recv(len(msg) - len(got))  # c's timeout bounds the wait
        assert chunk, f"EOF after {got!r}"
        got += chunk
    assert got == msg


def exhaust_and_stop(p: subprocess.Popen[str]) -> tuple[str, str]:
    """Run the scenario against the echo server p; return its stdout and stderr."""
    assert p.stdout is not None and p.stderr is not None
    line = p.stdout.readline()  # the server is up once it says so
    assert line.startswith("rawnet echo server listening on "), line
    addr = line.rsplit(" ", 1)[1].strip()
    host, port = addr.rsplit(":", 1)
    # `ulimit -n 40` for the running server. prlimit rather than a preexec_fn that
    # calls setrlimit: preexec_fn is unsafe in a process with threads.
    _, hard = resource.prlimit(p.pid, resource.RLIMIT_NOFILE)
    resource.prlimit(p.pid, resource.RLIMIT_NOFILE, (LIMIT, hard))
    errors = Lines(p.stderr)

    with ExitStack() as clients:
        conns = [clients.enter_context(socket.create_connection((host, int(port)),
                                                                timeout=DEADLINE))
                 for _ in range(CLIENTS)]
        # The kernel completes every handshake into the listen backlog; the server
        # accepts until it is out of fds, then backs off as Go does.
        retry = f"echo: Accept error: accept tcp {addr}: accept4: too many open files; "
        assert errors.next() == retry + "retrying in 5ms\n"
        assert errors.next() == retry + "retrying in 10ms\n"
        # The first connection was accepted first: it is served all along.
        echoes(conns[0], b"still serving")
    # All closed: the server's goroutines see EOF and close their ends, the next
    # retry accepts the rest of the backlog, and a new client is served.
    with socket.create_connection((host, int(port)), timeout=DEADLINE) as c:
        echoes(c, b"served again")

    p.send_signal(signal.SIGTERM)
    assert p.wait(timeout=DEADLINE) == 0, errors.rest()
    return p.stdout.read(), errors.rest()


def test_echo_server_survives_fd_exhaustion() -> None:
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < CLIENTS + 100:  # this process holds CLIENTS sockets at once
        pytest.skip(f"RLIMIT_NOFILE {soft} is too low for {CLIENTS} client sockets")
    # The Popen context closes the pipes and reaps the process; a failed assertion
    # kills the server first.
    with subprocess.Popen([sys.executable, "-m", "rawnet", "echo", "127.0.0.1:0"],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as p:
        try:
            stdout, stderr = exhaust_and_stop(p)
        finally:
            if p.poll() is None:
                p.kill()
    assert "rawnet echo server stopped" in stdout
    assert "Traceback" not in stderr and "exited with an exception" not in stderr, stderr
    # Only the backoff's own lines (and perhaps a connection reset, "echo: read ...").
    for line in stderr.splitlines():
        assert line.startswith("echo: "), stderr


def test_backoff_then_a_lasting_error_stops_quietly(capsys: pytest.CaptureFixture[str]) -> None:
    # In-process, with the faults injected at the syscall gate: three EMFILEs (the
    # backoff doubles, 5, 10, 20 ms), then an error that is not temporary, which ends
    # the Accept loop while the shutdown goroutine is parked in Recv. Stop then wakes
    # it; before, its Recv raised ErrFileClosing and the goroutine died with a
    # traceback on stderr.
    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    sigquit = signal.getsignal(signal.SIGQUIT)  # echo installs Go's SIGQUIT dump
    try:
        with socktest.Switch() as sw:
            emfile = sw.inject("accept4", errno=EMFILE, times=3)
            einval = sw.inject("accept4", errno=EINVAL)
            assert main(["echo", "127.0.0.1:0"]) == 1
    finally:
        signal.signal(signal.SIGQUIT, sigquit)
    assert (emfile.injected, einval.injected) == (3, 1)
    out, err = capsys.readouterr()
    addr = re.fullmatch(r"rawnet echo server listening on (\S+)\n", out)
    assert addr, out
    accept = f"accept tcp {addr[1]}: accept4:"
    assert err.splitlines() == [
        f"echo: Accept error: {accept} too many open files; retrying in 5ms",
        f"echo: Accept error: {accept} too many open files; retrying in 10ms",
        f"echo: Accept error: {accept} too many open files; retrying in 20ms",
        f"rawnet: {accept} invalid argument",
    ]
    # The listener and the signal pipe are closed (the autouse fixture checks the
    # fds), and the process's SIGINT and SIGTERM handlers are back.
    assert {s: signal.getsignal(s) for s in handlers} == handlers


def _serve_one(peer: Callable[[rawnet.TCPConn], None]) -> None:
    """handle_conn serves one connection (and closes it) while `peer` drives the client
    side and closes it; return once handle_conn has returned."""
    ln, c, s = pair()
    with ln:
        wg = rawnet.WaitGroup()
        wg.Add(1)

        def serve() -> None:
            try:
                handle_conn(s)
            finally:
                wg.Done()

        rawnet.go(serve)
        peer(c)
        wg.Wait()  # whatever handle_conn logs is in stderr now


def test_a_reset_peer_is_not_logged(capsys: pytest.CaptureFixture[str]) -> None:
    def reset(c: rawnet.TCPConn) -> None:
        c.Write(b"ping")
        c.SetLinger(0)  # close with an RST
        c.Close()

    _serve_one(reset)
    assert capsys.readouterr().err == ""


def test_an_unexpected_error_is_logged(capsys: pytest.CaptureFixture[str]) -> None:
    # Not an ordinary disconnect: a read error injected at the syscall gate.
    with socktest.Switch() as sw:
        sw.inject("read", errno=EINVAL, times=1)

        def ping(c: rawnet.TCPConn) -> None:
            with c:
                c.Write(b"ping")

        _serve_one(ping)
    assert re.fullmatch(r"echo: read tcp 127\.0\.0\.1:\d+->127\.0\.0\.1:\d+: "
                        r"read: invalid argument\n", capsys.readouterr().err)
