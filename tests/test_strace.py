"""rawnet's strace-format tracer (rawnet.strace): its lines equal real strace's.

The parity test runs tests/scripts/strace_scenario.py under the real ``strace -f -yy``
with rawnet's tracer writing to a file in the same run, and compares the two. Only
what must differ is normalised (see :func:`window`); pointers, fds, ports, inodes and
thread ids are the same in both, since both watch the same calls of the same process.
The other tests check the formatter on its own.
"""

from __future__ import annotations

import ctypes
import io
import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from rawnet import strace
from rawnet.linux.epoll import epoll_event
from rawnet.strace import decode as d
from rawnet.strace.fd import PROBE_SOCKLEN
from rawnet.sys import gate
from rawnet.sys import syscall_linux as sc
from rawnet.sys import zerrors_linux as c

pytestmark = pytest.mark.timeout(60)

SCRIPT = Path(__file__).parent / "scripts" / "strace_scenario.py"
CALLS = "%net,epoll_create1,epoll_ctl,epoll_pwait,eventfd2,read,write,close,fcntl,openat"


# ---------------------------------------------------------------------------------
# Parity with the real strace.


def _strace_works() -> bool:
    if shutil.which("strace") is None:
        return False
    r = subprocess.run(["strace", "-o", "/dev/null", "true"], capture_output=True, timeout=30)
    return r.returncode == 0  # ptrace may be forbidden (some containers)


UNFINISHED = " <unfinished ...>"
RESUMED = re.compile(r"^(\S+ +)<\.\.\. (\w+) resumed>(.*)$")
TAIL = re.compile(r"^(.*)\) +=( .*)$")


def window(text: str, own_file: str) -> list[str]:
    """strace's lines between the script's two markers, without what is not a rawnet
    call: the tracer's own writes to its file and its -yy probes (getsockname,
    getpeername with a buffer length of 124, getsockopt TCP_INFO), and thread exits."""
    lines = text.splitlines()
    begin = next(i for i, x in enumerate(lines) if '"RAWNET-TRACE-BEGIN"' in x)
    end = next(i for i, x in enumerate(lines) if '"RAWNET-TRACE-END"' in x)
    probe = re.compile(rf"^\S+ +(getsockname|getpeername)\(.*\[{PROBE_SOCKLEN}( => \d+)?\]\) "
                       r"|SOL_TCP, TCP_INFO, ")
    kept: list[str] = []
    cut: set[str] = set()  # threads whose dropped call was split: drop its resumption too
    for i in range(begin, end):
        x = lines[i]
        tid = x.split(" ", 1)[0]
        if tid in cut and RESUMED.match(x):
            cut.discard(tid)
            continue
        if (i == begin or f"<{own_file}>" in x or probe.search(x)
                or "+++ exited" in x):
            if x.endswith(UNFINISHED):
                cut.add(tid)
            continue
        kept.append(x)
    return kept


def merged(lines: list[str]) -> dict[str, list[str]]:
    """Each thread's lines in order, with every ``<unfinished ...>``/``resumed`` pair
    joined into the one line it would be had no other thread logged in between.

    Which calls get split depends on when each tracer sees them: strace sees a write
    on the main thread still in the kernel when the reader it woke returns; rawnet's
    tracer writes that line at once. The per-thread sequence is what both must agree
    on (the split of a call blocked in epoll_pwait is checked on its own)."""
    out: dict[str, list[str]] = {}
    pending: dict[str, str] = {}
    for x in lines:
        tid = x.split(" ", 1)[0]
        if x.endswith(UNFINISHED):
            pending[tid] = x[: -len(UNFINISHED)]
            continue
        m = RESUMED.match(x)
        if m:
            t = TAIL.match(m.group(3))
            assert t is not None, x
            x = f"{pending.pop(tid)}{t.group(1)})".ljust(39) + " =" + t.group(2)
        out.setdefault(tid, []).append(x)
    assert not pending
    return out


