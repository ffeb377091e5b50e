"""uvicorn with its listening socket marked IPPROTO_TCP, so that ``--workers N`` keeps TCP_NODELAY.

uvicorn 0.54 binds the socket of ``--workers N`` itself with ``proto`` 0; accepted connections inherit
it, and asyncio only sets TCP_NODELAY on sockets whose ``proto`` is IPPROTO_TCP. With Nagle on, the
body of every response after the first on a keep-alive connection waits for the client's delayed ACK,
about 40 ms on Linux (https://github.com/Kludex/uvicorn/issues/3149; ``--workers 1`` is not affected).
``manage.py serve --workers N`` (N > 1) starts uvicorn through this module; ``bench/bench_incidents.py
--workers 2+nodelay`` measures two workers with this one-line fix, ``--workers 2`` as uvicorn ships.

    python -m xiangcun.core.uvicorn_tcp xiangcun.asgi:application --workers 2 ...   (uvicorn's own arguments)
"""

from __future__ import annotations

import socket
import sys

import uvicorn
from uvicorn.config import Config

_bind_socket = Config.bind_socket


def bind_socket(self: Config) -> socket.socket:
    sock = _bind_socket(self)
    if sock.family in (socket.AF_INET, socket.AF_INET6) and sock.proto == 0:
        return socket.socket(sock.family, sock.type, socket.IPPROTO_TCP, fileno=sock.detach())
    return sock


Config.bind_socket = bind_socket

if __name__ == "__main__":
    sys.argv[0] = "uvicorn"
    sys.exit(uvicorn.main())
