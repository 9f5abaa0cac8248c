"""Serving the app with uvicorn on 127.0.0.1 (a real port; ``0`` picks a free one)."""

from __future__ import annotations

import socket
import threading
from typing import Any, Callable, Optional

import uvicorn

HOST = "127.0.0.1"


def bind(port: int) -> socket.socket:
    """A listening socket on the loopback interface only."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Inherited by accepted connections: uvicorn writes a response's head and body
    # separately, and Nagle + delayed ACK would add ~40 ms to every request.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((HOST, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


class Server(uvicorn.Server):
    """uvicorn, plus an ``on_started`` callback and a ``ready`` event set once it
    accepts connections (or has failed to start: check ``started``)."""

    def __init__(self, app: Any, sock: socket.socket, *, log_level: str = "warning",
                 on_started: Optional[Callable[[str], None]] = None) -> None:
        super().__init__(uvicorn.Config(app, log_level=log_level, access_log=False, lifespan="off"))
        self.sock = sock
        self.url = "http://{}:{}".format(*sock.getsockname()[:2])
        self.ready = threading.Event()
        self._on_started = on_started

    async def startup(self, sockets: Optional[list[socket.socket]] = None) -> None:
        try:
            await super().startup(sockets=sockets)
            if self.started and self._on_started is not None:
                self._on_started(self.url)
        finally:
            self.ready.set()

    def serve_forever(self) -> None:
        try:
            self.run(sockets=[self.sock])
        finally:
            self.ready.set()
