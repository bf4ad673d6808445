"""Every syscall error path of the stack, driven through the socktest Switch (Go:
src/net/internal/socktest and the net tests that use it: net_test.go
TestAcceptIgnoreAbortedConnRequest, error_test.go TestDialError, TestListenError).

Each test asserts Go's error text exactly, the error's shape (the parseXxxError
validators), and that nothing leaked: the autouse fixture checks the process's fds,
and ``sw.Sockets()`` lists no socket opened in the block and left open.
"""

from __future__ import annotations

import os
import resource
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings, strategies
from nettest import (
    close_all,
    goresult,
    pair,
    parseAcceptError,
    parseDialError,
    parseReadError,
    parseWriteError,
    read_full,
)

import rawnet
from rawnet.linux import epoll, netpoll_epoll
from rawnet.net.internal import socktest
from rawnet.net.internal.socktest import (
    Fail,
    FilterAccept,
    FilterClose,
    FilterConnect,
    FilterEpollCtl,
    FilterListen,
    FilterSocket,
    Short,
    SocketError,
    Status,
)
from rawnet.runtime import netpoll
from rawnet.sys import gate
from rawnet.sys import syscall_linux as sc
from rawnet.sys import zerrors_linux as c
from rawnet.sys.errno import (
    EAGAIN,
    EALREADY,
    ECONNABORTED,
    ECONNREFUSED,
    ECONNRESET,
    EINPROGRESS,
    EINTR,
    EMFILE,
    ENFILE,
    ENOBUFS,
    EPIPE,
)

pytestmark = pytest.mark.timeout(60)

EIO = 5
ENOSPC = 28
ENOMEM = 12
ENETUNREACH = 101
ETIMEDOUT = 110
EADDRINUSE = 98
ENOPROTOOPT = 92


# --- helpers ---------------------------------------------------------------------


def listen() -> rawnet.TCPListener:
    return rawnet.Listen("tcp", "127.0.0.1:0")


def sysfd(x: Any) -> int:
    fd: int = x.fd.pfd.Sysfd
    return fd


def is_add(st: Status) -> bool:
    return bool(st.Args[1] == c.EPOLL_CTL_ADD)


def is_so_error(st: Status) -> bool:
    return bool(st.Args[2] == c.SO_ERROR)


def tcp4(sw: socktest.Switch) -> socktest.Stat:
    """The one Stat the switch kept, for AF_INET stream sockets."""
    stats = [s for s in sw.Stats() if (s.Family, s.Type) == (c.AF_INET, c.SOCK_STREAM)]
    assert len(stats) == 1, sw.Stats()
    return stats[0]


@pytest.fixture
def epoll_backend() -> None:
    """Skip unless the poller is epoll (the suite also runs with RAWNET_POLLER=poll)."""
    if netpoll.backend is not netpoll_epoll:
        pytest.skip("epoll backend only")


# The call a backend sleeps in.
POLLER_CALLS = {"rawnet.linux.netpoll_epoll": "epoll_pwait",
                "rawnet.runtime.netpoll_poll": "poll"}


@pytest.fixture
def sw() -> Iterator[socktest.Switch]:
    with socktest.Switch() as s:
        yield s
    assert s not in gate._hooks
    assert s.Sockets() == {}, "sockets opened in the test and left open"


# --- the Switch itself -------------------------------------------------------------


def test_stats_count_a_session(sw: socktest.Switch) -> None:
    ln, cl, sv = pair()
    assert set(sw.Sockets()) == {sysfd(ln), sysfd(cl), sysfd(sv)}
    assert sw.Sockets()[sysfd(sv)].Cookie == socktest.cookie(c.AF_INET, c.SOCK_STREAM, 6)
    close_all(cl, sv, ln)
    st = tcp4(sw)
    assert (st.Opened, st.Listened, st.Accepted, st.Connected, st.Closed) == (2, 1, 1, 1, 3)
    assert (st.OpenFailed, st.ListenFailed, st.AcceptFailed, st.ConnectFailed,
            st.CloseFailed) == (0, 0, 0, 0, 0)
    assert str(st) == ("(inet4, stream, tcp): opened=2, connected=1, listened=1, "
                       "accepted=1, closed=3, openfailed=0, connectfailed=0, listenfailed=0, "
                       "acceptfailed=0, closefailed=0")
    calls = sw.Calls()
    assert calls["socket"].Calls == 2 and calls["listen"].Calls == 1
    assert sw.Injected() == 0


def test_cookie_fields() -> None:
    ck = socktest.cookie(c.AF_INET6, c.SOCK_STREAM, c.IPPROTO_TCP)
    assert (ck.Family(), ck.Type(), ck.Protocol()) == (c.AF_INET6, c.SOCK_STREAM, 6)
    assert repr(ck) == "Cookie(inet6, stream, tcp)"
    assert str(Status(ck)) == "(inet6, stream, tcp): syscallerr=None, socketerr=None"