@pytest.mark.skipif(not _strace_works(), reason="strace not installed or ptrace not allowed")
def test_same_lines_as_strace(tmp_path: Path) -> None:
    real, ours = tmp_path / "strace.txt", tmp_path / "rawnet.txt"
    env = {k: v for k, v in os.environ.items() if k not in ("RAWNET_TRACE", "RAWNET_POLLER")}
    subprocess.run(
        ["strace", "-f", "-yy", "-o", str(real), "-e", f"trace={CALLS}",
         sys.executable, str(SCRIPT), str(ours), f"-f -yy -e trace={CALLS}"],
        check=True, timeout=45, env=env, capture_output=True)
    theirs = window(real.read_text(), str(ours))
    mine = ours.read_text().splitlines()
    # A sanity check that the scenario covered what it is meant to.
    names = {re.sub(r"^\S+ +(<\.\.\. )?(\w+).*", r"\2", x) for x in mine}
    assert names >= {"socket", "bind", "listen", "accept4", "connect", "getsockname",
                     "getpeername", "setsockopt", "getsockopt", "epoll_create1", "eventfd2",
                     "epoll_ctl", "epoll_pwait", "read", "write", "close", "fcntl", "openat",
                     "shutdown"}
    # The call blocked in epoll_pwait while the main thread wrote is split in both.
    split = [x for x in mine if x.endswith(UNFINISHED) or RESUMED.match(x)]
    assert any("epoll_pwait(" in x for x in split) and any("epoll_pwait resumed>" in x
                                                           for x in split)
    assert set(split) <= set(theirs)
    assert merged(mine) == merged(theirs)


# ---------------------------------------------------------------------------------
# The formatter.


def test_flags() -> None:
    assert d.socktype(c.SOCK_STREAM | c.SOCK_CLOEXEC | c.SOCK_NONBLOCK) == \
        "SOCK_STREAM|SOCK_CLOEXEC|SOCK_NONBLOCK"
    assert d.socktype(c.SOCK_DGRAM) == "SOCK_DGRAM"
    ev = c.EPOLLIN | c.EPOLLOUT | c.EPOLLRDHUP | c.EPOLLET
    assert d.flags(ev, d.EPOLL_EVENTS) == "EPOLLIN|EPOLLOUT|EPOLLRDHUP|EPOLLET"
    assert d.flags(0, d.EPOLL_EVENTS) == "0"
    assert d.flags(c.EFD_CLOEXEC | 0x40000000 | 1 << 25, d.EFD_FLAGS) == "EFD_CLOEXEC|0x42000000"
    assert d.open_flags(c.O_RDONLY | c.O_CLOEXEC) == "O_RDONLY|O_CLOEXEC"
    assert d.open_flags(2 | c.O_NONBLOCK) == "O_RDWR|O_NONBLOCK"
    assert d.xlat(999, d.SO, "SO") == "0x3e7 /* SO_??? */"
    assert d.xlat(c.EPOLL_CTL_ADD, d.EPOLL_CTL) == "EPOLL_CTL_ADD"


def test_errors() -> None:
    assert d.error_ret(11) == "-1 EAGAIN (Resource temporarily unavailable)"
    assert d.error_ret(115) == "-1 EINPROGRESS (Operation now in progress)"
    assert d.error_ret(95) == "-1 EOPNOTSUPP (Operation not supported)"


def sa_bytes(sa: ctypes.Structure, n: int) -> bytes:
    return ctypes.string_at(ctypes.addressof(sa), n)


def test_sockaddr_inet4() -> None:
    raw = sc.SockaddrInet4(8888, bytes([127, 0, 0, 1])).sockaddr()
    assert raw is not None
    assert d.sockaddr(sa_bytes(*raw)) == \
        '{sa_family=AF_INET, sin_port=htons(8888), sin_addr=inet_addr("127.0.0.1")}'


@pytest.mark.parametrize("addr, text", [
    (bytes(15) + b"\1", "::1"),
    (bytes(16), "::"),
    (bytes(10) + b"\xff\xff\x7f\0\0\1", "::ffff:127.0.0.1"),
    (bytes(12) + b"\x7f\0\0\1", "::127.0.0.1"),
    (b"\x20\x01\x0d\xb8" + bytes(11) + b"\1", "2001:db8::1"),
    (b"\0\1\0\0\0\0\0\1\0\0\0\0\0\0\0\1", "1:0:0:1::1"),
    (b"\0\1\0\0\0\1" + bytes(10), "1:0:1::"),
    (b"\0\1\0\2\0\3\0\4\0\5\0\6\0\7\0\x08", "1:2:3:4:5:6:7:8"),
    (b"\0\1\0\0\0\3\0\4\0\5\0\6\0\7\0\x08", "1:0:3:4:5:6:7:8"),
])
def test_inet6_ntop(addr: bytes, text: str) -> None:
    assert d.inet6_ntop(addr) == text


