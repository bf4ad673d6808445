"""The kqueue poller's wake-up through an ``EVFILT_USER`` event (Go:
src/runtime/netpoll_kqueue_event.go; darwin, dragonfly, freebsd, and libkqueue).

A user event is registered once (``EV_ADD``, no ``EV_CLEAR``: it stays triggered until
disabled). ``netpollBreak`` triggers it (``EV_ENABLE`` + ``NOTE_TRIGGER``), which makes a
sleeping kevent() return; a *blocking* poll that sees it disables it again
(``EV_DISABLE``). A non-blocking poll leaves it triggered, so the blocked poller the
break was meant for still sees it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..runtime import proc
from . import kqueue
from .kqueue import abi

if TYPE_CHECKING:
    import ctypes

# Magic number of identifier used for EVFILT_USER. It had zero search results when
# it was chosen, so that whoever sees it printed finds this code.
kqIdent = 0xEE1EB9F4


def _userEvent(flags: int, fflags: int) -> ctypes.Structure:
    ev = kqueue.keventt()
    ev.ident = kqIdent
    ev.filter = abi.EVFILT_USER
    ev.flags = flags
    ev.fflags = fflags
    return ev


# Go: src/runtime/netpoll_kqueue_event.go addWakeupEvent
def addWakeupEvent(kq: int) -> None:
    ev = _userEvent(abi.EV_ADD, 0)
    while True:
        n = kqueue.Kevent(kq, ev, 1, None, 0, None)
        if n == 0:
            return
        if n == -abi.EINTR:
            # All changes contained in the changelist should have been applied before
            # returning EINTR. But be skeptical and retry it anyway.
            continue
        proc.println("runtime: kevent for EVFILT_USER failed with", -n)
        proc.throw("runtime: kevent failed")


# Go: src/runtime/netpoll_kqueue_event.go wakeNetpoll
def wakeNetpoll(kq: int) -> None:
    ev = _userEvent(abi.EV_ENABLE, abi.NOTE_TRIGGER)
    while True:
        n = kqueue.Kevent(kq, ev, 1, None, 0, None)
        if n == 0:
            return
        if n == -abi.EINTR:
            continue  # see addWakeupEvent
        proc.println("runtime: netpollBreak write failed with", -n)
        proc.throw("runtime: netpollBreak write failed")


# Go: src/runtime/netpoll_kqueue_event.go isWakeup
def isWakeup(ev: ctypes.Structure) -> bool:
    if ev.filter == abi.EVFILT_USER:
        if ev.ident == kqIdent:
            return True
        proc.println("runtime: netpoll: break fd ready for", ev.ident)
        proc.throw("runtime: netpoll: break fd ready for something unexpected")
    return False


# Go: src/runtime/netpoll_kqueue_event.go drainWakeupEvent
def drainWakeupEvent(kq: int) -> None:
    kqueue.Kevent(kq, _userEvent(abi.EV_DISABLE, 0), 1, None, 0, None)


# Go: src/runtime/netpoll_kqueue_event.go netpollIsPollDescriptor
def netpollIsPollDescriptor(fd: int) -> bool:
    from . import netpoll_kqueue

    return fd == netpoll_kqueue.kq


def forgetWakeupAfterFork() -> None:
    """In a child made by os.fork (see netpoll_kqueue.netpollAfterForkInChild): the
    user event lived in the parent's kqueue, which the child does not have; nothing
    to do."""
