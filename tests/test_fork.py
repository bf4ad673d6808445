"""A process that uses rawnet, forked with os.fork (rawnet/runtime/fork.py).

Go has no fork without exec, so these tests have no Go twin: they check what users of
pre-fork servers and multiprocessing need. The child must get a poller of its own
(the parent's epoll instance and eventfd are shared with the child by fork, and the
two would steal each other's events and wake-ups), the listeners it inherits must
keep working in it, and the scheduler state of the parent's other threads, which did
not survive the fork, must not stop it.

Every child runs its body inside ``try``/``finally: os._exit`` (it never returns into
pytest) and is waited for with a bound, through a pidfd; one that overruns is killed.
"""

from __future__ import annotations

import collections
import contextlib
import fcntl
import json
import os
import re
import select
import signal
import socket
import subprocess
import sys
import termios
import textwrap
import threading
import time as wall
import traceback
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import test_pollers
from nettest import dialListener, newLocalListener
from test_pollers import free_pd, open_pd

import rawnet
from rawnet.runtime import netpoll, proc, time, trace
from rawnet.sys import gate
from rawnet.sys import syscall_linux as sc

pytestmark = [
    pytest.mark.timeout(60),
    # Python 3.12+ warns on every fork of a process with threads; forking with threads
    # alive (pytest's, the tests' own pollers) is what these tests are about.
    pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning"),
]

kb = test_pollers.kb  # the kqueue backend over a fake kqueue library (a fixture)

CHILD_TIMEOUT = 20.0  # seconds a child may take before it is killed and the test fails
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def fork(body: Callable[[], int | None]) -> int:
    """Fork; the child runs body and exits with its result (1 if it raised)."""
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            code = body() or 0
        except BaseException:
            traceback.print_exc()
        finally:
            sys.stderr.flush()
            os._exit(code)
    return pid


def wait_exit(pid: int, timeout: float = CHILD_TIMEOUT) -> int:
    """The child's exit code; a child still running after timeout is killed."""
    pidfd = os.pidfd_open(pid)
    try:
        p = select.poll()
        p.register(pidfd, select.POLLIN)  # a pidfd is readable once its process exits
        if not p.poll(timeout * 1000):
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            pytest.fail(f"child {pid} still running after {timeout}s: killed")
    finally:
        os.close(pidfd)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


@contextlib.contextmanager
def children() -> Iterator[list[int]]:
    """A list to put forked pids in; whichever is not reaped by the end is killed."""
    pids: list[int] = []
    try:
        yield pids
    finally:
        for pid in pids:
            # ChildProcessError: reaped already (by wait_exit, which kills an overrun
            # child itself), so the pid is no longer ours to signal.
            with contextlib.suppress(ChildProcessError):
                if os.waitpid(pid, os.WNOHANG) == (0, 0):
                    os.kill(pid, signal.SIGKILL)
                    os.waitpid(pid, 0)


def reap(pids: list[int]) -> list[int]:
    codes = [wait_exit(pid) for pid in pids]
    pids.clear()
    return codes


def echo_roundtrip() -> None:
    """A Listen/Dial/Accept/echo round trip, all rawnet, in this process: the server
    goroutine parks in Accept and Read, so the poller is used."""
    with newLocalListener("tcp") as ln:
        def serve() -> None:
            with ln.Accept() as c:
                b = bytearray(16)
                n = c.Read(b)
                c.Write(b[:n])

        rawnet.go(serve)
        with dialListener(ln) as c:
            c.Write(b"ping")
            b = bytearray(16)
            assert bytes(b[: c.Read(b)]) == b"ping"


def read_line(c: Any) -> bytes:
    data = bytearray()
    b = bytearray(64)
    while not data.endswith(b"\n"):
        data += b[: c.Read(b)]
    return bytes(data)


