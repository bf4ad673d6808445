"""tools/mypyc_build.py: what it compiles exists, and a build it cannot make correct is
refused before anything is written. (CI runs the whole suite against the build it makes;
see .ci/run.)"""

from __future__ import annotations

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
