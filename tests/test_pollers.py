"""The poller backends behind runtime/netpoll.go's contract: selection
(RAWNET_POLLER), the poll(2) backend (netpoll_aix.go) in isolation, and the kqueue
backend (netpoll_kqueue*.go) driven through a fake kqueue library, since Linux has
none."""

from __future__ import annotations

import ctypes
import errno
import importlib.util
import os
import socket  # an independent peer: tests may use it, rawnet may not
import sys
import threading
import types
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from greenlet import greenlet

from rawnet.linux import netpoll_epoll
from rawnet.runtime import netpoll as rt
from rawnet.runtime import proc, tagptr
from rawnet.runtime.nbpipe import nonblockingPipe
from rawnet.sys import gate
from rawnet.sys import syscall_linux as sc
from rawnet.sys.zerrors_linux import SO_ERROR, SOL_SOCKET

pytestmark = pytest.mark.timeout(60)

# -------------------------------------------------------------------------------
# Selection.


@pytest.mark.parametrize(("platform", "want"), [
    ("linux", "epoll"), ("darwin", "kqueue"), ("freebsd14", "kqueue"), ("netbsd10", "kqueue"),
    ("openbsd7", "kqueue"), ("dragonfly6", "kqueue"), ("sunos5", "poll"), ("aix", "poll"),
])
def test_default_poller(platform: str, want: str) -> None:
    assert rt.defaultPoller(platform) == want


MODULES = {"epoll": "rawnet.linux.netpoll_epoll", "kqueue": "rawnet.bsd.netpoll_kqueue",
           "poll": "rawnet.runtime.netpoll_poll"}


