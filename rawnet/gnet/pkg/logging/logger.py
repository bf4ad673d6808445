"""The engine's logger (gnet v2.10.0: pkg/logging/logger.go).

gnet logs through an interface with printf-style methods and gives it a zap logger by
default. Here the default is the standard library's ``logging`` module under the name
``rawnet.gnet`` (so an application configures it as any other Python logger), and
``WithLogger`` takes anything with the same five methods.

Only the interface and the default are mirrored: gnet's log files, levels and
flushers (``WithLogPath``, ``WithLogLevel``) are ``logging``'s business here.
"""

from __future__ import annotations

import logging
from typing import Protocol


# gnet: pkg/logging/logger.go Logger
class Logger(Protocol):
    """printf-style logging (``Errorf("fd=%d", fd)``), gnet's method names."""

    def Debugf(self, format: str, *args: object) -> None: ...

    def Infof(self, format: str, *args: object) -> None: ...

    def Warnf(self, format: str, *args: object) -> None: ...

    def Errorf(self, format: str, *args: object) -> None: ...


class stdLogger:
    """A :class:`Logger` on a ``logging.Logger`` (%-formatting, as ``logging`` does)."""

    def __init__(self, log: logging.Logger) -> None:
        self.log = log

    def Debugf(self, format: str, *args: object) -> None:
        self.log.debug(format, *args)

    def Infof(self, format: str, *args: object) -> None:
        self.log.info(format, *args)

    def Warnf(self, format: str, *args: object) -> None:
        self.log.warning(format, *args)

    def Errorf(self, format: str, *args: object) -> None:
        self.log.error(format, *args)


# gnet: pkg/logging/logger.go GetDefaultLogger
def GetDefaultLogger() -> Logger:
    return stdLogger(logging.getLogger("rawnet.gnet"))
