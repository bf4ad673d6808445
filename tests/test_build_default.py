"""The compiled build as the default, and the ways out of it (rawnet/_build.py, setup.py):
RAWNET_PURE=1 runs the source, an edited source is never shadowed by its stale
extension, a build without a C compiler is pure Python and says so, and
``python -m rawnet version`` tells which. Everything is built under tmp_path: a
compiled copy made once by tools/mypyc_build.py, and one pip build without a compiler."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.timeout(120)

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import mypyc_build  # noqa: E402

WHERE = ("import rawnet.runtime.proc as p, rawnet.runtime.netpoll as n; "
         "print(p.__file__, n.__file__)")
STALE = "changed since the build"


def run(tree: Path, *args: str, pure: str = "") -> subprocess.CompletedProcess[str]:
    """python -P args, importing rawnet from tree, RAWNET_PURE=pure ("" unset)."""
    env = {k: v for k, v in os.environ.items() if k != "RAWNET_PURE"}
    if pure:
        env["RAWNET_PURE"] = pure
    env["PYTHONPATH"] = str(tree)
    return subprocess.run([sys.executable, "-P", *args], env=env, cwd=tree, timeout=60,
                          capture_output=True, text=True, check=True)


def loaded_from(tree: Path, pure: str = "") -> tuple[list[str], str]:
    """The suffixes proc and netpoll were loaded from, and stderr."""
    r = run(tree, "-c", WHERE, pure=pure)
    return [Path(f).suffixes[-1] for f in r.stdout.split()], r.stderr


def version(tree: Path, pure: str = "") -> str:
    return run(tree, "-m", "rawnet", "version", pure=pure).stdout.strip()


@pytest.fixture(scope="session")
def compiled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("compiled")
    mypyc_build.build(out)
    return out


@pytest.fixture
def copy(compiled: Path, tmp_path: Path) -> Path:
    """A copy of the compiled build that a test may edit."""
    shutil.copytree(compiled / "rawnet", tmp_path / "rawnet", symlinks=True)
    return tmp_path


def test_the_compiled_build_runs_its_extensions(compiled: Path) -> None:
    assert loaded_from(compiled) == ([".so", ".so"], "")
    assert version(compiled).endswith(f"compiled (mypyc), {len(mypyc_build.COMPILED)} modules")


@pytest.mark.parametrize("value", ["1", "yes"])
def test_rawnet_pure_runs_the_source(compiled: Path, value: str) -> None:
    assert loaded_from(compiled, pure=value) == ([".py", ".py"], "")
    assert version(compiled, pure=value).endswith(f"pure Python: RAWNET_PURE={value}")
    assert loaded_from(compiled, pure="0")[0] == [".so", ".so"]


def test_an_edited_compiled_module_loads_its_whole_group_from_source(copy: Path) -> None:
    # netpoll.py is unchanged, but mypyc links it to proc in C: it cannot stay compiled.
    with open(copy / "rawnet/runtime/proc.py", "a") as f:
        f.write("# edited after the build\n")
    suffixes, err = loaded_from(copy)
    assert suffixes == [".py", ".py"]
    assert err.count("\n") == 1 and err.startswith("rawnet: pure Python: ")
    assert f"rawnet/runtime/proc.py {STALE}" in err
    assert STALE in version(copy)
    # The echo server still works, all interpreted.
    r = run(copy, "-c", "import rawnet.net.net, rawnet.runtime.sema as s; print(s.__file__)")
    assert r.stdout.strip().endswith(".py")


def test_an_edited_constant_imported_by_compiled_code_makes_the_build_stale(copy: Path) -> None:
    # mypyc compiled in zerrors_linux.py's Final values, though it compiled no line of it.
    assert "rawnet/sys/zerrors_linux.py" in mypyc_build.sources(ROOT)
    with open(copy / "rawnet/sys/zerrors_linux.py", "a") as f:
        f.write("# edited after the build\n")
    suffixes, err = loaded_from(copy)
    assert suffixes == [".py", ".py"] and f"rawnet/sys/zerrors_linux.py {STALE}" in err
    # RAWNET_PURE=1 asks for the source: no warning then.
    assert loaded_from(copy, pure="1") == ([".py", ".py"], "")


def test_a_record_for_another_python_is_not_trusted(copy: Path) -> None:
    record = copy / mypyc_build.RECORD
    record.write_text(record.read_text().replace(".cpython-", ".cpython-99-", 1))
    suffixes, err = loaded_from(copy)
    assert suffixes == [".py", ".py"] and "compiled for another Python" in err


def test_a_source_tree_without_a_record_is_pure_python(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "rawnet", tmp_path / "rawnet",
                    ignore=shutil.ignore_patterns("__pycache__", "*.so", "_build.json"))
    assert loaded_from(tmp_path) == ([".py", ".py"], "")
    assert "pure Python: no build record" in version(tmp_path)


def test_what_setup_py_builds_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    assert mypyc_build.cannot_compile("0") == ("pure", "RAWNET_MYPYC=0 at install time")
    assert mypyc_build.cannot_compile("1") is None  # compiled or a failed install
    assert mypyc_build.cannot_compile("") is None  # mypy is there in the test env
    monkeypatch.setattr(mypyc_build.importlib.util, "find_spec", lambda name: None)
    assert mypyc_build.cannot_compile("") == (
        "fallback", "mypy was not installed in the build environment")


def test_pip_install_without_a_c_compiler_is_pure_python_and_says_so(tmp_path: Path) -> None:
    src, target = tmp_path / "src", tmp_path / "site"
    shutil.copytree(ROOT, src, ignore=shutil.ignore_patterns(
        ".git", "build", "__pycache__", "*.so", "_build.json", ".*_cache", ".hypothesis"))
    env = {k: v for k, v in os.environ.items() if k not in ("RAWNET_PURE", "RAWNET_MYPYC")}
    r = subprocess.run(
        [sys.executable, "-m", "pip", "install", "-v", "--no-deps", "--target", str(target),
         str(src)], env={**env, "CC": "/bin/false"}, timeout=100, capture_output=True,
        text=True)
    assert r.returncode == 0, r.stderr[-2000:]
    assert "rawnet: installing pure Python: no C compiler at install time" in r.stdout + r.stderr
    assert not list(target.glob("rawnet/**/*.so"))
    suffixes, err = loaded_from(target)
    assert suffixes == [".py", ".py"]
    assert err.startswith("rawnet: pure Python: no C compiler at install time")
    assert "pure Python: no C compiler at install time" in version(target)
