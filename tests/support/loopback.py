"""Scriptable HTTP/1.1 servers on 127.0.0.1 (real sockets) that record what they received.

Two servers on different ports are two origins: the security tests redirect from one to the other and
assert on what the second one received.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass(frozen=True)
class Received:
    method: str
    target: str
    headers: dict[str, str]  # lower-case names; repeated headers joined with ", "
    body: bytes

    @property
    def path(self) -> str:
        return urlsplit(self.target).path

    @property
    def query(self) -> dict[str, list[str]]:
        return parse_qs(urlsplit(self.target).query, keep_blank_values=True)


Route = Callable[["Exchange"], None]


class Exchange(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: LoopServer
    received: Received

    def log_message(self, format: str, *args: Any) -> None:  # keep the test output quiet
        pass

    def reply(
        self,
        status: int,
        body: bytes = b"",
        headers: dict[str, str] | None = None,
        content_type: str | None = "application/json",
    ) -> None:
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def json(self, status: int, value: Any, headers: dict[str, str] | None = None) -> None:
        self.reply(status, json.dumps(value).encode(), headers)

    def redirect(self, status: int, location: str) -> None:
        self.reply(status, b"", {"Location": location}, content_type=None)

    def drip(self, total: int, interval: float, *, content_type: str = "application/json") -> None:
        """Headers at once, then one byte of a ``total``-byte body every ``interval`` seconds
        (until the client hangs up)."""
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(total))
        self.end_headers()
        self.wfile.flush()
        for _ in range(total):
            time.sleep(interval)
            self.wfile.write(b" ")
            self.wfile.flush()

    def silence(self, seconds: float) -> None:
        """Read the request and answer nothing for ``seconds`` (or until the server stops)."""
        self.server.stopping.wait(seconds)
        self.close_connection = True

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers: dict[str, str] = {}
        for name, value in self.headers.items():
            key = name.lower()
            headers[key] = f"{headers[key]}, {value}" if key in headers else value
        self.received = Received(self.command, self.path, headers, body)
        with self.server.lock:
            self.server.received.append(self.received)
        route = self.server.routes.get(self.received.path) or self.server.routes.get("*")
        if route is None:
            self.reply(404, b'{"error": {"code": "not_found", "message": "no route"}}')
        else:
            route(self)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _handle


class LoopServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    request_queue_size = 128  # a burst of concurrent connections is queued, not reset

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Exchange)
        self.routes: dict[str, Route] = {}
        self.received: list[Received] = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # clients that timed out or hung up leave broken pipes behind: expected here

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def on(self, path: str, route: Route) -> None:
        self.routes[path] = route

    def hits(self, path: str) -> list[Received]:
        with self.lock:
            return [r for r in self.received if r.path == path]


@contextmanager
def serving() -> Iterator[LoopServer]:
    server = LoopServer()
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.stopping.set()
        server.shutdown()
        server.server_close()
