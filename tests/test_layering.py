"""rawnet's layers import downwards only, the debugging tools stay out of a program that
does not ask for them, and ctypes is used where rawnet/sys/__init__.py says it is.

Go's compiler refuses an import cycle, and ``go list -deps`` shows what a package
pulls in; Python allows any import anywhere, so the rules are stated and checked here.
The package rules are checked statically: every module's imports are parsed with
``ast``, module-level, function-level and ``if TYPE_CHECKING:`` imports alike (an
import inside a function is still a dependency, only a later one). Whether the
tracer and the fault injector get loaded is checked by running a program.
"""

from __future__ import annotations

import ast
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_imports import modules_after_echo

pytestmark = pytest.mark.timeout(60)

RAWNET = Path(__file__).resolve().parent.parent / "rawnet"

TRACER = "rawnet.strace"
SOCKTEST = "rawnet.net.internal.socktest"


def module_name(path: Path) -> str:
    parts = path.relative_to(RAWNET.parent).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


MODULES: dict[str, Path] = {module_name(p): p for p in sorted(RAWNET.rglob("*.py"))}
TREES: dict[str, ast.Module] = {n: ast.parse(p.read_text(), str(p)) for n, p in MODULES.items()}


def within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def in_any(module: str, packages: set[str]) -> bool:
    return any(within(module, p) for p in packages)


def imported_from(name: str, node: ast.ImportFrom) -> str:
    """The absolute name of the module a ``from X import ...`` in module name reads."""
    if not node.level:
        return node.module or ""
    package = name if MODULES[name].name == "__init__.py" else name.rpartition(".")[0]
    base = package.split(".")[: len(package.split(".")) - node.level + 1]
    return ".".join([*base, *([node.module] if node.module else [])])


def imports(name: str) -> set[str]:
    """Every module module name imports, anywhere in it: relative names made absolute,
    and ``from pkg import mod`` counted as both pkg and pkg.mod."""
    found: set[str] = set()
    for node in ast.walk(TREES[name]):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            mod = imported_from(name, node)
            found.add(mod)
            found.update(f"{mod}.{a.name}" for a in node.names if f"{mod}.{a.name}" in MODULES)
    return found


def rawnet_imports(name: str) -> set[str]:
    return {m for m in imports(name) if within(m, "rawnet")}


def violations(packages: set[str], allowed: set[str]) -> dict[str, list[str]]:
    """For each module in packages, the rawnet modules it imports outside allowed."""
    found = {
        n: sorted(m for m in rawnet_imports(n) if not in_any(m, allowed))
        for n in MODULES if in_any(n, packages)
    }
    return {n: bad for n, bad in found.items() if bad}


def importers(target: str) -> set[str]:
    """The modules outside package target that import it (or anything in it)."""
    return {n for n in MODULES
            if not within(n, target) and any(within(m, target) for m in rawnet_imports(n))}


# --- the layers ------------------------------------------------------------------


def test_the_import_parser() -> None:
    # The rules below are only as good as this: relative imports resolved, submodules
    # seen through "from pkg import mod", function-level imports included.
    assert {"rawnet.sys", "rawnet.sys.gate", "rawnet.sys.gate.Entry"} & imports(
        "rawnet.strace.tracer") == {"rawnet.sys", "rawnet.sys.gate"}
    assert "rawnet.linux.netpoll_epoll" in imports("rawnet.runtime.netpoll")  # in a function
    assert TRACER in imports("rawnet.__main__")  # in a function


def test_sys_imports_nothing_above_it() -> None:
    """rawnet.sys is the bottom layer (Go: syscall): it imports only itself."""
    assert violations({"rawnet.sys"}, {"rawnet.sys"}) == {}


def test_runtime_imports_no_net_os_or_internal() -> None:
    """Go's runtime is imported by net, os and internal/poll, never the other way."""
    found = {n: [m for m in bad if in_any(m, {"rawnet.net", "rawnet.os", "rawnet.internal"})]
             for n, bad in violations({"rawnet.runtime"}, {"rawnet.runtime"}).items()}
    assert {n: bad for n, bad in found.items() if bad} == {}


def test_debugging_tools_import_only_the_syscall_layer() -> None:
    """The tracer and the fault injector are gate hooks: they need rawnet.sys only."""
    assert violations({TRACER}, {TRACER, "rawnet.sys"}) == {}
    assert violations({SOCKTEST}, {SOCKTEST, "rawnet.sys"}) == {}


def test_debugging_tools_have_no_importers() -> None:
    """Nothing in rawnet imports the fault injector; the tracer is imported by
    ``import rawnet`` when RAWNET_TRACE is set and by ``python -m rawnet trace``."""
    assert importers(SOCKTEST) == set()
    assert importers(TRACER) == {"rawnet", "rawnet.__main__"}


# --- loaded only when enabled ----------------------------------------------------


