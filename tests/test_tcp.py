"""The stack under load: many goroutine connections, connections shared between OS
threads, concurrent Read and Write on one connection."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from nettest import connected, read_full

import rawnet
from rawnet.__main__ import handle_conn  # the README's echo server

pytestmark = pytest.mark.timeout(120)


class Server:
    """Accepts on ln in a goroutine (or a thread) and runs handler per conn;
    ``close()`` stops it and waits for every handler to finish."""

    def __init__(self, handler: Callable[[rawnet.TCPConn], None] = handle_conn) -> None:
        self.ln = rawnet.Listen("tcp", "127.0.0.1:0")
        self.addr = str(self.ln.Addr())
        self.handler = handler
        self.handlers = rawnet.WaitGroup()
        self.accepting = rawnet.WaitGroup()
        self.accepting.Add(1)

    def serve(self) -> None:
        try:
            while True:
                try:
                    conn = self.ln.Accept()
                except rawnet.ErrClosed:
                    return
                self.handlers.Add(1)
                rawnet.go(self._handle, conn)
        finally:
            self.accepting.Done()

    def _handle(self, conn: rawnet.TCPConn) -> None:
        try:
            self.handler(conn)
        finally:
            self.handlers.Done()

    def close(self) -> None:
        self.ln.Close()
        self.accepting.Wait()
        self.handlers.Wait()


def test_echo_1000_concurrent_goroutine_connections() -> None:
    N = 1000
    srv = Server()
    rawnet.go(srv.serve)
    addr = srv.addr
    try:
        wg = rawnet.WaitGroup()
        errors: list[BaseException] = []
        done: list[int] = []

        def client(i: int) -> None:
            try:
                with rawnet.Dial("tcp", addr) as c:
                    for r in range(3):
                        msg = b"conn %d round %d" % (i, r)
                        c.Write(msg)
                        assert read_full(c, len(msg)) == msg
                done.append(i)
            except BaseException as e:  # reported below, not lost in a goroutine
                errors.append(e)
            finally:
                wg.Done()

        wg.Add(N)
        for i in range(N):
            rawnet.go(client, i)
        wg.Wait()
    finally:
        srv.close()
    assert not errors, errors[:3]
    assert sorted(done) == list(range(N))


def test_conn_accepted_in_one_thread_read_in_another() -> None:
    with connected() as (c, s):
        got: list[bytes] = []
        started = threading.Event()

        def other_thread() -> None:
            started.set()
            got.append(read_full(s, 5))  # parks in this thread's own scheduler
            s.Write(b"world")

        t = threading.Thread(target=other_thread)
        t.start()
        started.wait(10)
        c.Write(b"hello")
        assert read_full(c, 5) == b"world"
        t.join(10)
        assert got == [b"hello"]


def test_concurrent_read_and_write_on_one_conn() -> None:
    # One goroutine streams 4 MiB into the conn while another reads the echo back;
    # neither fits in the socket buffers, so both park and wake many times.
    size = 4 << 20
    payload = bytes(range(256)) * (size // 256)
    srv = Server()
    rawnet.go(srv.serve)
    try:
        with rawnet.Dial("tcp", srv.addr) as c:
            wg = rawnet.WaitGroup()
            received: list[bytes] = []

            def writer() -> None:
                try:
                    for off in range(0, size, 65536):
                        c.Write(memoryview(payload)[off:off + 65536])
                finally:
                    wg.Done()

            def reader() -> None:
                try:
                    received.append(read_full(c, size))
                finally:
                    wg.Done()

            wg.Add(2)
            rawnet.go(writer)
            rawnet.go(reader)
            wg.Wait()
    finally:
        srv.close()
    assert received == [payload]


def test_concurrent_read_and_write_from_two_threads() -> None:
    size = 1 << 20
    payload = b"x" * size
    srv = Server()
    rawnet.go(srv.serve)
    try:
        with rawnet.Dial("tcp", srv.addr) as c:
            received: list[bytes] = []
            t = threading.Thread(target=lambda: received.append(read_full(c, size)))
            t.start()
            c.Write(payload)  # the main goroutine keeps serving the echo meanwhile
            while t.is_alive():
                rawnet.Sleep(0.001)  # let the server goroutines of this thread run
            t.join()
    finally:
        srv.close()
    assert received == [payload]


def test_goroutines_in_several_threads_share_one_listener() -> None:
    # Four threads each run goroutine clients against one server thread's listener.
    srv = Server()
    addr = srv.addr

    def server_thread() -> None:
        # The handlers are goroutines of this thread: they run only while it is in
        # rawnet's scheduler, so the thread waits for them before it ends.
        srv.serve()
        srv.handlers.Wait()

    server = threading.Thread(target=server_thread)
    server.start()
    try:
        results: list[int] = []
        lock = threading.Lock()

        def thread_main(k: int) -> None:
            wg = rawnet.WaitGroup()
            ok = 0

            def client(i: int) -> None:
                nonlocal ok
                try:
                    with rawnet.Dial("tcp", addr) as c:
                        msg = b"t%d c%d" % (k, i)
                        c.Write(msg)
                        if read_full(c, len(msg)) == msg:
                            ok += 1
                finally:
                    wg.Done()

            wg.Add(25)
            for i in range(25):
                rawnet.go(client, i)
            wg.Wait()
            with lock:
                results.append(ok)

        threads = [threading.Thread(target=thread_main, args=(k,)) for k in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
    finally:
        srv.ln.Close()
        server.join(10)
    assert results == [25, 25, 25, 25]
