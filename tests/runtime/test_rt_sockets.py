"""Behaviour over real sockets: resets mid-body, read timeouts, large streamed downloads."""

from __future__ import annotations

import asyncio
import json
import socket
import struct
import threading
import time
import tracemalloc
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from rt_helpers import API_KEY, REFERRAL

OK_BODY = json.dumps({"data": REFERRAL}).encode()
CHUNK = b"\xab" * (64 * 1024)
BIG_SIZE = 200 * 1024 * 1024  # the issue: flat memory on a 200 MB download


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.scripts: dict[str, list[str]] = {}
        self.hits: Counter[str] = Counter()
        self.bodies: list[bytes] = []

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # clients that timed out or reset leave broken pipes behind: expected here

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: Server

    def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
        pass

    def _action(self) -> str:
        path = self.path.split("?")[0]
        self.server.hits[path] += 1
        script = self.server.scripts.get(path, ["ok"])
        return script.pop(0) if len(script) > 1 else script[0]

    def _reset(self) -> None:
        self.wfile.flush()
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
        self.close_connection = True

    def _respond(self, status: int, body: bytes, content_type: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.server.bodies.append(self.rfile.read(length) if length else b"")
        action = self._action()
        if action == "reset":  # headers and part of the body, then a TCP reset
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(OK_BODY)))
            self.end_headers()
            self.wfile.write(OK_BODY[:10])
            self._reset()
        elif action == "slow":
            time.sleep(1.0)
            self._respond(200, OK_BODY)
        elif action == "big":
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(BIG_SIZE))
            self.send_header("Content-Disposition", 'attachment; filename="big.bin"')
            self.end_headers()
            for _ in range(BIG_SIZE // len(CHUNK)):
                self.wfile.write(CHUNK)
        elif action == "big-reset":
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(BIG_SIZE))
            self.end_headers()
            for _ in range(8):
                self.wfile.write(CHUNK)
            self._reset()
        elif action == "html502":
            self._respond(502, b"<html><title>Bad Gateway</title></html>", "text/html")
        elif action == "created":
            self._respond(201, OK_BODY)
        else:
            self._respond(200, OK_BODY)

    do_GET = do_POST = do_PUT = _handle


@pytest.fixture(scope="module")
def _server() -> Iterator[Server]:
    server = Server()
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def server(_server: Server) -> Server:
    _server.scripts.clear()
    _server.hits.clear()
    _server.bodies.clear()
    return _server


@pytest.fixture
def client(fakeapi: Any, server: Server) -> Iterator[Any]:
    with fakeapi.FakeAPI(token=API_KEY, base_url=server.url, timeout=5.0) as client:
        yield client


def test_connection_reset_mid_body_get_is_retried(server: Server, client: Any) -> None:
    server.scripts["/v1/referrals/r1"] = ["reset", "ok"]
    assert client.referrals.retrieve("r1").id == "ref_1"
    assert server.hits["/v1/referrals/r1"] == 2


def test_connection_reset_every_time(fakeapi: Any, server: Server, client: Any) -> None:
    server.scripts["/v1/referrals/r1"] = ["reset"]
    with pytest.raises(fakeapi.APIConnectionError) as info:
        client.referrals.retrieve("r1")
    assert info.value.attempts == 5
    assert server.hits["/v1/referrals/r1"] == 5


def test_post_reset_mid_body_is_sent_exactly_once(
    fakeapi: Any, server: Server, client: Any
) -> None:
    server.scripts["/v1/referrals"] = ["reset", "created"]
    with pytest.raises(fakeapi.APIConnectionError) as info:
        client.referrals.create(body={"patientName": "Ada"})
    assert server.hits["/v1/referrals"] == 1
    assert info.value.attempts == 1
    assert "not idempotent" in str(info.value)
    # with an idempotency key the same failure is retried
    server.scripts["/v1/referrals"] = ["reset", "created"]
    server.hits.clear()
    client.referrals.create(body={"patientName": "Ada"}, idempotency_key="k1")
    assert server.hits["/v1/referrals"] == 2


def test_post_html_502_sent_once(fakeapi: Any, server: Server, client: Any) -> None:
    server.scripts["/v1/referrals"] = ["html502"]
    with pytest.raises(fakeapi.InternalServerError) as info:
        client.referrals.create(body={"patientName": "Ada"})
    assert server.hits["/v1/referrals"] == 1
    assert info.value.message.startswith("502 Bad Gateway: Bad Gateway")