def test_switch_is_scoped() -> None:
    ln, cl, sv = pair()
    try:
        with socktest.inject("read", errno=ECONNRESET, fd=sysfd(sv), times=None) as rule:
            with pytest.raises(ConnectionResetError):
                sv.Read(bytearray(1))
            assert rule.switch is not None and rule.switch in gate._hooks
        assert rule.switch not in gate._hooks
        cl.Write(b"ok")
        assert read_full(sv, 2) == b"ok"  # the rule is gone with its block
        assert rule.injected == 1
    finally:
        close_all(cl, sv, ln)


def test_nth_and_times(sw: socktest.Switch) -> None:
    ln, cl, sv = pair()
    try:
        rule = sw.inject("read", errno=ECONNRESET, fd=sysfd(sv), nth=3, times=2)
        for i in range(5):
            cl.Write(b"x")
            if i == 2:  # the 3rd and 4th reads fail, before reading anything
                for _ in range(2):
                    with pytest.raises(ConnectionResetError):
                        sv.Read(bytearray(1))
            assert read_full(sv, 1) == b"x"
        assert (rule.seen, rule.injected, rule.exhausted) == (4, 2, True)
        assert sw.Calls()["read"].Injected == 2
    finally:
        close_all(cl, sv, ln)


def test_faults_touch_sockets_only_unless_an_fd_is_named(sw: socktest.Switch) -> None:
    # A rule with no fd must never hit the poller's eventfd (netpollBreak writes to
    # it, netpoll reads it): it only touches sockets. Naming the fd reaches anything.
    efd = epoll.Eventfd(0, c.EFD_CLOEXEC | c.EFD_NONBLOCK)
    try:
        sw.inject("write", errno=EIO, times=None)
        one = (1).to_bytes(8, "little")
        assert sc.Write(efd, one) == 8
        named = sw.inject("read", errno=EIO, fd=efd)
        buf = bytearray(8)
        assert sc.Read(efd, buf) == -EIO
        assert sc.Read(efd, buf) == 8
        assert named.injected == 1
    finally:
        sc.Close(efd)


def test_family_and_type_predicates(sw: socktest.Switch) -> None:
    sw.inject("socket", errno=EMFILE, family=c.AF_INET6)
    sw.inject("socket", errno=EMFILE, sotype=c.SOCK_DGRAM)
    ln4 = rawnet.Listen("tcp4", "127.0.0.1:0")  # AF_INET stream: untouched
    with pytest.raises(rawnet.OpError) as ei:
        rawnet.Listen("tcp6", "[::1]:0")
    assert str(ei.value) == "listen tcp6 [::1]:0: socket: too many open files"
    ln4.Close()
    six = [s for s in sw.Stats() if s.Family == c.AF_INET6]
    assert six[0].OpenFailed == 1 and six[0].Opened == 0


def test_inject_rejects_nonsense() -> None:
    sw = socktest.Switch()
    with pytest.raises(ValueError):
        sw.inject("read")
    with pytest.raises(ValueError):
        sw.inject("read", errno=EIO, short=3)
    with pytest.raises(ValueError):
        sw.inject("close", short=3)
    with pytest.raises(ValueError):
        sw.inject("read", so_error=ECONNREFUSED)
    with pytest.raises(ValueError):
        sw.inject("read", errno=EIO, nth=0)


# --- EINTR: every call Go retries ----------------------------------------------------


@pytest.mark.parametrize("call", ["read", "write", "accept4"])
def test_EINTR_retried(sw: socktest.Switch, call: str) -> None:
    ln = listen()
    cl = rawnet.Dial("tcp", str(ln.Addr()))
    rule = sw.inject(call, errno=EINTR, times=5)
    sv = ln.Accept()
    cl.Write(b"ping")
    assert read_full(sv, 4) == b"ping"
    assert rule.injected == 5
    close_all(cl, sv, ln)


def test_EINTR_on_connect_is_in_progress(sw: socktest.Switch) -> None:
    # A connect interrupted by a signal goes on in the kernel: Go treats EINTR like
    # EINPROGRESS and waits for writability.
    ln = listen()
    rule = sw.inject("connect", errno=EINTR, after=True)
    cl = rawnet.Dial("tcp", str(ln.Addr()))
    sv = ln.Accept()
    assert rule.injected == 1
    assert str(cl.RemoteAddr()) == str(ln.Addr())
    close_all(cl, sv, ln)
    assert tcp4(sw).Connected == 1


@pytest.mark.parametrize("soerr", [EINTR, EINPROGRESS, EALREADY])
def test_SO_ERROR_not_yet_waits_again(sw: socktest.Switch, soerr: int) -> None:
    # SO_ERROR says "not yet" (Go: EINPROGRESS, EALREADY, EINTR): connect waits for
    # writability again. The next edge comes from the server's first byte (epoll
    # reports EPOLLIN|EPOLLOUT for it).
    ln = listen()

    rule = sw.inject("getsockopt", so_error=soerr)

    def server() -> rawnet.TCPConn:
        conn = ln.Accept()
        while rule.injected == 0:  # until the dialer has seen "not yet" and parked
            rawnet.Gosched()
        conn.Write(b"x")
        return conn

    srv = goresult(server)
    cl = rawnet.Dial("tcp", str(ln.Addr()))
    sv = srv.wait()
    assert sv is not None
    assert rule.injected == 1
    assert read_full(cl, 1) == b"x"
    close_all(cl, sv, ln)


