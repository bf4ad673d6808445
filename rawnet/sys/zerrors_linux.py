"""Linux constants used by the stack (Go: src/syscall/zerrors_linux_amd64.go).

Values are the kernel's, identical on x86-64 and arm64 for everything listed here.
"""

from typing import Final

# Address families and socket types.
AF_UNSPEC: Final = 0
AF_UNIX: Final = 1
AF_INET: Final = 2
AF_INET6: Final = 10
SOCK_STREAM: Final = 1
SOCK_DGRAM: Final = 2
SOCK_RAW: Final = 3
SOCK_SEQPACKET: Final = 5
SOCK_NONBLOCK: Final = 0o4000  # 0x800, same bit as O_NONBLOCK
SOCK_CLOEXEC: Final = 0o2000000  # 0x80000, same bit as O_CLOEXEC
IPPROTO_IP: Final = 0
IPPROTO_TCP: Final = 6
IPPROTO_UDP: Final = 17
IPPROTO_IPV6: Final = 41

# Socket options.
SOL_SOCKET: Final = 1
SO_REUSEADDR: Final = 2
SO_ERROR: Final = 4
SO_BROADCAST: Final = 6
SO_SNDBUF: Final = 7
SO_RCVBUF: Final = 8
SO_KEEPALIVE: Final = 9
SO_LINGER: Final = 13
SO_REUSEPORT: Final = 15
TCP_NODELAY: Final = 1
TCP_KEEPIDLE: Final = 4
TCP_KEEPINTVL: Final = 5
TCP_KEEPCNT: Final = 6
IPV6_V6ONLY: Final = 26
SOMAXCONN: Final = 128  # syscall.SOMAXCONN, the fallback backlog

SHUT_RD: Final = 0
SHUT_WR: Final = 1
SHUT_RDWR: Final = 2

# Files.
AT_FDCWD: Final = -100
O_RDONLY: Final = 0
O_NONBLOCK: Final = 0o4000
O_CLOEXEC: Final = 0o2000000
F_GETFD: Final = 1
F_SETFD: Final = 2
F_GETFL: Final = 3
F_SETFL: Final = 4
F_DUPFD_CLOEXEC: Final = 1030
FD_CLOEXEC: Final = 1

# epoll and eventfd (Go: src/internal/runtime/syscall/defs_linux.go).
EPOLLIN: Final = 0x1
EPOLLPRI: Final = 0x2
EPOLLOUT: Final = 0x4
EPOLLERR: Final = 0x8
EPOLLHUP: Final = 0x10
EPOLLRDHUP: Final = 0x2000
EPOLLET: Final = 0x80000000
EPOLL_CLOEXEC: Final = 0o2000000
EPOLL_CTL_ADD: Final = 1
EPOLL_CTL_DEL: Final = 2
EPOLL_CTL_MOD: Final = 3
EFD_CLOEXEC: Final = 0o2000000
EFD_NONBLOCK: Final = 0o4000