def test_sockaddr_inet6() -> None:
    raw = sc.SockaddrInet6(443, 0, bytes(15) + b"\1").sockaddr()
    assert raw is not None
    assert d.sockaddr(sa_bytes(*raw)) == (
        "{sa_family=AF_INET6, sin6_port=htons(443), sin6_flowinfo=htonl(0), "
        'inet_pton(AF_INET6, "::1", &sin6_addr), sin6_scope_id=0}')
    ll = sc.SockaddrInet6(80, 1, b"\xfe\x80" + bytes(13) + b"\1").sockaddr()
    assert ll is not None
    assert d.sockaddr(sa_bytes(*ll), lambda i: "lo").endswith(
        '"fe80::1", &sin6_addr), sin6_scope_id=if_nametoindex("lo")}')


def test_sockaddr_unix() -> None:
    for name, text in [("/tmp/s", 'sun_path="/tmp/s"'), ("@abs", 'sun_path=@"abs"')]:
        raw = sc.SockaddrUnix(name).sockaddr()
        assert raw is not None
        assert d.sockaddr(sa_bytes(*raw)) == "{sa_family=AF_UNIX, " + text + "}"
    assert d.sockaddr(c.AF_UNIX.to_bytes(2, sys.byteorder)) == "{sa_family=AF_UNIX}"


def test_quote_and_truncation() -> None:
    assert d.quote(b'a"b\\c\n\t\r\v\f') == r'"a\"b\\c\n\t\r\v\f"'
    # The shortest octal, but three digits when an octal digit follows.
    assert d.quote(b"\0\1x\377\0001\0008") == r'"\0\1x\377\0001\08"'  # 8: not octal
    assert d.quote(b"hello world", 5) == '"hello"...'
    assert d.quote(b"hello", 5) == '"hello"'


def L(call: str, ret: str) -> str:
    """A line as strace aligns it: `` = `` in column 40 unless the call is longer."""
    return call.ljust(39) + " = " + ret


class Lines(io.StringIO):
    def lines(self) -> list[str]:
        return self.getvalue().splitlines()


def test_socket_calls_and_value_result_lengths() -> None:
    out = Lines()
    with strace.trace(out, strsize=4):
        fd = sc.Socket(c.AF_INET, c.SOCK_STREAM | c.SOCK_CLOEXEC, 0)
        sc.Bind(fd, sc.SockaddrInet4(0, bytes([127, 0, 0, 1])))
        r, sa = sc.Getsockname(fd)
        n, _ = sc.Accept4(fd, c.SOCK_NONBLOCK)  # not listening: EINVAL
        sc.SetsockoptInt(fd, c.IPPROTO_TCP, c.TCP_NODELAY, 1)
        sc.GetsockoptInt(fd, c.SOL_SOCKET, c.SO_ERROR)
        sc.Write(fd, b"hello")  # not connected: EPIPE
        sc.Close(fd)
    assert isinstance(sa, sc.SockaddrInet4) and n < 0
    port = sa.Port
    ptr = out.lines()[3].split(", ")[1]
    assert out.lines() == [
        L("socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC, IPPROTO_IP)", str(fd)),
        L(f'bind({fd}, {{sa_family=AF_INET, sin_port=htons(0), sin_addr=inet_addr("127.0.0.1")}}'
          ", 16)", "0"),
        L(f"getsockname({fd}, {{sa_family=AF_INET, sin_port=htons({port}), "
          'sin_addr=inet_addr("127.0.0.1")}, [128 => 16])', "0"),
        L(f"accept4({fd}, {ptr}, [128], SOCK_NONBLOCK)", "-1 EINVAL (Invalid argument)"),
        L(f"setsockopt({fd}, SOL_TCP, TCP_NODELAY, [1], 4)", "0"),
        L(f"getsockopt({fd}, SOL_SOCKET, SO_ERROR, [0], [4])", "0"),
        L(f'write({fd}, "hell"..., 5)', "-1 EPIPE (Broken pipe)"),
        L(f"close({fd})", "0"),
    ]
    assert re.fullmatch(r"0x[0-9a-f]+", out.lines()[3].split(", ")[1])


