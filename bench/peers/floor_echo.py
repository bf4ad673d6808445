"""The floor: the least a greenlet-per-connection echo server on ctypes syscalls can do.

    python3 bench/peers/floor_echo.py [--shortread] 127.0.0.1:0

Not a peer but a yardstick for rawnet (issue 5's "bare-bones feasibility sketch"): the
same model with everything rawnet adds taken away. One greenlet per connection, each
with its own 4096-byte bytearray like the README's echo server, reading and writing
through ctypes calls to libc on non-blocking sockets, parked on an edge-triggered epoll
by a hub greenlet. There is no fdMutex, no deadline, no error wrapping, no syscall gate,
no scheduler beyond "switch to whoever epoll names"; the kernel array is laid over the
bytearray once per connection (rawnet cannot do that: a view pins the caller's buffer).

By default it reads until EAGAIN after every message, as Go (and rawnet) do: three
syscalls per round trip. ``--shortread`` skips the read after a short one, as rawnet's
``RAWNET_GODEBUG=shortread=1`` does: two. What rawnet spends above this server is the
price of Go's structure in CPython; its idle RSS per connection is the floor of a
greenlet and a 4 KiB buffer.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
from typing import Any

from greenlet import getcurrent, greenlet

libc = ctypes.PyDLL(None, use_errno=True)  # keeps the GIL: every fd is non-blocking
c_int, c_void_p, c_size_t = ctypes.c_int, ctypes.c_void_p, ctypes.c_size_t

AF_INET, SOCK_STREAM, SOCK_NONBLOCK, SOCK_CLOEXEC = 2, 1, 0o4000, 0o2000000
SOL_SOCKET, SO_REUSEADDR, IPPROTO_TCP, TCP_NODELAY = 1, 2, 6, 1
EPOLLIN, EPOLLOUT, EPOLLRDHUP, EPOLLET, EPOLL_CTL_ADD = 0x1, 0x4, 0x2000, 1 << 31, 1
EAGAIN, EINTR = 11, 4
BUFSIZE = 4096


class epoll_event(ctypes.Structure):
    _pack_ = 1  # x86-64 packs struct epoll_event
    _fields_ = [("events", ctypes.c_uint32), ("data", ctypes.c_uint64)]


class sockaddr_in(ctypes.Structure):
    _fields_ = [("family", ctypes.c_uint16), ("port", ctypes.c_uint16),
                ("addr", ctypes.c_uint32), ("zero", ctypes.c_char * 8)]


def fn(name: str, restype: Any, *argtypes: Any) -> Any:
    f = getattr(libc, name)
    f.restype, f.argtypes = restype, argtypes
    return f


def unchecked(name: str, restype: Any) -> Any:
    """Without argtypes, as rawnet declares its per-message calls (rawnet/sys/libc.py,
    "Unchecked calls"): each argument here is an int, a ctypes array or a byref()."""
    f = getattr(libc, name)
    f.restype = restype
    return f


read = unchecked("read", ctypes.c_ssize_t)  # (int, void *, size_t)
write = unchecked("write", ctypes.c_ssize_t)  # (int, const void *, size_t)
epoll_wait = unchecked("epoll_wait", c_int)  # (int, struct epoll_event *, int, int)
accept4 = fn("accept4", c_int, c_int, c_void_p, c_void_p, c_int)
epoll_ctl = fn("epoll_ctl", c_int, c_int, c_int, c_int, ctypes.POINTER(epoll_event))
close = fn("close", c_int, c_int)
get_errno = ctypes.get_errno


class Poller:
    """An edge-triggered epoll and a hub greenlet that runs whoever it reports."""

    def __init__(self) -> None:
        self.epfd = libc.epoll_create1(SOCK_CLOEXEC)
        self.parked: dict[int, greenlet | None] = {}  # fd -> its parked greenlet
        self.ready: set[int] = set()  # fds that fired while nobody waited
        self.runq: list[tuple[greenlet, tuple[Any, ...]]] = []
        self.hub = greenlet(self.loop)

    def register(self, fd: int) -> None:
        ev = epoll_event(EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET, fd)
        epoll_ctl(self.epfd, EPOLL_CTL_ADD, fd, ctypes.byref(ev))
        self.parked[fd] = None

    def wait(self, fd: int) -> None:
        """Park the calling greenlet until fd fires (at once if it already did)."""
        if fd in self.ready:
            self.ready.discard(fd)
            return
        self.parked[fd] = getcurrent()
        self.hub.switch()

    def loop(self) -> None:
        events = (epoll_event * 128)()
        while True:
            while self.runq:
                g, args = self.runq.pop()
                g.switch(*args)
            n = epoll_wait(self.epfd, events, 128, -1)
            for i in range(n):
                fd = events[i].data
                g = self.parked.get(fd)
                if g is None:
                    self.ready.add(fd)
                else:
                    self.parked[fd] = None
                    g.switch()


def handle(poller: Poller, fd: int, shortread: bool) -> None:
    buf = bytearray(BUFSIZE)
    view = (ctypes.c_char * BUFSIZE).from_buffer(buf)  # made once: the floor may pin
    drained = False
    while True:
        if drained:  # --shortread: a short read emptied the socket
            poller.wait(fd)
            drained = False
        n = read(fd, view, BUFSIZE)
        if n < 0:
            err = get_errno()
            if err == EAGAIN:
                poller.wait(fd)
                continue
            if err == EINTR:
                continue
            break
        if n == 0:
            break
        drained = shortread and n < BUFSIZE
        off = 0
        while off < n:
            m = write(fd, ctypes.byref(view, off), n - off)
            if m < 0:
                if get_errno() != EAGAIN:
                    break
                poller.wait(fd)
                continue
            off += m
    close(fd)
    del poller.parked[fd]
    poller.ready.discard(fd)


def listen(addr: str) -> tuple[int, int]:
    """A listening socket on an IPv4 host:port; returns it and the port it got. The
    structs hold network byte order, read here as little-endian (x86-64) integers."""
    host, port = addr.rsplit(":", 1)
    lfd = libc.socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)
    one = c_int(1)
    libc.setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, ctypes.byref(one), 4)
    sa = sockaddr_in(AF_INET, int.from_bytes(int(port).to_bytes(2, "big"), "little"),
                     int.from_bytes(bytes(int(x) for x in host.split(".")), "little"))
    if libc.bind(lfd, ctypes.byref(sa), 16) or libc.listen(lfd, 4096):
        raise OSError(get_errno(), os.strerror(get_errno()))
    n = ctypes.c_uint32(16)
    libc.getsockname(lfd, ctypes.byref(sa), ctypes.byref(n))
    return lfd, int.from_bytes(sa.port.to_bytes(2, "little"), "big")


def main() -> None:
    shortread = "--shortread" in sys.argv[1:]
    addr = [a for a in sys.argv[1:] if not a.startswith("--")][0]
    lfd, port = listen(addr)
    poller = Poller()
    one = c_int(1)

    def acceptor() -> None:
        while True:
            fd = accept4(lfd, None, None, SOCK_NONBLOCK | SOCK_CLOEXEC)
            if fd < 0:
                poller.wait(lfd)
                continue
            libc.setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, ctypes.byref(one), 4)
            poller.register(fd)
            poller.runq.append((greenlet(handle, parent=poller.hub), (poller, fd, shortread)))

    poller.register(lfd)
    poller.runq.append((greenlet(acceptor, parent=poller.hub), ()))
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    print(f"floor echo server listening on {addr.rsplit(':', 1)[0]}:{port}", flush=True)
    poller.hub.switch()


if __name__ == "__main__":
    main()
