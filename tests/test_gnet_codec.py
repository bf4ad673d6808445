"""rawnet.gnet.codec: gnet v1's codec tests ported (names kept, as test_<GoTestName>),
Netty's LengthFieldBasedFrameDecoder examples, and for every codec the property that
matters on a stream socket: however the bytes are cut into reads, the same frames come
out."""

from __future__ import annotations

import os
import random
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rawnet.gnet import codec
from rawnet.gnet.codec import (
    BigEndian,
    ByteOrder,
    DecoderConfig,
    EncoderConfig,
    ICodec,
    Inbound,
    LittleEndian,
    NewLengthFieldBasedFrameCodec,
)
from rawnet.gnet.pkg.buffer import ErrShortBuffer

pytestmark = pytest.mark.timeout(60)


def feed(data: bytes) -> Inbound:
    c = Inbound()
    c.Write(data)
    return c


def lengthField(n: int, order: ByteOrder) -> codec.LengthFieldBasedFrameCodec:
    """gnet's test codec: an n-byte length field, stripped from the decoded frame."""
    return NewLengthFieldBasedFrameCodec(
        EncoderConfig(ByteOrder=order, LengthFieldLength=n),
        DecoderConfig(ByteOrder=order, LengthFieldLength=n, InitialBytesToStrip=n))


# --- gnet v1's codec_test.go ----------------------------------------------------------


def roundTrip(fieldLength: int, tooLong: int | None, sizes: list[int]) -> None:
    """gnet's TestLengthFieldBasedFrameCodecWithN: tooLong bytes do not fit the field;
    then a frame of each size encodes as the field followed by the data, and decodes
    back, big endian first, then little endian."""
    if tooLong is not None:
        with pytest.raises(codec.LengthDoesNotFitError):
            lengthField(fieldLength, BigEndian).Encode(Inbound(), bytes(tooLong))
    for order, size in zip((BigEndian, LittleEndian), sizes, strict=True):
        cc = lengthField(fieldLength, order)
        data = os.urandom(size)
        out = cc.Encode(Inbound(), data)
        assert out[fieldLength:] == data
        assert int.from_bytes(out[:fieldLength], order) == size
        assert cc.Decode(feed(out)) == data


def test_TestLengthFieldBasedFrameCodecWith1() -> None:
    roundTrip(1, 256, [255, 255])
    with pytest.raises(codec.LengthDoesNotFitError, match="^length does not fit into a byte: 256$"):
        lengthField(1, BigEndian).Encode(Inbound(), bytes(256))


def test_TestLengthFieldBasedFrameCodecWith2() -> None:
    rng = random.Random(2)
    roundTrip(2, 65536, [rng.randrange(10) * 1024 for _ in range(2)])
    with pytest.raises(codec.LengthDoesNotFitError,
                       match="^length does not fit into a short integer: 65536$"):
        lengthField(2, BigEndian).Encode(Inbound(), bytes(65536))


def test_TestLengthFieldBasedFrameCodecWith3() -> None:
    rng = random.Random(3)
    roundTrip(3, 16777216, [rng.randrange(10) * 64 * 1024 for _ in range(2)])
    # gnet's readUint24/writeUint24 round trip, which int.from_bytes/to_bytes stand for.
    for order in (BigEndian, LittleEndian):
        b = os.urandom(3)
        assert int.from_bytes(b, order).to_bytes(3, order) == b


def test_TestLengthFieldBasedFrameCodecWith8() -> None:
    rng = random.Random(8)
    roundTrip(8, None, [rng.randrange(10) * 1024 * 1024 for _ in range(2)])


def test_TestFixedLengthFrameCodec_Encode() -> None:
    cc = codec.NewFixedLengthFrameCodec(8)
    with pytest.raises(codec.ErrInvalidFixedLength, match="^invalid fixed length of bytes$"):
        cc.Encode(Inbound(), bytes(15))


def test_TestLengthFieldBasedFrameCodecZeroPlayLoad() -> None:
    cc = lengthField(4, BigEndian)
    out = cc.Encode(Inbound(), b"")
    assert out == b"\0\0\0\0"
    assert cc.Decode(feed(out)) == b""


