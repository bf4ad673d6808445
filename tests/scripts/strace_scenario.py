"""A loopback session with rawnet's strace-format tracer on, for tests/test_strace.py,
which runs this script under the real strace and compares the two traces.

    python strace_scenario.py TRACE_FILE "STRACE OPTIONS"

The traced part sits between two marker calls, ``write(-1, "RAWNET-TRACE-BEGIN",
18)`` and ``write(-1, "RAWNET-TRACE-END", 16)``, which fail with EBADF and are easy to
find in strace's output. Everything rawnet imports lazily is imported before it, so
that the interpreter makes no system call of its own in between (reading a module is
openat/read/close, which strace would show and the gate would not).
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import platform
import sys
import threading
import time

import rawnet
from rawnet import strace
from rawnet.sys import syscall_linux as sc
from rawnet.sys import zerrors_linux as c


def import_all() -> None:
    """Import every rawnet module now: rawnet imports some lazily (the poller, the
    socket helpers), and reading a module inside the traced part would show in strace."""
    for m in pkgutil.walk_packages(rawnet.__path__, "rawnet."):
        if m.name != "rawnet.__main__":
            try:
                importlib.import_module(m.name)
            except Exception:  # another OS's backend
                pass


def marker(text: bytes) -> None:
    try:
        os.write(-1, text)
    except OSError:
        pass


def session() -> None:
    ln = rawnet.Listen("tcp", ":0")
    port = ln.Addr().Port  # type: ignore[union-attr]
    accepted: list[rawnet.TCPConn] = []

    def acceptor() -> None:
        accepted.append(ln.Accept())

    rawnet.go(acceptor)
    rawnet.Gosched()  # accept4 -> EAGAIN, park
    c1 = rawnet.Dial("tcp", f"127.0.0.1:{port}")
    while not accepted:
        rawnet.Gosched()
    s1 = accepted[0]
    c1.Write(b"hello\n\0\x01\x7f\xff\"\\ and a line longer than thirty-two bytes")
    buf = bytearray(128)
    n = s1.Read(buf)
    s1.Write(memoryview(buf)[:n])
    c1.Read(buf)
    c1.SetReadDeadline(time.time() + 0.02)  # deadline expiry: epoll_pwait timeout
    try:
        c1.Read(buf)
    except rawnet.OpError:
        pass
    s1.Close()
    c1.Close()
    ln.Close()
    try:  # connection refused: EINPROGRESS, then SO_ERROR says ECONNREFUSED
        rawnet.Dial("tcp", f"127.0.0.1:{port}").Close()
    except rawnet.OpError:
        pass
    # fcntl, getsockopt, setsockopt (linger), shutdown, on a raw socket.
    fd = sc.Socket(c.AF_INET, c.SOCK_STREAM, 0)
    sc.SetNonblock(fd, True)
    sc.CloseOnExec(fd)
    sc.Fcntl(fd, c.F_GETFD, 0)
    sc.GetsockoptInt(fd, c.SOL_SOCKET, 3)  # SO_TYPE
    sc.SetsockoptLinger(fd, c.SOL_SOCKET, c.SO_LINGER, 1, 0)
    sc.Shutdown(fd, c.SHUT_RDWR)  # not connected: ENOTCONN
    sc.Close(fd)
    sc.Close(fd)  # EBADF


# epoll_pwait's number, as /proc/PID/task/TID/syscall shows it.
EPOLL_PWAIT = b"281" if platform.machine() == "x86_64" else b"22"


class Sleeper:
    """A second thread whose scheduler sleeps in epoll_pwait while the main thread
    writes: strace prints its call as <unfinished ...> and <... epoll_pwait resumed>.

    The thread exists before the traced part starts, so that the main thread can open
    its /proc syscall file beforehand and then wait, with pread64 (a call no trace here
    includes), until it is inside epoll_pwait."""

    def __init__(self) -> None:
        self.go = threading.Event()
        self.conn: list[rawnet.TCPConn] = []
        self.thread = threading.Thread(target=self.run)
        self.thread.start()
        self.proc = os.open(f"/proc/self/task/{self.thread.native_id}/syscall", os.O_RDONLY)

    def run(self) -> None:
        self.go.wait()
        buf = bytearray(16)
        self.conn[0].Read(buf)  # read: EAGAIN, park; this thread's scheduler polls

    def sleeping(self, tracer: strace.Tracer) -> bool:
        # In the kernel's epoll_pwait, and it is the blocking poll the tracer has open.
        if os.pread(self.proc, 64, 0).split()[:1] != [EPOLL_PWAIT]:
            return False
        call = tracer._open
        return call is not None and call.name == "epoll_pwait" and call.args[3] != 0

    def session(self, tracer: strace.Tracer) -> None:
        ln = rawnet.Listen("tcp", "127.0.0.1:0")
        c1 = rawnet.Dial("tcp", str(ln.Addr()))
        s1 = ln.Accept()
        self.conn.append(s1)
        self.go.set()
        while not self.sleeping(tracer):
            pass
        c1.Write(b"wake")
        self.thread.join()
        for x in (s1, c1, ln):
            x.Close()


def main() -> None:
    import_all()
    sleeper = Sleeper()
    tracer = strace.start_trace(sys.argv[1], options=strace.Options.parse(sys.argv[2]))
    marker(b"RAWNET-TRACE-BEGIN")
    session()
    sleeper.session(tracer)
    marker(b"RAWNET-TRACE-END")
    strace.stop_trace()
    os.close(sleeper.proc)


if __name__ == "__main__":
    main()
