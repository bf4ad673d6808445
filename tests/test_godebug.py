"""RAWNET_GODEBUG switches: parsing, and shortread=1's syscall saving."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from rawnet.internal import godebug

pytestmark = pytest.mark.timeout(60)


def test_parse() -> None:
    assert godebug.parse("") == {}
    assert godebug.parse("shortread=1") == {"shortread": "1"}
    assert godebug.parse(" a=1, b=x ,junk,c=,a=2") == {"a": "2", "b": "x", "c": ""}


SCRIPT = textwrap.dedent("""
    import json, rawnet
    from rawnet.__main__ import handle_conn  # the README's echo server
    from rawnet.sys import gate
    ln = rawnet.Listen("tcp", "127.0.0.1:0")
    rawnet.go(lambda: handle_conn(ln.Accept()))
    c = rawnet.Dial("tcp", str(ln.Addr()))
    b = bytearray(64)
    with gate.record() as rec:
        for i in range(20):
            c.Write(b"ping %d" % i)
            assert bytes(b[:c.Read(b)]) == b"ping %d" % i
    c.Close()
    rawnet.Sleep(0.01)
    ln.Close()
    reads = [r.ret for r in rec.calls if r.name == "read"]
    print(json.dumps(reads))
""")


def reads(env: dict[str, str]) -> list[int]:
    out = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True,
                         timeout=30, check=True, env={**os.environ, **env}).stdout
    r: list[int] = json.loads(out)
    return r


def test_shortread_skips_the_read_that_would_fail() -> None:
    go_exact = reads({"RAWNET_GODEBUG": ""})
    fast = reads({"RAWNET_GODEBUG": "shortread=1"})
    # 20 round trips, both ends reading: 40 successful reads either way.
    assert sum(1 for r in go_exact if r > 0) == 40 == sum(1 for r in fast if r > 0)
    # Go's sequence tries first and gets EAGAIN (-11) nearly every time; with the
    # switch only the very first Read of each conn can still meet EAGAIN.
    assert go_exact.count(-11) >= 30
    assert fast.count(-11) <= 2
