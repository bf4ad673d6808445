"""The FD type: a file descriptor with a lock, a reference count and a place in the
poller (Go: src/internal/poll/fd_unix.go; methods from fd_posix.go, fd_mutex.go,
sockopt.go carry their own markers).

Every I/O method keeps Go's skeleton::

    lock -> prepare (fails fast on close/deadline) -> loop { syscall; on EAGAIN wait } -> eofError

Go returns ``(n, err)``; Python raises. An exception raised by ``Write`` after part of
the buffer was written carries the count written so far in its ``n`` attribute (Go's
"a timed-out Write may still have written n > 0 bytes").
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from ... import time
from ...io import EOF, ErrUnexpectedEOF
from ...runtime.sema import Sema, semacquire, semrelease
from ...sys import syscall_linux as sc
from ...sys.errno import EAGAIN, ECONNABORTED, EINTR, Errno
from ...sys.syscall_linux import Sockaddr
from .. import godebug
from .fd import errClosing
from .fd_mutex import fdMutex
from .fd_poll_runtime import modeR, modeRW, modeW, pollDesc, setDeadlineImpl
from .sock_cloexec import CloseFunc, accept

# RAWNET_GODEBUG=shortread=1: a rawnet switch, off by default because it changes Go's
# syscall sequence. A stream read that returns fewer bytes than asked for has emptied
# the socket's receive queue, so the next read(2) would fail with EAGAIN. With the
# switch on, that next Read skips the doomed read and waits for readiness first. It
# must not reset the read semaphore (pollReset) the way an ordinary Read does: data
# that arrived after the short read has already raised its edge, and the pdReady
# token the poller may have left for it is exactly what the wait consumes. A stale
# token only costs the one read that would have been made anyway.
shortread: Final = godebug.value("shortread") == "1"

# Go: src/internal/poll/fd_unix.go maxRW
# Darwin and FreeBSD can't read or write 2GB+ files at a time, even on 64-bit
# systems; Go caps every stream read and write at 1 GiB everywhere.
maxRW: Final = 1 << 30


def byteSlice(p: Any) -> Any:
    """p as Go's []byte: a buffer whose len() is its size in bytes.

    bytes, bytearray and one-dimensional views of bytes pass as they are (the common
    case costs two type tests). Any other buffer, an ``array('i')``, a view cast to
    ``'i'`` or a ctypes array of ints, is viewed as its bytes: len() of those counts
    items, and reading or writing len() bytes would lose the rest."""
    t = type(p)
    if t is bytes or t is bytearray or (t is memoryview and p.itemsize == 1 and p.ndim == 1):
        return p
    return memoryview(p).cast("B")


class FD:
    """Go: src/internal/poll/fd_unix.go FD."""

    __slots__ = ("fdmu", "Sysfd", "pd", "csema", "isBlocking", "IsStream", "ZeroReadIsEOF",
                 "isFile", "drained")

    def __init__(self, sysfd: int, isStream: bool, zeroReadIsEOF: bool) -> None:
        # Lock sysfd and serialize access to Read and Write methods.
        self.fdmu = fdMutex()
        # System file descriptor. Immutable until Close.
        self.Sysfd = sysfd
        # I/O poller.
        self.pd = pollDesc()
        # Semaphore signaled when file is closed.
        self.csema = Sema()
        # Non-zero if this file has been set to blocking mode.
        self.isBlocking = 0
        # Whether this is a streaming descriptor, as opposed to a packet-based
        # descriptor like a UDP socket.
        self.IsStream = isStream
        # Whether a zero byte read indicates EOF. This is false for a message based
        # socket connection.
        self.ZeroReadIsEOF = zeroReadIsEOF
        # Whether this is a file rather than a network socket.
        self.isFile = False
        # rawnet: the last stream read was short (used only with shortread=1).
        self.drained = False

    # Go: src/internal/poll/fd_unix.go FD.Init
    def Init(self, net: str, pollable: bool) -> None:
        """Register the fd with the poller (raises the registration's Errno)."""
        if net == "file":
            self.isFile = True
        if not pollable:
            self.isBlocking = 1
            return
        try:
            self.pd.init(self)
        except BaseException:
            # If we could not initialize the runtime poller, assume we are using
            # blocking mode.
            self.isBlocking = 1
            raise

    # Go: src/internal/poll/fd_unix.go FD.destroy
    def destroy(self) -> Errno | None:
        """Close the OS fd; called by whoever drops the last reference after Close."""
        # Poller may want to unregister fd in readiness notification mechanism, so this
        # must be executed before CloseFunc.
        self.pd.close()
        r = CloseFunc(self.Sysfd)
        self.Sysfd = -1
        semrelease(self.csema)
        return Errno(-r) if r < 0 else None

    # Go: src/internal/poll/fd_unix.go FD.Close
    def Close(self) -> None:
        """Close the FD. Blocked Reads, Writes and Accepts fail with ErrNetClosing; Close
        returns once the OS fd is really closed."""
        if not self.fdmu.increfAndClose():
            raise errClosing(self.isFile)
        # Unblock any I/O. Once it all unblocks and returns, so that it cannot be
        # referring to fd.sysfd anymore, the final decref will close fd.sysfd. This
        # should happen fairly quickly, since all the I/O is non-blocking, and any
        # attempts to block in the pollDesc will return errClosing(fd.isFile).
        self.pd.evict()
        # The call to decref will call destroy if there are no other references.
        err = self.decref()
        # Wait until the descriptor is closed. If this was the only reference, it is
        # already closed. Only wait if the file has not been set to blocking mode, as
        # otherwise any current I/O may be blocking, and Go does not wait for it.
        if self.isBlocking == 0:
            semacquire(self.csema, "close wait")
        if err is not None:
            raise err

    # Go: src/internal/poll/fd_mutex.go FD.incref
    def incref(self) -> None:
        if not self.fdmu.incref():
            raise errClosing(self.isFile)

    # Go: src/internal/poll/fd_mutex.go FD.decref
    def decref(self) -> Errno | None:
        if self.fdmu.decref():
            return self.destroy()
        return None

    # Go: src/internal/poll/fd_mutex.go FD.readLock
    def readLock(self) -> None:
        if not self.fdmu.rwlock(True):
            raise errClosing(self.isFile)

    # Go: src/internal/poll/fd_mutex.go FD.readUnlock
    def readUnlock(self) -> None:
        if self.fdmu.rwunlock(True):
            self.destroy()

    # Go: src/internal/poll/fd_unix.go FD.Read
    def Read(self, p: Any) -> int:
        """Read into the writable buffer p; return the count of bytes, raise EOF at end
        of stream."""
        if type(p) is not bytearray:  # the usual read buffer: no call
            p = byteSlice(p)
        # Read and Write run once per message, so the one-line helpers Go's compiler
        # inlines into them are inlined here by hand, each marked with the Go call it
        # replaces: a CPython call costs about as much as a line of real work. Helpers
        # that other callers use (readLock, prepareRead, waitRead) keep their functions;
        # those only Read and Write used have "(inlined)" markers instead.
        if not self.fdmu.rwlock(True):  # fd.readLock()
            raise errClosing(self.isFile)
        try:
            if len(p) == 0:
                # If the caller wanted a zero byte read, return immediately without
                # trying to read from the kernel.
                return 0
            pd = self.pd
            if self.drained:
                self.drained = False
                pd.wait(modeR, self.isFile)  # see shortread above
            else:
                pd.prepare(modeR, self.isFile)  # fd.pd.prepareRead(fd.isFile)
            if self.IsStream and len(p) > maxRW:
                p = memoryview(p)[:maxRW]
            while True:
                # Go: src/internal/poll/fd_unix.go ignoringEINTRIO (inlined)
                n = sc.Read(self.Sysfd, p)
                if n >= 0:
                    break
                if n == -EINTR:
                    continue
                if n == -EAGAIN and pd.runtimeCtx is not None:  # fd.pd.pollable()
                    pd.wait(modeR, self.isFile)  # fd.pd.waitRead(fd.isFile)
                    continue
                raise Errno(-n)
            if shortread and self.IsStream and pd.runtimeCtx is not None:
                self.drained = 0 < n < len(p)
            # Go: src/internal/poll/fd_posix.go FD.eofError (inlined)
            if n == 0 and self.ZeroReadIsEOF:
                raise EOF()
            return n
        finally:
            if self.fdmu.rwunlock(True):  # fd.readUnlock()
                self.destroy()

    # Go: src/internal/poll/fd_unix.go FD.Write
    def Write(self, p: Any) -> int:
        """Write all of p, waiting for the socket to drain as needed; return its size in
        bytes."""
        if type(p) is not bytes and (type(p) is not memoryview or p.itemsize != 1
                                     or p.ndim != 1):
            p = byteSlice(p)  # not the usual bytes or byte view: see byteSlice
        # The same hand-inlining as in Read.
        # Go: src/internal/poll/fd_mutex.go FD.writeLock (inlined)
        if not self.fdmu.rwlock(False):
            raise errClosing(self.isFile)
        try:
            pd = self.pd
            # Go: src/internal/poll/fd_poll_runtime.go pollDesc.prepareWrite (inlined)
            pd.prepare(modeW, self.isFile)
            nn = 0
            total = len(p)
            view = p
            while True:
                end = total
                if self.IsStream and end - nn > maxRW:
                    end = nn + maxRW
                if nn or end != total:
                    if view is p:
                        view = memoryview(p)
                    chunk = view[nn:end]
                else:
                    chunk = p
                n = sc.Write(self.Sysfd, chunk)  # ignoringEINTRIO, as in Read
                if n == -EINTR:
                    continue
                if n > end - nn:
                    # Invalid return from write (Go issue 61060).
                    raise RuntimeError(f"invalid return from write: got {n} from a write of "
                                       f"{end - nn}")
                if n > 0:
                    nn += n
                if nn == total:
                    if n < 0:
                        # Only a zero-length p gets here with an error: Go returns
                        # (0, err), so Write(b"") on a shut-down socket reports EPIPE.
                        raise _written(Errno(-n), nn)
                    return nn
                if n == -EAGAIN and pd.runtimeCtx is not None:  # fd.pd.pollable()
                    _wait(pd, modeW, self.isFile, nn)  # fd.pd.waitWrite(fd.isFile)
                    continue
                if n < 0:
                    raise _written(Errno(-n), nn)
                if n == 0:
                    raise _written(ErrUnexpectedEOF(), nn)
        finally:
            # Go: src/internal/poll/fd_mutex.go FD.writeUnlock (inlined)
            if self.fdmu.rwunlock(False):
                self.destroy()

    # Go: src/internal/poll/fd_unix.go FD.Accept
    def Accept(self) -> tuple[int, Sockaddr | None, str, Errno | None]:
        """Accept a connection: (fd, peer sockaddr, errcall, err) as Go returns them.

        Close and deadline errors from waiting are raised; the syscall's own error is
        returned with the name of the failing call (errcall) for the net package to
        wrap.
        """
        self.readLock()
        try:
            self.pd.prepareRead(self.isFile)
            while True:
                s, rsa, errcall, e = accept(self.Sysfd)
                if e == 0:
                    return s, rsa, "", None
                if e == EINTR:
                    continue
                if e == EAGAIN:
                    if self.pd.pollable():
                        self.pd.waitRead(self.isFile)
                        continue
                elif e == ECONNABORTED:
                    # This means that a socket on the listen queue was closed before we
                    # Accept()ed it; it's a silly error, so try again.
                    continue
                return -1, None, errcall, Errno(e)
        finally:
            self.readUnlock()

    # Go: src/internal/poll/fd_unix.go FD.WaitWrite
    def WaitWrite(self) -> None:
        """Wait until the fd is writable (used by a non-blocking connect)."""
        self.pd.waitWrite(self.isFile)

    # Go: src/internal/poll/fd_unix.go FD.RawRead
    def RawRead(self, f: Callable[[int], bool]) -> None:
        """Call f(fd) until it returns True, waiting for readability in between."""
        self._raw(f, modeR)

    # Go: src/internal/poll/fd_unix.go FD.RawWrite
    def RawWrite(self, f: Callable[[int], bool]) -> None:
        """Call f(fd) until it returns True, waiting for writability in between."""
        self._raw(f, modeW)

    def _raw(self, f: Callable[[int], bool], mode: int) -> None:
        read = mode == modeR
        if not self.fdmu.rwlock(read):
            raise errClosing(self.isFile)
        try:
            self.pd.prepare(mode, self.isFile)
            while not f(self.Sysfd):
                self.pd.wait(mode, self.isFile)
        finally:
            if self.fdmu.rwunlock(read):
                self.destroy()

    # Go: src/internal/poll/fd_posix.go FD.RawControl
    def RawControl(self, f: Callable[[int], None]) -> None:
        """Call f with the OS fd, holding a reference so that it stays open."""
        self.incref()
        try:
            f(self.Sysfd)
        finally:
            self.decref()

    # Go: src/internal/poll/fd_posix.go FD.Shutdown
    def Shutdown(self, how: int) -> None:
        self._control(lambda fd: sc.Shutdown(fd, how))

    # Go: src/internal/poll/sockopt.go FD.SetsockoptInt
    def SetsockoptInt(self, level: int, name: int, arg: int) -> None:
        self._control(lambda fd: sc.SetsockoptInt(fd, level, name, arg))

    # Go: src/internal/poll/sockopt.go FD.SetsockoptLinger
    def SetsockoptLinger(self, level: int, name: int, onoff: int, secs: int) -> None:
        self._control(lambda fd: sc.SetsockoptLinger(fd, level, name, onoff, secs))

    # Go: src/internal/poll/sockopt.go FD.GetsockoptInt
    def GetsockoptInt(self, level: int, name: int) -> int:
        self.incref()
        try:
            r, v = sc.GetsockoptInt(self.Sysfd, level, name)
        finally:
            self.decref()
        if r < 0:
            raise Errno(-r)
        return v

    def _control(self, call: Callable[[int], int]) -> None:
        # incref; one syscall on the fd; decref; raise its Errno.
        self.incref()
        try:
            r = call(self.Sysfd)
        finally:
            self.decref()
        if r < 0:
            raise Errno(-r)

    # Go: src/internal/poll/fd_poll_runtime.go FD.SetDeadline
    def SetDeadline(self, t: time.Time) -> None:
        setDeadlineImpl(self, t, modeRW)

    # Go: src/internal/poll/fd_poll_runtime.go FD.SetReadDeadline
    def SetReadDeadline(self, t: time.Time) -> None:
        setDeadlineImpl(self, t, modeR)

    # Go: src/internal/poll/fd_poll_runtime.go FD.SetWriteDeadline
    def SetWriteDeadline(self, t: time.Time) -> None:
        setDeadlineImpl(self, t, modeW)


def _written(err: BaseException, n: int) -> BaseException:
    err.n = n  # type: ignore[attr-defined]
    return err


def _wait(pd: pollDesc, mode: int, isFile: bool, nn: int) -> None:
    try:
        pd.wait(mode, isFile)
    except BaseException as e:
        raise _written(e, nn) from None
