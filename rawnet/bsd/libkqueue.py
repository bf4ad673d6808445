"""libkqueue compatibility (no Go twin; used only when the kqueue ABI is
``libkqueue``, never on epoll, poll(2) or a BSD's kqueue): where libkqueue, a userspace
kqueue over epoll, does not behave as a BSD kernel, and the kqueue backend makes up
for it. Two places (libkqueue commit f9660896, v2.7.0-265):

1. Events dropped from a full event list (:func:`readyAll`).
2. The socket error libkqueue takes from the kernel (:class:`SocketErrorHook`).

1. Events dropped from a full event list
----------------------------------------

A BSD kernel returns at most ``nevents`` events from kevent() and keeps the others
queued for the next call. libkqueue (src/linux/platform.c linux_kevent_wait and
linux_kevent_copyout) asks epoll_wait for up to ``nevents`` epoll events, but one
epoll event for a socket whose read and write filters are both registered (Go
registers both for every fd) becomes *two* kevents. When the event list is full it
stops ("no more available kevent slots") and the epoll events it has not copied out
are lost: they were taken from epoll, and with ``EV_CLEAR`` (``EPOLLET``) epoll reports
an edge only once. The goroutines waiting for them sleep forever. With 64 slots, as
Go's netpoll passes, 33 sockets becoming readable and writable at once are enough:
test_tcp.py's 1000 concurrent echo connections hung on every run from about 32 on.

A drop can only happen when kevent() returns a full list. So the backend treats a
full list from libkqueue as "some readiness may be lost" and calls :func:`readyAll`,
which reports every fd ready in both directions. That is a spurious wake-up, which
Go's netpoll contract allows (a woken goroutine retries its syscall and parks again
on ``EAGAIN``; a direction with no waiter keeps the readiness for its next wait), so
every goroutine sees what it would see on a BSD: the I/O whose event was lost
completes. It costs a pass over the poll cache per full list.

2. The socket error libkqueue takes from the kernel
---------------------------------------------------

What a BSD kernel does: when a socket fails (a refused connect, a reset), kqueue
reports the socket's filters with ``EV_EOF`` and copies the pending socket error
(``so_error``) into the event's ``fflags``, *without clearing it*. The error stays
with the socket until one call takes it: ``getsockopt(SO_ERROR)``, or a read or write
(FreeBSD's soreceive/sosend: a read returns the data still queued first, then the
error; a write returns the error at once). Go relies on this: ``netFD.connect``
wakes on the write event, then reads ``SO_ERROR`` to learn how the connect ended, and
``Read`` on a reset connection returns ``ECONNRESET``.

What libkqueue does (src/linux/read.c evfilt_read_copyout and src/linux/write.c
evfilt_write_copyout, commit f9660896): it is a userspace kqueue over epoll. When
epoll reports ``EPOLLERR`` for a socket, it calls ``getsockopt(SO_ERROR)`` itself to
fill ``fflags`` and sets ``EV_EOF``. On Linux that getsockopt *clears* the socket's
error (``sock_error`` swaps ``sk_err`` with 0), so by the time kevent() returns, the
kernel no longer has it: the dialer's own ``SO_ERROR`` read finds 0, ``getpeername``
fails with ``ENOTCONN``, and it waits for another edge that never comes (a refused
dial hung forever); a read after a reset finds only end-of-file (EOF instead of
``ECONNRESET``). (For a file that is not a socket libkqueue puts ``EIO`` in
``fflags`` and calls nothing: that is its own invention, not an error taken from the
kernel, and it is ignored here.)

The workaround gives the error back exactly where the kernel would have: the kqueue
backend calls :func:`noteSocketError` for an event whose ``fflags`` carries an error
(the error is now only there), and a gate hook (:class:`SocketErrorHook`, installed
by ``netpollinit`` for the libkqueue ABI only) answers the next call on that fd as
the kernel would with the error still pending:

* ``getsockopt(SOL_SOCKET, SO_ERROR)``: the error is written into the caller's int,
  the call returns 0;
* ``read``: made for real; if it returns data, the data (the error stays pending);
  otherwise (end-of-file, ``EAGAIN``) ``-error``;
* ``write``, ``writev``: ``-error``, without the call;

each taking the error, so that it is reported once, by whichever call comes first, as
the kernel's ``sk_err`` is. ``netpollclose`` forgets an fd's error. An entry also
carries the pollDesc and its ``fdseq`` tag at the time of the event: if the fd was
closed since (``pollcache.free`` bumps ``fdseq``), the entry is stale and dropped, so a
new socket given the same fd number never inherits it.

What remains different from a BSD: the error is unseen by a call on that fd made
between libkqueue's getsockopt and netpoll's noteSocketError (another thread's read
then finds end-of-file); a read that follows the error event gets the error only once
the queued data is read (BSD order) even for a datagram socket (rawnet's net layer
only polls TCP sockets on this path).
"""

