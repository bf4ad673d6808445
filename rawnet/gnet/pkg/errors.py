"""gnet's error values (gnet v2.10.0: pkg/errors/errors.go).

Go compares error values (``err == errors.ErrNegativeSize``); Python raises, so each
gnet sentinel is a class here whose ``str()`` is gnet's text, raised as a fresh instance
and caught with ``except``. Only the errors of what is built so far are here (the
buffers); the engine's (``ErrEngineShutdown``, ``ErrUnsupportedProtocol``…) come with it.
"""

from __future__ import annotations


# gnet: pkg/errors/errors.go ErrNegativeSize
class ErrNegativeSize(ValueError):
    """A buffer was asked for a size of zero or less."""

    def __init__(self) -> None:
        super().__init__("gnet: negative size is not allowed")