def test_EINTR_in_the_poller_retried(sw: socktest.Switch) -> None:
    call = POLLER_CALLS.get(netpoll.backend.__name__)
    if call is None:
        pytest.skip(f"no poller call known for {netpoll.backend.__name__}")
    ln, cl, sv = pair()
    try:
        rule = sw.inject(call, errno=EINTR, times=3)
        writer = goresult(cl.Write, b"late")
        assert read_full(sv, 4) == b"late"  # parks: the poller is interrupted 3 times
        writer.wait()
        assert rule.injected == 3
    finally:
        close_all(cl, sv, ln)


def test_EINTR_in_netpollBreak_retried(epoll_backend: None, sw: socktest.Switch) -> None:
    efd = netpoll_epoll.netpollEventFd
    rule = sw.inject("write", errno=EINTR, fd=efd, times=2)
    netpoll_epoll.netpollWakeSig.Store(0)
    netpoll_epoll.netpollBreak()
    assert rule.injected == 2
    assert sw.Calls()["write"].Calls == 3  # two EINTRs, then the wake-up was written
    rawnet.Gosched()  # the next poll picks the wake-up up


# --- EAGAIN ------------------------------------------------------------------------


def every_other() -> Any:
    """A rule predicate true on the 1st, 3rd, 5th… call it sees."""
    n = [0]

    def when(st: Status) -> bool:
        n[0] += 1
        return n[0] % 2 == 1

    return when


def test_EAGAIN_once(sw: socktest.Switch) -> None:
    ln, cl, sv = pair()
    try:
        cl.Write(b"data")
        rule = sw.inject("read", errno=EAGAIN, fd=sysfd(sv))
        # The read "fails" with EAGAIN although data is queued: Read parks, and the
        # edge epoll raised when the data arrived wakes it.
        assert read_full(sv, 4) == b"data"
        assert rule.injected == 1
    finally:
        close_all(cl, sv, ln)


def test_EAGAIN_storm_on_read(sw: socktest.Switch) -> None:
    ln, cl, sv = pair()
    try:
        rule = sw.inject("read", errno=EAGAIN, fd=sysfd(sv), times=None, when=every_other())
        for i in range(200):
            msg = b"%d" % i
            cl.Write(msg)
            assert read_full(sv, len(msg)) == msg
        assert rule.injected == 200
    finally:
        close_all(cl, sv, ln)


def test_EAGAIN_storm_on_write(sw: socktest.Switch) -> None:
    # Each Write's first write(2) is refused with EAGAIN; the wake-up comes from the
    # peer's byte that arrived just before (epoll reports EPOLLIN|EPOLLOUT).
    ln, cl, sv = pair()
    try:
        rule = sw.inject("write", errno=EAGAIN, fd=sysfd(sv), times=None, when=every_other())
        for _ in range(100):
            cl.Write(b"p")
            assert sv.Write(b"x") == 1
        assert read_full(cl, 100) == b"x" * 100
        assert read_full(sv, 100) == b"p" * 100
        assert rule.injected == 100
    finally:
        close_all(cl, sv, ln)


def test_EAGAIN_storm_on_accept(sw: socktest.Switch) -> None:
    # Every Accept's first accept4 gets EAGAIN and parks; the next connection's edge
    # wakes it. (Accept's prepareRead forgets readiness collected before it, as Go's
    # pollReset does: a spurious EAGAIN is waited out only until the next edge.)
    ln = listen()
    rule = sw.inject("accept4", errno=EAGAIN, times=None, when=every_other())
    n = 30

    def acceptor() -> None:
        for _ in range(n):
            ln.Accept().Close()

    acc = goresult(acceptor)
    clients = []
    for i in range(n):
        while rule.injected <= i:  # the acceptor is parked after its spurious EAGAIN
            rawnet.Gosched()
        clients.append(rawnet.Dial("tcp", str(ln.Addr())))
    acc.wait()
    close_all(*clients, ln)
    assert rule.injected == n
    assert tcp4(sw).Accepted == n and tcp4(sw).AcceptFailed == 0  # EAGAIN is no failure


def test_real_EAGAIN_storm_big_write(sw: socktest.Switch) -> None:
    # 8 MiB through loopback: the kernel's own EAGAINs, many of them.
    ln, cl, sv = pair()
    try:
        data = bytes(range(256)) * (8 << 12)
        reader = goresult(read_full, sv, len(data))
        assert cl.Write(data) == len(data)
        assert reader.wait() == data
        assert sw.Calls()["write"].Failed > 0  # the EAGAINs Write waited out
        assert sw.Injected() == 0
    finally:
        close_all(cl, sv, ln)