def test_read_timeout(fakeapi: Any, server: Server, client: Any) -> None:
    server.scripts["/v1/referrals/r1"] = ["slow"]
    started = time.monotonic()
    with pytest.raises(fakeapi.APITimeoutError) as info:
        client.referrals.retrieve("r1", timeout=0.2, max_retries=1)
    assert time.monotonic() - started < 1.5
    assert info.value.attempts == 2
    assert server.hits["/v1/referrals/r1"] == 2


def test_connection_refused_retries_even_post(fakeapi: Any) -> None:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens here any more
    with (
        fakeapi.FakeAPI(token=API_KEY, base_url=f"http://127.0.0.1:{port}") as client,
        pytest.raises(fakeapi.APIConnectionError) as info,
    ):
        client.referrals.create(body={"patientName": "A"})
    assert info.value.attempts == 5


def test_large_download_streams_with_flat_memory(
    fakeapi: Any, server: Server, client: Any, tmp_path: Path
) -> None:
    server.scripts["/v1/documents/d1/content"] = ["big"]
    target = tmp_path / "big.bin"
    tracemalloc.start()
    try:
        response = client.documents.download("d1")
        assert response.filename == "big.bin"
        assert response.content_length == BIG_SIZE
        written = response.write_to_file(target)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert written == BIG_SIZE == target.stat().st_size
    assert peak < 4 * 1024 * 1024, f"peak {peak} bytes"


def test_large_download_iter_bytes(server: Server, client: Any) -> None:
    server.scripts["/v1/documents/d1/content"] = ["big"]
    total = 0
    with client.documents.download("d1") as response:
        for chunk in response.iter_bytes(256 * 1024):
            total += len(chunk)
            assert len(chunk) <= 256 * 1024
    assert total == BIG_SIZE


def test_reset_during_download_raises_and_leaves_no_partial_file(
    fakeapi: Any, server: Server, client: Any, tmp_path: Path
) -> None:
    server.scripts["/v1/documents/d1/content"] = ["big-reset"]
    target = tmp_path / "out.bin"
    with pytest.raises(fakeapi.APIConnectionError, match="reading the response body"):
        client.documents.download("d1").write_to_file(target)
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []


def test_multipart_upload_over_socket(server: Server, client: Any, tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    path.write_bytes(b"%PDF" * 50_000)
    server.scripts["/v1/referrals/r1/documents"] = ["created"]
    # the endpoint returns a Document; the server answers with a referral body, which the
    # lenient parser accepts with validation errors: the point here is the upload itself
    client.referrals.upload_document("r1", file=path)
    assert b"%PDF" * 50_000 in server.bodies[-1]


# -- async twins -----------------------------------------------------------------------------


def test_async_reset_timeout_and_download(fakeapi: Any, server: Server, tmp_path: Path) -> None:
    async def main() -> None:
        async with fakeapi.AsyncFakeAPI(token=API_KEY, base_url=server.url, timeout=5.0) as client:
            server.scripts["/v1/referrals/r1"] = ["reset", "ok"]
            assert (await client.referrals.retrieve("r1")).id == "ref_1"
            assert server.hits["/v1/referrals/r1"] == 2

            server.scripts["/v1/referrals"] = ["reset", "created"]
            with pytest.raises(fakeapi.APIConnectionError):
                await client.referrals.create(body={"patientName": "A"})
            assert server.hits["/v1/referrals"] == 1

            server.scripts["/v1/referrals/r2"] = ["slow"]
            with pytest.raises(fakeapi.APITimeoutError) as info:
                await client.with_options(timeout=0.2, max_retries=1).referrals.retrieve("r2")
            assert info.value.attempts == 2

            server.scripts["/v1/documents/d1/content"] = ["big"]
            response = await client.documents.download("d1")
            assert isinstance(response, fakeapi.AsyncBinaryResponse)
            target = tmp_path / "async.bin"
            assert await response.write_to_file(target) == BIG_SIZE
            assert target.stat().st_size == BIG_SIZE

            server.scripts["/v1/documents/d2/content"] = ["big-reset"]
            response = await client.documents.download("d2")
            with pytest.raises(fakeapi.APIConnectionError):
                async for _ in response.iter_bytes():
                    pass

    asyncio.run(main())
