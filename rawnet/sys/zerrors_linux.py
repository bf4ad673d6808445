"""Linux constants used by the stack (Go: src/syscall/zerrors_linux_amd64.go).

Values are the kernel's, identical on x86-64 and arm64 for everything listed here.
"""

# Address families and socket types.
AF_UNSPEC = 0
AF_UNIX = 1
AF_INET = 2
AF_INET6 = 10
SOCK_STREAM = 1
SOCK_DGRAM = 2
SOCK_RAW = 3
SOCK_SEQPACKET = 5
SOCK_NONBLOCK = 0o4000  # 0x800, same bit as O_NONBLOCK
SOCK_CLOEXEC = 0o2000000  # 0x80000, same bit as O_CLOEXEC
IPPROTO_IP = 0
IPPROTO_TCP = 6
IPPROTO_IPV6 = 41

# Socket options.
SOL_SOCKET = 1
SO_REUSEADDR = 2
SO_ERROR = 4
SO_BROADCAST = 6
SO_SNDBUF = 7
SO_RCVBUF = 8
SO_KEEPALIVE = 9
SO_LINGER = 13
TCP_NODELAY = 1
TCP_KEEPIDLE = 4
TCP_KEEPINTVL = 5
TCP_KEEPCNT = 6
IPV6_V6ONLY = 26
SOMAXCONN = 128  # syscall.SOMAXCONN, the fallback backlog

SHUT_RD = 0
SHUT_WR = 1
SHUT_RDWR = 2

# Files.
AT_FDCWD = -100
O_RDONLY = 0
O_NONBLOCK = 0o4000
O_CLOEXEC = 0o2000000
F_GETFD = 1
F_SETFD = 2
F_GETFL = 3
F_SETFL = 4
FD_CLOEXEC = 1

# epoll and eventfd (Go: src/internal/runtime/syscall/defs_linux.go).
EPOLLIN = 0x1
EPOLLPRI = 0x2
EPOLLOUT = 0x4
EPOLLERR = 0x8
EPOLLHUP = 0x10
EPOLLRDHUP = 0x2000
EPOLLET = 0x80000000
EPOLL_CLOEXEC = 0o2000000
EPOLL_CTL_ADD = 1
EPOLL_CTL_DEL = 2
EPOLL_CTL_MOD = 3
EFD_CLOEXEC = 0o2000000
EFD_NONBLOCK = 0o4000