# gnet's TestInnerBufferReadN tests a helper the Python decoder does not need: it peeks
# at the connection instead of slicing a copy of its buffer.


# --- Netty's LengthFieldBasedFrameDecoder examples --------------------------------------

HELLO = b"HELLO, WORLD"  # 12 bytes


@pytest.mark.parametrize(("dc", "wire", "frame"), [
    # 2-byte length, nothing stripped: the whole frame.
    (DecoderConfig(LengthFieldLength=2), b"\x00\x0c" + HELLO, b"\x00\x0c" + HELLO),
    # 2-byte length, stripped.
    (DecoderConfig(LengthFieldLength=2, InitialBytesToStrip=2), b"\x00\x0c" + HELLO, HELLO),
    # The length counts its own 2 bytes: adjust by -2.
    (DecoderConfig(LengthFieldLength=2, LengthAdjustment=-2),
     b"\x00\x0e" + HELLO, b"\x00\x0e" + HELLO),
    # A 2-byte header before a 3-byte length.
    (DecoderConfig(LengthFieldOffset=2, LengthFieldLength=3),
     b"\xca\xfe\x00\x00\x0c" + HELLO, b"\xca\xfe\x00\x00\x0c" + HELLO),
    # A 2-byte header between the length and the content: adjust by +2.
    (DecoderConfig(LengthFieldLength=3, LengthAdjustment=2),
     b"\x00\x00\x0c\xca\xfe" + HELLO, b"\x00\x00\x0c\xca\xfe" + HELLO),
    # HDR1, length, HDR2: strip HDR1 and the length.
    (DecoderConfig(LengthFieldOffset=1, LengthFieldLength=2, LengthAdjustment=1,
                   InitialBytesToStrip=3),
     b"\xca\x00\x0c\xfe" + HELLO, b"\xfe" + HELLO),
    # The same, with the length counting the whole frame: adjust by -3.
    (DecoderConfig(LengthFieldOffset=1, LengthFieldLength=2, LengthAdjustment=-3,
                   InitialBytesToStrip=3),
     b"\xca\x00\x10\xfe" + HELLO, b"\xfe" + HELLO),
])
def test_netty_examples(dc: DecoderConfig, wire: bytes, frame: bytes) -> None:
    cc = NewLengthFieldBasedFrameCodec(EncoderConfig(), dc)
    c = feed(wire + wire[:3])  # and the start of the next frame
    assert cc.Decode(c) == frame
    assert c.InboundBuffered() == 3
    with pytest.raises(codec.ErrIncompletePacket, match="^incomplete packet$"):
        cc.Decode(c)


def test_encoder_adjustments() -> None:
    ec = EncoderConfig(LengthFieldLength=2, LengthIncludesLengthFieldLength=True)
    cc = NewLengthFieldBasedFrameCodec(ec, DecoderConfig(LengthFieldLength=2))
    assert cc.Encode(Inbound(), HELLO) == b"\x00\x0e" + HELLO
    ec = EncoderConfig(LengthFieldLength=1, LengthAdjustment=-13)
    cc = NewLengthFieldBasedFrameCodec(ec, DecoderConfig())
    with pytest.raises(codec.ErrTooLessLength, match="^adjusted frame length is less than zero$"):
        cc.Encode(Inbound(), HELLO)
    # gnet truncates a length over 32 bits into a 4-byte field; here it is refused.
    ec = EncoderConfig(LengthFieldLength=4, LengthAdjustment=1 << 32)
    cc = NewLengthFieldBasedFrameCodec(ec, DecoderConfig())
    with pytest.raises(codec.LengthDoesNotFitError,
                       match="^length does not fit into an integer: 4294967308$"):
        cc.Encode(Inbound(), HELLO)


# --- malformed and too-long frames ------------------------------------------------------


