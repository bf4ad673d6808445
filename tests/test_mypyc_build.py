"""tools/mypyc_build.py and tools/build_backend.py: what is compiled exists, a build that
cannot be made correct is refused before anything is written, and pip is asked for mypy
unless RAWNET_MYPYC=0 asks for pure Python. (tests/test_build_default.py builds and
runs the compiled build; CI runs the whole suite against it, see .ci/run.)"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.timeout(60)

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import mypyc_build  # noqa: E402


def test_every_compiled_module_is_in_the_package() -> None:
    missing = [m for m in mypyc_build.COMPILED if not (ROOT / m).is_file()]
    assert missing == []
    assert len(set(mypyc_build.COMPILED)) == len(mypyc_build.COMPILED)


def test_a_copy_without_its_extensions_is_refused(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "rawnet", tmp_path / "rawnet",
                    ignore=shutil.ignore_patterns("__pycache__", "*.so", "_build.json"))
    with pytest.raises(SystemExit, match="does not load its extensions"):
        mypyc_build.check_loads(tmp_path)


def test_free_threaded_python_is_refused_before_any_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # atomic.py picks its locked classes at import time on such a build, which compiled
    # callers would bypass: the tool must say so, not build something subtly wrong.
    monkeypatch.setattr(mypyc_build.sysconfig, "get_config_var",
                        lambda name: 1 if name == "Py_GIL_DISABLED" else None)
    out = tmp_path / "out"
    with pytest.raises(SystemExit, match="free-threaded"):
        mypyc_build.build(out)
    assert not out.exists()


@pytest.mark.parametrize("hook", ["wheel", "editable"])
def test_build_backend_adds_mypy_unless_pure_python_is_asked_for(
    monkeypatch: pytest.MonkeyPatch, hook: str
) -> None:
    import build_backend

    # setuptools' own answer stubbed: the real one runs setup.py, a compile with mypy here.
    monkeypatch.setattr(build_backend._setuptools, f"get_requires_for_build_{hook}",
                        lambda config_settings=None: ["wheel"])
    get_requires = getattr(build_backend, f"get_requires_for_build_{hook}")
    monkeypatch.delenv("RAWNET_MYPYC", raising=False)
    assert get_requires() == ["wheel", "mypy>=1.10"]
    monkeypatch.setenv("RAWNET_MYPYC", "1")
    assert get_requires() == ["wheel", "mypy>=1.10"]
    monkeypatch.setenv("RAWNET_MYPYC", "0")
    assert get_requires() == ["wheel"]


def test_build_backend_insists_on_mypy_only_when_told_to(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import build_backend

    monkeypatch.setattr(build_backend.importlib.util, "find_spec", lambda name: None)
    monkeypatch.setenv("RAWNET_MYPYC", "1")
    with pytest.raises(SystemExit, match="mypy is not installed"):
        build_backend.build_editable("/nonexistent")
    monkeypatch.setenv("RAWNET_MYPYC", "")
    build_backend._insist_on_mypy()  # setup.py falls back to pure Python instead
