"""Run-time switches set from the environment, like Go's GODEBUG (Go:
src/internal/godebug/godebug.go).

``RAWNET_GODEBUG`` holds comma-separated ``name=value`` pairs, read once at import.
Switches change behaviour that Go defines (for example the syscall sequence), so every
one is off by default and documented where it is used:

* ``shortread=1`` (internal/poll/fd_unix.py): after a short read on a stream socket,
  the next Read waits for readiness instead of first trying a read that would fail
  with EAGAIN; one syscall fewer per request/response round trip.
"""

from __future__ import annotations

import os


def parse(text: str) -> dict[str, str]:
    """The name=value pairs of a GODEBUG string (later pairs win, as in Go)."""
    settings: dict[str, str] = {}
    for item in text.split(","):
        name, sep, value = item.strip().partition("=")
        if name and sep:
            settings[name] = value
    return settings


_settings = parse(os.environ.get("RAWNET_GODEBUG", ""))


# Go: src/internal/godebug/godebug.go Setting.Value
def value(name: str) -> str:
    """The setting's value, or "" when RAWNET_GODEBUG does not name it."""
    return _settings.get(name, "")
