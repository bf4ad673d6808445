"""An HTTP/1.1 server on rawnet.gnet: ``python3 examples/gnet_http.py [ADDR]``.

ADDR is ``host:port`` (default ``127.0.0.1:8080``; port 0: the kernel picks one). It
prints ``gnet_http listening on HOST:PORT``, serves until SIGINT or SIGTERM, and exits 0.
Try it with ``curl -v http://127.0.0.1:8080/`` or ``wrk http://127.0.0.1:8080/``.

Routes: ``GET``/``HEAD /`` answers ``Hello, World!``, ``POST /echo`` sends the request's
body back; any other path is 404, any other method 405.

How it reads requests
---------------------
``serve.Server.OnTraffic`` calls :meth:`httpServer.answer` for each request buffered
(see serve.py for the loop over gnet's ``Peek``/``Discard``). A request is complete
once its head (the request line and the header lines, ending with an empty line) and
then ``Content-Length`` bytes of body are here. Answers go out in the order the
requests came, as HTTP/1.1 requires of pipelining.

The bounds: a head over ``MAX_HEADER_BYTES`` gets ``431`` and the connection closed, a
body over ``MAX_BODY_BYTES`` gets ``413`` and closed, and malformed input gets ``400``
and closed (after a framing error the server cannot tell where the next request would
start). ``Connection: close`` (or HTTP/1.0 without ``keep-alive``) closes after the
answer.

Not built (a real server would need them): chunked request bodies (``501``), ``Expect:
100-continue``, idle timeouts (a client that opens a connection and sends nothing holds
it; gnet has no per-connection deadline yet), absolute-form targets.
"""

from __future__ import annotations

import email.utils
import re
import sys
import time
from dataclasses import dataclass

from serve import Answer, Incomplete, Server, main

from rawnet.gnet.options import WithMulticore

MAX_HEADER_BYTES = 8 * 1024  # the request line and the header lines, with their CRLFs
MAX_BODY_BYTES = 1 << 20

REASONS = {
    200: "OK",
    400: "Bad Request",
    404: "Not Found",
    405: "Method Not Allowed",
    413: "Content Too Large",
    431: "Request Header Fields Too Large",
    501: "Not Implemented",
    505: "HTTP Version Not Supported",
}