def test_prefork_echo_server() -> None:
    # The parent listens, forks two children that each accept exactly K connections
    # and serve each with a goroutine, and the test connects 2K clients: once a child
    # has taken K, the other must take the rest, so both serve K whatever the kernel's
    # order. Each reply names the pid that served it.
    K = 3
    ln = rawnet.Listen("tcp", "127.0.0.1:0")
    host, port = str(ln.Addr()).rsplit(":", 1)

    def child() -> None:
        pid = str(os.getpid()).encode()
        wg = rawnet.WaitGroup()

        def handle(c: Any) -> None:
            with c:
                c.Write(pid + b" " + read_line(c))
            wg.Done()

        for _ in range(K):
            c = ln.Accept()
            wg.Add(1)
            rawnet.go(handle, c)
        wg.Wait()
        ln.Close()

    with children() as pids:
        pids += [fork(child), fork(child)]
        clients = [socket.create_connection((host, int(port)), timeout=10) for _ in range(2 * K)]
        try:
            for i, s in enumerate(clients):
                s.sendall(b"hello %d\n" % i)
            served: collections.Counter[int] = collections.Counter()
            for i, s in enumerate(clients):
                reply = b""
                while not reply.endswith(b"\n"):
                    chunk = s.recv(64)
                    assert chunk, f"client {i}: EOF after {reply!r}"
                    reply += chunk
                pid, msg = reply.split(b" ", 1)
                assert msg == b"hello %d\n" % i
                served[int(pid)] += 1
        finally:
            for s in clients:
                s.close()
        assert served == {pids[0]: K, pids[1]: K}
        assert reap(pids) == [0, 0]

    # The parent's own registration of the listener is untouched by the children's
    # Accepts and Close: it still accepts.
    try:
        ln.SetDeadline(wall.time() + 10)
        with socket.create_connection((host, int(port)), timeout=10):
            ln.Accept().Close()
    finally:
        ln.Close()


def _fdinfo_inos(path: str) -> set[int]:
    """The inodes of the files an epoll instance watches (/proc/PID/fdinfo/EPFD)."""
    with open(path) as f:
        return {int(m, 16) for m in re.findall(r"^tfd:.*\bino:([0-9a-f]+)", f.read(), re.M)}


def _wake_pending() -> int:
    """What a netpollBreak left for the parent's poller to read: the eventfd counter,
    or the bytes in the wake-up pipe."""
    be: Any = netpoll.backend
    if be.__name__.endswith("netpoll_epoll"):
        with open(f"/proc/self/fdinfo/{be.netpollEventFd}") as f:
            m = re.search(r"^eventfd-count:\s*([0-9a-f]+)", f.read(), re.M)
        assert m is not None
        return int(m.group(1), 16)
    if be.__name__.endswith("netpoll_kqueue"):
        return 0  # its wake-up (EVFILT_USER) is inside the kqueue library, unseen
    buf = bytearray(4)
    fcntl.ioctl(be.rdwake, termios.FIONREAD, buf)
    return int.from_bytes(buf, sys.byteorder)


def test_child_has_its_own_poller() -> None:
    # In the child: a break goes to the child's own wake-up object, not the parent's;
    # on epoll, the child's instance watches the inherited listener and a socket
    # created in the child, and the parent's instance does not watch the latter.
    be: Any = netpoll.backend
    epoll = be.__name__.endswith("netpoll_epoll")
    parent_epfd = be.epfd if epoll else -1
    # kqueue: the kqueue itself (the child makes its own; the wake-up is inside it)
    wakefd = "kq" if be.__name__.endswith("netpoll_kqueue") else "rdwake"
    parent_wake = os.fstat(be.netpollEventFd if epoll else getattr(be, wakefd))
    ln = rawnet.Listen("tcp", "127.0.0.1:0")
    ln_ino = os.fstat(ln.fd.pfd.Sysfd).st_ino
    pending = _wake_pending()

    def child() -> None:
        be.netpollWakeSig.Store(0)  # so that the break below writes, whatever was inherited
        netpoll.netpollBreak()
        with rawnet.Listen("tcp", "127.0.0.1:0") as ln2:
            ln2_ino = os.fstat(ln2.fd.pfd.Sysfd).st_ino
            if epoll:
                mine = _fdinfo_inos(f"/proc/self/fdinfo/{be.epfd}")
                assert {ln_ino, ln2_ino} <= mine, (ln_ino, ln2_ino, mine)
                theirs = _fdinfo_inos(f"/proc/{os.getppid()}/fdinfo/{parent_epfd}")
                assert ln2_ino not in theirs
                assert ln_ino in theirs
            else:
                wake = os.fstat(getattr(be, wakefd))
                assert (wake.st_dev, wake.st_ino) != (parent_wake.st_dev, parent_wake.st_ino)
        echo_roundtrip()

    try:
        with children() as pids:
            pids.append(fork(child))
            assert reap(pids) == [0]
        assert _wake_pending() == pending, "the child's netpollBreak reached the parent"
    finally:
        ln.Close()


