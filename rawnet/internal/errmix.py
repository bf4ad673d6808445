"""Go's errors in Python's exception classes (no Go twin).

Go's sentinel errors (``io.EOF``, ``poll.ErrNetClosing``, ``net.errMissingAddress``)
are values, compared with ``==``; Python raises fresh instances and tests them by
class. :class:`fixedError` is the one shape all of them take here: a class whose
instances all carry the class's text.

Go wraps errors (``*net.OpError{Err: *os.SyscallError{Err: syscall.ECONNRESET}}``)
and callers test them with ``errors.Is``. A Python programmer writes
``except ConnectionResetError``. :func:`mixed` builds (once, cached) a subclass of a
wrapper type that also derives from the built-in class of the error it wraps, so an
``OpError`` around a reset *is* a ``ConnectionResetError`` while keeping Go's text and
fields.
"""

from __future__ import annotations

from typing import ClassVar, Self, TypeVar

T = TypeVar("T", bound=BaseException)


class fixedError(Exception):
    """A Go sentinel error: every instance carries the class's ``text``.

    A subclass sets ``text`` and names, after this class, the built-in class a Python
    programmer catches it as: ``class EOF(fixedError, EOFError)``. It adds Go's
    ``Timeout()`` and ``Temporary()`` where Go's error has them. Instances take no
    arguments, so they pickle as ``type(self)()``.
    """

    text: ClassVar[str] = ""

    def __init__(self) -> None:
        super().__init__(self.text)

    def __str__(self) -> str:
        return self.text

    def __reduce__(self) -> tuple[type[Self], tuple[()]]:
        return (type(self), ())

    def Error(self) -> str:
        return self.text

_cache: dict[tuple[type[BaseException], type[BaseException]], type[BaseException]] = {}


def category(err: BaseException | None) -> type[BaseException] | None:
    """The most specific class of err that a wrapper should also derive from."""
    if err is None:
        return None
    cat: type[BaseException] | None = getattr(err, "_category", None)
    if cat is not None:
        return cat
    return type(err)


def mixed(base: type[T], err: BaseException | None) -> type[T]:
    """base, or a cached subclass of base and the category of err."""
    cat = category(err)
    if cat is None or issubclass(base, cat):
        return base
    key = (base, cat)
    sub = _cache.get(key)
    if sub is None:
        try:
            sub = type(base.__name__, (base, cat), {"__module__": base.__module__})
        except TypeError:  # incompatible layouts: stay unmixed
            sub = base
        _cache[key] = sub
    return sub  # type: ignore[return-value]
