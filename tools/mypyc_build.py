"""Compile rawnet's hot path with mypyc: what ``pip install`` does by default
(setup.py calls :func:`extensions` and :func:`write_record`), and, run as a script, a
compiled copy of a tree in a directory of its own:

    python3 tools/mypyc_build.py DIR   # then: PYTHONPATH=DIR python3 -P -m rawnet echo :8888

(``-P``: the current directory, which may be the checkout, stays off ``sys.path``.)

The source is the same Python, module for module: mypyc (the compiler mypy itself is
built with) turns each module in COMPILED into a C extension, using the type hints that
``mypy --strict`` already checks. What it saves is the interpreter's work: the
bytecode dispatch, the frame set-up of every Python call, the dict look-up of every
module global. Go's ``const`` blocks are ``typing.Final`` here, which mypyc compiles in
as constants. Nothing in the syscall sequence changes, and the tests run against this
build too (``.ci/run``).

Every build leaves a record, rawnet/_build.json, with a hash of each source the
compiled code was made from; rawnet/_build.py loads the modules from source instead
of their extensions when one has changed since, or with RAWNET_PURE=1.

Only the modules on the path of a Read or Write are compiled (the list below); the
rest (dialing, address parsing, the strace-style tracer, ``conn`` and the error types)
run as ordinary Python. Needs mypy (the ``test`` or ``bench`` extra) and a C compiler.
The compiled modules share one extension, ``rawnet__mypyc*.so`` (GROUP), beside the
package: mypyc gives a group inside a package wrong ``__file__`` paths (rawnet/rawnet/...).
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import importlib.util
import json
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
GROUP = "rawnet"  # the shared library: rawnet__mypyc.<EXT_SUFFIX>
RECORD = "rawnet/_build.json"  # read by rawnet/_build.py


def cannot_compile(mode: str) -> tuple[str, str] | None:
    """Why setup.py builds pure Python, as (record's build, reason), or None to compile.
    mode is RAWNET_MYPYC: "0" asks for pure Python, "1" for the compiled build or an
    error, "" for the compiled build when it can be made (setup.py catches a missing
    C compiler later, when it compiles)."""
    if mode == "0":
        return ("pure", "RAWNET_MYPYC=0 at install time")
    if importlib.util.find_spec("mypyc") is None:
        # pip's first pass, asking for the build requirements (then it does not matter),
        # or --no-build-isolation without mypy (which build_backend refuses with "1").
        return ("fallback", "mypy was not installed in the build environment")
    if mode == "1":
        return None  # extensions() and the compiler fail loudly if they must
    if sysconfig.get_config_var("Py_GIL_DISABLED"):
        return ("fallback", "a free-threaded Python (rawnet/runtime/atomic.py)")
    return None


def refuse_free_threaded() -> None:
    if sysconfig.get_config_var("Py_GIL_DISABLED"):
        # atomic.py swaps in its locked classes at import time on such a build; compiled
        # callers would still construct the unlocked ones.
        raise SystemExit("mypyc_build: not for a free-threaded Python (rawnet/runtime/atomic.py)")


def extensions() -> list[Any]:
    """The C extensions for COMPILED, whose paths are relative to the current directory
    (module names are derived from them): what setup.py builds."""
    refuse_free_threaded()
    from mypyc.build import mypycify  # imported late: only this tool needs mypy

    # mypy reads its settings (strict, the greenlet override) from this checkout.
    return mypycify(["--config-file", str(ROOT / "pyproject.toml"), *COMPILED],
                    group_name=GROUP)


def module_name(path: str) -> str:
    """rawnet/sys/gate.py -> rawnet.sys.gate; rawnet/sys/__init__.py -> rawnet.sys."""
    return path.removesuffix(".py").removesuffix("/__init__").replace("/", ".")


def sources(root: Path) -> list[str]:
    """COMPILED and every rawnet module they import, directly or not (paths relative to
    root): what mypyc read to compile them. It compiles in the value of each Final
    constant it reads, wherever defined, so each of these can make a build stale."""

    def source(module: str) -> str | None:
        path = module.replace(".", "/")
        for p in (f"{path}.py", f"{path}/__init__.py"):
            if (root / p).is_file():
                return p
        return None

    todo, seen = list(COMPILED), set()
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        module = module_name(path)
        package = module if path.endswith("__init__.py") else module.rpartition(".")[0]
        for node in ast.walk(ast.parse((root / path).read_text())):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                # "from . import x" names module package.x, or a name in package.
                base = importlib.util.resolve_name("." * node.level + (node.module or ""),
                                                   package)
                names = [base, *(f"{base}.{a.name}" for a in node.names)]
            else:
                continue
            todo += [p for n in names if n.split(".")[0] == "rawnet" and (p := source(n))]
    return sorted(seen)


def write_record(out: Path, src: Path, build: str, reason: str = "") -> None:
    """Write out/rawnet/_build.json for rawnet/_build.py: which build this is (mypyc,
    pure or fallback) and, for mypyc, the hash of every source it was made from, as it
    is in src."""
    digests = {p: hashlib.sha256((src / p).read_bytes()).hexdigest() for p in sources(src)}
    record = {"build": build, "reason": reason,
              "ext_suffix": sysconfig.get_config_var("EXT_SUFFIX"),
              "modules": [module_name(p) for p in COMPILED],
              "sources": digests if build == "mypyc" else {}}
    (out / RECORD).write_text(json.dumps(record, indent=1) + "\n")


def build(out: Path, src: Path = ROOT) -> None:
    """Copy src's rawnet package into out and compile COMPILED there, in place."""
    refuse_free_threaded()  # before anything is copied
    from setuptools import setup  # type: ignore[import-untyped]

    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(src / "rawnet", out / "rawnet",
                    ignore=shutil.ignore_patterns("__pycache__", "*.so", "_build.json"))
    cwd = os.getcwd()
    os.chdir(out)
    try:
        setup(name="rawnet-mypyc", ext_modules=extensions(),
              script_args=["-q", "build_ext", "--inplace", "--build-temp", "build"])
    finally:
        os.chdir(cwd)
    shutil.rmtree(out / "build")
    write_record(out, out, "mypyc")
    check_loads(out)


def check_loads(out: Path) -> None:
    """Imported from out as a user runs it (-P: the current directory, maybe the
    checkout, off sys.path), rawnet's runtime must come from an extension module."""
    where = subprocess.run(
        [sys.executable, "-P", "-c", "import rawnet.runtime.proc as m; print(m.__file__)"],
        env={**os.environ, "PYTHONPATH": str(out), "RAWNET_PURE": ""},
        capture_output=True, text=True,
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
