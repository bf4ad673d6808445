"""The io errors the net stack returns (Go: src/io/io.go EOF, ErrUnexpectedEOF)."""

from __future__ import annotations


class EOF(EOFError):
    """End of stream (Go: io.EOF). ``conn.Read`` raises it bare, never wrapped."""

    def __init__(self) -> None:
        super().__init__("EOF")

    def __str__(self) -> str:
        return "EOF"


class ErrUnexpectedEOF(EOFError):
    """Go: io.ErrUnexpectedEOF."""

    def __init__(self) -> None:
        super().__init__("unexpected EOF")

    def __str__(self) -> str:
        return "unexpected EOF"
