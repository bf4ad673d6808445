"""Build rawnet with its hot path compiled by mypyc, into a directory of its own.

    python3 tools/mypyc_build.py DIR   # then: PYTHONPATH=DIR python3 -P -m rawnet echo :8888

(``-P``: the current directory, which may be the checkout, stays off ``sys.path``.)

The source is the same Python, module for module: mypyc (the compiler mypy itself is
built with) turns each module in COMPILED into a C extension, using the type hints that
``mypy --strict`` already checks. What it saves is the interpreter's work: the
bytecode dispatch, the frame set-up of every Python call, the dict look-up of every
module global. Go's ``const`` blocks are ``typing.Final`` here, which mypyc compiles in
as constants. Nothing in the syscall sequence changes, and the tests run against this
build too (``.ci/run``).

Why a separate directory, not ``pip install -e``: an extension module next to its
``.py`` is imported in its place, so a compiled build in the source tree would
silently shadow every later edit. DIR gets a copy of the package with the extensions
beside it; the checkout stays pure Python. ``RAWNET_MYPYC=1 pip install .`` builds the
same extensions into a wheel (setup.py, tools/build_backend.py).

Only the modules on the path of a Read or Write are compiled (the list below); the
rest (dialing, address parsing, the strace-style tracer, ``conn`` and the error types)
run as ordinary Python. Needs mypy (the ``test`` or ``bench`` extra) and a C compiler.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

# The goroutine-per-connection Read/Write path, runtime to syscall gate.
COMPILED = [
    "rawnet/runtime/proc.py",
    "rawnet/runtime/netpoll.py",
    "rawnet/runtime/sema.py",
    "rawnet/runtime/time.py",
    "rawnet/linux/netpoll_epoll.py",
    "rawnet/internal/poll/fd_mutex.py",
    "rawnet/internal/poll/fd_poll_runtime.py",
    "rawnet/internal/poll/fd_unix.py",
    "rawnet/net/fd_unix.py",
    "rawnet/sys/gate.py",
    "rawnet/sys/syscall_linux.py",
    "rawnet/runtime/atomic.py",
    "rawnet/runtime/trace.py",
]


def refuse_free_threaded() -> None:
    if sysconfig.get_config_var("Py_GIL_DISABLED"):
        # atomic.py swaps in its locked classes at import time on such a build; compiled
        # callers would still construct the unlocked ones.
        raise SystemExit("mypyc_build: not for a free-threaded Python (rawnet/runtime/atomic.py)")


def extensions() -> list[Any]:
    """The C extensions for COMPILED, whose paths are relative to the current directory
    (module names are derived from them). Also what setup.py builds with RAWNET_MYPYC=1."""
    refuse_free_threaded()
    from mypyc.build import mypycify  # imported late: only this tool needs mypy

    # mypy reads its settings (strict, the greenlet override) from this checkout.
    return mypycify(["--config-file", str(ROOT / "pyproject.toml"), *COMPILED])


def build(out: Path, src: Path = ROOT) -> None:
    """Copy src's rawnet package into out and compile COMPILED there, in place."""
    refuse_free_threaded()  # before anything is copied
    from setuptools import setup  # type: ignore[import-untyped]

    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(src / "rawnet", out / "rawnet",
                    ignore=shutil.ignore_patterns("__pycache__", "*.so"))
    cwd = os.getcwd()
    os.chdir(out)
    try:
        setup(name="rawnet-mypyc", ext_modules=extensions(),
              script_args=["-q", "build_ext", "--inplace", "--build-temp", "build"])
    finally:
        os.chdir(cwd)
    shutil.rmtree(out / "build")
    check_loads(out)


def check_loads(out: Path) -> None:
    """Imported from out as a user runs it (-P: the current directory, maybe the
    checkout, off sys.path), rawnet's runtime must come from an extension module."""
    where = subprocess.run(
        [sys.executable, "-P", "-c", "import rawnet.runtime.proc as m; print(m.__file__)"],
        env={**os.environ, "PYTHONPATH": str(out)}, capture_output=True, text=True,
    ).stdout.strip()
    if not where.endswith(".so"):
        raise SystemExit(f"mypyc_build: {out} does not load its extensions ({where!r})")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dir", type=Path, help="where to put the compiled copy of rawnet")
    ap.add_argument("--src", type=Path, default=ROOT,
                    help="the tree whose rawnet/ to compile (default: this checkout)")
    a = ap.parse_args()
    build(a.dir.resolve(), a.src.resolve())
    return 0


if __name__ == "__main__":
    sys.exit(main())
