"""The atomic words: a compare-and-swap that no other thread can split.

rawnet/runtime/atomic.py explains why a GIL build needs no lock: its methods contain
no bytecode at which CPython may switch threads. The first test checks that property
on the bytecode itself, the others hammer the words from threads with the smallest
switch interval, where a torn read-modify-write would lose updates.
"""

from __future__ import annotations

import dis
import sys
import threading
import types
from collections.abc import Iterator
from pathlib import Path

import pytest

from rawnet.internal.poll import fd_mutex
from rawnet.runtime import atomic

pytestmark = pytest.mark.timeout(60)


def _interpreted(module: types.ModuleType, cls: str, name: str) -> types.CodeType:
    """The bytecode of module.cls.name as the interpreter runs it, compiled from the
    .py file: in the mypyc build (tools/mypyc_build.py) the imported method is C, whose
    window has no switch point at all (no bytecode runs between the load and the store)."""
    path = Path(module.__file__ or "").with_name(module.__name__.rpartition(".")[2] + ".py")
    top = compile(path.read_text(), str(path), "exec")
    klass = next(c for c in top.co_consts if getattr(c, "co_name", None) == cls)
    return next(c for c in klass.co_consts if getattr(c, "co_name", None) == name)


_methods = [("Value", "CompareAndSwap"), ("Value", "Swap"), ("Int", "Add"), ("Uint64", "Add")]


@pytest.mark.parametrize(("cls", "name"), _methods, ids=lambda s: s)
def test_methods_have_no_switch_point_after_resume(cls: str, name: str) -> None:
    ops = [i.opname for i in dis.get_instructions(_interpreted(atomic, cls, name))]
    assert ops[0] == "RESUME"
    bad = [op for op in ops[1:] if op.startswith(("CALL", "PRECALL", "JUMP_BACKWARD",
                                                  "RESUME", "BEFORE_WITH", "FOR_ITER"))]
    assert bad == []


@pytest.mark.parametrize("name", ["rwlock", "rwunlock"])
def test_fd_mutex_inline_swap_has_no_switch_point_after_its_load(name: str) -> None:
    # fdMutex stores its new state without CompareAndSwap under the GIL: from the load
    # of state.v to the store, the only calls allowed build an exception that is raised
    # at once (the overflow and inconsistency panics), which never reach the store.
    fn = _interpreted(fd_mutex, "fdMutex", name)
    ops = list(dis.get_instructions(fn))
    loads = [i for i, op in enumerate(ops) if op.opname == "LOAD_ATTR" and op.argval == "v"]
    assert loads
    for start in loads:
        end = next(i for i in range(start, len(ops))
                   if ops[i].opname == "STORE_ATTR" and ops[i].argval == "v")
        window = ops[start:end]
        assert not [op.opname for op in window if op.opname.startswith(
            ("JUMP_BACKWARD", "RESUME", "BEFORE_WITH", "FOR_ITER"))]
        for k, op in enumerate(window):
            if op.opname.startswith("CALL"):
                assert window[k + 1].opname == "RAISE_VARARGS", (fn, op.offset)


@pytest.fixture
def tiny_switch_interval() -> Iterator[None]:
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        yield
    finally:
        sys.setswitchinterval(old)


def _hammer(worker: object, nthreads: int = 4) -> None:
    ts = [threading.Thread(target=worker) for _ in range(nthreads)]  # type: ignore[arg-type]
    for t in ts:
        t.start()
    for t in ts:
        t.join()


@pytest.mark.parametrize("cls", [atomic.Int, atomic._LockedInt])
def test_cas_increments_are_never_lost(cls: type[atomic.Int], tiny_switch_interval: None) -> None:
    w = cls(0)
    per = 20_000

    def worker() -> None:
        for _ in range(per):
            while True:
                old = w.Load()
                if w.CompareAndSwap(old, old + 1):
                    break

    _hammer(worker)
    assert w.Load() == 4 * per


@pytest.mark.parametrize("cls", [atomic.Int, atomic._LockedInt])
def test_add_and_swap_are_never_torn(cls: type[atomic.Int], tiny_switch_interval: None) -> None:
    w = cls(0)
    taken = [0] * 4
    per = 20_000

    def worker(i: int) -> None:
        for _ in range(per):
            w.Add(1)
            taken[i] += w.Swap(0)

    ts = [threading.Thread(target=worker, args=(i,)) for i in range(4)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    # Every unit added is taken by exactly one Swap (or is still in the word).
    assert sum(taken) + w.Load() == 4 * per


def test_uint64_wraps_like_go() -> None:
    w = atomic.Uint64(0)
    assert w.Add(-1) == (1 << 64) - 1
    assert w.Add(2) == 1


def test_cas_compares_goroutines_by_identity() -> None:
    class G:
        pass

    g1, g2 = G(), G()
    w: atomic.Value[object] = atomic.Value(2)
    assert w.CompareAndSwap(2, g1)
    assert not w.CompareAndSwap(g2, 0)
    assert not w.CompareAndSwap(2, 0)
    assert w.CompareAndSwap(g1, 0)
    assert w.Load() == 0
