"""The io errors the net stack returns (Go: src/io/io.go EOF, ErrUnexpectedEOF)."""

from __future__ import annotations

from .internal.errmix import fixedError


class EOF(fixedError, EOFError):
    """End of stream (Go: io.EOF). ``conn.Read`` raises it bare, never wrapped."""

    text = "EOF"


class ErrUnexpectedEOF(fixedError, EOFError):
    """Go: io.ErrUnexpectedEOF."""

    text = "unexpected EOF"