# --- accept --------------------------------------------------------------------------


def test_TestAcceptIgnoreAbortedConnRequest(sw: socktest.Switch) -> None:
    # Go's version feeds errors to the filter through a channel; so does this one.
    errs = [ECONNABORTED, ECONNABORTED, ECONNABORTED]
    sw.Set(FilterAccept, lambda st: Fail(errs.pop()) if errs else None)
    ln = listen()
    cl = rawnet.Dial("tcp", str(ln.Addr()))
    sv = ln.Accept()
    assert errs == []
    sw.Set(FilterAccept, None)
    close_all(cl, sv, ln)
    st = tcp4(sw)
    assert (st.Accepted, st.AcceptFailed) == (1, 3)
    assert sw.Calls()["accept4"].Injected == 3


@pytest.mark.parametrize("errno,text", [(EMFILE, "too many open files"),
                                        (ENFILE, "too many open files in system")])
def test_accept_fd_exhaustion_surfaces_and_listener_survives(
    sw: socktest.Switch, errno: int, text: str
) -> None:
    ln = listen()
    cl = rawnet.Dial("tcp", str(ln.Addr()))
    rule = sw.inject("accept4", errno=errno)
    with pytest.raises(rawnet.OpError) as ei:
        ln.Accept()
    err = ei.value
    assert str(err) == f"accept tcp {ln.Addr()}: accept4: {text}"
    assert parseAcceptError(err) is None
    assert isinstance(err.Err, rawnet.SyscallError) and err.Err.Syscall == "accept4"
    assert err.Temporary() and not err.Timeout()  # Go: EMFILE/ENFILE are Temporary
    assert rule.injected == 1
    sv = ln.Accept()  # the listener survives; the queued connection is still there
    assert str(sv.RemoteAddr()) == str(cl.LocalAddr())
    close_all(cl, sv, ln)
    assert tcp4(sw).AcceptFailed == 1


def _lowest_free_fd() -> int:
    fd = os.open("/dev/null", os.O_RDONLY)  # the kernel hands out the lowest free one
    os.close(fd)
    return fd


def test_accept_real_EMFILE() -> None:
    # The real thing: a file-descriptor limit the next accept4 cannot fit under.
    ln = listen()
    cl = rawnet.Dial("tcp", str(ln.Addr()))
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (_lowest_free_fd(), hard))
        with pytest.raises(rawnet.OpError) as ei:
            ln.Accept()
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    assert str(ei.value) == f"accept tcp {ln.Addr()}: accept4: too many open files"
    sv = ln.Accept()
    close_all(cl, sv, ln)


# --- reset and broken pipe -------------------------------------------------------------


def test_read_ECONNRESET(sw: socktest.Switch) -> None:
    ln, cl, sv = pair()
    try:
        sw.inject("read", errno=ECONNRESET, fd=sysfd(sv))
        with pytest.raises(ConnectionResetError) as ei:
            sv.Read(bytearray(8))
        err = ei.value
        assert str(err) == f"read tcp {sv.LocalAddr()}->{sv.RemoteAddr()}: " \
                           "read: connection reset by peer"
        assert parseReadError(err) is None
        assert isinstance(err, rawnet.OpError) and not err.Temporary() and not err.Timeout()
    finally:
        close_all(cl, sv, ln)


@pytest.mark.parametrize("errno,text,cls", [
    (EPIPE, "broken pipe", BrokenPipeError),
    (ECONNRESET, "connection reset by peer", ConnectionResetError),
])
def test_write_error(sw: socktest.Switch, errno: int, text: str, cls: type) -> None:
    ln, cl, sv = pair()
    try:
        sw.inject("write", errno=errno, fd=sysfd(cl))
        with pytest.raises(cls) as ei:
            cl.Write(b"hello")
        err = ei.value
        assert str(err) == f"write tcp {cl.LocalAddr()}->{cl.RemoteAddr()}: write: {text}"
        assert parseWriteError(err) is None
        assert err.n == 0  # type: ignore[attr-defined]
    finally:
        close_all(cl, sv, ln)


def test_write_error_after_short_write_reports_count(sw: socktest.Switch) -> None:
    ln, cl, sv = pair()
    try:
        sw.inject("write", short=10, fd=sysfd(cl))
        sw.inject("write", errno=EPIPE, fd=sysfd(cl))
        with pytest.raises(BrokenPipeError) as ei:
            cl.Write(b"x" * 100)
        assert str(ei.value) == f"write tcp {cl.LocalAddr()}->{cl.RemoteAddr()}: " \
                                "write: broken pipe"
        assert ei.value.n == 10  # type: ignore[attr-defined]
        assert read_full(sv, 10) == b"x" * 10
    finally:
        close_all(cl, sv, ln)


