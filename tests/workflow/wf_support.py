"""Helpers for the workflow tests: the vendor spec history, a tiny HTTP server, throw-away projects."""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from generator import generate
from generator.config import load_targets
from generator.stage import writer as stage_writer

REPO = Path(__file__).resolve().parents[2]
UPSTREAM = REPO.parent / "shared" / "upstream" / "casexchange"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

PYPROJECT = """\
[project]
name = "consumer"
version = "0.0.0"

[tool.clientgen.targets.cx]
spec = "specs/cx/openapi.yml"
output = "generated/cx"
package = "casexchange"
client_name = "CaseXchange"
env_prefix = "CASEXCHANGE"
live_url = "{live_url}"
"""


def upstream(name: str) -> bytes:
    path = UPSTREAM / name
    if not path.is_file():
        pytest.skip(f"vendor spec history not available ({path})")
    return path.read_bytes()


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    content_type: str = "application/yaml"
    etag: str = ""
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Seen:
    path: str
    headers: dict[str, str]


class LiveServer:
    """A tiny HTTP server: `routes[path]` is a Route, or a list of Routes served one per request."""

    def __init__(self) -> None:
        self.routes: dict[str, Route | list[Route]] = {}
        self.requests: list[Seen] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # http.server calls do_<METHOD>
                server.requests.append(
                    Seen(self.path, {k.lower(): v for k, v in self.headers.items()})
                )
                route = server.routes.get(self.path)
                if isinstance(route, list):
                    route = route.pop(0) if len(route) > 1 else route[0]
                if route is None:
                    route = Route(404, b"not found", "text/plain")
                if route.etag and self.headers.get("If-None-Match") == route.etag:
                    self.send_response(304)
                    self.send_header("ETag", route.etag)
                    self.end_headers()
                    return
                self.send_response(route.status)
                self.send_header("Content-Type", route.content_type)
                declared = route.headers.get("X-Declared-Length", str(len(route.body)))
                self.send_header(
                    "Content-Length", declared
                )  # a larger one: the transfer is cut short
                if route.etag:
                    self.send_header("ETag", route.etag)
                for k, v in route.headers.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(route.body)

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"

    def serve(self, path: str, body: bytes, **kwargs: Any) -> str:
        self.routes[path] = Route(body=body, **kwargs)
        return self.url(path)


@dataclass
class Project:
    root: Path

    @property
    def spec(self) -> Path:
        return self.root / "specs" / "cx" / "openapi.yml"

    @property
    def output(self) -> Path:
        return self.root / "generated" / "cx"

    def generate(self) -> None:
        (target,) = load_targets(self.root / "pyproject.toml")
        generate(target, self.root)
        stage_writer.wait()  # the stage cache's snapshot is renamed into place by a child: let it

    def state(self) -> dict[str, str]:
        """Every file under the project (cache included) with its content hash and mtime."""
        return {
            p.relative_to(self.root).as_posix(): f"{hashlib.sha256(p.read_bytes()).hexdigest()} "
            f"{p.stat().st_mtime_ns}"
            for p in sorted(self.root.rglob("*"))
            if p.is_file()
        }
