"""rawnet.runtime mirrors the parts of Go's runtime the network stack lives on:
goroutines and their scheduler (proc.py), timers (time.py), semaphores (sema.py) and
the network poller (netpoll.py with one OS backend)."""

# os.register_at_fork hooks that give a forked child a runtime of its own (fork.py).
from . import fork as _fork  # noqa: F401
