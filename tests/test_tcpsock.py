"""TCP specifics: options, dual-stack and IPv6 listeners, name resolution, and syscall
error paths driven through the gate (EINTR and ECONNABORTED retried as Go does)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time

import pytest
from nettest import close_all, connected, dialAccept, pair

import rawnet
from rawnet.internal.poll.fd import consume
from rawnet.net.internal import socktest
from rawnet.sys import syscall_linux as sc
from rawnet.sys import zerrors_linux as c
from rawnet.sys.errno import EAGAIN, ECONNABORTED, ECONNRESET, EINTR

pytestmark = pytest.mark.timeout(30)


def getsockopt(conn: rawnet.TCPConn, level: int, opt: int) -> int:
    return conn.fd.pfd.GetsockoptInt(level, opt)


def test_default_options_on_dialed_and_accepted_conns() -> None:
    with connected() as (cl, sv):
        for conn in (cl, sv):
            assert getsockopt(conn, c.IPPROTO_TCP, c.TCP_NODELAY) == 1
            assert getsockopt(conn, c.SOL_SOCKET, c.SO_KEEPALIVE) == 1
            assert getsockopt(conn, c.IPPROTO_TCP, c.TCP_KEEPIDLE) == 15
            assert getsockopt(conn, c.IPPROTO_TCP, c.TCP_KEEPINTVL) == 15
            assert getsockopt(conn, c.IPPROTO_TCP, c.TCP_KEEPCNT) == 9


def test_setters_change_options() -> None:
    with connected() as (cl, sv):
        cl.SetNoDelay(False)
        assert getsockopt(cl, c.IPPROTO_TCP, c.TCP_NODELAY) == 0
        cl.SetKeepAlive(False)
        assert getsockopt(cl, c.SOL_SOCKET, c.SO_KEEPALIVE) == 0
        cl.SetKeepAlivePeriod(2.5)  # rounded up to whole seconds
        assert getsockopt(cl, c.IPPROTO_TCP, c.TCP_KEEPIDLE) == 3
        cl.SetKeepAliveConfig(rawnet.KeepAliveConfig(Enable=True, Idle=-1, Interval=7, Count=3))
        assert getsockopt(cl, c.IPPROTO_TCP, c.TCP_KEEPIDLE) == 3  # -1: left as it was
        assert getsockopt(cl, c.IPPROTO_TCP, c.TCP_KEEPINTVL) == 7
        assert getsockopt(cl, c.IPPROTO_TCP, c.TCP_KEEPCNT) == 3
        cl.SetReadBuffer(65536)
        cl.SetWriteBuffer(65536)
        assert getsockopt(cl, c.SOL_SOCKET, c.SO_RCVBUF) >= 65536
        cl.SetLinger(0)


def test_keepalive_disabled_by_negative_listenconfig() -> None:
    ln = rawnet.ListenConfig(KeepAlive=-1).Listen("tcp", "127.0.0.1:0")
    cl, sv = dialAccept(ln, rawnet.Dialer(KeepAlive=-1))
    try:
        assert getsockopt(sv, c.SOL_SOCKET, c.SO_KEEPALIVE) == 0
        assert getsockopt(cl, c.SOL_SOCKET, c.SO_KEEPALIVE) == 0
        assert getsockopt(sv, c.IPPROTO_TCP, c.TCP_NODELAY) == 1
    finally:
        close_all(cl, sv, ln)


def test_set_option_after_close_is_go_text() -> None:
    ln, cl, sv = pair()
    close_all(cl, sv, ln)
    with pytest.raises(rawnet.OpError) as ei:
        cl.SetNoDelay(True)
    assert str(ei.value) == (f"set tcp {cl.LocalAddr()}->{cl.RemoteAddr()}: "
                             "use of closed network connection")
    with pytest.raises(rawnet.OpError) as ei:
        cl.SetDeadline(None)
    assert str(ei.value) == f"set tcp {cl.LocalAddr()}: use of closed network connection"


@pytest.mark.parametrize("addr", [":0", "0.0.0.0:0", "[::]:0"])
def test_wildcard_listener_is_dual_stack(addr: str) -> None:
    ln = rawnet.Listen("tcp", addr)
    try:
        laddr = ln.Addr()
        assert isinstance(laddr, rawnet.TCPAddr)
        assert str(laddr) == f"[::]:{laddr.Port}"
        for target in (f"127.0.0.1:{laddr.Port}", f"[::1]:{laddr.Port}",
                       f"localhost:{laddr.Port}", f":{laddr.Port}"):
            cl = rawnet.Dial("tcp", target)
            sv = ln.Accept()
            assert str(sv.RemoteAddr()) == str(cl.LocalAddr())
            close_all(cl, sv)
    finally:
        ln.Close()


def test_tcp4_and_tcp6_listeners() -> None:
    ln4 = rawnet.Listen("tcp4", ":0")
    ln6 = rawnet.Listen("tcp6", "[::1]:0")
    try:
        assert str(ln4.Addr()).startswith("0.0.0.0:")
        assert str(ln6.Addr()).startswith("[::1]:")
        with pytest.raises(rawnet.OpError) as ei:
            rawnet.Dial("tcp6", "127.0.0.1:80")
        assert str(ei.value) == "dial tcp6: address 127.0.0.1: no suitable address found"
        cl, sv = dialAccept(ln6)
        assert str(cl.RemoteAddr()) == str(ln6.Addr())
        close_all(cl, sv)
    finally:
        close_all(ln4, ln6)


def test_dialer_local_addr() -> None:
    ln = rawnet.Listen("tcp", "127.0.0.1:0")
    try:
        d = rawnet.Dialer(LocalAddr=rawnet.ResolveTCPAddr("tcp", "127.0.0.1:0"))
        cl, sv = dialAccept(ln, d)
        assert str(sv.RemoteAddr()) == str(cl.LocalAddr())
        close_all(cl, sv)
    finally:
        ln.Close()


def test_TestAcceptIgnoreAbortedConnRequest() -> None:
    ln = rawnet.Listen("tcp", "127.0.0.1:0")
    cl = rawnet.Dial("tcp", str(ln.Addr()))
    try:
        with socktest.inject("accept4", errno=ECONNABORTED, times=3) as inj:
            sv = ln.Accept()
        assert inj.injected == 3
        sv.Close()
    finally:
        close_all(cl, ln)


@pytest.mark.parametrize("name", ["read", "write", "accept4"])
def test_eintr_is_retried(name: str) -> None:
    ln = rawnet.Listen("tcp", "127.0.0.1:0")
    cl = rawnet.Dial("tcp", str(ln.Addr()))
    try:
        with socktest.inject(name, errno=EINTR, times=5) as inj:
            sv = ln.Accept()
            cl.Write(b"ping")
            buf = bytearray(8)
            n = sv.Read(buf)
        assert inj.injected == 5 and bytes(buf[:n]) == b"ping"
        sv.Close()
    finally:
        close_all(cl, ln)


def test_spurious_eagain_storm_is_waited_out() -> None:
    with connected() as (cl, sv):
        cl.Write(b"data")
        with socktest.inject("read", errno=EAGAIN):
            # The first read "fails" with EAGAIN although data is queued. Read must
            # park and still finish: the edge epoll raised when the data arrived has
            # not been collected by any poll yet, so the wait gets it.
            buf = bytearray(8)
            n = sv.Read(buf)
        assert bytes(buf[:n]) == b"data"


def test_read_error_becomes_syscall_error() -> None:
    with connected() as (cl, sv):
        with socktest.inject("read", errno=ECONNRESET), pytest.raises(ConnectionResetError) as ei:
            sv.Read(bytearray(8))
        err = ei.value
        assert isinstance(err, rawnet.OpError) and isinstance(err.Err, rawnet.SyscallError)
        assert str(err) == (f"read tcp {sv.LocalAddr()}->{sv.RemoteAddr()}: "
                            "read: connection reset by peer")
        assert not err.Temporary() and not err.Timeout()


def test_program_exits_when_main_returns() -> None:
    script = textwrap.dedent("""
        import rawnet
        ln = rawnet.Listen("tcp", "127.0.0.1:0")
        def blocked():
            ln.Accept()
        for _ in range(3):
            rawnet.go(blocked)
        rawnet.go(rawnet.Sleep, 3600)
        rawnet.Gosched()
        print("main returns")
    """)
    r = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                       timeout=20)
    assert r.returncode == 0, r.stderr
    assert r.stdout == "main returns\n" and r.stderr == ""


def test_close_wakes_every_blocked_goroutine() -> None:
    # Three readers (one parked in the poller, two queued on the fdMutex read lock) and
    # a writer parked on a full send buffer: one Close releases all four with ErrClosed.
    ln, cl, sv = pair()
    errors: list[BaseException] = []
    wg = rawnet.WaitGroup()

    def reader() -> None:
        try:
            cl.Read(bytearray(16))
        except BaseException as e:
            errors.append(e)
        finally:
            wg.Done()

    def writer() -> None:
        try:
            chunk = b"x" * 65536
            while True:  # nobody reads on the other side: the buffers fill up
                cl.Write(chunk)
        except BaseException as e:
            errors.append(e)
        finally:
            wg.Done()

    try:
        wg.Add(4)
        for _ in range(3):
            rawnet.go(reader)
        rawnet.go(writer)
        for _ in range(50):
            rawnet.Gosched()
        assert errors == []  # all four are blocked
        cl.Close()
        wg.Wait()
        assert len(errors) == 4
        assert all(isinstance(e, rawnet.ErrClosed) and isinstance(e, rawnet.OpError)
                   for e in errors), errors
        assert sorted(e.Op for e in errors) == ["read", "read", "read", "write"]  # type: ignore[attr-defined]
    finally:
        close_all(sv, ln)


def test_deadline_moved_to_future_revives_conn() -> None:
    with connected() as (cl, sv):
        sv.Write(b"queued")
        cl.SetReadDeadline(time.time() - 1)
        for _ in range(2):
            with pytest.raises(TimeoutError):
                cl.Read(bytearray(16))  # even with data waiting
        cl.SetReadDeadline(time.time() + 3600)
        buf = bytearray(16)
        assert bytes(buf[: cl.Read(buf)]) == b"queued"


@pytest.mark.parametrize(
    ("bufs", "n", "want"),
    [  # Go: src/internal/poll/writev_test.go TestConsume
        ([b"foo", b"bar"], 0, [b"foo", b"bar"]),
        ([b"foo", b"bar"], 2, [b"o", b"bar"]),
        ([b"foo", b"bar"], 3, [b"bar"]),
        ([b"foo", b"bar"], 4, [b"ar"]),
        ([b"", b"", b"", b"bar"], 1, [b"ar"]),
        ([b"", b"", b"", b"foo"], 0, [b"foo"]),
        ([b"", b"", b""], 0, []),
    ],
)
def test_TestConsume(bufs: list[bytes], n: int, want: list[bytes]) -> None:
    v = [memoryview(b) for b in bufs]
    consume(v, n)
    assert [bytes(b) for b in v] == want


def test_raw_control_read_write() -> None:
    with connected() as (cl, sv):
        pfd = sv.fd.pfd
        seen: list[int] = []
        pfd.RawControl(seen.append)
        assert seen == [pfd.Sysfd]
        got: list[bytes] = []
        buf = bytearray(16)

        def reader() -> None:
            def f(fd: int) -> bool:  # one read; False (not done) while it would block
                n = sc.Read(fd, buf)
                if n == -EAGAIN:
                    return False
                got.append(bytes(buf[:n]))
                return True

            pfd.RawRead(f)

        rawnet.go(reader)
        rawnet.Gosched()  # the reader's first try meets EAGAIN and it parks
        assert got == []
        cl.fd.pfd.RawWrite(lambda fd: sc.Write(fd, b"raw") == 3)
        while not got:
            rawnet.Gosched()
            rawnet.Sleep(0.001)
        assert got == [b"raw"]
    with pytest.raises(rawnet.ErrClosed):
        pfd.RawControl(seen.append)
