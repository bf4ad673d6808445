"""gnet's socket helpers (gnet v2.10.0: pkg/socket/): listening sockets and socket
options, on rawnet.sys's syscalls and rawnet.net's address resolution. TCP only so far."""
