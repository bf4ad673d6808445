"""Python-side catchability for Go-shaped errors (no Go twin).

Go wraps errors (``*net.OpError{Err: *os.SyscallError{Err: syscall.ECONNRESET}}``)
and callers test them with ``errors.Is``. A Python programmer writes
``except ConnectionResetError``. :func:`mixed` builds (once, cached) a subclass of a
wrapper type that also derives from the built-in class of the error it wraps, so an
``OpError`` around a reset *is* a ``ConnectionResetError`` while keeping Go's text and
fields.
"""

from __future__ import annotations

from typing import TypeVar

T = TypeVar("T", bound=BaseException)

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
