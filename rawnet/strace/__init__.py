"""rawnet.strace: the strace-format syscall tracer, a hook on the syscall gate
(:mod:`rawnet.sys.gate`). Go has no twin of it; ``strace -f`` on a Go program is what
its lines are meant to be diffed against (docs/debugging.md).

    RAWNET_TRACE=1 python app.py                 # to stderr
    python -m rawnet trace -f -yy -- app.py args...

    from rawnet import strace
    with strace.trace(sys.stderr, decode_fds=2):
        ...

The package is debugging tooling, not a layer of the stack: nothing in rawnet imports
it unless tracing is asked for (``import rawnet`` loads it only when ``RAWNET_TRACE``
is set; tests/test_layering.py checks that).

* :mod:`.tracer`: the options (strace's ``-f -t -T -y -s -e -o``), the gate hook that
  prints one line per call, and ``start_trace``/``stop_trace``/``trace``/``from_env``.
* :mod:`.decode`: strace's argument grammar, from the C arguments to the text.
* :mod:`.fd`: the ``-y``/``-yy`` fd decoration (``3<TCP:[127.0.0.1:80->...]>``).
"""

from .tracer import (
    Options,
    Tracer,
    compile_trace,
    from_env,
    parse_options,
    start_trace,
    stop_trace,
    trace,
    trace_expr,
)

__all__ = [
    "Options", "Tracer", "compile_trace", "from_env", "parse_options", "start_trace",
    "stop_trace", "trace", "trace_expr",
]