def test_too_long_frame_is_refused_at_its_length_field() -> None:
    cc = NewLengthFieldBasedFrameCodec(
        EncoderConfig(), DecoderConfig(LengthFieldLength=4, MaxFrameLength=1024))
    frame = cc.Encode(Inbound(), bytes(1020))  # 4 + 1020: just fits
    assert cc.Decode(feed(frame)) == frame
    c = feed((1021).to_bytes(4, "big"))  # only the header has arrived
    with pytest.raises(codec.TooLongFrameError,
                       match="^Adjusted frame length exceeds 1024: 1025$") as e:
        cc.Decode(c)
    assert (e.value.maxFrameLength, e.value.frameLength) == (1024, 1025)
    assert c.InboundBuffered() == 4  # nothing consumed: the caller closes the connection


def test_max_frame_length_counts_the_whole_frame() -> None:
    dc = DecoderConfig(LengthFieldOffset=2, LengthFieldLength=2, MaxFrameLength=14)
    cc = NewLengthFieldBasedFrameCodec(EncoderConfig(), dc)
    assert cc.Decode(feed(b"hd\x00\x0a" + bytes(10))) == b"hd\x00\x0a" + bytes(10)
    with pytest.raises(codec.TooLongFrameError):
        cc.Decode(feed(b"hd\x00\x0b"))


def test_negative_adjusted_length_is_an_error() -> None:
    # The field says 1 byte, but the adjustment takes off 2: no frame can be that short.
    cc = NewLengthFieldBasedFrameCodec(
        EncoderConfig(), DecoderConfig(LengthFieldLength=1, LengthAdjustment=-2))
    with pytest.raises(codec.ErrTooLessLength):
        cc.Decode(feed(b"\x01abc"))


def test_strip_past_the_frame_is_an_error() -> None:
    cc = NewLengthFieldBasedFrameCodec(
        EncoderConfig(), DecoderConfig(LengthFieldLength=1, InitialBytesToStrip=4))
    with pytest.raises(codec.CorruptedFrameError,
                       match=r"^Adjusted frame length \(3\) is less than initialBytesToStrip: 4$"):
        cc.Decode(feed(b"\x02ab"))


