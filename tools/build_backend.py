"""setuptools' build backend, plus mypy as a build requirement, wheel and editable
alike: setup.py compiles rawnet's hot path with mypyc unless RAWNET_MYPYC=0 asks for
pure Python. With RAWNET_MYPYC=1 (compiled or nothing), a build without mypy
(``--no-build-isolation``) stops with a clear error instead of falling back."""

from __future__ import annotations

import importlib.util
import os
from typing import Any

from setuptools import build_meta as _setuptools
from setuptools.build_meta import *  # noqa: F403  (the PEP 517 hooks not changed here)

MYPY = "mypy>=1.10"


def _with_mypy(reqs: list[str]) -> list[str]:
    return reqs if os.environ.get("RAWNET_MYPYC") == "0" else [*reqs, MYPY]


def _insist_on_mypy() -> None:
    if os.environ.get("RAWNET_MYPYC") == "1" and importlib.util.find_spec("mypyc") is None:
        raise SystemExit("RAWNET_MYPYC=1: mypy is not installed in the build environment")


def get_requires_for_build_wheel(config_settings: Any = None) -> list[str]:
    return _with_mypy(_setuptools.get_requires_for_build_wheel(config_settings))


def get_requires_for_build_editable(config_settings: Any = None) -> list[str]:
    return _with_mypy(_setuptools.get_requires_for_build_editable(config_settings))


def build_wheel(wheel_directory: str, config_settings: Any = None,
                metadata_directory: str | None = None) -> str:
    _insist_on_mypy()
    name: str = _setuptools.build_wheel(wheel_directory, config_settings, metadata_directory)
    return name


def build_editable(wheel_directory: str, config_settings: Any = None,
                   metadata_directory: str | None = None) -> str:
    _insist_on_mypy()
    name: str = _setuptools.build_editable(wheel_directory, config_settings, metadata_directory)
    return name
