"""rawnet.linux: the epoll bindings and the epoll netpoll backend (Linux only)."""
