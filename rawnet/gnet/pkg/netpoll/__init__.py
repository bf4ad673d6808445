"""gnet's poller (gnet v2.10.0: pkg/netpoll/): one epoll instance per event loop.

This is gnet's own poller, not Go's runtime netpoll (rawnet.runtime.netpoll), which
parks goroutines. An event loop calls ``Poller.Polling(callback)`` and the poller calls
back with each ready fd; other threads reach the loop through ``Poller.Trigger``, which
queues a task and writes the poller's eventfd. The epoll and eventfd calls are
rawnet's own (rawnet.linux.epoll, rawnet.sys): every one passes the syscall gate, so
``RAWNET_TRACE`` shows them and socktest can fail them.

gnet moved this package from internal/netpoll to pkg/netpoll before v2.10.0; the
Python keeps the v2.10.0 path.
"""
