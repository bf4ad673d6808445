"""rawnet.sync mirrors the parts of Go's src/sync that goroutine code needs: the
WaitGroup (waitgroup.py), built on the runtime semaphores so that waiting parks only
the calling goroutine."""

from .waitgroup import WaitGroup, WaitGroupPanic

__all__ = ["WaitGroup", "WaitGroupPanic"]
