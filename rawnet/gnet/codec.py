"""Frame codecs: cutting a TCP byte stream into messages (gnet v1.6.7: codec.go, with the
v2 Conn's Peek/Discard/InboundBuffered from gnet v2.10.0: connection_unix.go).

TCP delivers bytes, not messages: one read may hold half a message or three and a bit.
A codec's ``Decode`` looks at what a connection has buffered and either takes one whole
frame off the front or raises :class:`ErrIncompletePacket` to say "not yet": the event
loop then waits for more bytes and calls it again. ``Encode`` is the other direction:
it turns a message into the bytes that frame it.

gnet v1 called the codec from its event loop; gnet v2 dropped codecs from the engine and
gave ``Conn`` the methods a decoder needs instead. The codecs here are v1's, written
against those v2 methods (the :class:`Reader` Protocol): ``Peek(n)`` to look without
consuming, ``Discard(n)`` to consume, ``InboundBuffered()`` to count. A codec keeps no
state of its own (gnet v1 shared one codec among all connections), so everything it
knows about a connection is in that connection's buffer.

The codecs (Netty's names in brackets, whose semantics gnet's follow):

- :class:`LineBasedFrameCodec` [LineBasedFrameDecoder]: frames end with ``\\n``;
- :class:`DelimiterBasedFrameCodec` [DelimiterBasedFrameDecoder]: frames end with a
  chosen byte;
- :class:`FixedLengthFrameCodec` [FixedLengthFrameDecoder]: every frame is N bytes;
- :class:`LengthFieldBasedFrameCodec` [LengthFieldBasedFrameDecoder and
  LengthFieldPrepender]: a header field holds the length of what follows;
- :class:`BuiltInFrameCodec`: no framing, whatever is buffered is one frame.

Decoded frames are ``bytes`` copies taken before the Discard (as gnet v1's ``append``
copies): a view into the connection's buffer would change under the caller on the next
read.

Where Python differs from gnet v1: errors are raised (gnet's sentinels, from its
pkg/errors/errors.go, are classes with gnet's texts). The length-field decoder also
takes Netty's ``MaxFrameLength`` and checks what Netty checks
(:class:`TooLongFrameError`, :class:`CorruptedFrameError`), where gnet v1 waits forever
on a negative adjusted length and panics on a strip past the frame; its
``ErrUnsupportedLength`` and the encoder's 4-byte overflow (gnet truncates silently) are
caught when the codec is made or the frame encoded. gnet v1's ``ErrUnexpectedEOF``
("there is no enough data") never reaches a caller there (Decode turns it into
``ErrIncompletePacket``), so it has no counterpart here.

Delimited frames have a maximum length too (rawnet's; Netty's LineBasedFrameDecoder
and DelimiterBasedFrameDecoder take a ``maxLength``, gnet v1 has none). Without one, a
peer that never sends the delimiter makes the connection's inbound buffer grow
without bound: every read is kept, waiting for the end of a frame that never comes.
The line and delimiter codecs raise :class:`TooLongFrameError` once a frame is longer
than ``maxLength`` bytes (the delimiter not counted), or once more than ``maxLength``
bytes are buffered with no delimiter among them (Netty's ``failFast``: no need to wait
for the end of a frame already too long). The default, :data:`DefaultMaxFrameLength`,
is 64 KiB: the engine's read buffer and outbound ring size, and the limit Redis puts on
an inline (line-based) command; a line protocol with longer lines passes its own
``maxLength``, and ``None`` turns the check off (gnet v1's behaviour).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final, Literal, Protocol, TypeAlias

from .pkg.buffer import BytesLike, ErrShortBuffer, elastic

# Go's binary.ByteOrder, spelled as int.from_bytes spells it.
ByteOrder: TypeAlias = Literal["big", "little"]
# Go's binary.BigEndian and binary.LittleEndian.
BigEndian: Final = "big"
LittleEndian: Final = "little"

# gnet: codec.go CRLFByte
CRLFByte: Final = ord("\n")  # gnet's name; the byte is LF alone


# gnet: pkg/errors/errors.go ErrIncompletePacket
class ErrIncompletePacket(Exception):
    """Decode: no whole frame is buffered yet; call again when more bytes arrive.

    The one error that keeps a connection open: gnet closes it on any other."""

    def __init__(self) -> None:
        super().__init__("incomplete packet")


# gnet: pkg/errors/errors.go ErrInvalidFixedLength
class ErrInvalidFixedLength(ValueError):
    """FixedLengthFrameCodec: the data is not a whole number of frames (or the frame
    length is not positive)."""

    def __init__(self) -> None:
        super().__init__("invalid fixed length of bytes")


# gnet: pkg/errors/errors.go ErrUnsupportedLength
class ErrUnsupportedLength(ValueError):
    """LengthFieldBasedFrameCodec: a length field of other than 1, 2, 3, 4 or 8 bytes."""

    def __init__(self) -> None:
        super().__init__("unsupported lengthFieldLength. (expected: 1, 2, 3, 4, or 8)")


# gnet: pkg/errors/errors.go ErrTooLessLength
class ErrTooLessLength(ValueError):
    """LengthFieldBasedFrameCodec: the length after LengthAdjustment is negative (the
    encoder's message was too short for the adjustment, or the decoder read a length
    field too small to cover the adjustment: a corrupt stream)."""

    def __init__(self) -> None:
        super().__init__("adjusted frame length is less than zero")


class LengthDoesNotFitError(ValueError):
    """LengthFieldBasedFrameCodec.Encode: the length does not fit into the length field
    (gnet: fmt.Errorf, with gnet's text)."""

    def __init__(self, what: str, length: int) -> None:
        super().__init__(f"length does not fit into {what}: {length}")
        self.length = length


class TooLongFrameError(ValueError):
    """LengthFieldBasedFrameCodec.Decode: a frame longer than MaxFrameLength is announced
    (Netty: TooLongFrameException). Raised as soon as the length field is read, before
    the frame arrives; the stream cannot be resynchronised, so close the connection."""

    def __init__(self, maxFrameLength: int, frameLength: int, text: str = "") -> None:
        super().__init__(text or f"Adjusted frame length exceeds {maxFrameLength}: {frameLength}")
        self.maxFrameLength = maxFrameLength
        self.frameLength = frameLength


class TooLongDelimitedFrameError(TooLongFrameError):
    """The line or delimiter codec's Decode: a frame is longer than maxLength, or more
    than maxLength bytes are buffered without a delimiter (frameLength is then what is
    buffered: the frame is at least that long). Close the connection: what follows is
    the rest of the frame, not a new one."""

    def __init__(self, maxLength: int, frameLength: int, delimited: bool) -> None:
        more = "" if delimited else " bytes without a delimiter"
        super().__init__(maxLength, frameLength,
                         f"frame length exceeds {maxLength}: {frameLength}{more}")


class CorruptedFrameError(ValueError):
    """LengthFieldBasedFrameCodec.Decode: the frame is shorter than InitialBytesToStrip
    (Netty: CorruptedFrameException)."""

    def __init__(self, frameLength: int, initialBytesToStrip: int) -> None:
        super().__init__(f"Adjusted frame length ({frameLength}) is less than "
                         f"initialBytesToStrip: {initialBytesToStrip}")


class Reader(Protocol):
    """What a decoder needs of a connection (gnet v2: the read half of ``Conn``)."""

    def Peek(self, n: int, /) -> memoryview:
        """The next n bytes (all when n <= 0) without consuming them, valid until the
        next Discard; raises ``ErrShortBuffer`` when fewer than n are buffered."""
        ...

    def Discard(self, n: int, /) -> int:
        """Consume the next n bytes (gnet: all of them when n <= 0); returns how many."""
        ...

    def InboundBuffered(self) -> int:
        """How many bytes are buffered."""
        ...


# gnet: codec.go ICodec
class ICodec(Protocol):
    """A frame codec. ``c`` is the connection (unused by gnet's encoders)."""

    def Encode(self, c: Reader, buf: BytesLike, /) -> bytes:
        """The bytes that frame buf on the wire."""
        ...

    def Decode(self, c: Reader, /) -> bytes:
        """Take one frame off the front of c's buffer and return its payload; raises
        ``ErrIncompletePacket`` when no whole frame is buffered yet."""
        ...


# gnet: codec.go BuiltInFrameCodec
class BuiltInFrameCodec:
    """No framing: every byte buffered so far is one frame."""

    # gnet: codec.go BuiltInFrameCodec.Encode
    def Encode(self, c: Reader, buf: BytesLike, /) -> bytes:
        return bytes(buf)

    # gnet: codec.go BuiltInFrameCodec.Decode
    def Decode(self, c: Reader, /) -> bytes:
        if c.InboundBuffered() == 0:
            raise ErrIncompletePacket()
        frame = bytes(c.Peek(-1))
        c.Discard(len(frame))
        return frame


# The line and delimiter codecs' default maxLength (see the module's docstring).
DefaultMaxFrameLength: Final = 64 * 1024


def _decodeDelimited(c: Reader, delimiter: re.Pattern[bytes], maxLength: int | None) -> bytes:
    """The bytes before the first delimiter, consuming the delimiter too; raises
    TooLongDelimitedFrameError past maxLength (None: no limit)."""
    buf = c.Peek(-1)
    # re searches a memoryview where it lies (bytes.find would need a copy first). With
    # a maxLength, what is searched is at most maxLength bytes and one read: more
    # without a delimiter failed the last call already.
    m = delimiter.search(buf)
    if m is None:
        if maxLength is not None and len(buf) > maxLength:
            raise TooLongDelimitedFrameError(maxLength, len(buf), False)
        raise ErrIncompletePacket()
    idx = m.start()
    if maxLength is not None and idx > maxLength:
        raise TooLongDelimitedFrameError(maxLength, idx, True)
    frame = bytes(buf[:idx])
    c.Discard(idx + 1)
    return frame


# gnet: codec.go LineBasedFrameCodec
class LineBasedFrameCodec:
    """Frames end with ``\\n`` (the newline is not part of the decoded frame), and are
    at most maxLength bytes long (None: no limit)."""

    _delimiter: Final = re.compile(re.escape(bytes([CRLFByte])))

    def __init__(self, maxLength: int | None = DefaultMaxFrameLength) -> None:
        self.maxLength = maxLength

    # gnet: codec.go LineBasedFrameCodec.Encode
    def Encode(self, c: Reader, buf: BytesLike, /) -> bytes:
        return b"".join((buf, bytes([CRLFByte])))

    # gnet: codec.go LineBasedFrameCodec.Decode
    def Decode(self, c: Reader, /) -> bytes:
        return _decodeDelimited(c, self._delimiter, self.maxLength)


# gnet: codec.go DelimiterBasedFrameCodec
class DelimiterBasedFrameCodec:
    """Frames end with one chosen byte (not part of the decoded frame), and are at most
    maxLength bytes long (None: no limit)."""

    __slots__ = ("delimiter", "maxLength", "_pattern")

    def __init__(self, delimiter: int, maxLength: int | None = DefaultMaxFrameLength) -> None:
        self.delimiter = delimiter
        self.maxLength = maxLength
        self._pattern = re.compile(re.escape(bytes([delimiter])))

    # gnet: codec.go DelimiterBasedFrameCodec.Encode
    def Encode(self, c: Reader, buf: BytesLike, /) -> bytes:
        return b"".join((buf, bytes([self.delimiter])))

    # gnet: codec.go DelimiterBasedFrameCodec.Decode
    def Decode(self, c: Reader, /) -> bytes:
        return _decodeDelimited(c, self._pattern, self.maxLength)


# gnet: codec.go NewDelimiterBasedFrameCodec
def NewDelimiterBasedFrameCodec(delimiter: int,
                                maxLength: int | None = DefaultMaxFrameLength
                                ) -> DelimiterBasedFrameCodec:
    """A codec whose frames end with the byte delimiter (0..255), at most maxLength
    bytes long (rawnet's argument)."""
    return DelimiterBasedFrameCodec(delimiter, maxLength)


# gnet: codec.go FixedLengthFrameCodec
class FixedLengthFrameCodec:
    """Every frame is frameLength bytes; Encode takes any whole number of frames."""

    __slots__ = ("frameLength",)

    def __init__(self, frameLength: int) -> None:
        if frameLength <= 0:  # gnet v1 would divide by zero in Encode
            raise ErrInvalidFixedLength()
        self.frameLength = frameLength

    # gnet: codec.go FixedLengthFrameCodec.Encode
    def Encode(self, c: Reader, buf: BytesLike, /) -> bytes:
        if len(buf) % self.frameLength != 0:
            raise ErrInvalidFixedLength()
        return bytes(buf)

    # gnet: codec.go FixedLengthFrameCodec.Decode
    def Decode(self, c: Reader, /) -> bytes:
        if c.InboundBuffered() < self.frameLength:
            raise ErrIncompletePacket()
        frame = bytes(c.Peek(self.frameLength))
        c.Discard(self.frameLength)
        return frame


# gnet: codec.go NewFixedLengthFrameCodec
def NewFixedLengthFrameCodec(frameLength: int) -> FixedLengthFrameCodec:
    """A codec whose frames are all frameLength (> 0) bytes long."""
    return FixedLengthFrameCodec(frameLength)


# gnet: codec.go EncoderConfig
@dataclass(frozen=True, kw_only=True)
class EncoderConfig:
    """How LengthFieldBasedFrameCodec.Encode frames a message: a length field, then the
    message (Netty: LengthFieldPrepender)."""

    ByteOrder: ByteOrder = BigEndian
    # The size of the length field in bytes: 1, 2, 3, 4 or 8.
    LengthFieldLength: int = 4
    # Added to len(message) to give the value written (may be negative).
    LengthAdjustment: int = 0
    # Whether the value written counts the length field itself too.
    LengthIncludesLengthFieldLength: bool = False


# gnet: codec.go DecoderConfig
@dataclass(frozen=True, kw_only=True)
class DecoderConfig:
    """How LengthFieldBasedFrameCodec.Decode finds frames (Netty:
    LengthFieldBasedFrameDecoder)::

        | LengthFieldOffset bytes | length field | value + LengthAdjustment bytes |
        |<------------------------- the frame ---------------------------------->|
        |<- InitialBytesToStrip ->|  ... the decoded payload starts here ...

    A length field that counts the header as well (value = whole frame) is read with a
    negative LengthAdjustment of the header's size.
    """

    ByteOrder: ByteOrder = BigEndian
    # Where the length field starts (the bytes before it are an opaque header).
    LengthFieldOffset: int = 0
    # The size of the length field in bytes: 1, 2, 3, 4 or 8.
    LengthFieldLength: int = 4
    # Added to the field's value to give the number of bytes after the field.
    LengthAdjustment: int = 0
    # How many bytes to cut off the front of the frame before returning it.
    InitialBytesToStrip: int = 0
    # The longest frame accepted, header included (Netty's maxFrameLength); 0: no limit
    # (gnet v1's behaviour: a peer can announce 2**64 bytes and the buffer grows as it
    # sends them).
    MaxFrameLength: int = 0


# The length fields the codec supports, and how its errors name them.
_fieldNames: Final = {1: "a byte", 2: "a short integer", 3: "a medium integer",
                      4: "an integer", 8: "a long integer"}


# gnet: codec.go LengthFieldBasedFrameCodec
class LengthFieldBasedFrameCodec:
    """Frames carry their own length in a header field.

    Made with :func:`NewLengthFieldBasedFrameCodec`, which checks both configs.
    """

    __slots__ = ("encoderConfig", "decoderConfig")

    def __init__(self, ec: EncoderConfig, dc: DecoderConfig) -> None:
        if ec.LengthFieldLength not in _fieldNames or dc.LengthFieldLength not in _fieldNames:
            raise ErrUnsupportedLength()
        # Netty's constructor checks, with Netty's texts.
        if dc.LengthFieldOffset < 0:
            raise ValueError(
                f"lengthFieldOffset must be a non-negative integer: {dc.LengthFieldOffset}")
        if dc.InitialBytesToStrip < 0:
            raise ValueError(
                f"initialBytesToStrip must be a non-negative integer: {dc.InitialBytesToStrip}")
        if dc.MaxFrameLength < 0:
            raise ValueError(f"maxFrameLength must be a positive integer: {dc.MaxFrameLength}")
        if 0 < dc.MaxFrameLength < dc.LengthFieldOffset + dc.LengthFieldLength:
            raise ValueError(
                f"maxFrameLength ({dc.MaxFrameLength}) must be equal to or greater than "
                f"lengthFieldOffset ({dc.LengthFieldOffset}) + "
                f"lengthFieldLength ({dc.LengthFieldLength}).")
        self.encoderConfig = ec
        self.decoderConfig = dc

    # gnet: codec.go LengthFieldBasedFrameCodec.Encode
    def Encode(self, c: Reader, buf: BytesLike, /) -> bytes:
        """The length field, then buf. Raises ``ErrTooLessLength`` when the adjusted
        length is negative, ``LengthDoesNotFitError`` when the field is too small."""
        ec = self.encoderConfig
        length = len(buf) + ec.LengthAdjustment
        if ec.LengthIncludesLengthFieldLength:
            length += ec.LengthFieldLength
        if length < 0:
            raise ErrTooLessLength()
        if length >= 1 << (8 * ec.LengthFieldLength):
            raise LengthDoesNotFitError(_fieldNames[ec.LengthFieldLength], length)
        # gnet: codec.go writeUint24 (inlined)
        field = length.to_bytes(ec.LengthFieldLength, ec.ByteOrder)
        return b"".join((field, buf))

    # gnet: codec.go LengthFieldBasedFrameCodec.Decode
    def Decode(self, c: Reader, /) -> bytes:
        """One frame, less its first InitialBytesToStrip bytes.

        Raises ``ErrIncompletePacket`` until the whole frame is buffered; on a corrupt
        stream ``ErrTooLessLength`` (negative adjusted length), ``TooLongFrameError``
        (over MaxFrameLength, raised as soon as the length field arrives) or
        ``CorruptedFrameError`` (frame shorter than the strip). These leave the buffer
        as it was: the connection is to be closed."""
        dc = self.decoderConfig
        # Where the length field ends: the frame cannot be sized before that arrives.
        endOffset = dc.LengthFieldOffset + dc.LengthFieldLength
        if c.InboundBuffered() < endOffset:
            raise ErrIncompletePacket()
        # gnet: codec.go LengthFieldBasedFrameCodec.getUnadjustedFrameLength (inlined)
        # gnet: codec.go readUint24 (inlined)
        field = c.Peek(endOffset)[dc.LengthFieldOffset :]
        msgLength = int.from_bytes(field, dc.ByteOrder) + dc.LengthAdjustment
        if msgLength < 0:
            raise ErrTooLessLength()
        frameLength = endOffset + msgLength
        if 0 < dc.MaxFrameLength < frameLength:
            raise TooLongFrameError(dc.MaxFrameLength, frameLength)
        if c.InboundBuffered() < frameLength:
            raise ErrIncompletePacket()
        if dc.InitialBytesToStrip > frameLength:
            raise CorruptedFrameError(frameLength, dc.InitialBytesToStrip)
        frame = bytes(c.Peek(frameLength)[dc.InitialBytesToStrip :])
        c.Discard(frameLength)
        return frame


# gnet: codec.go NewLengthFieldBasedFrameCodec
def NewLengthFieldBasedFrameCodec(
    ec: EncoderConfig, dc: DecoderConfig
) -> LengthFieldBasedFrameCodec:
    """A codec that prepends a length field (ec) and decodes by one (dc).

    Raises ``ErrUnsupportedLength`` for a length field of other than 1, 2, 3, 4 or 8
    bytes, and ``ValueError`` for a negative offset, strip or maximum, or a maximum
    shorter than the header."""
    return LengthFieldBasedFrameCodec(ec, dc)


class Inbound:
    """An in-memory connection for codecs: what gnet's ``conn`` does with its inbound
    buffer, without the socket. ``Write`` stands for the event loop storing what
    ``read(2)`` returned; the rest is the :class:`Reader` a codec sees.

    The bytes are kept in an ``elastic.RingBuffer``, as gnet's ``conn.inboundBuffer``:
    once a codec has taken every frame, the ring goes back to the pool and an idle
    Inbound holds no memory. (gnet's conn also reads from its event loop's read buffer
    before copying leftovers into the ring; here everything goes through the ring.)
    """

    __slots__ = ("inboundBuffer",)

    def __init__(self) -> None:
        self.inboundBuffer = elastic.RingBuffer()

    def Write(self, p: BytesLike) -> int:
        """Append p to what a codec will see."""
        return self.inboundBuffer.Write(p)

    def Peek(self, n: int, /) -> memoryview:
        """The next n bytes (all when n <= 0) as one view. When they wrap around the
        ring's end, they are copied into one piece (gnet copies into a pool buffer)."""
        buffered = self.inboundBuffer.Buffered()
        if n > buffered:
            raise ErrShortBuffer()
        if n <= 0:
            n = buffered
        head, tail = self.inboundBuffer.Peek(n)
        if len(head) == n:
            return head
        return memoryview(b"".join((head, tail)))

    def Discard(self, n: int, /) -> int:
        """Consume the next n bytes; all of them when n <= 0 or n is more (as gnet's)."""
        buffered = self.inboundBuffer.Buffered()
        if buffered == 0:
            return 0
        return self.inboundBuffer.Discard(n if 0 < n < buffered else buffered)

    def InboundBuffered(self) -> int:
        return self.inboundBuffer.Buffered()
