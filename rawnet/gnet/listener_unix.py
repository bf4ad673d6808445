"""A listening socket of the engine (gnet v2.10.0: listener_unix.go).

Where Python differs from gnet: ``addr`` is the address the kernel bound (a listener
on port 0 knows its port), and the TCP keep-alive error is raised, where gnet's
``initListener`` overwrites the error of ``open`` with it. Only TCP is built.
"""

from __future__ import annotations

import threading

from ..net.tcpsock import TCPAddr
from ..sys import syscall_linux as sc
from .options import Options, TCPNoDelay
from .pkg.errors import ErrUnsupportedProtocol
from .pkg.netpoll.defs_poller import PollAttachment, PollEventHandler
from .pkg.socket import fd_unix, socket, sockopts_posix, sockopts_unix


# gnet: listener_unix.go listener
class listener:
    def __init__(self, network: str, address: str, sockOptInts: list[socket.Option]) -> None:
        self.fd = -1
        self.addr: TCPAddr | None = None  # the bound address, once open
        self.network = network  # "tcp", "tcp4" or "tcp6"; "tcp" once open
        self.address = address  # host:port as given
        self.sockOptInts = sockOptInts
        self.pollAttachment: PollAttachment | None = None
        self.closeMu = threading.Lock()  # gnet: closeOnce

    # gnet: listener_unix.go listener.packPollAttachment
    def packPollAttachment(self, handler: PollEventHandler) -> PollAttachment:
        self.pollAttachment = PollAttachment(self.fd, handler)
        return self.pollAttachment

    # gnet: listener_unix.go listener.dup
    def dup(self) -> int:
        return fd_unix.Dup(self.fd)

    # gnet: listener_unix.go listener.open
    def open(self) -> None:
        if self.network not in ("tcp", "tcp4", "tcp6"):
            raise ErrUnsupportedProtocol()
        self.fd, self.addr = socket.TCPSocket(self.network, self.address, True,
                                              self.sockOptInts)
        self.network = "tcp"

    # gnet: listener_unix.go listener.close
    def close(self) -> None:
        """Close the socket; later calls do nothing."""
        with self.closeMu:
            if self.fd >= 0:
                sc.Close(self.fd)
            self.fd = -1


# gnet: listener_unix.go initListener
def initListener(network: str, addr: str, options: Options) -> listener:
    """A listener on addr, open, with the options that apply to a listening socket
    (accepted sockets inherit them on Linux, keep-alive included)."""
    sockOptInts: list[socket.Option] = []
    if options.ReusePort:
        sockOptInts.append(socket.Option(sockopts_unix.SetReuseport, 1))
    if options.ReuseAddr:
        sockOptInts.append(socket.Option(sockopts_posix.SetReuseAddr, 1))
    if options.TCPNoDelay == TCPNoDelay and network.startswith("tcp"):
        sockOptInts.append(socket.Option(sockopts_posix.SetNoDelay, 1))
    if options.SocketRecvBuffer > 0:
        sockOptInts.append(socket.Option(sockopts_posix.SetRecvBuffer, options.SocketRecvBuffer))
    if options.SocketSendBuffer > 0:
        sockOptInts.append(socket.Option(sockopts_posix.SetSendBuffer, options.SocketSendBuffer))
    ln = listener(network, addr, sockOptInts)
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
