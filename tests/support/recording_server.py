"""A real HTTP server on 127.0.0.1 that records every request and answers with canned responses.

    with recording_server({"/things": (200, "application/json", b"[]")}) as server:
        client = Client(base_url=server.url)
        ...
        request = server.requests[-1]   # .method, .path (raw, with the query), .headers, .body

Paths not in the table get `default` (200, `application/json`, `{}`). The request body is read by its
`Content-Length` (chunked bodies are decoded). The server runs in a daemon thread and is shut down on exit.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

Canned = tuple[int, str, bytes]  # status, Content-Type, body


@dataclass(frozen=True)
class Recorded:
    method: str
    path: str  # raw request target: path and query, as sent
    headers: dict[str, str]  # lower-case names; repeated headers joined with ", "
    body: bytes

    @property
    def path_only(self) -> str:
        return urlsplit(self.path).path

    @property
    def query(self) -> str:
        return urlsplit(self.path).query


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, responses: dict[str, Canned], default: Canned) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.responses = responses
        self.default = default
        self.requests: list[Recorded] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
        pass

    def _body(self) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            out = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    return out
                out += self.rfile.read(size)
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _handle(self) -> None:
        headers: dict[str, str] = {}
        for name, value in self.headers.items():
            key = name.lower()
            headers[key] = f"{headers[key]}, {value}" if key in headers else value
        self.server.requests.append(Recorded(self.command, self.path, headers, self._body()))
        status, content_type, body = self.server.responses.get(
            urlsplit(self.path).path, self.server.default
        )
        self.send_response(status)
        if body or status not in (204, 304):
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _handle


@contextmanager
def recording_server(
    responses: dict[str, Canned] | None = None,
    default: Canned = (200, "application/json", b"{}"),
) -> Iterator[_Server]:
    server = _Server(responses or {}, default)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
