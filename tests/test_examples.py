"""examples/: the HTTP and Redis-protocol servers on rawnet.gnet, each run as a process
and served to real clients: curl and wrk, redis-cli and redis-benchmark (Debian's
curl, wrk and redis-tools; .ci/run installs them), and stdlib sockets for what those
clients do not send (pipelined requests in one write, malformed input).

Each server runs once per module (a fixture): started with port 0, its address read
from the line it prints, stopped at the end with SIGTERM, after which it must have
exited 0 with no traceback on stderr. A missing client fails its tests, naming the
package to install: these tests are never skipped.
"""

from __future__ import annotations

import os
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

import rawnet

pytestmark = pytest.mark.timeout(60)

DEADLINE = 20.0  # seconds: the bound of any single wait
# The rawnet this test process runs (a checkout, an installed copy): the examples must
# import the same one, so it goes first on their PYTHONPATH.
RAWNET_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(rawnet.__file__)))
EXAMPLES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                        "examples")


def tool(name: str, package: str) -> str:
    """The path of a client program; fails the test, naming its Debian package, if it
    is not installed."""
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is not installed: apt-get install {package} (.ci/run does)")
    return path


def run(*argv: str) -> subprocess.CompletedProcess[str]:
    """Run a client; its output decoded as is (text=True would turn CRLF into LF)."""
    r = subprocess.run(argv, capture_output=True, timeout=DEADLINE)
    return subprocess.CompletedProcess(argv, r.returncode, r.stdout.decode(), r.stderr.decode())


@dataclass
class Example:
    proc: subprocess.Popen[str]
    host: str
    port: int


def start(script: str) -> Iterator[Example]:
    """Run examples/<script> on 127.0.0.1:0 until the module's tests are done, then
    SIGTERM it and check it stopped cleanly."""
    name = script.removesuffix(".py")
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (RAWNET_ROOT, env.get("PYTHONPATH")) if p)
    with subprocess.Popen([sys.executable, os.path.join(EXAMPLES, script), "127.0.0.1:0"],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          env=env) as p:
        assert p.stdout is not None and p.stderr is not None
        try:
            ready, _, _ = select.select([p.stdout], [], [], DEADLINE)
            line = p.stdout.readline() if ready else ""
            match = re.fullmatch(rf"{name} listening on (\S+):(\d+)\n", line)
            if match is None:
                p.kill()
                pytest.fail(f"{script} did not start: {line!r} {p.communicate()[1]}")
            yield Example(p, match[1], int(match[2]))
            p.send_signal(signal.SIGTERM)
            out, err = p.communicate(timeout=DEADLINE)
            assert p.returncode == 0, err
            assert "Traceback" not in err, err
            assert out == f"{name} stopped\n"
        finally:
            if p.poll() is None:
                p.kill()
                p.wait()


@pytest.fixture(scope="module")
def http() -> Iterator[Example]:
    yield from start("gnet_http.py")


@pytest.fixture(scope="module")
def redis() -> Iterator[Example]:
    yield from start("gnet_redis.py")


def exchange(ex: Example, data: bytes, chunk: int = 0) -> bytes:
    """Send data (all at once, or chunk bytes per send) and read until the server
    closes the connection. A reset after the reply counts as the close: a server
    closing with bytes unread sends RST, and Linux still delivers what came first."""
    with socket.create_connection((ex.host, ex.port), timeout=DEADLINE) as s:
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if chunk:
            for i in range(0, len(data), chunk):
                s.sendall(data[i : i + chunk])
        else:
            s.sendall(data)
        got = b""
        try:
            while chunk_in := s.recv(65536):
                got += chunk_in
        except ConnectionResetError:
            pass
        return got


# --- HTTP ----------------------------------------------------------------------------

def url(ex: Example, path: str = "/") -> str:
    return f"http://{ex.host}:{ex.port}{path}"


def test_http_curl_get(http: Example) -> None:
    r = run(tool("curl", "curl"), "-sS", "-i", "--max-time", "10", url(http))
    assert r.returncode == 0, r.stderr
    head, _, body = r.stdout.partition("\r\n\r\n")
    assert head.startswith("HTTP/1.1 200 OK\r\n")
    assert "Content-Length: 14" in head
    assert body == "Hello, World!\n"


def test_http_curl_keep_alive(http: Example) -> None:
    # Two URLs in one curl: the second request goes over the first's connection
    # (num_connects: 1 new connection, then 0).
    r = run(tool("curl", "curl"), "-sS", "--max-time", "10", "-w", "[%{num_connects}]\n",
            url(http), url(http, "/missing"))
    assert r.returncode == 0, r.stderr
    assert r.stdout == "Hello, World!\n[1]\nNot Found\n[0]\n"


