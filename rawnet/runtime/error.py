"""The runtime's error types (Go: src/runtime/error.go).

They sit in a module of their own, which tools/mypyc_build.py does not compile. mypyc
turns every class of a compiled module into a native (C) class, and a native class
cannot subclass ``SystemError`` or ``RuntimeError``; here they stay ordinary Python
classes, which compiled code raises and catches as it does ``OSError``. proc.py and
netpoll.py import them, so ``proc.Throw`` and ``netpoll.PollerError`` still name them.
"""

from __future__ import annotations


class Throw(SystemError):
    """Go's ``throw``: a fatal runtime invariant violation. Go kills the process; here it
    raises, so that a test can see it."""


class PollerError(RuntimeError):
    """RAWNET_POLLER names no poller, or one this system cannot provide."""