def test_real_reset_then_broken_pipe() -> None:
    # The peer aborts (SO_LINGER 0 + close sends RST): the next read reports the
    # reset, a write after it EPIPE (Go: TestNotTemporaryRead).
    ln, cl, sv = pair()
    try:
        sv.SetLinger(0)
        sv.Close()
        with pytest.raises(ConnectionResetError) as ei:
            cl.Read(bytearray(8))
        assert str(ei.value) == f"read tcp {cl.LocalAddr()}->{cl.RemoteAddr()}: " \
                                "read: connection reset by peer"
        with pytest.raises(BrokenPipeError) as ei2:
            cl.Write(b"x")
        assert str(ei2.value) == f"write tcp {cl.LocalAddr()}->{cl.RemoteAddr()}: " \
                                 "write: broken pipe"
    finally:
        close_all(cl, ln)


# --- short reads and writes --------------------------------------------------------------


def test_short_writes_still_write_everything(sw: socktest.Switch) -> None:
    ln, cl, sv = pair()
    try:
        data = os.urandom(256 * 1024)
        rule = sw.inject("write", short=1000, fd=sysfd(cl), times=None)
        reader = goresult(read_full, sv, len(data))
        assert cl.Write(data) == len(data)
        assert reader.wait() == data
        assert rule.injected >= (len(data) + 999) // 1000
    finally:
        close_all(cl, sv, ln)


@settings(max_examples=25, deadline=None)
@given(cuts=strategies.lists(strategies.integers(1, 70000), min_size=1, max_size=20),
       size=strategies.integers(1, 200000))
def test_any_short_write_sequence_delivers_everything(cuts: list[int], size: int) -> None:
    ln, cl, sv = pair()
    try:
        data = os.urandom(size)
        with socktest.Switch() as sw:
            for n in cuts:
                sw.inject("write", short=n, fd=sysfd(cl))
            reader = goresult(read_full, sv, size)
            assert cl.Write(data) == size
            assert reader.wait() == data
    finally:
        close_all(cl, sv, ln)


def test_zero_write_is_unexpected_EOF(sw: socktest.Switch) -> None:
    # Go: a write(2) that returns 0 without an error ends Write with
    # io.ErrUnexpectedEOF (not wrapped in a SyscallError).
    ln, cl, sv = pair()
    try:
        sw.inject("write", short=0, fd=sysfd(cl))
        with pytest.raises(rawnet.OpError) as ei:
            cl.Write(b"abc")
        err = ei.value
        assert str(err) == f"write tcp {cl.LocalAddr()}->{cl.RemoteAddr()}: unexpected EOF"
        assert isinstance(err.Err, rawnet.ErrUnexpectedEOF)
        assert parseWriteError(err) is None
    finally:
        close_all(cl, sv, ln)


def test_short_read(sw: socktest.Switch) -> None:
    ln, cl, sv = pair()
    try:
        cl.Write(b"abcdefgh")
        sw.inject("read", short=3, fd=sysfd(sv))
        buf = bytearray(8)
        assert sv.Read(buf) == 3 and buf[:3] == b"abc"
        assert read_full(sv, 5) == b"defgh"
    finally:
        close_all(cl, sv, ln)


def test_zero_read_is_EOF(sw: socktest.Switch) -> None:
    ln, cl, sv = pair()
    try:
        cl.Write(b"a")
        sw.inject("read", short=0, fd=sysfd(sv))
        with pytest.raises(rawnet.EOF) as ei:
            sv.Read(bytearray(8))
        assert type(ei.value) is rawnet.EOF  # bare, as Go returns io.EOF
        assert parseReadError(ei.value) is None
    finally:
        close_all(cl, sv, ln)


# --- connect -------------------------------------------------------------------------


@pytest.mark.parametrize("errno,text", [
    (ECONNREFUSED, "connection refused"),
    (ETIMEDOUT, "connection timed out"),
    (ENETUNREACH, "network is unreachable"),
])
def test_connect_fails_via_SO_ERROR(sw: socktest.Switch, errno: int, text: str) -> None:
    ln = listen()
    try:
        rule = sw.inject("getsockopt", so_error=errno)
        with pytest.raises(rawnet.OpError) as ei:
            rawnet.Dial("tcp", str(ln.Addr()))
        err = ei.value
        assert str(err) == f"dial tcp {ln.Addr()}: connect: {text}"
        assert parseDialError(err) is None
        assert isinstance(err.Err, rawnet.SyscallError) and err.Err.Syscall == "connect"
        assert err.Timeout() == (errno == ETIMEDOUT)
        if errno == ECONNREFUSED:
            assert isinstance(err, ConnectionRefusedError)
        assert rule.injected == 1
        st = tcp4(sw)
        assert (st.Opened, st.Connected, st.ConnectFailed, st.Closed) == (2, 0, 1, 1)
    finally:
        ln.Close()