def env_without_tracing(**extra: str) -> dict[str, str]:
    """This process's environment without the tracer's settings (the suite may run
    traced), plus extra."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAWNET_TRACE")}
    env.update(extra)
    return env


def test_a_round_trip_loads_neither_tool() -> None:
    loaded = modules_after_echo(env_without_tracing())
    assert "rawnet.net.dial" in loaded  # the round trip ran
    assert sorted(m for m in loaded if in_any(m, {TRACER, SOCKTEST})) == []


def test_RAWNET_TRACE_loads_the_tracer(tmp_path: Path) -> None:
    out = tmp_path / "trace.txt"
    loaded = modules_after_echo(env_without_tracing(RAWNET_TRACE=str(out)))
    assert TRACER in loaded
    assert sorted(m for m in loaded if within(m, SOCKTEST)) == []
    assert "connect(" in out.read_text()


# --- ctypes ----------------------------------------------------------------------
# What rawnet/sys/__init__.py says, as sets of packages and modules.

# Load a C library (ctypes.CDLL, ctypes.PyDLL).
LOADERS = {"rawnet.sys.libc", "rawnet.bsd.kqueue", "rawnet.strace.fd"}
# Declare C functions and structs (prototypes, ctypes.Structure).
DECLARERS = {"rawnet.sys", "rawnet.linux", "rawnet.bsd", "rawnet.net.cgo_unix",
             "rawnet.net.ipsock_posix", "rawnet.strace.fd"}
# Import ctypes at all (outside ``if TYPE_CHECKING:``): the declarers, and the tools
# that read and write the memory of the calls they watch.
CTYPES_USERS = DECLARERS | {TRACER, SOCKTEST}

LIBRARY_LOADERS = {"CDLL", "PyDLL", "cdll", "pydll", "LibraryLoader", "util"}
DECLARED_ATTRS = {"argtypes", "restype", "_fields_"}
STRUCT_BASES = {"Structure", "Union", "BigEndianStructure", "LittleEndianStructure"}


def runtime_nodes(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node of tree that runs: all but the bodies of ``if TYPE_CHECKING:``."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for orelse in node.orelse:
                yield orelse
                yield from runtime_nodes(orelse)
            continue
        yield node
        yield from runtime_nodes(node)


def ctypes_uses(name: str) -> set[str]:
    """What module name does with ctypes: "import", "load", "declare"."""
    uses: set[str] = set()
    declare_names: set[str] = set()  # names bound to rawnet.sys.libc.declare
    for node in runtime_nodes(TREES[name]):
        if isinstance(node, ast.Import) and any(within(a.name, "ctypes") for a in node.names):
            uses.add("import")
            if any(a.name == "ctypes.util" for a in node.names):
                uses.add("load")
        elif isinstance(node, ast.ImportFrom):
            mod = imported_from(name, node)
            if within(mod, "ctypes"):
                uses.add("import")
                if mod == "ctypes.util" or {a.name for a in node.names} & LIBRARY_LOADERS:
                    uses.add("load")
            if mod == "rawnet.sys.libc":
                declare_names.update(a.asname or a.name for a in node.names
                                     if a.name == "declare")
        elif isinstance(node, ast.Attribute):
            if (isinstance(node.value, ast.Name) and node.value.id == "ctypes"
                    and node.attr in LIBRARY_LOADERS):
                uses.add("load")
            if isinstance(node.ctx, ast.Store) and node.attr in DECLARED_ATTRS:
                uses.add("declare")
        elif isinstance(node, ast.ClassDef):
            if any(ast.unparse(b).split(".")[-1] in STRUCT_BASES for b in node.bases):
                uses.add("declare")
        elif isinstance(node, ast.Name) and node.id == "declare" and name == "rawnet.sys.libc":
            uses.add("declare")  # libc.py defines declare itself
    for node in runtime_nodes(TREES[name]):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                and node.func.id in declare_names):
            uses.add("declare")
    return uses


def modules_that(use: str) -> set[str]:
    return {n for n in MODULES if use in ctypes_uses(n)}


def test_the_ctypes_parser() -> None:
    assert ctypes_uses("rawnet.sys.libc") == {"import", "load", "declare"}
    assert ctypes_uses("rawnet.linux.epoll") == {"import", "declare"}
    assert "declare" in ctypes_uses("rawnet.net.cgo_unix")  # Structure and declare()
    assert ctypes_uses("rawnet.runtime.netpoll_poll") == set()  # under TYPE_CHECKING only


def test_only_these_load_a_C_library() -> None:
    assert modules_that("load") <= LOADERS


def test_only_these_declare_C_functions_and_structs() -> None:
    assert sorted(n for n in modules_that("declare") if not in_any(n, DECLARERS)) == []


def test_the_other_layers_leave_ctypes_alone() -> None:
    assert sorted(n for n in modules_that("import") if not in_any(n, CTYPES_USERS)) == []