from __future__ import annotations

import errno
from typing import TYPE_CHECKING, Any, Final

from ..runtime.netpoll import modeRW, netpollready, pollcache
from ..sys import gate
from ..sys.zerrors_linux import SO_ERROR, SOL_SOCKET

if TYPE_CHECKING:
    from ..runtime.netpoll import pollDesc
    from ..runtime.proc import G


def readyAll(toRun: list[G]) -> int:
    """kevent() returned a full list, and libkqueue may have dropped events (see
    above): make every pollDesc ready for reading and writing; return the
    netpollWaiters delta. A free pollDesc is made ready too, harmlessly:
    poll_runtime_pollOpen resets it."""
    delta = 0
    for pd in list(pollcache.all):
        delta += netpollready(toRun, pd, modeRW)
    return delta


# fd -> (pollDesc, its fdseq tag when the event came, the errno)
_pending: Final[dict[int, tuple[pollDesc, int, int]]] = {}


def noteSocketError(fd: int, pd: pollDesc, tag: int, err: int) -> None:
    """An event for fd (pd, tagged tag) carried err in fflags: keep it for the next
    call that would have taken it from the kernel."""
    if err != errno.EIO:  # libkqueue's word for "not a socket"; see above
        _pending[fd] = (pd, tag, err)


def forgetSocketError(fd: int) -> None:
    """fd is being closed: its pending error goes with it."""
    _pending.pop(fd, None)


def _take(fd: int) -> int:
    """fd's pending error, now taken (0: none, or a stale one, dropped)."""
    p = _pending.pop(fd, None)
    if p is None:
        return 0
    pd, tag, err = p
    if pd.fdseq.Load() != tag or pd.fd != fd:
        return 0
    return err


class SocketErrorHook:
    """The gate hook that gives a pending socket error to the call that takes it."""

    def before(self, entry: gate.Entry, args: tuple[Any, ...]) -> int | None:
        if not _pending:
            return None
        name = entry.name
        if name == "read":
            fd = args[0]
            if fd not in _pending:
                return None
            r = entry.fn(*args)
            if r > 0:
                return int(r)  # queued data comes before the error
            err = _take(fd)
            if err == 0:
                return -gate.get_errno() if r < 0 else int(r)
            return -err
        if name in ("write", "writev"):
            err = _take(args[0]) if args[0] in _pending else 0
            return -err if err else None
        if name == "getsockopt" and args[1] == SOL_SOCKET and args[2] == SO_ERROR:
            err = _take(args[0]) if args[0] in _pending else 0
            if err == 0:
                return None
            args[3]._obj.value = err  # the int behind the caller's ctypes.byref
            return 0
        return None

    def after(self, entry: gate.Entry, args: tuple[Any, ...], ret: int) -> None:
        pass


hook: Final = SocketErrorHook()
_installed = False


def install() -> None:
    """Put the hook in the gate (once; netpollinit may run again after a fork)."""
    global _installed
    if not _installed:
        gate.add_hook(hook)
        _installed = True


def uninstall() -> None:
    """Take the hook out of the gate, and forget every pending error (tests)."""
    global _installed
    if _installed:
        gate.remove_hook(hook)
        _installed = False
    _pending.clear()