def test_connect_fails_at_once(sw: socktest.Switch) -> None:
    ln = listen()
    try:
        sw.Set(FilterConnect, lambda st: Fail(ECONNREFUSED))
        with pytest.raises(ConnectionRefusedError) as ei:
            rawnet.Dial("tcp", str(ln.Addr()))
        assert str(ei.value) == f"dial tcp {ln.Addr()}: connect: connection refused"
        assert parseDialError(ei.value) is None
        assert tcp4(sw).ConnectFailed == 1
    finally:
        ln.Close()


def test_real_connection_refused(sw: socktest.Switch) -> None:
    ln = listen()
    addr = str(ln.Addr())
    ln.Close()
    with pytest.raises(ConnectionRefusedError) as ei:
        rawnet.Dial("tcp", addr)
    assert str(ei.value) == f"dial tcp {addr}: connect: connection refused"
    st = tcp4(sw)
    assert st.ConnectFailed == 1 and st.Closed == 2


def test_getsockopt_SO_ERROR_fails(sw: socktest.Switch) -> None:
    ln = listen()
    try:
        sw.inject("getsockopt", errno=ENOBUFS, when=is_so_error)
        with pytest.raises(rawnet.OpError) as ei:
            rawnet.Dial("tcp", str(ln.Addr()))
        assert str(ei.value) == f"dial tcp {ln.Addr()}: getsockopt: no buffer space available"
        assert parseDialError(ei.value) is None
    finally:
        ln.Close()


# --- socket, bind, listen, setsockopt ---------------------------------------------------


def test_socket_fails(sw: socktest.Switch) -> None:
    ln = listen()
    try:
        sw.Set(FilterSocket, lambda st: Fail(EMFILE))
        with pytest.raises(rawnet.OpError) as ei:
            rawnet.Dial("tcp", str(ln.Addr()))
        assert str(ei.value) == f"dial tcp {ln.Addr()}: socket: too many open files"
        assert parseDialError(ei.value) is None
        with pytest.raises(rawnet.OpError) as ei:
            rawnet.Listen("tcp", "127.0.0.1:0")
        assert str(ei.value) == "listen tcp 127.0.0.1:0: socket: too many open files"
        assert tcp4(sw).OpenFailed == 2
    finally:
        sw.Set(FilterSocket, None)
        ln.Close()


def test_TestListenError_listen_fails(sw: socktest.Switch) -> None:
    sw.Set(FilterListen, lambda st: Fail(EADDRINUSE))
    with pytest.raises(rawnet.OpError) as ei:
        rawnet.Listen("tcp", "127.0.0.1:0")
    assert str(ei.value) == "listen tcp 127.0.0.1:0: listen: address already in use"
    assert parseDialError(ei.value) is None
    st = tcp4(sw)
    assert (st.Opened, st.ListenFailed, st.Closed) == (1, 1, 1)


def test_listener_setsockopt_fails(sw: socktest.Switch) -> None:
    sw.inject("setsockopt", errno=ENOPROTOOPT)  # SO_REUSEADDR, the listener's first
    with pytest.raises(rawnet.OpError) as ei:
        rawnet.Listen("tcp", "127.0.0.1:0")
    assert str(ei.value) == "listen tcp 127.0.0.1:0: setsockopt: protocol not available"
    assert parseDialError(ei.value) is None


def test_conn_setsockopt_errors_are_ignored_on_dial_but_not_on_set(
    sw: socktest.Switch,
) -> None:
    # Go's newTCPConn ignores the errors of its TCP_NODELAY and keep-alive options;
    # SetNoDelay reports them.
    ln = listen()
    rule = sw.inject("setsockopt", errno=ENOPROTOOPT, family=c.AF_INET, times=None)
    cl = rawnet.Dial("tcp", str(ln.Addr()))
    sv = ln.Accept()
    try:
        assert rule.injected >= 4  # TCP_NODELAY, SO_KEEPALIVE, keep-alive timers, both ends
        with pytest.raises(rawnet.OpError) as ei:
            cl.SetNoDelay(True)
        assert str(ei.value) == (f"set tcp {cl.LocalAddr()}->{cl.RemoteAddr()}: "
                                 "setsockopt: protocol not available")
    finally:
        close_all(cl, sv, ln)


# --- epoll_ctl in netpollopen ----------------------------------------------------------


@pytest.mark.parametrize("errno,text", [(ENOSPC, "no space left on device"),
                                        (ENOMEM, "cannot allocate memory")])
def test_netpollopen_fails_on_dial(
    epoll_backend: None, sw: socktest.Switch, errno: int, text: str
) -> None:
    # Go: pd.init's error comes back from netFD.connect bare (not a SyscallError);
    # socket() closes the fd; Dial wraps it in an OpError.
    ln = listen()
    try:
        rule = sw.inject("epoll_ctl", errno=errno, when=is_add)
        with pytest.raises(rawnet.OpError) as ei:
            rawnet.Dial("tcp", str(ln.Addr()))
        err = ei.value
        assert str(err) == f"dial tcp {ln.Addr()}: {text}"
        assert isinstance(err.Err, rawnet.Errno) and parseDialError(err) is None
        assert rule.injected == 1
        st = tcp4(sw)
        assert (st.Opened, st.Closed) == (2, 1)  # the listener and the dialer's socket
        # The poller is fine afterwards.
        cl = rawnet.Dial("tcp", str(ln.Addr()))
        ln.Accept().Close()
        cl.Close()
    finally:
        ln.Close()


