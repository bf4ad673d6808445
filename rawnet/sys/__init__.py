"""rawnet.sys: the syscall layer (Go: syscall, internal/syscall/unix).

It loads libc once, declares the C functions and structs the stack shares, and holds
the Linux constants, the :class:`Errno` error type, and the syscall gate every call
passes through (see :mod:`rawnet.sys.gate`). It is the bottom layer: it imports
nothing of rawnet outside itself.

It is not the only package that touches ctypes. Who does, and for what
(tests/test_layering.py checks each point by parsing every module):

* Loading a C library (``ctypes.CDLL``, ``ctypes.PyDLL``): :mod:`rawnet.sys.libc`;
  :mod:`rawnet.bsd.kqueue`, whose libc has another name and other kevent symbols;
  and the tracer's fd decoration (:mod:`rawnet.strace.fd`), whose probes must bypass
  the gate and leave the saved errno alone.
* Declaring C functions (prototypes) and structs (``ctypes.Structure``): this
  package; :mod:`rawnet.linux` and :mod:`rawnet.bsd`, as Go's runtime declares its
  own epoll and kqueue calls rather than using package syscall; two modules of
  :mod:`rawnet.net`, through :func:`rawnet.sys.libc.declare`, for the C library
  functions Go's net reaches through cgo: ``cgo_unix`` (``getaddrinfo``,
  ``struct addrinfo``) and ``ipsock_posix`` (``if_nametoindex``,
  ``if_indextoname``, and the buffer it fills); and the tracer's probes.
* Reading and writing the memory behind a call's arguments: the debugging tools,
  :mod:`rawnet.strace` and :mod:`rawnet.net.internal.socktest`.
* Every other module leaves ctypes alone: it hands this package plain Python
  buffers (``bytes``, ``bytearray``, ``memoryview``) or the ctypes arrays made here
  (``poll.PollfdArray``), and imports ctypes only under ``TYPE_CHECKING``, to name
  a ctypes type in an annotation (``runtime.netpoll_poll``).
"""

from . import gate, zerrors_linux
from .errno import Errno
from .syscall_linux import (
    Sockaddr,
    SockaddrInet4,
    SockaddrInet6,
    SockaddrUnix,
)

__all__ = [
    "Errno",
    "Sockaddr",
    "SockaddrInet4",
    "SockaddrInet6",
    "SockaddrUnix",
    "gate",
    "zerrors_linux",
]
