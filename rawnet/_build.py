"""Which build of rawnet runs: the modules compiled by mypyc, or their Python source.

rawnet/__init__.py imports this module before any other, so that what it decides holds
for every later import. The install (setup.py) or tools/mypyc_build.py leaves a
record next to the package, ``rawnet/_build.json``:

    {"build": "mypyc",                      # or "pure" (asked for), "fallback" (forced)
     "reason": "...",                       # why pure, for python -m rawnet version
     "ext_suffix": ".cpython-311-x86_64-linux-gnu.so",
     "modules": ["rawnet.runtime.proc", ...],           # the compiled group
     "sources": {"rawnet/runtime/proc.py": "<sha256>", ...}}

The compiled modules are used only when the record says they were built, for this
Python, from exactly the sources that are there now. ``sources`` holds the compiled
modules and every rawnet module they import, directly or not: mypyc compiles in the
value of each ``Final`` constant it reads, wherever it is defined, so an edited
constant in zerrors_linux.py makes the compiled code as stale as an edited proc.py.
Otherwise (``RAWNET_PURE=1``, an edited source, a pure or fallback build) a finder
put first on ``sys.meta_path`` loads each module of the group from its ``.py``, and
the extension modules beside them are never imported.

Why the whole group, never one module: mypyc builds the modules into one shared
library (``rawnet__mypyc*.so``, beside the package) and links them to each other in C. A compiled
module calls a group-mate's functions directly and imports it itself, without asking
``sys.meta_path``, so a finder cannot swap one of them for its source: the compiled
copy would be initialised and used anyway, next to an interpreted one with its own
globals (the scheduler's state, say).
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import sys
import sysconfig
from dataclasses import dataclass
from importlib.machinery import ModuleSpec
from types import ModuleType
from typing import TypedDict

# os.path, not pathlib: pathlib imports urllib.parse and ipaddress, and a program using
# rawnet loads none of the stdlib's networking (tests/test_imports.py).
PACKAGE = os.path.dirname(os.path.abspath(__file__))  # the rawnet directory
RECORD = os.path.join(PACKAGE, "_build.json")


class Record(TypedDict):
    build: str
    reason: str
    ext_suffix: str
    modules: list[str]
    sources: dict[str, str]


@dataclass(frozen=True)
class Build:
    compiled: bool
    why: str  # the rest of `python -m rawnet version`'s line
    warning: str  # printed once at import when not empty: a build the user did not ask for


def sha256(path: str) -> str:
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def changed(sources: dict[str, str]) -> list[str]:
    """The recorded sources (paths relative to the package's parent) that differ now."""
    root = os.path.dirname(PACKAGE)
    return [p for p, digest in sources.items()
            if not os.path.isfile(os.path.join(root, p))
            or sha256(os.path.join(root, p)) != digest]


def decide(record: Record | None, pure: str) -> Build:
    """The build to run, given the record (None: there is none) and RAWNET_PURE."""
    if pure not in ("", "0"):
        return Build(False, f"pure Python: RAWNET_PURE={pure}", "")
    if record is None:
        return Build(False, "pure Python: no build record (not installed by pip)", "")
    n = len(record["modules"])
    if record["build"] != "mypyc":
        why = f"pure Python: {record['reason']}"
        if record["build"] == "pure":  # RAWNET_MYPYC=0 asked for it
            return Build(False, why, "")
        return Build(False, why, f"{why}; with a C compiler and Python's headers, "
                     "pip install compiles it (RAWNET_MYPYC=0: pure, without this warning)")
    if record["ext_suffix"] != sysconfig.get_config_var("EXT_SUFFIX"):
        why = f"pure Python: compiled for another Python ({record['ext_suffix']})"
        return Build(False, why, why)
    stale = changed(record["sources"])
    if stale:
        why = (f"pure Python: {', '.join(stale)} changed since the build, so its {n} "
               "compiled modules load from source (pip install again to compile them)")
        return Build(False, why, why)
    return Build(True, f"compiled (mypyc), {n} modules", "")


def read_record() -> Record | None:
    if not os.path.isfile(RECORD):
        return None
    with open(RECORD) as f:
        record: Record = json.load(f)
    return record


class SourceFinder:
    """Finds the compiled group's modules as Python source, ahead of the extension
    modules that the ordinary path finder would prefer."""

    def __init__(self, modules: list[str]) -> None:
        self.modules = frozenset(modules)

    def find_spec(self, name: str, path: object = None,
                  target: ModuleType | None = None) -> ModuleSpec | None:
        if name not in self.modules:
            return None
        source = os.path.join(PACKAGE, *name.split(".")[1:]) + ".py"
        return importlib.util.spec_from_file_location(name, source)


def version() -> str:
    """`python -m rawnet version`'s line: the version and which build runs, and why."""
    # Imported here, when asked: importlib.metadata imports email.utils, which imports
    # socket, and a program using rawnet loads none of the stdlib's networking.
    import importlib.metadata

    try:
        v = importlib.metadata.version("rawnet")
    except importlib.metadata.PackageNotFoundError:
        v = "(not installed)"
    return f"rawnet {v}: {build.why}"


_record = read_record()
build = decide(_record, os.environ.get("RAWNET_PURE", ""))
if _record is not None and not build.compiled:
    sys.meta_path.insert(0, SourceFinder(_record["modules"]))
if build.warning:
    print(f"rawnet: {build.warning}", file=sys.stderr, flush=True)