class PollEntered:
    """A gate hook: set when the given thread enters a blocking poll."""

    def __init__(self, ident: int) -> None:
        self.ident = ident
        self.event = threading.Event()

    def before(self, entry: gate.Entry, args: tuple[Any, ...]) -> int | None:
        if (entry.blocking and entry.name in ("epoll_pwait", "poll", "kevent")
                and threading.get_ident() == self.ident):
            self.event.set()
        return None

    def after(self, entry: gate.Entry, args: tuple[Any, ...], ret: int) -> None:
        pass


def test_fork_while_another_thread_polls() -> None:
    # Another thread is the poller at fork time, blocked in epoll_pwait (or poll(2),
    # holding mtxset) with two goroutines parked: one in Accept, one in Sleep. In the
    # child that thread does not exist: its P, its goroutines and the locks it held
    # are gone, and the child's own goroutines must run, poll and sleep anyway.
    ln = rawnet.Listen("tcp", "127.0.0.1:0")
    started = threading.Event()
    failures: list[BaseException] = []

    def other_thread() -> None:
        try:
            wg = rawnet.WaitGroup()
            wg.Add(1)

            def sleeper() -> None:
                time.Sleep(0.3)
                wg.Done()

            rawnet.go(sleeper)
            started.set()
            with contextlib.suppress(rawnet.OpError):
                ln.Accept().Close()  # until the test closes ln
            wg.Wait()
        except BaseException as e:
            failures.append(e)

    t = threading.Thread(target=other_thread)
    hook = PollEntered(0)
    try:
        t.start()
        hook.ident = t.ident or 0
        gate.add_hook(hook)
        assert started.wait(10)
        assert hook.event.wait(10), "the other thread never polled"
        gate.remove_hook(hook)

        def child() -> None:
            me = proc.getp()
            assert proc.sched.pollingP in (None, me)
            assert proc.sched.allp == [me]
            assert netpoll.netpollWaiters.Load() == 0  # the Accept's waiter is gone
            for _, _, tm, gen in time.timers.heap:
                if gen == tm.gen and isinstance(tm.arg, proc.G):
                    assert tm.arg.p is me, "a timer of the vanished thread is armed"
            echo_roundtrip()
            time.Sleep(0.5)  # the other thread's sleeper was due meanwhile

        with children() as pids:
            pids.append(fork(child))
            assert reap(pids) == [0]
    finally:
        with contextlib.suppress(ValueError):
            gate.remove_hook(hook)
        ln.Close()
        t.join(10)
    assert not t.is_alive()
    assert not failures, failures


def test_fork_in_a_signal_handler_while_this_thread_polls() -> None:
    # A pre-fork master that respawns workers from a signal handler: the handler runs
    # in the main thread while it is the poller, blocked in epoll_pwait or kevent
    # (EINTR brings it back to Python). The child is that same thread, inside netpoll:
    # it stays the poller and polls its own instance from then on. Parent and child
    # each accept one of two clients and answer with their pid.
    if netpoll.backend.__name__.endswith("netpoll_poll"):
        pytest.skip("the poll(2) backend holds mtxset across the poll: fork.py says why "
                    "a fork from a signal handler inside it is not supported")
    ln = rawnet.Listen("tcp", "127.0.0.1:0")
    host, port = str(ln.Addr()).rsplit(":", 1)
    parent, main = os.getpid(), threading.get_ident()
    hook = PollEntered(main)
    forked = threading.Event()
    replies: list[bytes] = []

    def clients() -> None:
        assert hook.event.wait(10), "the main thread never polled"
        # The hook runs just before epoll_pwait: a signal that lands before the call
        # blocks is handled only when it returns, so send until the handler has run
        # (the next one interrupts the poll).
        for _ in range(100):
            signal.pthread_kill(main, signal.SIGUSR1)
            if forked.wait(0.1):
                break
        assert forked.is_set()
        for _ in range(2):
            with socket.create_connection((host, int(port)), timeout=10) as s:
                replies.append(s.recv(64))

    t = threading.Thread(target=clients)
    with children() as pids:
        def handler(signum: int, frame: Any) -> None:
            if not pids:  # one fork, whichever signal runs it
                pids.append(os.fork())
                forked.set()

        old = signal.signal(signal.SIGUSR1, handler)
        gate.add_hook(hook)
        try:
            t.start()
            ok = False
            try:
                with ln.Accept() as c:
                    c.Write(str(os.getpid()).encode())
                ok = True
            finally:
                if os.getpid() != parent:  # the child, back from the handler
                    os._exit(0 if ok else 1)
            t.join(10)
            assert not t.is_alive()
            child = pids[0]
            assert reap(pids) == [0]
            assert sorted(replies) == sorted([str(parent).encode(), str(child).encode()])
        finally:
            with contextlib.suppress(ValueError):
                gate.remove_hook(hook)
            signal.signal(signal.SIGUSR1, old)
            ln.Close()
            if t.ident is not None:
                t.join(10)


