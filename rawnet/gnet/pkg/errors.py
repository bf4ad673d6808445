"""gnet's error values (gnet v2.10.0: pkg/errors/errors.go).

Go compares error values (``err == errors.ErrNegativeSize``); Python raises, so each
gnet sentinel is a class here whose ``str()`` is gnet's text, raised as a fresh instance
and caught with ``except``. Only the errors of what is built so far are here: the
buffers' and the engine's.

Two of them are not failures but signals that travel up the event loop's call stack:
a callback raises :class:`ErrEngineShutdown` (an ``Action`` of ``Shutdown``) or
:class:`ErrAcceptSocket`, and the poller's ``Polling`` lets it end the loop.
"""

from __future__ import annotations

from ...internal.errmix import fixedError
from ...os.error import SyscallError
from ...sys.errno import Errno


# gnet: pkg/errors/errors.go ErrNegativeSize
class ErrNegativeSize(ValueError):
    """A buffer was asked for a size of zero or less."""

    def __init__(self) -> None:
        super().__init__("gnet: negative size is not allowed")


# gnet: pkg/errors/errors.go ErrEmptyEngine
class ErrEmptyEngine(fixedError):
    text = "gnet: the internal engine is empty"


# gnet: pkg/errors/errors.go ErrEngineShutdown
class ErrEngineShutdown(fixedError):
    text = "gnet: server is going to be shutdown"


# gnet: pkg/errors/errors.go ErrEngineInShutdown
class ErrEngineInShutdown(fixedError):
    text = "gnet: server is already in shutdown"


# gnet: pkg/errors/errors.go ErrAcceptSocket
class ErrAcceptSocket(fixedError):
    text = "gnet: accept a new connection error"


# gnet: pkg/errors/errors.go ErrUnsupportedProtocol
class ErrUnsupportedProtocol(fixedError):
    text = "gnet: only unix, tcp/tcp4/tcp6, udp/udp4/udp6 are supported"


# gnet: pkg/errors/errors.go ErrUnsupportedTCPProtocol
class ErrUnsupportedTCPProtocol(fixedError):
    text = "gnet: only tcp/tcp4/tcp6 are supported"


# gnet: pkg/errors/errors.go ErrUnsupportedUDSProtocol
class ErrUnsupportedUDSProtocol(fixedError):
    text = "gnet: only unix is supported"


# gnet: pkg/errors/errors.go ErrUnsupportedOp
class ErrUnsupportedOp(fixedError):
    text = "gnet: unsupported operation"


# gnet: pkg/errors/errors.go ErrInvalidNetworkAddress
class ErrInvalidNetworkAddress(fixedError):
    text = "gnet: invalid network address"


def checkSyscall(syscall: str, r: int) -> int:
    """r if the raw syscall result is no error, else raise Go's ``os.SyscallError``
    (``"epoll_ctl add: bad file descriptor"``) for -r: the Python form of gnet's
    ``os.NewSyscallError(syscall, err)`` (not in gnet's errors.go)."""
    if r < 0:
        raise SyscallError(syscall, Errno(-r))
    return r
