"""Dial and Listen (Go: src/net/dial.go).

Python shapes for Go's types: a duration (``Timeout``, ``KeepAlive``) is seconds as a
float; a deadline is an absolute time (``time.time()`` float or ``datetime``) or None.
Go's ``context.Context`` has no Python twin here: a Dialer's Timeout and Deadline are
the dial's deadline, which is what Go derives from the context when it has no
cancellation.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .. import time
from . import ipsock, tcpsock, tcpsock_posix
from .net import (
    Addr,
    AddrError,
    OpError,
    UnknownNetworkError,
    errMissingAddress,
    notBuiltYet,
    timeoutError,
)

_knownNetworks = ("tcp", "tcp4", "tcp6", "udp", "udp4", "udp6", "unix", "unixgram", "unixpacket")


# Go: src/net/dial.go parseNetwork
def parseNetwork(network: str, needsProto: bool) -> tuple[str, int]:
    i = network.rfind(":")
    if i < 0:  # no colon
        if network in _knownNetworks:
            return network, 0
        raise UnknownNetworkError(network)
    afnet, protostr = network[:i], network[i + 1 :]
    if afnet in ("ip", "ip4", "ip6") and needsProto and protostr.isdigit():
        return afnet, int(protostr)
    raise UnknownNetworkError(network)


# Go: src/net/dial.go Resolver.resolveAddrList
def resolveAddrList(op: str, network: str, addr: str, hint: Addr | None) -> ipsock.addrList:
    afnet, _ = parseNetwork(network, True)
    if op == "dial" and addr == "":
        raise errMissingAddress()
    if afnet not in ("tcp", "tcp4", "tcp6"):
        # UDP, IP and unix sockets are not built yet (Go has them); say so plainly.
        raise AddrError(notBuiltYet, network)
    addrs = ipsock.internetAddrList(afnet, addr)
    if op != "dial" or hint is None:
        return addrs
    if not isinstance(hint, tcpsock.TCPAddr):
        raise AddrError("mismatched local address type", hint.String())
    wild = hint.isWildcard()
    filtered = ipsock.addrList(
        a for a in addrs
        if wild or not isinstance(a, tcpsock.TCPAddr) or a.isWildcard()
        or ipsock.isIPv4(a) == ipsock.isIPv4(hint)
    )
    if not filtered:
        raise AddrError("no suitable address found", hint.String())
    return filtered


# Go: src/net/dial.go partialDeadline
def partialDeadline(now: float, deadline: time.Time, addrsRemaining: int) -> time.Time:
    """The deadline for one of addrsRemaining attempts: an equal share of what is left,
    but at least 2 s (or all of it when less is left)."""
    if deadline is None:
        return None
    timeRemaining = time.Until(deadline) / 1e9
    if timeRemaining <= 0:
        raise timeoutError()
    # Tentatively allocate equal time to each remaining address.
    timeout = timeRemaining / addrsRemaining
    # If the time per address is too short, steal from the end of the list.
    saneMinimum = 2.0
    if timeout < saneMinimum:
        timeout = timeRemaining if timeRemaining < saneMinimum else saneMinimum
    return now + timeout


# Go: src/net/dial.go Dialer
@dataclass
class Dialer:
    """Options for connecting to an address (Go: net.Dialer).

    Timeout: seconds for the whole dial (0: none); Deadline: absolute time (None: none);
    LocalAddr: the local address to bind; KeepAlive: keep-alive idle seconds (0: 15 s
    default, negative: off); FallbackDelay: Happy Eyeballs delay (negative: off).
    """

    Timeout: float = 0.0
    Deadline: time.Time = None
    LocalAddr: tcpsock.TCPAddr | None = None
    FallbackDelay: float = 0.0
    KeepAlive: float = 0.0
    KeepAliveConfig: tcpsock.KeepAliveConfig = field(default_factory=tcpsock.KeepAliveConfig)

    # Go: src/net/dial.go Dialer.dualStack
    def dualStack(self) -> bool:
        return self.FallbackDelay >= 0

    # Go: src/net/dial.go Dialer.deadline
    def deadline(self, now: float) -> time.Time:
        earliest: float | None = None
        if self.Timeout != 0:  # including negative, for historical reasons
            earliest = now + self.Timeout
        if self.Deadline is not None:
            d = now + time.Until(self.Deadline) / 1e9
            earliest = d if earliest is None else min(earliest, d)
        return earliest

    # Go: src/net/dial.go Dialer.Dial
    def Dial(self, network: str, address: str) -> tcpsock.TCPConn:
        """Connect to address on network ("tcp", "tcp4", "tcp6")."""
        deadline = self.deadline(time.Now())
        try:
            addrs = resolveAddrList("dial", network, address, self.LocalAddr)
        except OSError as e:
            raise OpError("dial", network, None, None, e) from None
        sd = sysDialer(self, network, address)
        primaries, fallbacks = addrs, ipsock.addrList()
        if self.dualStack() and network == "tcp":
            primaries, fallbacks = addrs.partition(ipsock.isIPv4)
        # Go races the fallbacks against the primaries after FallbackDelay (Happy
        # Eyeballs, dialParallel). rawnet tries them in order instead: on loopback a
        # failing primary fails at once (connection refused), so the outcome is the
        # same, and the error returned is still the primary's.
        return sd.dialSerial(ipsock.addrList([*primaries, *fallbacks]), deadline)


# Go: src/net/dial.go sysDialer
class sysDialer:
    def __init__(self, d: Dialer, network: str, address: str) -> None:
        self.d = d
        self.network = network
        self.address = address

    # Go: src/net/dial.go sysDialer.dialSerial
    def dialSerial(self, ras: ipsock.addrList, deadline: time.Time) -> tcpsock.TCPConn:
        """Connect to each address in turn until one succeeds; raise the first error."""
        firstErr: OSError | None = None
        for i, ra in enumerate(ras):
            if deadline is not None and time.Until(deadline) <= 0:
                raise OpError("dial", self.network, self.d.LocalAddr, ra, timeoutError())
            try:
                dl = partialDeadline(time.Now(), deadline, len(ras) - i)
            except OSError as e:
                # Ran out of time.
                firstErr = firstErr or OpError("dial", self.network, self.d.LocalAddr, ra, e)
                break
            try:
                return self.dialSingle(ra, dl)
            except OSError as e:
                firstErr = firstErr or e
        if firstErr is None:
            firstErr = OpError("dial", self.network, None, None, errMissingAddress())
        raise firstErr

    # Go: src/net/dial.go sysDialer.dialSingle
    def dialSingle(self, ra: Addr, deadline: time.Time) -> tcpsock.TCPConn:
        la = self.d.LocalAddr
        try:
            if not isinstance(ra, tcpsock.TCPAddr):
                raise AddrError("unexpected address type", self.address)
            return tcpsock_posix.dialTCP(self.d, self.network, la, ra, deadline)
        except OSError as e:
            raise OpError("dial", self.network, la, ra, e) from None


# Go: src/net/dial.go ListenConfig
@dataclass
class ListenConfig:
    """Options for listening (Go: net.ListenConfig). KeepAlive applies to accepted
    connections: seconds, 0 for the 15 s default, negative to disable."""

    KeepAlive: float = 0.0
    KeepAliveConfig: tcpsock.KeepAliveConfig = field(default_factory=tcpsock.KeepAliveConfig)

    # Go: src/net/dial.go ListenConfig.Listen
    def Listen(self, network: str, address: str) -> tcpsock.TCPListener:
        """Announce on address: "host:port", ":port" (all interfaces, dual-stack)."""
        try:
            addrs = resolveAddrList("listen", network, address, None)
        except OSError as e:
            raise OpError("listen", network, None, None, e) from None
        la = addrs.first(ipsock.isIPv4)
        try:
            if not isinstance(la, tcpsock.TCPAddr):
                raise AddrError("unexpected address type", address)
            return tcpsock_posix.listenTCP(self, network, la)
        except OSError as e:
            raise OpError("listen", network, None, la, e) from None


# Go: src/net/dial.go Dial
def Dial(network: str, address: str) -> tcpsock.TCPConn:
    """Connect to address ("host:port") on network ("tcp", "tcp4", "tcp6")."""
    return Dialer().Dial(network, address)


# Go: src/net/dial.go DialTimeout
def DialTimeout(network: str, address: str, timeout: float) -> tcpsock.TCPConn:
    """Dial with a timeout in seconds that covers name resolution and connecting."""
    return Dialer(Timeout=timeout).Dial(network, address)


# Go: src/net/dial.go Listen
def Listen(network: str, address: str) -> tcpsock.TCPListener:
    """Announce on the local address: ``Listen("tcp", ":8888")``."""
    return ListenConfig().Listen(network, address)
