"""The package's metadata is in pyproject.toml. This adds the compiled build, which is
the default: ``pip install .`` and ``pip install -e .`` compile the Read/Write path
with mypyc as tools/mypyc_build.py does (README, "The compiled build"), when a C
compiler and Python's headers are there. RAWNET_MYPYC in the environment of the
install chooses:

* unset: compiled if it can be; without a C compiler, pure Python, said once by pip
  (``pip install -v`` shows it) and at each import of rawnet after (rawnet/_build.py);
* ``0``: pure Python, asked for;
* ``1``: compiled, or the install fails (CI uses it).

Whatever is built, the ``build_record`` step writes rawnet/_build.json, which says so.
tools/build_backend.py has pip install mypy for the build first.
"""

import os
import sys
from pathlib import Path

from setuptools import Command, setup
from setuptools.command.build import build
from setuptools.command.build_ext import build_ext
from setuptools.errors import CCompilerError, ExecError, PlatformError

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "tools"))
import mypyc_build  # noqa: E402  (tools/ is not a package)

MODE = os.environ.get("RAWNET_MYPYC", "")
PURE = mypyc_build.cannot_compile(MODE)  # (record's build, reason), or None: compile


class build_ext_or_fallback(build_ext):
    """setuptools' build_ext; when the compiler cannot be run or fails (no gcc, no
    Python.h), and RAWNET_MYPYC=1 did not insist, no extensions and a warning."""

    fallback: tuple[str, str] | None = None

    def run(self) -> None:
        try:
            super().run()
        except (CCompilerError, ExecError, PlatformError) as e:
            if MODE == "1":
                raise
            self.fallback = ("fallback", "no C compiler at install time")
            for path in self.get_outputs():  # anything half-built stays out of the wheel
                if os.path.exists(path):
                    os.remove(path)
            self.extensions = []
            print(f"rawnet: installing pure Python: no C compiler at install time ({e}). "
                  "With a C compiler and Python's headers (Debian: gcc python3-dev), "
                  "rawnet is compiled, 1.6x faster", file=sys.stderr, flush=True)


class build_record(Command):
    """Writes rawnet/_build.json (tools/mypyc_build.py write_record): into the wheel,
    or, for an editable install, next to the sources, where the extensions are too."""

    description = "record which build of rawnet this is"
    user_options: list[tuple[str, str | None, str]] = []
    editable_mode = False  # set by setuptools' editable_wheel

    def initialize_options(self) -> None:
        self.build_lib: str | None = None

    def finalize_options(self) -> None:
        self.set_undefined_options("build", ("build_lib", "build_lib"))

    def out(self) -> Path:
        return ROOT if self.editable_mode else Path(str(self.build_lib))

    def run(self) -> None:
        compiled = self.get_finalized_command("build_ext")
        assert isinstance(compiled, build_ext_or_fallback)
        build_, reason = PURE or compiled.fallback or ("mypyc", "")
        (self.out() / "rawnet").mkdir(parents=True, exist_ok=True)
        mypyc_build.write_record(self.out(), ROOT, build_, reason)

    def get_outputs(self) -> list[str]:
        return [] if self.editable_mode else [str(self.out() / mypyc_build.RECORD)]


class build_with_record(build):
    sub_commands = [*build.sub_commands, ("build_record", None)]


setup(
    ext_modules=[] if PURE else mypyc_build.extensions(),
    cmdclass={"build": build_with_record, "build_ext": build_ext_or_fallback,
              "build_record": build_record},
)
