"""Echo server: uvloop (libuv) running the asyncio Protocol of asyncio_protocol.py.

    python bench/peers/uvloop_protocol.py 127.0.0.1:0
"""

from __future__ import annotations

import uvloop
from asyncio_protocol import main

if __name__ == "__main__":
    uvloop.run(main("uvloop"))