def test_http_curl_post_echo_and_head(http: Example) -> None:
    curl = tool("curl", "curl")
    r = run(curl, "-sS", "--max-time", "10", "--data-binary", "ping\r\npong", url(http, "/echo"))
    assert (r.returncode, r.stdout) == (0, "ping\r\npong"), r.stderr
    r = run(curl, "-sS", "--max-time", "10", "-I", url(http))
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("HTTP/1.1 200 OK\r\n") and "Content-Length: 14\r\n" in r.stdout
    r = run(curl, "-sS", "--max-time", "10", "-X", "DELETE", "-o", "/dev/null",
            "-w", "%{http_code}", url(http))
    assert (r.returncode, r.stdout) == (0, "405"), r.stderr


def test_http_wrk(http: Example) -> None:
    r = run(tool("wrk", "wrk"), "-t1", "-c10", "-d2s", "--timeout", "5s", url(http))
    assert r.returncode == 0, r.stderr
    print(r.stdout)
    requests = re.search(r"^\s*(\d+) requests in", r.stdout, re.M)
    rate = re.search(r"^Requests/sec:\s+([\d.]+)", r.stdout, re.M)
    assert requests is not None and rate is not None, r.stdout
    assert int(requests[1]) > 0 and float(rate[1]) > 0
    # wrk prints these lines only when there are errors or non-2xx/3xx answers.
    assert "Socket errors" not in r.stdout
    assert "Non-2xx or 3xx responses" not in r.stdout


def request(method: str, path: str, body: bytes = b"", *headers: str) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: test", f"Content-Length: {len(body)}",
             *headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def responses(data: bytes) -> list[tuple[str, bytes]]:
    """The status lines and bodies of consecutive responses (Content-Length framed)."""
    out = []
    while data:
        head, sep, rest = data.partition(b"\r\n\r\n")
        assert sep, data
        length = re.search(rb"\r\nContent-Length: (\d+)", head)
        assert length is not None, head
        n = int(length[1])
        out.append((head.split(b"\r\n")[0].decode(), rest[:n]))
        data = rest[n:]
    return out


PIPELINE = (request("POST", "/echo", b"one") + request("GET", "/nowhere")
            + request("POST", "/echo", b"three\r\n\r\n", "Connection: close"))
ANSWERS = [("HTTP/1.1 200 OK", b"one"), ("HTTP/1.1 404 Not Found", b"Not Found\n"),
           ("HTTP/1.1 200 OK", b"three\r\n\r\n")]


@pytest.mark.parametrize("chunk", [0, 1, 7, 100], ids=["one-write", "1", "7", "100"])
def test_http_pipelining(http: Example, chunk: int) -> None:
    # Three requests in one write (or in pieces cutting heads and bodies anywhere):
    # three answers in order, then the server closes as the last one asked.
    assert responses(exchange(http, PIPELINE, chunk)) == ANSWERS


def test_http_large_body_in_pieces(http: Example) -> None:
    body = bytes(range(256)) * 4096  # 1 MiB, the largest body allowed
    got = responses(exchange(http, request("POST", "/echo", body, "Connection: close"),
                             chunk=60_000))
    assert got == [("HTTP/1.1 200 OK", body)]


