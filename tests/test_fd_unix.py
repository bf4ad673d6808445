"""internal/poll/fd_unix.go: FD.Write's result rules, checked through a real TCP pair.

Go's FD.Write returns ``(nn, err)`` as soon as ``nn == len(p)``, with the error of the
last write(2), if any. For a non-empty p that error is always nil (the write that
completed p succeeded); for an empty p it is whatever the kernel said about a
zero-length write, which is how Go reports EPIPE for ``Write(nil)`` after
``CloseWrite``.
"""

from __future__ import annotations

import pytest
from nettest import connected, parseWriteError

import rawnet

pytestmark = pytest.mark.timeout(30)


def test_zero_length_write_succeeds_on_an_open_conn() -> None:
    with connected() as (c, _):
        assert c.Write(b"") == 0


def test_zero_length_write_after_CloseWrite_reports_EPIPE() -> None:
    # Linux checks SEND_SHUTDOWN before it looks at the length (tcp_sendmsg_locked), so
    # write(fd, "", 0) fails with EPIPE; Go returns (0, that error).
    with connected() as (c, _):
        c.CloseWrite()
        with pytest.raises(BrokenPipeError) as ei:
            n = c.Write(b"")
            pytest.fail(f"got ({n}, None); want (0, EPIPE)")
        assert isinstance(ei.value, rawnet.OpError)
        assert parseWriteError(ei.value) is None
        assert ei.value.n == 0
        assert str(ei.value) == (
            f"write tcp {c.LocalAddr()}->{c.RemoteAddr()}: write: broken pipe")
