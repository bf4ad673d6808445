"""setuptools' build backend, plus, when RAWNET_MYPYC=1 asks for the compiled build
(setup.py): mypy as a build requirement, a clear error if the wheel is built without it
(``--no-build-isolation``), and a refusal of a compiled editable install, whose
extension modules would sit next to the sources they were built from and hide every
later edit (tools/mypyc_build.py builds a compiled copy elsewhere instead)."""

from __future__ import annotations

import importlib.util
import os
from typing import Any

from setuptools import build_meta as _setuptools
from setuptools.build_meta import *  # noqa: F403  (the PEP 517 hooks not changed here)


def _compiled() -> bool:
    return os.environ.get("RAWNET_MYPYC") == "1"


def get_requires_for_build_wheel(config_settings: Any = None) -> list[str]:
    reqs: list[str] = _setuptools.get_requires_for_build_wheel(config_settings)
    return [*reqs, "mypy>=1.10"] if _compiled() else reqs


def get_requires_for_build_editable(config_settings: Any = None) -> list[str]:
    if _compiled():
        raise SystemExit("RAWNET_MYPYC=1 does not go with an editable install: use "
                         "'pip install .', or tools/mypyc_build.py DIR")
    reqs: list[str] = _setuptools.get_requires_for_build_editable(config_settings)
    return reqs


def build_wheel(wheel_directory: str, config_settings: Any = None,
                metadata_directory: str | None = None) -> str:
    if _compiled() and importlib.util.find_spec("mypyc") is None:
        raise SystemExit("RAWNET_MYPYC=1: mypy is not installed in the build environment")
    name: str = _setuptools.build_wheel(wheel_directory, config_settings, metadata_directory)
    return name