def test_netpollopen_fails_on_listen(epoll_backend: None, sw: socktest.Switch) -> None:
    sw.Set(FilterEpollCtl, lambda st: Fail(ENOSPC) if is_add(st) else None)
    with pytest.raises(rawnet.OpError) as ei:
        rawnet.Listen("tcp", "127.0.0.1:0")
    assert str(ei.value) == "listen tcp 127.0.0.1:0: no space left on device"
    assert parseDialError(ei.value) is None
    sw.Set(FilterEpollCtl, None)
    st = tcp4(sw)
    assert (st.Opened, st.Listened, st.Closed) == (1, 1, 1)


def test_netpollopen_fails_on_accept(epoll_backend: None, sw: socktest.Switch) -> None:
    ln = listen()
    cl = rawnet.Dial("tcp", str(ln.Addr()))
    try:
        sw.inject("epoll_ctl", errno=ENOSPC, when=is_add)
        with pytest.raises(rawnet.OpError) as ei:
            ln.Accept()
        assert str(ei.value) == f"accept tcp {ln.Addr()}: no space left on device"
        assert parseAcceptError(ei.value) is None
        st = tcp4(sw)
        assert (st.Accepted, st.Closed) == (1, 1)  # accepted, then closed again
        # The listener survives.
        cl2 = rawnet.Dial("tcp", str(ln.Addr()))
        sv2 = ln.Accept()
        close_all(cl2, sv2)
    finally:
        close_all(cl, ln)


# --- close -----------------------------------------------------------------------------


@pytest.mark.parametrize("errno,text", [(EIO, "input/output error"),
                                        (EINTR, "interrupted system call")])
def test_conn_close_fails(sw: socktest.Switch, errno: int, text: str) -> None:
    # Go: FD.Close returns destroy's close(2) error bare; conn.Close wraps it in an
    # OpError. Linux releases the fd even then, so the fault is made after the call.
    ln, cl, sv = pair()
    try:
        sw.inject("close", errno=errno, after=True, fd=sysfd(cl))
        with pytest.raises(rawnet.OpError) as ei:
            cl.Close()
        err = ei.value
        assert str(err) == f"close tcp {cl.LocalAddr()}->{cl.RemoteAddr()}: {text}"
        assert isinstance(err.Err, rawnet.Errno)
        with pytest.raises(rawnet.ErrClosed) as ei2:
            cl.Close()
        assert str(ei2.value) == (f"close tcp {cl.LocalAddr()}->{cl.RemoteAddr()}: "
                                  "use of closed network connection")
        with pytest.raises(rawnet.EOF):
            sv.Read(bytearray(1))  # the socket really is closed
        assert tcp4(sw).CloseFailed == 1
    finally:
        close_all(sv, ln)


def test_listener_close_fails(sw: socktest.Switch) -> None:
    ln = listen()
    sw.Set(FilterClose, lambda st: Fail(EIO, after=True))
    with pytest.raises(rawnet.OpError) as ei:
        ln.Close()
    assert str(ei.value) == f"close tcp {ln.Addr()}: input/output error"
    sw.Set(FilterClose, None)
    with pytest.raises(rawnet.OpError) as ei2:
        ln.Accept()
    assert str(ei2.value) == f"accept tcp {ln.Addr()}: use of closed network connection"


def test_actions_are_plain_values() -> None:
    assert Fail(EIO) == Fail(EIO, after=False)
    assert Short(3) != Short(4)
    assert SocketError(ECONNREFUSED).errno == ECONNREFUSED


# --- more paths: shutdown, bind, spurious EADDRNOTAVAIL, getsockname, netpollclose ----

ENOTCONN = 107
EACCES = 13
EADDRNOTAVAIL = 99


def test_shutdown_fails(sw: socktest.Switch) -> None:
    ln, cl, sv = pair()
    try:
        sw.inject("shutdown", errno=ENOTCONN, fd=sysfd(cl))
        with pytest.raises(rawnet.OpError) as ei:
            cl.CloseWrite()
        assert str(ei.value) == (f"close tcp {cl.LocalAddr()}->{cl.RemoteAddr()}: "
                                 "shutdown: transport endpoint is not connected")
    finally:
        close_all(cl, sv, ln)


def test_bind_fails_on_dial(sw: socktest.Switch) -> None:
    ln = listen()
    try:
        sw.inject("bind", errno=EADDRINUSE)
        d = rawnet.Dialer(LocalAddr=rawnet.ResolveTCPAddr("tcp", "127.0.0.1:0"))
        with pytest.raises(rawnet.OpError) as ei:
            d.Dial("tcp", str(ln.Addr()))
        assert str(ei.value) == (f"dial tcp 127.0.0.1:0->{ln.Addr()}: "
                                 "bind: address already in use")
        assert parseDialError(ei.value) is None
    finally:
        ln.Close()