# RFC 9110 section 5.6.2: a token (a method, a header's name) is one or more of these.
TOKEN = re.compile(rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
VERSION = re.compile(rb"HTTP/([0-9])\.([0-9])")
# A request target: visible ASCII, no spaces or control characters.
TARGET = re.compile(rb"[\x21-\x7e]+")


class HTTPError(Exception):
    """The request cannot be served: answer status, then close the connection."""

    def __init__(self, status: int, why: str) -> None:
        super().__init__(why)
        self.status = status


@dataclass
class Request:
    method: str
    target: str
    version: tuple[int, int]  # (1, 1) for HTTP/1.1
    headers: dict[str, str]  # names lower-cased; repeated fields joined with ", "

    def keep_alive(self) -> bool:
        """Whether the connection stays open after the answer (RFC 9112 section 9.3):
        HTTP/1.1 unless the client says ``Connection: close``, HTTP/1.0 only if it
        says ``Connection: keep-alive``."""
        options = {o.strip().lower() for o in self.headers.get("connection", "").split(",")}
        if self.version >= (1, 1):
            return "close" not in options
        return "keep-alive" in options


def parse_head(head: bytes) -> Request:
    """The request line and header fields (head: up to, not including, the empty line
    that ends them). Raises HTTPError for anything malformed."""
    request_line, *field_lines = head.split(b"\r\n")
    parts = request_line.split(b" ")
    if len(parts) != 3:
        raise HTTPError(400, "malformed request line")
    method, target, version = parts
    if not TOKEN.fullmatch(method) or not TARGET.fullmatch(target):
        raise HTTPError(400, "malformed request line")
    v = VERSION.fullmatch(version)
    if v is None:
        raise HTTPError(400, "malformed HTTP version")
    if v[1] != b"1":
        raise HTTPError(505, "only HTTP/1.x is served")
    headers: dict[str, str] = {}
    for line in field_lines:
        # "Name: value". A name must be a token right up to the colon: this refuses a
        # space before the colon and the obsolete line folding (a line starting with
        # a space), both of which RFC 9112 tells a server to reject.
        name, colon, value = line.partition(b":")
        if not colon or not TOKEN.fullmatch(name):
            raise HTTPError(400, "malformed header field")
        key = name.decode("ascii").lower()
        text = value.strip(b" \t").decode("latin-1")
        headers[key] = f"{headers[key]}, {text}" if key in headers else text
    req = Request(method.decode("ascii"), target.decode("ascii"), (1, int(v[2])), headers)
    if req.version >= (1, 1) and "host" not in headers:
        raise HTTPError(400, "HTTP/1.1 requires a Host header")
    return req


def body_length(req: Request) -> int:
    """How many body bytes follow the head (RFC 9112 section 6.3)."""
    if "transfer-encoding" in req.headers:
        # Chunked bodies are not built. Guessing where the body ends would let the
        # body's bytes be read as the next request (request smuggling), so refuse.
        raise HTTPError(501, "Transfer-Encoding is not supported")
    value = req.headers.get("content-length")
    if value is None:
        return 0
    lengths = {v.strip() for v in value.split(",")}  # repeated fields must agree
    if len(lengths) != 1 or not lengths.pop().isdigit():
        raise HTTPError(400, "malformed Content-Length")
    n = int(value.split(",")[0])
    if n > MAX_BODY_BYTES:
        raise HTTPError(413, f"bodies are limited to {MAX_BODY_BYTES} bytes")
    return n


def handle(req: Request, body: bytes) -> tuple[int, bytes, list[str]]:
    """The application: status, body and extra header lines for a request."""
    path = req.target.split("?", 1)[0]
    if path == "/":
        if req.method in ("GET", "HEAD"):
            return 200, b"Hello, World!\n", []
        return 405, b"Method Not Allowed\n", ["Allow: GET, HEAD"]
    if path == "/echo":
        if req.method == "POST":
            return 200, body, []
        return 405, b"Method Not Allowed\n", ["Allow: POST"]
    return 404, b"Not Found\n", []


# RFC 9110 section 6.6.1: an origin server with a clock sends Date. Formatting it costs
# more than the rest of a response, so it is made once a second. The loops' threads
# share the cache: replacing the tuple is one store, so a thread sees an old pair or a
# new one, never half of each.
_date: tuple[int, str] = (0, "")


def http_date() -> str:
    global _date
    now = int(time.time())
    if _date[0] != now:
        _date = (now, email.utils.formatdate(now, usegmt=True))
    return _date[1]


def response(status: int, body: bytes, keep_alive: bool, extra: list[str],
             head_only: bool = False) -> bytes:
    """The bytes of a response. HEAD gets GET's headers, Content-Length included,
    without the body."""
    lines = [
        f"HTTP/1.1 {status} {REASONS[status]}",
        "Server: rawnet-gnet-example",
        f"Date: {http_date()}",
        "Content-Type: text/plain; charset=utf-8",
        f"Content-Length: {len(body)}",
        *extra,
        "Connection: keep-alive" if keep_alive else "Connection: close",
    ]
    head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
    return head if head_only else head + body


class httpServer(Server):
    name = "gnet_http"

    def answer(self, data: bytes, pos: int) -> Answer | Incomplete:
        # RFC 9112 section 2.2: ignore empty lines before a request line.
        start = pos
        while data.startswith(b"\r\n", start):
            start += 2
        end = data.find(b"\r\n\r\n", start, start + MAX_HEADER_BYTES)
        if end < 0:
            # No complete head among the next MAX_HEADER_BYTES bytes: too large if
            # that many are here, otherwise wait for more. A line ending in a bare LF
            # would never end the head: refuse it now rather than after 8 KiB.
            if len(data) - start >= MAX_HEADER_BYTES:
                return refuse(HTTPError(431, "headers too large"))
            if data.count(b"\n", start) != data.count(b"\r\n", start):
                return refuse(HTTPError(400, "lines must end in CRLF"))
            if start > pos:
                return Answer(b"", start)  # the empty lines are consumed
            return Incomplete()
        try:
            req = parse_head(data[start:end])
            n = body_length(req)
        except HTTPError as e:
            return refuse(e)
        body_start = end + 4
        if len(data) < body_start + n:
            return Incomplete(body_start + n - pos)
        status, body, extra = handle(req, data[body_start : body_start + n])
        keep = req.keep_alive()
        reply = response(status, body, keep, extra, head_only=req.method == "HEAD")
        return Answer(reply, body_start + n, close=not keep)


def refuse(e: HTTPError) -> Answer:
    """The error's response, and close: what follows a malformed request cannot be
    trusted to start a request."""
    reply = response(e.status, f"{REASONS[e.status]}: {e}\n".encode(), False, [])
    return Answer(reply, 0, close=True)


if __name__ == "__main__":
    # One event loop per CPU: connections are spread over the loops.
    sys.exit(main(httpServer(), "127.0.0.1:8080", WithMulticore(True)))