@pytest.mark.parametrize(("ec", "dc", "message"), [
    (EncoderConfig(LengthFieldLength=5), DecoderConfig(),
     r"^unsupported lengthFieldLength\. \(expected: 1, 2, 3, 4, or 8\)$"),
    (EncoderConfig(), DecoderConfig(LengthFieldLength=0),
     r"^unsupported lengthFieldLength\. \(expected: 1, 2, 3, 4, or 8\)$"),
    (EncoderConfig(), DecoderConfig(LengthFieldOffset=-1),
     "^lengthFieldOffset must be a non-negative integer: -1$"),
    (EncoderConfig(), DecoderConfig(InitialBytesToStrip=-1),
     "^initialBytesToStrip must be a non-negative integer: -1$"),
    (EncoderConfig(), DecoderConfig(MaxFrameLength=-1),
     "^maxFrameLength must be a positive integer: -1$"),
    (EncoderConfig(), DecoderConfig(LengthFieldOffset=2, MaxFrameLength=5),
     r"^maxFrameLength \(5\) must be equal to or greater than lengthFieldOffset \(2\) \+ "
     r"lengthFieldLength \(4\)\.$"),
])
def test_bad_configs_are_refused(ec: EncoderConfig, dc: DecoderConfig, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        NewLengthFieldBasedFrameCodec(ec, dc)


def test_unsupported_length_is_its_own_error() -> None:
    with pytest.raises(codec.ErrUnsupportedLength):
        NewLengthFieldBasedFrameCodec(EncoderConfig(LengthFieldLength=7), DecoderConfig())


def test_fixed_length_must_be_positive() -> None:
    with pytest.raises(codec.ErrInvalidFixedLength):
        codec.NewFixedLengthFrameCodec(0)


# --- the in-memory connection ----------------------------------------------------------


def test_Inbound_is_gnets_read_half() -> None:
    c = Inbound()
    assert c.InboundBuffered() == 0 and c.Peek(-1) == b"" and c.Discard(5) == 0
    c.Write(b"hello world")
    with pytest.raises(ErrShortBuffer):
        c.Peek(12)
    assert c.Peek(5) == b"hello" and c.Peek(0) == b"hello world"
    assert c.Discard(6) == 6 and c.Peek(-1) == b"world"
    assert c.Discard(0) == 5  # gnet's Discard(n <= 0) discards everything
    assert c.inboundBuffer.rb is None  # drained: the ring went back to the pool


def test_Inbound_Peek_joins_a_wrapped_ring() -> None:
    c = Inbound()
    c.Write(b"x" * 1000)
    c.Discard(990)
    c.Write(b"y" * 30)  # the ring is 1024 bytes: this wraps around its end
    head, tail = c.inboundBuffer.Peek(-1)
    assert len(tail) > 0
    assert c.Peek(-1) == b"x" * 10 + b"y" * 30


# --- any split of the stream, the same frames -------------------------------------------

frameBytes = st.binary(max_size=300)


def lengthFieldCodec(n: int, order: ByteOrder, adjust: int,
                     includes: bool) -> codec.LengthFieldBasedFrameCodec:
    """An encoder and the decoder that undoes it: whatever the encoder adds to the
    length (adjust, and n when the field counts itself), the decoder takes off."""
    return NewLengthFieldBasedFrameCodec(
        EncoderConfig(ByteOrder=order, LengthFieldLength=n, LengthAdjustment=adjust,
                      LengthIncludesLengthFieldLength=includes),
        DecoderConfig(ByteOrder=order, LengthFieldLength=n, InitialBytesToStrip=n,
                      LengthAdjustment=-adjust - (n if includes else 0)))


def anyFrame(f: bytes) -> bool:
    return True


def codecs() -> st.SearchStrategy[tuple[ICodec, Callable[[bytes], bool]]]:
    """(codec, which frames it can carry)."""
    lengthFields = st.builds(lengthFieldCodec, st.sampled_from([2, 3, 4, 8]),
                             st.sampled_from([BigEndian, LittleEndian]), st.integers(0, 3),
                             st.booleans())
    return st.one_of(
        st.just((codec.LineBasedFrameCodec(), lambda f: b"\n" not in f)),
        st.integers(0, 255).map(
            lambda d: (codec.NewDelimiterBasedFrameCodec(d), lambda f: bytes([d]) not in f)),
        st.just((codec.BuiltInFrameCodec(), anyFrame)),
        lengthFields.map(lambda cc: (cc, anyFrame)),
    )


def cut(data: bytes, points: list[int]) -> list[bytes]:
    """data cut at the given offsets (any order, repeats allowed)."""
    edges = sorted({0, len(data), *(p % (len(data) + 1) for p in points)})
    return [data[a:b] for a, b in zip(edges, edges[1:], strict=False)]


def decodeAll(cc: ICodec, c: Inbound) -> list[bytes]:
    frames = []
    while True:
        try:
            frames.append(cc.Decode(c))
        except codec.ErrIncompletePacket:
            return frames


@settings(max_examples=300, deadline=None)
@given(cc=codecs(), frames=st.lists(frameBytes, max_size=8),
       points=st.lists(st.integers(min_value=0), max_size=12))
def test_any_split_decodes_to_the_same_frames(
    cc: tuple[ICodec, Callable[[bytes], bool]], frames: list[bytes], points: list[int]
) -> None:
    codec_, fits = cc
    frames = [f for f in frames if fits(f)]
    c = Inbound()
    stream = b"".join(codec_.Encode(c, f) for f in frames)
    got: list[bytes] = []
    for chunk in cut(stream, points):
        c.Write(chunk)
        got += decodeAll(codec_, c)
    if isinstance(codec_, codec.BuiltInFrameCodec):
        # No framing: the frames come out as the reads cut them, the bytes the same.
        assert b"".join(got) == b"".join(frames)
    else:
        assert got == frames
    assert c.InboundBuffered() == 0
    assert c.inboundBuffer.rb is None  # every byte taken: no memory held


@settings(max_examples=200, deadline=None)
@given(frameLength=st.integers(1, 40), nframes=st.integers(0, 8),
       points=st.lists(st.integers(min_value=0), max_size=12), data=st.data())
def test_fixed_length_any_split(frameLength: int, nframes: int, points: list[int],
                                data: st.DataObject) -> None:
    cc = codec.NewFixedLengthFrameCodec(frameLength)
    frames = [data.draw(st.binary(min_size=frameLength, max_size=frameLength))
              for _ in range(nframes)]
    c = Inbound()
    stream = cc.Encode(c, b"".join(frames))
    got: list[bytes] = []
    for chunk in cut(stream, points):
        c.Write(chunk)
        got += decodeAll(cc, c)
    assert got == frames and c.InboundBuffered() == 0


@settings(max_examples=200, deadline=None)
@given(offset=st.integers(0, 3), n=st.sampled_from([1, 2, 3, 4, 8]),
       order=st.sampled_from([BigEndian, LittleEndian]), strip=st.integers(0, 12),
       bodies=st.lists(st.binary(max_size=200), max_size=6),
       points=st.lists(st.integers(min_value=0), max_size=12))
def test_length_field_with_header_and_strip_any_split(
    offset: int, n: int, order: ByteOrder, strip: int, bodies: list[bytes], points: list[int]
) -> None:
    # Frames built by hand: an opaque header of offset bytes, the length field, the body.
    # Decoding returns each frame less its first strip bytes.
    strip = min(strip, offset + n)
    cc = NewLengthFieldBasedFrameCodec(
        EncoderConfig(), DecoderConfig(ByteOrder=order, LengthFieldOffset=offset,
                                       LengthFieldLength=n, InitialBytesToStrip=strip))
    bodies = [b[: (1 << (8 * n)) - 1] for b in bodies]
    wire = [b"h" * offset + len(b).to_bytes(n, order) + b for b in bodies]
    c = Inbound()
    got: list[bytes] = []
    for chunk in cut(b"".join(wire), points):
        c.Write(chunk)
        got += decodeAll(cc, c)
    assert got == [w[strip:] for w in wire] and c.InboundBuffered() == 0


# --- the delimited codecs' maxLength (rawnet's; Netty's LineBasedFrameDecoder) -------


@pytest.mark.parametrize("cc", [codec.LineBasedFrameCodec(8),
                                codec.NewDelimiterBasedFrameCodec(ord(";"), 8)])
def test_delimited_maxLength(cc: codec.LineBasedFrameCodec | codec.DelimiterBasedFrameCodec
                             ) -> None:
    end = b"\n" if isinstance(cc, codec.LineBasedFrameCodec) else b";"
    # A frame of exactly maxLength bytes decodes; so does one whose delimiter has
    # not come yet while maxLength bytes are buffered.
    assert cc.Decode(feed(b"12345678" + end)) == b"12345678"
    with pytest.raises(codec.ErrIncompletePacket):
        cc.Decode(feed(b"12345678"))
    # One byte more is too long: with its delimiter...
    with pytest.raises(codec.TooLongFrameError, match="^frame length exceeds 8: 9$"):
        cc.Decode(feed(b"123456789" + end))
    # ...or without, at once (fail fast), whatever follows.
    c = feed(b"123456789")
    with pytest.raises(codec.TooLongDelimitedFrameError,
                       match="^frame length exceeds 8: 9 bytes without a delimiter$") as e:
        cc.Decode(c)
    assert (e.value.maxFrameLength, e.value.frameLength) == (8, 9)
    assert c.InboundBuffered() == 9  # nothing consumed: the caller closes


def test_delimited_maxLength_default_and_off() -> None:
    assert codec.LineBasedFrameCodec().maxLength == codec.DefaultMaxFrameLength == 65536
    assert codec.NewDelimiterBasedFrameCodec(0).maxLength == 65536
    with pytest.raises(codec.TooLongFrameError):
        codec.LineBasedFrameCodec().Decode(feed(bytes(65537)))
    big = b"x" * 100_000
    assert codec.LineBasedFrameCodec(None).Decode(feed(big + b"\n")) == big