def test_epoll_and_eventfd() -> None:
    from rawnet.linux import epoll

    out = Lines()
    with strace.trace(out, decode_fds=2):
        ep = epoll.EpollCreate1(c.EPOLL_CLOEXEC)
        efd = epoll.Eventfd(0, c.EFD_CLOEXEC | c.EFD_NONBLOCK)
        ev = epoll_event(c.EPOLLIN | c.EPOLLET, (1 << 32) | 7)
        epoll.EpollCtl(ep, c.EPOLL_CTL_ADD, efd, ev)
        sc.Write(efd, (1).to_bytes(8, sys.byteorder))
        events = (epoll_event * 8)()
        epoll.EpollWait(ep, events, 8, 0)
        epoll.EpollCtl(ep, c.EPOLL_CTL_DEL, efd, ev)
        sc.Close(efd)
        sc.Close(ep)
    e, f = f"{ep}<anon_inode:[eventpoll]>", f"{efd}<anon_inode:[eventfd]>"
    data = f"data={{u32=7, u64={(1 << 32) | 7}}}"
    assert out.lines() == [
        L("epoll_create1(EPOLL_CLOEXEC)", e),
        L("eventfd2(0, EFD_CLOEXEC|EFD_NONBLOCK)", f),
        L(f"epoll_ctl({e}, EPOLL_CTL_ADD, {f}, {{events=EPOLLIN|EPOLLET, {data}}})", "0"),
        L(f'write({f}, "\\1\\0\\0\\0\\0\\0\\0\\0", 8)', "8"),
        L(f"epoll_pwait({e}, [{{events=EPOLLIN, {data}}}], 8, 0, NULL, 8)", "1"),
        L(f"epoll_ctl({e}, EPOLL_CTL_DEL, {f}, {hex(ctypes.addressof(ev))})", "0"),
        L(f"close({f})", "0"),
        L(f"close({e})", "0"),
    ]


def test_fd_decoration_tcp() -> None:
    """-yy: TCP:[inode] while unbound, TCP:[addr] once bound, TCP:[a->b] connected."""
    import rawnet

    out = Lines()
    ln = rawnet.Listen("tcp", "127.0.0.1:0")
    try:
        with strace.trace(out, decode_fds=2, trace="connect,getpeername,close"):
            conn = rawnet.Dial("tcp", str(ln.Addr()))
            srv = ln.Accept()
            laddr = str(conn.LocalAddr())
            conn.Close()
            srv.Close()
    finally:
        ln.Close()
    lines = out.lines()
    assert re.fullmatch(r"connect\(\d+<TCP:\[\d+\]>, \{sa_family=AF_INET, .*\}, 16\) = "
                        r"-1 EINPROGRESS \(Operation now in progress\)", lines[0])
    assert f"<TCP:[{laddr}->{ln.Addr()}]>" in lines[1]
    assert lines[-2].startswith("close(") and f"<TCP:[{laddr}->{ln.Addr()}]>" in lines[-2]
    assert f"<TCP:[{ln.Addr()}->{laddr}]>" in lines[-1]


def test_filter_and_libcalls() -> None:
    net = strace.compile_trace("%net,read")
    assert net("socket") and net("accept4") and net("read") and not net("epoll_pwait")
    every = strace.compile_trace("all")
    assert every("epoll_pwait") and not every("getaddrinfo")
    assert strace.compile_trace("getaddrinfo")("getaddrinfo")
    no_write = strace.compile_trace("!write")
    assert not no_write("write") and no_write("read") and not no_write("getaddrinfo")
    with pytest.raises(ValueError):
        strace.compile_trace("%nonsense")


def test_parse_options() -> None:
    o, rest = strace.parse_options(
        ["-f", "-tt", "-T", "-yy", "-s", "64", "-e", "trace=%net", "-o", "x", "--", "a.py", "-f"])
    assert (o.follow, o.timestamps, o.syscall_times, o.decode_fds, o.strsize, o.trace,
            o.output) == (True, 2, True, 2, 64, "%net", "x")
    assert rest == ["a.py", "-f"]
    o, rest = strace.parse_options(["-fyy", "-s128", "-etrace=read", "b.py"])
    assert (o.follow, o.decode_fds, o.strsize, o.trace, rest) == (True, 2, 128, "read", ["b.py"])
    assert strace.Options.parse("-ttt").timestamps == 3


def test_timestamps_and_times() -> None:
    out = Lines()
    with strace.trace(out, timestamps=2, syscall_times=True):
        sc.Close(-1)
    (line,) = out.lines()
    assert re.fullmatch(r"\d\d:\d\d:\d\d\.\d{6} close\(-1\) +"
                        r"= -1 EBADF \(Bad file descriptor\) <\d+\.\d{6}>", line)