def test_bind_fails_on_listen(sw: socktest.Switch) -> None:
    sw.inject("bind", errno=EACCES)
    with pytest.raises(PermissionError) as ei:
        rawnet.Listen("tcp", "127.0.0.1:0")
    assert str(ei.value) == "listen tcp 127.0.0.1:0: bind: permission denied"


@pytest.mark.parametrize("times,ok", [(2, True), (3, False)])
def test_spurious_EADDRNOTAVAIL_is_redialed(sw: socktest.Switch, times: int, ok: bool) -> None:
    # Go's dialTCP tries twice more after a spurious EADDRNOTAVAIL (Go issue 18806).
    ln = listen()
    try:
        sw.inject("connect", errno=EADDRNOTAVAIL, times=times)
        if ok:
            cl = rawnet.Dial("tcp", str(ln.Addr()))
            ln.Accept().Close()
            cl.Close()
        else:
            with pytest.raises(rawnet.OpError) as ei:
                rawnet.Dial("tcp", str(ln.Addr()))
            assert str(ei.value) == (f"dial tcp {ln.Addr()}: "
                                     "connect: cannot assign requested address")
        st = tcp4(sw)
        assert st.Opened == 1 + 3 and st.ConnectFailed == times
    finally:
        ln.Close()


def test_getsockname_fails_on_dial_is_a_self_connect(sw: socktest.Switch) -> None:
    # Without a local address the dialed socket looks like a self-connect to Go's
    # dialTCP, which closes it and dials again.
    ln = listen()
    try:
        rule = sw.inject("getsockname", errno=ENOBUFS, family=c.AF_INET)
        cl = rawnet.Dial("tcp", str(ln.Addr()))
        assert rule.injected == 1 and cl.LocalAddr() is not None
        sv1 = ln.Accept()  # the connection of the first, abandoned socket
        sv2 = ln.Accept()
        close_all(cl, sv1, sv2)
        st = tcp4(sw)
        assert (st.Opened, st.Connected) == (1 + 2, 2)
    finally:
        ln.Close()


def test_getsockname_fails_on_accept(sw: socktest.Switch) -> None:
    # Go ignores that error: the accepted conn has no local address.
    ln = listen()
    cl = rawnet.Dial("tcp", str(ln.Addr()))
    sw.inject("getsockname", errno=ENOBUFS)
    sv = ln.Accept()
    try:
        assert sv.LocalAddr() is None
        assert str(sv.RemoteAddr()) == str(cl.LocalAddr())
    finally:
        close_all(cl, sv, ln)


def test_accept_ECONNRESET_is_not_temporary(sw: socktest.Switch) -> None:
    # Go: OpError.Temporary treats ECONNRESET from accept as temporary only when it is
    # a bare Errno; from accept4 it arrives in a SyscallError.
    ln = listen()
    try:
        sw.inject("accept4", errno=ECONNRESET)
        with pytest.raises(ConnectionResetError) as ei:
            ln.Accept()
        assert str(ei.value) == f"accept tcp {ln.Addr()}: accept4: connection reset by peer"
        assert not ei.value.Temporary()  # type: ignore[attr-defined]
    finally:
        ln.Close()


def test_netpollclose_failure_is_ignored(epoll_backend: None, sw: socktest.Switch) -> None:
    ln, cl, sv = pair()
    rule = sw.inject("epoll_ctl", errno=ENOMEM, times=None,
                     when=lambda st: st.Args[1] == c.EPOLL_CTL_DEL)
    close_all(cl, sv, ln)
    assert rule.injected == 3
    assert tcp4(sw).Closed == 3


def test_ipv6only_setsockopt_error_is_ignored(sw: socktest.Switch) -> None:
    sw.inject("setsockopt", errno=ENOPROTOOPT, when=lambda st: st.Args[2] == c.IPV6_V6ONLY)
    ln = rawnet.Listen("tcp", "[::1]:0")
    ln.Close()
    assert sw.Calls()["setsockopt"].Injected == 1


def test_close_error_is_lost_when_a_reader_drops_the_last_reference(
    sw: socktest.Switch,
) -> None:
    # Go: Close only evicts a blocked reader; the reader's readUnlock drops the last
    # reference and calls destroy, whose close(2) error nobody returns. Close is nil.
    ln, cl, sv = pair()
    try:
        reader = goresult(cl.Read, bytearray(8))
        rawnet.Gosched()  # the reader runs until it parks in the poller
        assert not reader.done
        rule = sw.inject("close", errno=EIO, after=True, fd=sysfd(cl))
        cl.Close()  # no error
        err = reader.error()
        assert isinstance(err, rawnet.ErrClosed)
        assert str(err) == (f"read tcp {cl.LocalAddr()}->{cl.RemoteAddr()}: "
                            "use of closed network connection")
        assert rule.injected == 1
    finally:
        close_all(sv, ln)
