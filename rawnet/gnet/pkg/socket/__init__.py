"""gnet's socket helpers (gnet v2.10.0: pkg/socket/): listening TCP and Unix sockets,
bound UDP sockets, their addresses and socket options, on rawnet.sys's syscalls and
rawnet.net's address resolution."""
