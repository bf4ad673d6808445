"""tools/mypyc_build.py and tools/build_backend.py: what is compiled exists, a build that
cannot be made correct is refused before anything is written, and pip is asked for mypy
only for the compiled wheel. (CI runs the whole suite against the compiled build and
builds the compiled wheel; see .ci/run.)"""

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
                    ignore=shutil.ignore_patterns("__pycache__", "*.so"))
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


def test_build_backend_adds_mypy_only_for_the_compiled_build(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import build_backend

    # setuptools' own answer stubbed: the real one runs setup.py, a compile with mypy here.
    monkeypatch.setattr(build_backend._setuptools, "get_requires_for_build_wheel",
                        lambda config_settings=None: ["wheel"])
    monkeypatch.delenv("RAWNET_MYPYC", raising=False)
    assert build_backend.get_requires_for_build_wheel() == ["wheel"]
    monkeypatch.setenv("RAWNET_MYPYC", "1")
    assert build_backend.get_requires_for_build_wheel() == ["wheel", "mypy>=1.10"]


def test_build_backend_refuses_a_compiled_editable_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import build_backend

    monkeypatch.setenv("RAWNET_MYPYC", "1")
    with pytest.raises(SystemExit, match="editable"):
        build_backend.get_requires_for_build_editable()