BAD_REQUESTS = {
    "garbage": (b"GARBAGE\r\n\r\n", 400),
    "no-version": (b"GET /\r\nHost: x\r\n\r\n", 400),
    "space-before-colon": (b"GET / HTTP/1.1\r\nHost : x\r\n\r\n", 400),
    "folded-header": (b"GET / HTTP/1.1\r\nHost: x\r\n continued\r\n\r\n", 400),
    "no-host": (b"GET / HTTP/1.1\r\n\r\n", 400),
    "bare-lf": (b"GET / HTTP/1.1\nHost: x\n\n", 400),
    "http2": (b"GET / HTTP/2.0\r\nHost: x\r\n\r\n", 505),
    "bad-length": (b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1x\r\n\r\n", 400),
    "two-lengths": (b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n"
                    b"Content-Length: 2\r\n\r\nab", 400),
    "chunked": (b"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                b"0\r\n\r\n", 501),
    "body-too-large": (b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1048577\r\n\r\n",
                       413),
    "headers-too-large": (b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 9000, 431),
    "many-headers": (b"GET / HTTP/1.1\r\nHost: x\r\n" + b"X: y\r\n" * 2000 + b"\r\n", 431),
}


@pytest.mark.parametrize("data,status", BAD_REQUESTS.values(), ids=BAD_REQUESTS.keys())
def test_http_bad_request_answered_and_closed(http: Example, data: bytes, status: int
                                              ) -> None:
    # A good request first, on the same connection: it is answered, then the bad one
    # gets its error and the connection is closed (exchange reads until it is).
    got = responses(exchange(http, request("GET", "/") + data))
    assert [s for s, _ in got] == ["HTTP/1.1 200 OK", f"HTTP/1.1 {status} " + {
        400: "Bad Request", 413: "Content Too Large", 431: "Request Header Fields Too Large",
        501: "Not Implemented", 505: "HTTP Version Not Supported"}[status]]


# --- Redis ---------------------------------------------------------------------------

def redis_cli(ex: Example, *args: str) -> str:
    r = run(tool("redis-cli", "redis-tools"), "-h", ex.host, "-p", str(ex.port), *args)
    assert r.returncode == 0, r.stderr
    return r.stdout


def test_redis_cli(redis: Example) -> None:
    assert redis_cli(redis, "ping") == "PONG\n"
    assert redis_cli(redis, "ping", "hello there") == "hello there\n"
    assert redis_cli(redis, "set", "k", "v") == "OK\n"
    assert redis_cli(redis, "get", "k") == "v\n"
    assert redis_cli(redis, "echo", "a\r\nb") == "a\r\nb\n"  # multibulk: binary-safe
    assert redis_cli(redis, "del", "k", "other") == "1\n"
    assert redis_cli(redis, "get", "k") == "\n"  # nil, as redis-cli prints it to a pipe
    # redis-cli prints an error reply with an empty line after it.
    assert redis_cli(redis, "foo", "a", "b") == (
        "ERR unknown command 'foo', with args beginning with: 'a' 'b' \n\n")
    assert redis_cli(redis, "get") == "ERR wrong number of arguments for 'get' command\n\n"


@pytest.mark.parametrize("pipeline", [1, 16], ids=["P1", "P16"])
def test_redis_benchmark(redis: Example, pipeline: int) -> None:
    r = run(tool("redis-benchmark", "redis-tools"), "-h", redis.host, "-p", str(redis.port),
            "-t", "ping,set,get", "-n", "2000", "-c", "10", "-P", str(pipeline), "-q")
    assert r.returncode == 0, r.stdout + r.stderr
    # -q prints progress lines ending in CR, then one line per test:
    # "SET: 42553.19 requests per second, p50=0.207 msec".
    rates = dict(re.findall(r"^\s*(\w+): ([\d.]+) requests per second",
                            r.stdout.replace("\r", "\n"), re.M))
    print({name: float(rps) for name, rps in rates.items()})
    assert set(rates) == {"PING_INLINE", "PING_MBULK", "SET", "GET"}, r.stdout
    assert all(float(rps) > 0 for rps in rates.values())
    assert "ERR" not in r.stdout + r.stderr


def resp(*args: bytes) -> bytes:
    return b"*%d\r\n" % len(args) + b"".join(b"$%d\r\n%s\r\n" % (len(a), a) for a in args)


@pytest.mark.parametrize("chunk", [0, 1, 5], ids=["one-write", "1", "5"])
def test_redis_pipelined_inline_and_multibulk(redis: Example, chunk: int) -> None:
    value = b"\r\n$3\r\n*1\r\n" + bytes(range(256))  # RESP inside a value: binary-safe
    data = (b"PING\r\n" + resp(b"SET", b"pk", value) + b"\r\n" + b"get pk\n"
            + resp(b"ECHO", b"") + b"NOPE x\r\n" + resp(b"DEL", b"pk", b"pk")
            + b"*1\r\n+oops\r\n")  # a protocol error: answered, then the close
    assert exchange(redis, data, chunk) == (
        b"+PONG\r\n+OK\r\n" + b"$%d\r\n%s\r\n" % (len(value), value) + b"$0\r\n\r\n"
        + b"-ERR unknown command 'NOPE', with args beginning with: 'x' \r\n"
        + b":1\r\n-ERR Protocol error: expected '$', got '+'\r\n")


BAD_RESP = {
    "multibulk-count": (b"*x\r\n", b"invalid multibulk length"),
    "multibulk-too-many": (b"*1025\r\n", b"invalid multibulk length"),
    "bulk-length": (b"*1\r\n$-5\r\n", b"invalid bulk length"),
    "bulk-too-large": (b"*1\r\n$1048577\r\n", b"invalid bulk length"),
    "bulk-count-spaces": (b"*1\r\n$ 3\r\nget\r\n", b"invalid bulk length"),
    "inline-too-big": (b"GET " + b"k" * 70_000, b"too big inline request"),
    "count-too-big": (b"*" + b"1" * 70_000, b"too big mbulk count string"),
}


@pytest.mark.parametrize("data,text", BAD_RESP.values(), ids=BAD_RESP.keys())
def test_redis_protocol_error_answered_and_closed(redis: Example, data: bytes, text: bytes
                                                  ) -> None:
    assert exchange(redis, b"PING\r\n" + data) == (
        b"+PONG\r\n-ERR Protocol error: " + text + b"\r\n")