NEVER_INITIALISED = """
import os, select, sys
sys.path[:0] = sys.argv[1:]
import rawnet
from rawnet.runtime import netpoll

def echo():
    with rawnet.Listen("tcp", "127.0.0.1:0") as ln:
        def serve():
            with ln.Accept() as c:
                b = bytearray(16)
                c.Write(b[:c.Read(b)])
        rawnet.go(serve)
        with rawnet.Dial("tcp", str(ln.Addr())) as c:
            c.Write(b"ping")
            b = bytearray(16)
            assert bytes(b[:c.Read(b)]) == b"ping"

assert not netpoll.netpollinited()
pid = os.fork()
if pid == 0:
    code = 1
    try:
        assert not netpoll.netpollinited()
        echo()
        code = 0
    finally:
        os._exit(code)
pidfd = os.pidfd_open(pid)
p = select.poll()
p.register(pidfd, select.POLLIN)
if not p.poll(20_000):
    os.kill(pid, 9)
    os.waitpid(pid, 0)
    sys.exit("child hangs: killed")
_, status = os.waitpid(pid, 0)
assert os.waitstatus_to_exitcode(status) == 0
echo()
print("ok")
"""


def test_fork_before_the_poller_exists() -> None:
    # A fresh interpreter (pytest's own has a poller: conftest makes it): the child of
    # a process that never polled has nothing to re-create, and both sides then make
    # their own poller.
    r = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(NEVER_INITIALISED), ROOT],
        capture_output=True, text=True, timeout=40, start_new_session=True,
    )
    assert r.returncode == 0 and r.stdout == "ok\n", r.stderr


def test_runtime_tracer_in_child(tmp_path: Any) -> None:
    # Tracing is on at the fork: the child runs traced (the tracer's lock is its own),
    # and a trace it starts and stops itself is a valid file; so is the parent's.
    parent_json, child_json = tmp_path / "parent.json", tmp_path / "child.json"
    trace.start(str(parent_json))
    try:
        def child() -> None:
            echo_roundtrip()
            trace.start(str(child_json))
            echo_roundtrip()
            trace.stop()

        with children() as pids:
            pids.append(fork(child))
            assert reap(pids) == [0]
        echo_roundtrip()
    finally:
        trace.stop()
    for path in (parent_json, child_json):
        names = {e.get("name", "") for e in json.loads(path.read_text())["traceEvents"]}
        assert any(n.startswith("netpoll") for n in names), (path, sorted(names)[:20])


def test_kqueue_child_makes_its_own_kqueue(kb: Any) -> None:
    # The kqueue backend's part, against test_pollers' fake library (Linux has no
    # kqueue): a child has no kqueue (fork does not copy one), so the reset makes a
    # new one without closing the old number, registers the wake-up in it, and
    # closes the inherited wake-up pipe. The fake's "kqueue" is a real fd, which this
    # test closes itself.
    abi, fake = kb.abi, kb.fake
    old_kq = kb.kq
    pd = open_pd(kb)
    try:
        pipe = abi.wakeup == "pipe"
        old_pipe = os.fstat(kb.wake.netpollBreakRd) if pipe else None
        kb.netpollWakeSig.Store(1)  # a break in flight in the parent
        fake.changes.clear()
        kb.netpollAfterForkInChild()
        assert kb.kq != old_kq and fake.kq == kb.kq
        os.fstat(old_kq)  # not closed: on a real BSD that number names nothing in the child
        assert kb.netpollWakeSig.Load() == 0
        if pipe:
            assert old_pipe is not None
            rd = kb.wake.netpollBreakRd
            assert os.fstat(rd).st_ino != old_pipe.st_ino
            assert fake.changes == [(rd, abi.EVFILT_READ, abi.EV_ADD, 0, 0)]
        else:
            assert fake.changes == [(0xEE1EB9F4, abi.EVFILT_USER, abi.EV_ADD, 0, 0)]
        kb.netpollBreak()  # reaches the new kqueue
        assert kb.netpoll(0) == ([], 0)
    finally:
        sc.Close(old_kq)
        free_pd(pd)