@pytest.mark.parametrize("name", ["epoll", "poll"])
def test_rawnet_poller_selects(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    monkeypatch.setenv("RAWNET_POLLER", name)
    assert rt._backend().__name__ == MODULES[name]


def test_default_is_epoll_on_linux(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RAWNET_POLLER", raising=False)
    assert rt._backend().__name__ == "rawnet.linux.netpoll_epoll"


@pytest.mark.parametrize("bad", ["select", "EPOLL", "iocp", " poll"])
def test_unknown_poller_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, bad: str) -> None:
    monkeypatch.setenv("RAWNET_POLLER", bad)
    with pytest.raises(rt.PollerError, match=r"unknown poller .*epoll, kqueue, poll"):
        rt._backend()


def test_kqueue_unavailable_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    if sys.platform != "linux":
        pytest.skip("Linux has no kqueue of its own")
    monkeypatch.setenv("RAWNET_POLLER", "kqueue")
    monkeypatch.delenv("RAWNET_KQUEUE_LIB", raising=False)
    with kqueue_modules_restored():
        with pytest.raises(rt.PollerError, match="kqueue.*RAWNET_KQUEUE_LIB"):
            rt._backend()
        monkeypatch.setenv("RAWNET_KQUEUE_LIB", "/nonexistent/libkqueue.so.0")
        with pytest.raises(rt.PollerError, match="cannot load kqueue"):
            rt._backend()


def test_backend_in_use_is_the_selected_one(monkeypatch: pytest.MonkeyPatch) -> None:
    rt.netpollGenericInit()
    import os

    want = os.environ.get("RAWNET_POLLER") or rt.defaultPoller(sys.platform)
    assert rt.backend.__name__ == MODULES[want]
    assert rt.backend.level_triggered is (want == "poll")


# -------------------------------------------------------------------------------
# The poll(2) backend, in isolation: a private copy of the module, with its own
# pipe, arrays and locks, whatever backend the process runs on.

def Parked() -> proc.G:
    """A stand-in for a parked G: a G never started, which netpollunblock returns as
    is. A real G, not any object: the mypyc build (tools/mypyc_build.py) checks the
    type where the code says G."""
    return proc.G(0, greenlet(lambda: None), proc.getp())


def private_copy(name: str) -> types.ModuleType:
    spec = importlib.util.find_spec(name)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture
def pb() -> Iterator[Any]:
    mod = private_copy("rawnet.runtime.netpoll_poll")
    mod.netpollinit()
    yield mod
    sc.Close(mod.rdwake)
    sc.Close(mod.wrwake)


class Pipe:
    def __init__(self, pb: Any) -> None:
        r, w, errno = nonblockingPipe()
        assert errno == 0
        self.r, self.w = r, w
        self.pb = pb
        self.rpd = rt.pollDesc(-1)
        self.wpd = rt.pollDesc(-1)
        for pd, fd in ((self.rpd, r), (self.wpd, w)):
            pd.fd = fd
            pd.fdseq.Store(1)
            assert pb.netpollopen(fd, pd) == 0

    def close_r(self) -> None:
        if self.r >= 0:
            self.pb.netpollclose(self.r)
            sc.Close(self.r)
            self.r = -1

    def close_w(self) -> None:
        if self.w >= 0:
            self.pb.netpollclose(self.w)
            sc.Close(self.w)
            self.w = -1

    def close(self) -> None:
        self.close_r()
        self.close_w()


@pytest.fixture
def pipe(pb: Any) -> Iterator[Pipe]:
    p = Pipe(pb)
    yield p
    p.close()


def slots(pb: Any) -> list[tuple[int, int]]:
    return [(pb.pfds[i].fd, pb.pfds[i].events) for i in range(pb.npfds)]


def test_poll_init_puts_the_wake_pipe_in_slot_0(pb: Any) -> None:
    assert slots(pb) == [(pb.rdwake, 1)] and pb.pds == [None]
    assert pb.netpollIsPollDescriptor(pb.rdwake) and pb.netpollIsPollDescriptor(pb.wrwake)
    assert not pb.netpollIsPollDescriptor(0)
    assert pb.level_triggered is True


def test_poll_open_adds_unarmed_slots(pb: Any, pipe: Pipe) -> None:
    assert slots(pb)[1:] == [(pipe.r, 0), (pipe.w, 0)]
    assert (pipe.rpd.user, pipe.wpd.user) == (1, 2)
    assert pb.pds[1:] == [pipe.rpd, pipe.wpd]


def test_poll_nonblocking_poll(pb: Any, pipe: Pipe) -> None:
    # Go's netpoll(0) returns nothing (a TODO); rawnet's polls with timeout 0 ...
    g = Parked()
    pipe.wpd.wg.Store(g)
    pb.netpollarm(pipe.wpd, rt.modeW)
    assert pb.netpollWakeSig.Load() == 0
    pb.netpollBreak()
    assert pb.netpoll(0) == ([g], -1)
    # ... leaves the wake-up byte for the blocking poller it was meant for ...
    assert pb.netpollWakeSig.Load() == 1
    assert pb.netpoll(1) == ([], 0) and pb.netpollWakeSig.Load() == 0
    # ... and returns nothing at once while a blocking poller (or an editor) holds
    # the arrays.
    pb.netpollarm(pipe.wpd, rt.modeW)
    with pb.mtxset:
        assert pb.netpoll(0) == ([], 0)
    assert pb.netpoll(0) == ([], 0)  # the writer's wg was left pdReady, nobody parked
    assert pipe.wpd.wg.Load() == rt.pdReady


def test_poll_readiness_and_level_triggered_rearm(pb: Any, pipe: Pipe) -> None:
    g = Parked()
    pipe.rpd.rg.Store(g)
    assert sc.Write(pipe.w, b"x") == 1
    # Not armed: the readable pipe is not watched, a timed poll times out.
    assert pb.netpoll(1_000_000) == ([], 0)
    assert pipe.rpd.rg.Load() is g
    pb.netpollarm(pipe.rpd, rt.modeR)
    assert slots(pb)[1] == (pipe.r, 1)
    assert pb.netpoll(-1) == ([g], -1)
    assert pipe.rpd.rg.Load() == rt.pdReady  # for g to consume when it runs
    pipe.rpd.rg.Store(rt.pdNil)  # ... as it does (netpollblock)
    # The fired bit is cleared: the data is still there, but nobody waits for it.
    assert slots(pb)[1] == (pipe.r, 0)
    assert pb.netpoll(1_000_000) == ([], 0)
    # The next wait re-arms it, and the level is reported again.
    pb.netpollarm(pipe.rpd, rt.modeR)
    assert pb.netpoll(-1) == ([], 0)
    assert pipe.rpd.rg.Load() == rt.pdReady


def test_poll_write_readiness(pb: Any, pipe: Pipe) -> None:
    g = Parked()
    pipe.wpd.wg.Store(g)
    pb.netpollarm(pipe.wpd, rt.modeW)
    assert pb.netpoll(-1) == ([g], -1)
    assert slots(pb)[2] == (pipe.w, 0)


def test_poll_hangup_readies_both_directions(pb: Any, pipe: Pipe) -> None:
    r, w = Parked(), Parked()
    pipe.rpd.rg.Store(r)
    pipe.rpd.wg.Store(w)
    pb.netpollarm(pipe.rpd, rt.modeR)
    pipe.close_w()  # the read end sees POLLHUP
    got, delta = pb.netpoll(-1)
    assert got == [r, w] and delta == -2
    assert not pipe.rpd.info() & rt.pollEventErr  # POLLHUP is not an error


def test_poll_error_sets_event_err(pb: Any, pipe: Pipe) -> None:
    # A pipe's write end whose reader is gone polls as POLLERR (plus POLLOUT if
    # asked): armed for reading only, the result is exactly POLLERR.
    g = Parked()
    pipe.wpd.rg.Store(g)
    pb.netpollarm(pipe.wpd, rt.modeR)
    pipe.close_r()
    got, delta = pb.netpoll(-1)
    assert got == [g] and delta == -1
    assert pipe.wpd.info() & rt.pollEventErr
    assert rt.netpollcheckerr(pipe.wpd, rt.modeR) == rt.pollErrNotPollable


def test_poll_close_swaps_the_last_slot_in(pb: Any) -> None:
    a, b = Pipe(pb), Pipe(pb)
    try:
        pb.netpollarm(b.wpd, rt.modeW)
        pb.netpollclose(a.r)
        sc.Close(a.r)
        a.r = -1
        # b.w was last: it moved into a.r's slot, armed bit and all.
        assert b.wpd.user == 1 and slots(pb)[1] == (b.w, 4) and pb.pds[1] is b.wpd
        assert len(pb.pds) == pb.npfds == 4
        g = Parked()
        b.wpd.wg.Store(g)
        assert pb.netpoll(-1) == ([g], -1)
    finally:
        a.close()
        b.close()


def test_poll_closed_while_armed_is_never_reported(pb: Any) -> None:
    # Stale events: netpollclose takes the slot out under mtxset before the fd is
    # closed and the pollDesc reused, so a readiness that arrived for the old fd is
    # not delivered to the pollDesc's next user.
    a = Pipe(pb)
    pd = a.rpd
    pb.netpollarm(pd, rt.modeR)
    assert sc.Write(a.w, b"x") == 1
    a.close()
    pd.rg.Store(rt.pdNil)
    b = Pipe(pb)
    try:
        assert pb.netpoll(1_000_000) == ([], 0)
        assert pd.rg.Load() == rt.pdNil
    finally:
        b.close()


def test_poll_many_fds_grow_the_array(pb: Any) -> None:
    pipes = [Pipe(pb) for _ in range(80)]  # 160 fds: past the initial 128 slots
    try:
        last = pipes[-1]
        g = Parked()
        last.wpd.wg.Store(g)
        pb.netpollarm(last.wpd, rt.modeW)
        assert pb.npfds == 161 and len(pb.pfds) >= 161
        assert pb.netpoll(-1) == ([g], -1)
    finally:
        for p in pipes:
            p.close()
    assert pb.npfds == 1


def poll_in_thread(pb: Any, delay: int) -> tuple[threading.Thread, list[Any]]:
    out: list[Any] = []
    t = threading.Thread(target=lambda: out.append(pb.netpoll(delay)))
    t.start()
    # Wait (without sleeping) until the poller holds mtxset: it is in, or about to
    # enter, poll(2). A wake-up sent before it sleeps is not lost either way.
    while not pb.mtxset.locked() and t.is_alive():
        pass
    return t, out


def test_poll_break_wakes_a_blocked_poll(pb: Any, pipe: Pipe) -> None:
    assert pb.netpoll(1) == ([], 0)  # consume the wake-up byte netpollopen left
    t, out = poll_in_thread(pb, -1)
    pb.netpollBreak()
    t.join(30)
    assert not t.is_alive() and out == [([], 0)]
    assert pb.netpollWakeSig.Load() == 0  # the blocking poll drained the pipe


def test_poll_break_is_coalesced(pb: Any) -> None:
    pb.netpollBreak()
    pb.netpollBreak()
    pb.netpollBreak()
    buf = bytearray(8)
    assert sc.Read(pb.rdwake, buf) == 1  # one byte in flight
    assert pb.netpollWakeSig.Load() == 1
    sc.Write(pb.wrwake, b"\0")
    assert pb.netpoll(1) == ([], 0)  # a blocking poll drains the pipe, re-arms the flag
    assert pb.netpollWakeSig.Load() == 0 and sc.Read(pb.rdwake, buf) < 0


def test_poll_open_and_arm_wake_a_blocked_poll(pb: Any, pipe: Pipe) -> None:
    # netpollopen and netpollarm need mtxset, which the sleeping poller holds: they
    # write to the wake-up pipe (once: pendingUpdates) and wait for it to let go.
    t, out = poll_in_thread(pb, -1)
    other = Pipe(pb)
    try:
        t.join(30)
        assert not t.is_alive() and out == [([], 0)]
        g = Parked()
        other.wpd.wg.Store(g)
        t, out = poll_in_thread(pb, -1)
        pb.netpollarm(other.wpd, rt.modeW)
        t.join(30)
        got = out[0] if out[0][0] else pb.netpoll(-1)  # the arm may land after the wake
        assert got == ([g], -1)
    finally:
        other.close()


def test_poll_delay_to_timeout(pb: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[int] = []

    def fake(fds: Any, n: int, timeout: int) -> int:
        seen.append(timeout)
        return 0

    monkeypatch.setattr(pb.sp, "Poll", fake)
    for delay in (-1, 1, 999_999, 1_000_000, 25_000_000, 10**15, 10**18):
        assert pb.netpoll(delay) == ([], 0)
    assert seen == [-1, 1, 1, 1, 25, 1_000_000_000, 1_000_000_000]


def test_poll_eintr_returns_empty(pb: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    monkeypatch.setattr(pb.sp, "Poll", lambda fds, n, timeout: -errno.EINTR)
    assert pb.netpoll(-1) == ([], 0)
    assert not pb.mtxset.locked() and not pb.mtxpoll.locked()


def test_poll_failure_prints_and_throws_as_Go(
        pb: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(pb.sp, "Poll", lambda fds, n, timeout: -9)  # EBADF
    with pytest.raises(proc.Throw) as ei:
        pb.netpoll(-1)
    assert str(ei.value) == "fatal error: poll failed"
    assert capsys.readouterr().err == "errno= 9  len(pfds)= 1\n"


# The epoll backend's fatal errors: Go prints the details with println, then throws.


class FailCall:
    """A gate hook that fails every call to one C function with an errno. (socktest's
    rules leave the poller's own epoll fd and eventfd alone on purpose, and netpollinit's
    epoll_ctl is about the eventfd.)"""

    def __init__(self, name: str, errno: int) -> None:
        self.name, self.errno = name, errno

    def before(self, entry: gate.Entry, args: tuple[Any, ...]) -> int | None:
        return -self.errno if entry.name == self.name else None

    def after(self, entry: gate.Entry, args: tuple[Any, ...], ret: int) -> None:
        pass


@pytest.fixture
def failing() -> Iterator[Callable[[str, int], None]]:
    hooks: list[FailCall] = []

    def fail(name: str, errno: int) -> None:
        hooks.append(FailCall(name, errno))
        gate.add_hook(hooks[-1])

    yield fail
    for h in hooks:
        gate.remove_hook(h)


@pytest.mark.parametrize(("call", "printed", "thrown"), [
    ("epoll_create1", "runtime: epollcreate failed with 24", "runtime: netpollinit failed"),
    ("eventfd2", "runtime: eventfd failed with 24", "runtime: eventfd failed"),
    ("epoll_ctl", "runtime: epollctl failed with 24", "runtime: epollctl failed"),
])
def test_epoll_init_failure_prints_and_throws_as_Go(
        failing: Callable[[str, int], None], capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch, call: str, printed: str, thrown: str) -> None:
    # The module itself, not a private copy: a compiled module has one set of globals
    # however often it is loaded. Its poller fds are put back when the test ends.
    eb = netpoll_epoll
    monkeypatch.setattr(eb, "epfd", eb.epfd)
    monkeypatch.setattr(eb, "netpollEventFd", eb.netpollEventFd)
    failing(call, 24)  # EMFILE
    with gate.record() as rec:
        try:
            with pytest.raises(proc.Throw) as ei:
                eb.netpollinit()
        finally:
            for made in rec.calls:  # the fds init made before the failure
                if made.name in ("epoll_create1", "eventfd2") and made.ret >= 0:
                    sc.Close(made.ret)
    assert str(ei.value) == "fatal error: " + thrown
    assert capsys.readouterr().err == printed + "\n"


def test_epoll_wait_failure_prints_and_throws_as_Go(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(netpoll_epoll, "epfd", 1 << 30)  # no such fd: EBADF
    with pytest.raises(proc.Throw) as ei:
        netpoll_epoll.netpoll(-1)
    assert str(ei.value) == "fatal error: runtime: netpoll failed"
    assert capsys.readouterr().err == f"runtime: epollwait on fd {1 << 30} failed with 9\n"


# -------------------------------------------------------------------------------
# The kqueue backend, against a fake kqueue library: the backend's Python is the one
# that runs on darwin and the BSDs, with each OS's kevent layout and constants.

# libkqueue too: a fake's gate hook and pending errors must not be the real poller's.
KQ_MODULES = ("rawnet.bsd.kqueue", "rawnet.bsd.libkqueue", "rawnet.bsd.netpoll_kqueue",
              "rawnet.bsd.netpoll_kqueue_event", "rawnet.bsd.netpoll_kqueue_pipe")


class kqueue_modules_restored:
    """Import the kqueue modules afresh inside, and forget them after."""

    def __enter__(self) -> None:
        import rawnet.bsd

        self.pkg = rawnet.bsd
        self.saved = {m: sys.modules.pop(m) for m in KQ_MODULES if m in sys.modules}
        self.attrs = {m: self.pkg.__dict__.pop(m.rsplit(".", 1)[1]) for m in KQ_MODULES
                      if m.rsplit(".", 1)[1] in self.pkg.__dict__}

    def __exit__(self, *exc: object) -> None:
        for m in KQ_MODULES:
            sys.modules.pop(m, None)
            self.pkg.__dict__.pop(m.rsplit(".", 1)[1], None)
        sys.modules.update(self.saved)
        self.pkg.__dict__.update(self.attrs)


def fileOf(fd: int) -> tuple[int, int] | None:
    """The open file an fd number names now (None: nothing open)."""
    try:
        st = os.fstat(fd)
    except OSError:
        return None
    return st.st_dev, st.st_ino


class FakeKqueue:
    """kqueue()/kevent() in Python: records the changes, returns queued events.

    It also keeps the filters (knotes) of fds, keyed as kqueue keys them, by fd number
    and filter, and remembers which open file each was added for. On the BSDs,
    close(2) removes an fd's knotes; libkqueue (a userspace kqueue over epoll) never
    sees the close (its BUGS.md), so a knote outlives its file and a later EV_ADD of
    the same number only updates it, while epoll still watches nothing for the new
    file: ``fire`` then reports nothing, as the real library does."""

    def __init__(self, abi: Any) -> None:
        self.abi = abi
        self.changes: list[tuple[int, int, int, int, int]] = []
        # ident, filter, flags, fflags, udata
        self.pending: list[tuple[int, int, int, int, int]] = []
        self.timeouts: list[tuple[int, int] | None] = []
        self.kq = -1
        self.errors: list[int] = []
        # (ident, filter) -> [the file it was added for, udata]
        self.knotes: dict[tuple[int, int], list[Any]] = {}

    def _change(self, ident: int, filt: int, flags: int, udata: int) -> int:
        """Apply one fd filter change as the kernel (or libkqueue) does: 0 or an errno."""
        key = (ident, filt)
        kn = self.knotes.get(key)
        if kn is not None and kn[0] != fileOf(ident) and self.abi.name != "libkqueue":
            del self.knotes[key]  # close(2) removed it
            kn = None
        if flags & self.abi.EV_DELETE:
            return 0 if self.knotes.pop(key, None) is not None else errno.ENOENT
        if flags & self.abi.EV_ADD:
            if kn is None:
                self.knotes[key] = [fileOf(ident), udata]
            else:
                kn[1] = udata  # an existing knote is only modified
        return 0

    def fire(self, fd: int, filt: int, flags: int = 0, fflags: int = 0) -> None:
        """fd became ready for filt: queue the event, if a knote watches fd's file."""
        kn = self.knotes.get((fd, filt))
        if kn is not None and kn[0] == fileOf(fd):
            self.pending.append((fd, filt, flags, fflags, kn[1]))

    def kqueue(self) -> int:
        r, w, _ = nonblockingPipe()  # any real fd will do as the kqueue
        sc.Close(w)
        self.kq = r
        return r

    def kevent(self, kq: int, changes: Any, nchanges: int, events: Any, nevents: int,
               ts: Any) -> int:
        assert kq == self.kq
        for i in range(nchanges):
            c = changes[i] if nchanges > 1 else changes
            self.changes.append((c.ident, c.filter, c.flags, c.fflags, c.udata))
            if c.filter == self.abi.EVFILT_USER:
                if c.fflags & self.abi.NOTE_TRIGGER:
                    self.pending.append((c.ident, c.filter, 0, 0, 0))
                continue
            e = self._change(c.ident, c.filter, c.flags, c.udata)
            if e != 0:
                ctypes.set_errno(e)
                return -1
        if nevents == 0:
            return 0
        self.timeouts.append(None if ts is None else (ts.tv_sec, ts.tv_nsec))
        if self.errors:
            ctypes.set_errno(self.errors.pop(0))
            return -1
        n = min(nevents, len(self.pending))
        for i, (ident, filt, flags, fflags, udata) in enumerate(self.pending[:n]):
            events[i].ident, events[i].filter = ident, filt
            events[i].flags, events[i].fflags, events[i].udata = flags, fflags, udata
        if self.abi.name == "libkqueue":
            # Its copy-out stops at a full list, and the epoll events it had not
            # copied are lost (src/linux/platform.c linux_kevent_copyout): a BSD
            # kernel keeps them for the next call.
            self.pending.clear()
        else:
            del self.pending[:n]
        return n


class FakeFn:
    """A C function stand-in: callable, and takes restype/argtypes like ctypes's."""

    def __init__(self, fn: Any) -> None:
        self.fn = fn

    def __call__(self, *args: Any) -> int:
        return int(self.fn(*args))


class FakeLib:
    def __init__(self, fake: FakeKqueue) -> None:
        setattr(self, fake.abi.kqueueSymbol, FakeFn(fake.kqueue))
        setattr(self, fake.abi.keventSymbol, FakeFn(fake.kevent))


@pytest.fixture(params=["darwin", "freebsd", "netbsd", "openbsd", "libkqueue"])
def kb(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    from rawnet.bsd import defs

    abi = defs.abis[request.param]
    fake = FakeKqueue(abi)
    monkeypatch.setenv("RAWNET_KQUEUE_LIB", "fake")
    monkeypatch.setenv("RAWNET_KQUEUE_ABI", abi.name)
    with kqueue_modules_restored():
        monkeypatch.setattr(ctypes, "PyDLL", lambda *a, **k: FakeLib(fake))
        monkeypatch.setattr(ctypes, "CDLL", lambda *a, **k: FakeLib(fake))
        import rawnet.bsd.netpoll_kqueue as nk

        monkeypatch.undo()
        nk.fake = fake
        nk.netpollinit()
        yield nk
        nk.libkqueue.uninstall()  # netpollinit put its gate hook in for libkqueue
        sc.Close(nk.kq)
        if abi.wakeup == "pipe":
            sc.Close(nk.wake.netpollBreakRd)
            sc.Close(nk.wake.netpollBreakWr)


def test_kqueue_init_registers_the_wakeup(kb: Any) -> None:
    abi, fake = kb.abi, kb.fake
    assert kb.kqueue.keventt is abi.keventt
    assert kb.netpollIsPollDescriptor(kb.kq)
    if abi.wakeup == "event":
        assert fake.changes == [(0xEE1EB9F4, abi.EVFILT_USER, abi.EV_ADD, 0, 0)]
    else:
        rd = kb.wake.netpollBreakRd
        assert fake.changes == [(rd, abi.EVFILT_READ, abi.EV_ADD, 0, 0)]
        assert kb.netpollIsPollDescriptor(rd) and kb.netpollIsPollDescriptor(kb.wake.netpollBreakWr)


def open_pd(kb: Any, fd: int = 77) -> rt.pollDesc:
    pd = rt.pollcache.alloc()
    pd.fd = fd
    pd.fdseq.Store(pd.fdseq.Load() or 1)
    assert kb.netpollopen(fd, pd) == 0
    return pd


def free_pd(pd: rt.pollDesc) -> None:
    # Back to the process's poll cache: no fake G may stay parked on it.
    pd.rg.Store(rt.pdNil)
    pd.wg.Store(rt.pdNil)
    pd.setEventErr(False, 0)
    rt.pollcache.free(pd)


def cookie(pd: rt.pollDesc) -> int:
    return tagptr.taggedPointerPack(pd.index, pd.fdseq.Load())


def test_kqueue_open_adds_both_filters_edge_triggered(kb: Any) -> None:
    abi, fake = kb.abi, kb.fake
    fake.changes.clear()
    pd = open_pd(kb)
    try:
        flags = abi.EV_ADD | abi.EV_CLEAR
        assert fake.changes == [(77, abi.EVFILT_READ, flags, 0, cookie(pd)),
                                (77, abi.EVFILT_WRITE, flags, 0, cookie(pd))]
        fake.changes.clear()
        assert kb.netpollclose(77) == 0
        if abi.name == "libkqueue":  # it cannot see close(2): delete the filters first
            assert fake.changes == [(77, abi.EVFILT_READ, abi.EV_DELETE, 0, 0),
                                    (77, abi.EVFILT_WRITE, abi.EV_DELETE, 0, 0)]
        else:  # close(2) removes the filters: no call, as in Go
            assert fake.changes == []
    finally:
        free_pd(pd)


def test_kqueue_fd_number_reused_after_close_reports_events(kb: Any) -> None:
    """A socket closed, and the next one given the same fd number: the new one's
    events must be reported. Under libkqueue they were not (the old filters outlived
    the close and EV_ADD only modified them), so whoever waited on the new fd slept
    in kevent forever: the suite hung in test_buffers.py (issue 12, defect 6)."""
    abi, fake = kb.abi, kb.fake
    r, w, _ = nonblockingPipe()
    pd = open_pd(kb, r)
    assert kb.netpollclose(r) == 0  # as pollDesc.close does, before close(2)
    sc.Close(r)
    free_pd(pd)
    r2, w2, _ = nonblockingPipe()
    pd = open_pd(kb, r2)
    try:
        assert r2 == r  # the lowest free number: the same one
        g = Parked()
        pd.rg.Store(g)
        fake.fire(r2, abi.EVFILT_READ)
        assert kb.netpoll(0) == ([g], -1)
    finally:
        free_pd(pd)
        for fd in (r2, w, w2):
            sc.Close(fd)


@pytest.mark.parametrize(("filt", "flags", "r", "w", "everr"), [
    ("READ", 0, True, False, False),
    ("WRITE", 0, False, True, False),
    ("READ", "EV_EOF", True, True, False),  # a closed pipe reader: wake the writer too
    ("WRITE", "EV_EOF", False, True, False),
    ("READ", "EV_ERROR", True, False, True),
])
def test_kqueue_event_mapping(kb: Any, filt: str, flags: Any, r: bool, w: bool,
                              everr: bool) -> None:
    abi = kb.abi
    pd = open_pd(kb)
    try:
        gr, gw = Parked(), Parked()
        pd.rg.Store(gr)
        pd.wg.Store(gw)
        fl = getattr(abi, flags) if flags else 0
        kb.fake.pending.append((77, getattr(abi, "EVFILT_" + filt), fl, 0, cookie(pd)))
        got, delta = kb.netpoll(0)
        assert got == [g for g, on in ((gr, r), (gw, w)) if on] and delta == -len(got)
        assert bool(pd.info() & rt.pollEventErr) is everr
    finally:
        free_pd(pd)


def test_kqueue_stale_event_is_dropped(kb: Any) -> None:
    pd = open_pd(kb)
    old = cookie(pd)
    pd.fdseq.Add(1)  # as pollcache.free does: the fd was closed, the pd may be reused
    g = Parked()
    pd.rg.Store(g)
    try:
        kb.fake.pending.append((77, kb.abi.EVFILT_READ, 0, 0, old))
        assert kb.netpoll(0) == ([], 0)
        assert pd.rg.Load() is g
    finally:
        free_pd(pd)


def test_kqueue_break(kb: Any) -> None:
    abi, fake = kb.abi, kb.fake
    if abi.wakeup == "pipe":
        # The fake does not watch the pipe: report its readability by hand.
        fake.pending.append((kb.wake.netpollBreakRd, abi.EVFILT_READ, 0, 0, 0))
    kb.netpollBreak()
    kb.netpollBreak()  # coalesced
    assert kb.netpollWakeSig.Load() == 1
    # A non-blocking poll sees the wake-up but leaves it for the blocked poller.
    if abi.wakeup == "event":
        assert fake.changes[-1] == (0xEE1EB9F4, abi.EVFILT_USER, abi.EV_ENABLE,
                                    abi.NOTE_TRIGGER, 0)
        assert kb.netpoll(0) == ([], 0) and kb.netpollWakeSig.Load() == 1
        fake.pending.append((0xEE1EB9F4, abi.EVFILT_USER, 0, 0, 0))
    assert kb.netpoll(-1) == ([], 0)
    assert kb.netpollWakeSig.Load() == 0
    if abi.wakeup == "event":
        assert fake.changes[-1] == (0xEE1EB9F4, abi.EVFILT_USER, abi.EV_DISABLE, 0, 0)
    else:
        assert sc.Read(kb.wake.netpollBreakRd, bytearray(1)) < 0  # drained: EAGAIN


def test_kqueue_timeouts_and_eintr(kb: Any, capsys: pytest.CaptureFixture[str]) -> None:
    fake = kb.fake
    for delay in (-1, 0, 1, 2_500_000_000, 10**18):
        kb.netpoll(delay)
    assert fake.timeouts == [None, (0, 0), (0, 1), (2, 500_000_000), (1_000_000, 0)]
    fake.errors = [kb.abi.EINTR]
    assert kb.netpoll(5) == ([], 0)  # a timed sleep returns to recompute
    fake.errors = [kb.abi.ETIMEDOUT, kb.abi.EINTR]
    assert kb.netpoll(-1) == ([], 0)  # an untimed one retries
    assert len(fake.timeouts) == 9
    fake.errors = [9]  # EBADF
    capsys.readouterr()
    with pytest.raises(proc.Throw) as ei:
        kb.netpoll(-1)
    assert str(ei.value) == "fatal error: runtime: netpoll failed"  # Go's println, throw
    assert capsys.readouterr().err == f"runtime: kevent on fd {kb.kq} failed with 9\n"


def test_kqueue_full_event_list_loses_no_wakeup(kb: Any) -> None:
    """More events ready than the 64 slots of one kevent() call. A BSD kernel keeps
    the rest for the next call; libkqueue drops them (the fake does as it does), so
    the backend makes every fd ready when the list comes back full. Before, the
    waiters of the dropped events slept forever: test_tcp.py's 1000 concurrent echo
    connections hung under libkqueue (issue 12, defect 6)."""
    fake = kb.fake
    pds = [open_pd(kb, 100 + i) for i in range(70)]
    try:
        gs = []
        for pd in pds:
            g = Parked()
            pd.rg.Store(g)
            gs.append(g)
            fake.pending.append((pd.fd, kb.abi.EVFILT_READ, 0, 0, cookie(pd)))
        woken: list[proc.G] = []
        for _ in range(2):
            got, delta = kb.netpoll(0)
            assert delta == -len(got)
            woken += got
        assert sorted(map(id, woken)) == sorted(map(id, gs))
    finally:
        for pd in pds:
            free_pd(pd)


@pytest.fixture
def sockpair() -> Iterator[tuple[Any, Any]]:
    a, b = socket.socketpair()
    a.setblocking(False)
    with a, b:
        yield a, b


def test_kqueue_socket_error_in_fflags(kb: Any, sockpair: tuple[Any, Any]) -> None:
    """An event whose fflags carry a socket error. On a BSD the socket keeps the
    error until a call takes it; libkqueue has taken it from the kernel already
    (its getsockopt(SO_ERROR) on EPOLLERR), so under libkqueue the backend keeps it
    and hands it to the first getsockopt(SO_ERROR), read or write on that fd, once
    (libkqueue.py). Before, a refused Dial waited forever for another edge and a
    reset connection read EOF instead of ECONNRESET (issue 12, defect 6)."""
    abi, fake = kb.abi, kb.fake
    a, b = sockpair
    fd = a.fileno()
    pd = open_pd(kb, fd)
    held = abi.name == "libkqueue"

    def fail(err: int) -> None:
        g = Parked()
        pd.rg.Store(g)
        fake.pending.append((fd, abi.EVFILT_READ, abi.EV_ADD | abi.EV_CLEAR | abi.EV_EOF,
                             err, cookie(pd)))
        assert kb.netpoll(0) == ([g], -1)

    try:
        fail(errno.ECONNREFUSED)
        got = sc.GetsockoptInt(fd, SOL_SOCKET, SO_ERROR)
        assert got == (0, errno.ECONNREFUSED if held else 0)
        assert sc.GetsockoptInt(fd, SOL_SOCKET, SO_ERROR) == (0, 0)  # taken once

        b.send(b"x")
        fail(errno.ECONNRESET)
        buf = bytearray(4)
        assert sc.Read(fd, buf) == 1  # the queued data first
        assert sc.Read(fd, buf) == (-errno.ECONNRESET if held else -errno.EAGAIN)
        assert sc.Read(fd, buf) == -errno.EAGAIN

        fail(errno.EPIPE)
        assert sc.Write(fd, b"y") == (-errno.EPIPE if held else 1)
        assert sc.Write(fd, b"y") == 1

        fail(errno.EIO)  # libkqueue's fflags for a file that is not a socket: no error
        assert sc.GetsockoptInt(fd, SOL_SOCKET, SO_ERROR) == (0, 0)

        fail(errno.ECONNRESET)
        pd.fdseq.Add(1)  # closed since (pollcache.free): the error went with the fd
        assert sc.GetsockoptInt(fd, SOL_SOCKET, SO_ERROR) == (0, 0)
        pd.fdseq.Add(-1)

        fail(errno.ECONNRESET)
        assert kb.netpollclose(fd) == 0  # as pollDesc.close does, before close(2)
        assert sc.GetsockoptInt(fd, SOL_SOCKET, SO_ERROR) == (0, 0)
    finally:
        free_pd(pd)