def test_unfinished_and_resumed() -> None:
    """A call in progress when another thread logs is split as strace splits it."""
    out = Lines()
    tracer = strace.Tracer(strace.Options(follow=True), out)
    poll = gate.Entry("epoll_pwait", lambda *a: 0, True)
    close = gate.Entry("close", lambda *a: 0, False)
    events = (epoll_event * 4)()
    events[0].events, events[0].data = c.EPOLLIN, 3
    args = (5, events, 4, -1, None)
    entered, logged = threading.Event(), threading.Event()
    tids: list[int] = []

    def poller() -> None:
        tids.append(threading.get_native_id())
        tracer.before(poll, args)
        entered.set()
        logged.wait()
        tracer.after(poll, args, 1)

    t = threading.Thread(target=poller)
    t.start()
    entered.wait()
    cargs = (7,)
    tracer.before(close, cargs)
    tracer.after(close, cargs, 0)
    logged.set()
    t.join()
    tracer.close()
    me, other = threading.get_native_id(), tids[0]
    assert out.lines() == [
        f"{other:<5d} epoll_pwait(5,  <unfinished ...>",
        L(f"{me:<5d} close(7)", "0"),
        f"{other:<5d} <... epoll_pwait resumed>[{{events=EPOLLIN, data={{u32=3, u64=3}}}}], "
        "4, -1, NULL, 8) = 1",
    ]


def test_thread_prefix_on_stderr(capfd: pytest.CaptureFixture[str]) -> None:
    """To stderr, strace prefixes [pid  TID] only while more than one thread runs."""
    tracer = strace.Tracer(strace.Options(follow=True))
    close = gate.Entry("close", lambda *a: 0, False)
    args = (9,)
    tracer.before(close, args)
    tracer.after(close, args, 0)
    go = threading.Event()
    t = threading.Thread(target=go.wait)
    t.start()
    tracer.before(close, args)
    tracer.after(close, args, 0)
    go.set()
    t.join()
    assert capfd.readouterr().err.splitlines() == [
        L("close(9)", "0"),
        L(f"[pid {threading.get_native_id():5d}] close(9)", "0"),
    ]


def test_other_threads_need_follow() -> None:
    out = Lines()
    with strace.trace(out):
        t = threading.Thread(target=sc.Close, args=(-1,))
        t.start()
        t.join()
        sc.Close(-2)
    assert out.lines() == [L("close(-2)", "-1 EBADF (Bad file descriptor)")]


def test_start_stop_and_env(tmp_path: Path) -> None:
    path = tmp_path / "trace.txt"
    tracer = strace.from_env({"RAWNET_TRACE": str(path), "RAWNET_TRACE_OPTS": "-e trace=close"})
    assert tracer is not None and tracer.options.trace == "close"
    sc.Close(-1)
    sc.Fcntl(-1, c.F_GETFD, 0)
    strace.stop_trace()
    sc.Close(-3)
    assert path.read_text().splitlines() == [L("close(-1)", "-1 EBADF (Bad file descriptor)")]
    assert strace.from_env({"RAWNET_TRACE": "0"}) is None
    assert strace.from_env({}) is None


def test_cli(tmp_path: Path) -> None:
    script = tmp_path / "prog.py"
    script.write_text("import sys, rawnet\n"
                      "ln = rawnet.Listen('tcp', '127.0.0.1:0')\n"
                      "ln.Close()\n"
                      "sys.exit(int(sys.argv[1]))\n")
    out = tmp_path / "trace.txt"
    env = {k: v for k, v in os.environ.items() if k != "RAWNET_TRACE"}
    r = subprocess.run([sys.executable, "-m", "rawnet", "trace", "-yy", "-e", "trace=%net",
                        "-o", str(out), "--", str(script), "3"],
                       capture_output=True, text=True, timeout=30, env=env)
    assert r.returncode == 3, r.stderr
    lines = out.read_text().splitlines()
    assert any(re.match(r"listen\(\d+<TCP:\[127\.0\.0\.1:\d+\]>, \d+\) += 0$", x) for x in lines)
    assert not any(x.startswith(("close(", "epoll")) for x in lines)


def test_env_at_import(tmp_path: Path) -> None:
    out = tmp_path / "trace.txt"
    env = {k: v for k, v in os.environ.items() if k != "RAWNET_POLLER"}
    env.update(RAWNET_TRACE=str(out), RAWNET_TRACE_OPTS="-e trace=socket")
    subprocess.run([sys.executable, "-c", "import rawnet; rawnet.Listen('tcp', '127.0.0.1:0')"],
                   check=True, timeout=30, env=env)
    assert out.read_text().startswith("socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC|SOCK_NONBLOCK")


def test_bad_env_does_not_break_import(capfd: pytest.CaptureFixture[str]) -> None:
    assert strace.from_env({"RAWNET_TRACE": "1", "RAWNET_TRACE_OPTS": "-Q"}) is None
    assert "unknown trace option -Q" in capfd.readouterr().err
