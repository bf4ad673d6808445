"""The package's metadata is in pyproject.toml. This adds one thing: with
``RAWNET_MYPYC=1`` in the environment, a wheel (``pip install .``, not ``-e``) carries
the Read/Write path compiled by mypyc, as tools/mypyc_build.py builds it (README, "The
compiled build"). tools/build_backend.py has pip install mypy for the build first, and
refuses to build the wheel without it."""

import importlib.util
import os
import sys

from setuptools import setup

ext_modules = []
# No mypy yet while pip asks for the build requirements: that pass needs no extensions.
if os.environ.get("RAWNET_MYPYC") == "1" and importlib.util.find_spec("mypyc"):
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "tools"))
    import mypyc_build

    ext_modules = mypyc_build.extensions()

setup(ext_modules=ext_modules)
