"""A listening socket of the engine (gnet v2.10.0: listener_unix.go).

A listener is a TCP or Unix listening socket, or a bound UDP socket (which the
loops read datagrams from: there is nothing to accept).

A Unix listener owns its path: ``open`` removes whatever file is there first (bind
fails with EADDRINUSE on an existing path, a socket file left by a crashed server
included) and ``close`` removes the socket file, as gnet does. The file is created by
bind(2), with the mode 0777 less the umask.

Where Python differs from gnet:
- ``addr`` is the address the kernel bound (a listener on port 0 knows its port);
- the TCP keep-alive error is raised, where gnet's ``initListener`` overwrites the
  error of ``open`` with it;
- gnet removes the path with ``os.RemoveAll``, which would take a directory there and
  all it holds, and a file named "@name" for an abstract address. Here only a
  non-directory is removed (unlink(2); a directory makes bind fail), and nothing for
  an abstract address.
"""

from __future__ import annotations

import threading

from ..net.net import Addr
from ..sys import syscall_linux as sc
from ..sys import zerrors_linux as c
from ..sys.errno import ENOENT, Errno
from .options import Options, TCPNoDelay
from .pkg.errors import ErrUnsupportedProtocol
from .pkg.logging.logger import Logger
from .pkg.netpoll.defs_poller import PollAttachment, PollEventHandler
from .pkg.socket import fd_unix, socket, sockopts_posix, sockopts_unix


# gnet: listener_unix.go listener
class listener:
    def __init__(self, network: str, address: str, sockOptInts: list[socket.Option],
                 logger: Logger) -> None:
        self.fd = -1
        self.addr: Addr | None = None  # the bound address, once open
        # "tcp", "tcp4", "tcp6", "udp", "udp4", "udp6" or "unix"; once open, "tcp",
        # "udp" or "unix".
        self.network = network
        self.address = address  # host:port or the path, as given
        self.sockOptInts = sockOptInts
        self.pollAttachment: PollAttachment | None = None
        self.closeMu = threading.Lock()  # gnet: closeOnce
        self.logger = logger  # gnet logs through its package's default logger

    # gnet: listener_unix.go listener.packPollAttachment
    def packPollAttachment(self, handler: PollEventHandler) -> PollAttachment:
        self.pollAttachment = PollAttachment(self.fd, handler)
        return self.pollAttachment

    # gnet: listener_unix.go listener.dup
    def dup(self) -> int:
        return fd_unix.Dup(self.fd)

    # gnet: listener_unix.go listener.open
    def open(self) -> None:
        if self.network in ("tcp", "tcp4", "tcp6"):
            self.fd, self.addr = socket.TCPSocket(self.network, self.address, True,
                                                  self.sockOptInts)
            self.network = "tcp"
        elif self.network in ("udp", "udp4", "udp6"):
            self.fd, self.addr = socket.UDPSocket(self.network, self.address, self.sockOptInts)
            self.network = "udp"
        elif self.network == "unix":
            removeSocketFile(self.address)  # gnet ignores the error: bind reports it
            self.fd, self.addr = socket.UnixSocket(self.network, self.address, True,
                                                   self.sockOptInts)
        else:
            raise ErrUnsupportedProtocol()

    # gnet: listener_unix.go listener.close
    def close(self) -> None:
        """Close the socket (and remove a Unix socket's file); later calls do nothing."""
        with self.closeMu:
            if self.fd < 0:
                return
            sc.Close(self.fd)
            self.fd = -1
            if self.network == "unix":
                err = removeSocketFile(self.address)
                if err is not None:
                    self.logger.Errorf("removing %s: %s", self.address, err)


def removeSocketFile(path: str) -> Errno | None:
    """Remove the file at path, if any (gnet: os.RemoveAll; see the module's
    docstring); the error, if it was not that there is no such file."""
    if path.startswith("@"):  # the abstract namespace: no file
        return None
    r = sc.Unlinkat(c.AT_FDCWD, path)
    if r < 0 and r != -ENOENT:
        return Errno(-r)
    return None


# gnet: listener_unix.go initListener
def initListener(network: str, addr: str, options: Options) -> listener:
    """A listener on addr, open, with the options that apply to a listening socket
    (accepted sockets inherit them on Linux, keep-alive included)."""
    sockOptInts: list[socket.Option] = []
    if options.ReusePort and network != "unix":  # AF_UNIX has no SO_REUSEPORT
        sockOptInts.append(socket.Option(sockopts_unix.SetReuseport, 1))
    if options.ReuseAddr:
        sockOptInts.append(socket.Option(sockopts_posix.SetReuseAddr, 1))
    if options.TCPNoDelay == TCPNoDelay and network.startswith("tcp"):
        sockOptInts.append(socket.Option(sockopts_posix.SetNoDelay, 1))
    if options.SocketRecvBuffer > 0:
        sockOptInts.append(socket.Option(sockopts_posix.SetRecvBuffer, options.SocketRecvBuffer))
    if options.SocketSendBuffer > 0:
        sockOptInts.append(socket.Option(sockopts_posix.SetSendBuffer, options.SocketSendBuffer))
    assert options.Logger is not None  # createListeners set it
    ln = listener(network, addr, sockOptInts, options.Logger)
    ln.open()
    if options.TCPKeepAlive > 0 and ln.network == "tcp":
        try:
            setKeepAlive(ln.fd, True, options.TCPKeepAlive, options.TCPKeepInterval,
                         options.TCPKeepCount)
        except BaseException:
            ln.close()
            raise
    return ln


# gnet: engine_unix.go setKeepAlive
def setKeepAlive(fd: int, enabled: bool, idle: float, intvl: float, cnt: int) -> None:
    """Keep-alive with gnet's defaults: the interval idle/5, 5 probes."""
    if intvl == 0:
        intvl = idle / 5
    if cnt == 0:
        cnt = 5
    sockopts_unix.SetKeepAlive(fd, enabled, int(idle), int(intvl), cnt)
