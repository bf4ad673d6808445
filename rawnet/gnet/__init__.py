"""rawnet.gnet: gnet's reactor engine (github.com/panjf2000/gnet, v2) on rawnet's syscalls.

rawnet.net mirrors Go's goroutine-per-connection model: one goroutine parks in each
``conn.Read``. gnet is the other classic design, the Reactor: a few event loops, each
owning an epoll instance and many connections, call the application back when a
connection is readable and keep per-connection buffers in between. This package mirrors
gnet the way rawnet.net mirrors Go's net: one module per gnet file, gnet's names, and a
``# gnet: <path> <symbol>`` marker above each mirrored definition (tools/gomap.py
collects them into docs/gnet-map.md). Each module's docstring names the gnet tag it was
read against.

What exists (docs/gnet.md): the engine over TCP (``gnet.Run``, its event loops, poller
and ``Conn``), the buffers a connection keeps (``pkg.buffer``), the pools behind them
(``pkg.pool``) and the frame codecs of gnet v1 (``codec``).
"""
