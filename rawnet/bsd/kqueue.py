"""kqueue and kevent bindings (Go: src/runtime/sys_darwin.go kqueue/kevent,
sys_freebsd_amd64.s, sys_netbsd_amd64.s, sys_openbsd2.go).

Where they come from:

* ``RAWNET_KQUEUE_LIB=/path/to/lib.so``: that shared library, e.g. a userspace
  libkqueue on Linux;
* otherwise, on darwin and the BSDs, the C library already loaded in the process.

Which ``struct kevent`` and which constants (see defs.py) follow
``RAWNET_KQUEUE_ABI`` (darwin, dragonfly, freebsd, netbsd, openbsd, libkqueue) if set;
otherwise the host OS's, or ``libkqueue`` for a library on a non-BSD host.

Importing this module fails with OSError when no kqueue can be loaded; the poller
selection turns that into a clear error for ``RAWNET_POLLER=kqueue``.
"""

from __future__ import annotations

import ctypes
import os
import sys
from typing import Any

from ..sys.gate import Entry, syscall
from . import defs

_bsds = ("darwin", "freebsd", "netbsd", "openbsd", "dragonfly")


def hostABI(platform: str, lib: str) -> str:
    """The ABI to use when RAWNET_KQUEUE_ABI is not set."""
    for name in _bsds:
        if platform.startswith(name):
            return name
    if lib:
        return "libkqueue"
    raise OSError(
        f"no kqueue on {platform}: set RAWNET_KQUEUE_LIB to a kqueue library "
        "(such as libkqueue) or choose another RAWNET_POLLER"
    )


def _load() -> tuple[defs.ABI, Any, Any]:
    lib = os.environ.get("RAWNET_KQUEUE_LIB", "")
    name = os.environ.get("RAWNET_KQUEUE_ABI", "") or hostABI(sys.platform, lib)
    abi = defs.abis.get(name)
    if abi is None:
        raise OSError(f"RAWNET_KQUEUE_ABI={name!r}: unknown (want one of {', '.join(defs.abis)})")
    path = lib or None  # None: the symbols already in the process (libc)
    try:
        # As in libc.py: PyDLL keeps the GIL (changes only), CDLL releases it (waits).
        keep = ctypes.PyDLL(path, use_errno=True)
        release = ctypes.CDLL(path, use_errno=True)
        getattr(keep, abi.kqueueSymbol)
        getattr(keep, abi.keventSymbol)
    except (OSError, AttributeError) as e:
        raise OSError(f"cannot load kqueue/{abi.keventSymbol} from {lib or 'libc'}: {e}") from e
    return abi, keep, release


abi, _keep, _release = _load()
keventt = abi.keventt
timespec = defs.timespec


def _declare(lib: Any, cname: str, restype: Any, argtypes: tuple[Any, ...], blocking: bool,
             ) -> Entry:
    fn = getattr(lib, cname)
    fn.restype = restype
    fn.argtypes = argtypes
    return Entry("kevent" if cname == abi.keventSymbol else cname, fn, blocking)


_event_p = ctypes.POINTER(keventt)
_ts_p = ctypes.POINTER(timespec)
_kevent_args = (ctypes.c_int, _event_p, ctypes.c_int, _event_p, ctypes.c_int, _ts_p)
_kqueue = _declare(_keep, abi.kqueueSymbol, ctypes.c_int, (), False)
# kevent that only submits changes, or polls with a zero timeout, cannot block; one
# that may sleep must let go of the GIL.
_kevent_nb = _declare(_keep, abi.keventSymbol, ctypes.c_int, _kevent_args, False)
_kevent = _declare(_release, abi.keventSymbol, ctypes.c_int, _kevent_args, True)


def Kqueue() -> int:
    return syscall(_kqueue)


def Kevent(kq: int, changes: Any, nchanges: int, events: Any, nevents: int,
           ts: timespec | None) -> int:
    """kevent(2) through the gate: the number of events, or -errno."""
    mayBlock = nevents > 0 and (ts is None or ts.tv_sec != 0 or ts.tv_nsec != 0)
    entry = _kevent if mayBlock else _kevent_nb
    return syscall(entry, kq, changes, nchanges, events, nevents, ts)
