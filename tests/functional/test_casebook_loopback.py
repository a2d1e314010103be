"""The Casebook client against a real HTTP server on 127.0.0.1: the OAuth token endpoint, the JSON:API
attachments endpoint and an S3-like pre-signed PUT endpoint that checks the bytes and the content type."""

from __future__ import annotations

import asyncio
import json
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.conftest import REPO

SRC = str(REPO / "generated" / "casebook" / "src")
if SRC not in sys.path:
    sys.path.insert(0, SRC)

from casebook import APIStatusError, AsyncCasebook, AuthenticationError, Casebook  # noqa: E402

SECRET = "cb-secret-7f3a"
PDF = b"%PDF-1.4\n" + bytes(range(256)) * 40


class State:
    def __init__(self) -> None:
        self.token_requests: list[dict[str, list[str]]] = []
        self.api_auth: list[str] = []
        self.puts: list[tuple[str, str, bytes, str | None]] = []
        self.issued = 0
        self.revoked: set[str] = set()
        self.put_status = 200


def make_handler(state: State) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # keep the test output clean
            pass

        def _send(self, status: int, body: Any = None, media: str = "application/json") -> None:
            data = b"" if body is None else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", media)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _body(self) -> bytes:
            return self.rfile.read(int(self.headers.get("Content-Length") or 0))

        def do_POST(self) -> None:  # noqa: N802
            body = self._body()
            if self.path == "/oauth2/token":
                form = parse_qs(body.decode())
                state.token_requests.append(form)
                if form.get("client_secret") != [SECRET] or form.get("grant_type") != [
                    "client_credentials"
                ]:
                    self._send(400, {"error": "invalid_client"})
                    return
                state.issued += 1
                self._send(
                    200,
                    {
                        "access_token": f"at-{state.issued}",
                        "token_type": "Bearer",
                        "expires_in": 3600,
                    },
                )
                return
            token = (self.headers.get("Authorization") or "").removeprefix("Bearer ")
            state.api_auth.append(token)
            if not token.startswith("at-") or token in state.revoked:
                self._send(
                    401,
                    {"errors": [{"status": "401", "title": "Unauthorized"}]},
                    "application/vnd.api+json",
                )
                return
            if self.path == "/attachments/attachments":
                doc = json.loads(body)
                attrs = doc["data"]["attributes"]
                host = f"http://127.0.0.1:{self.server.server_address[1]}"
                upload = f"{host}/s3/uploads/a1/{attrs['file_name']}?X-Amz-Signature=deadbeef&X-Amz-Expires=900"
                self._send(
                    201,
                    {
                        "data": {
                            "type": "attachments",
                            "id": "a1",
                            "attributes": {**attrs, "upload_url": upload},
                        }
                    },
                    "application/vnd.api+json",
                )
                return
            self._send(404)

        def do_PUT(self) -> None:  # noqa: N802
            body = self._body()
            url = urlsplit(self.path)
            state.puts.append(
                (
                    url.path,
                    self.headers.get("Content-Type") or "",
                    body,
                    self.headers.get("Authorization"),
                )
            )
            if parse_qs(url.query).get("X-Amz-Signature") != ["deadbeef"]:
                self._send(403)
                return
            self._send(state.put_status, None)

    return Handler


@pytest.fixture
def server() -> Iterator[tuple[str, State]]:
    state = State()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(state))
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", state
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_token_then_two_step_upload(server: tuple[str, State], tmp_path: Path) -> None:
    base, state = server
    file = tmp_path / "intake-form.pdf"
    file.write_bytes(PDF)
    with Casebook(
        client_id="app-1", client_secret=SECRET, token_url=f"{base}/oauth2/token", base_url=base
    ) as client:
        record = client.attachments.upload(file)
        assert record.id == "a1"
        assert record.attributes is not None and record.attributes.file_name == "intake-form.pdf"
        client.attachments.upload(("notes.txt", b"hello"), content_type="text/plain; charset=utf-8")
    assert state.token_requests == [
        {"client_id": ["app-1"], "client_secret": [SECRET], "grant_type": ["client_credentials"]}
    ]
    assert state.api_auth == ["at-1", "at-1"]
    (path, ctype, data, auth), second = state.puts
    assert (path, ctype, data, auth) == (
        "/s3/uploads/a1/intake-form.pdf",
        "application/pdf",
        PDF,
        None,
    )
    assert second[1:] == ("text/plain; charset=utf-8", b"hello", None)


def test_revoked_token_is_renewed_once(server: tuple[str, State]) -> None:
    base, state = server
    with Casebook(
        client_id="app-1", client_secret=SECRET, token_url=f"{base}/oauth2/token", base_url=base
    ) as client:
        client.attachments.create(attributes={"file_name": "a.pdf"})
        state.revoked.add("at-1")
        client.attachments.create(attributes={"file_name": "b.pdf"})
    assert state.api_auth == ["at-1", "at-1", "at-2"]
    assert state.issued == 2


def test_wrong_secret_is_an_authentication_error_without_the_secret(
    server: tuple[str, State],
) -> None:
    base, _ = server
    with Casebook(
        client_id="app-1",
        client_secret="wrong-secret-value",
        token_url=f"{base}/oauth2/token",
        base_url=base,
    ) as client:
        with pytest.raises(AuthenticationError) as info:
            client.attachments.create(attributes={"file_name": "a.pdf"})
    assert "token endpoint answered HTTP 400" in str(info.value)
    assert "wrong-secret-value" not in str(info.value)


def test_failed_put_raises_without_the_signature(server: tuple[str, State]) -> None:
    base, state = server
    state.put_status = 403
    with Casebook(
        client_id="app-1", client_secret=SECRET, token_url=f"{base}/oauth2/token", base_url=base
    ) as client:
        with pytest.raises(APIStatusError) as info:
            client.attachments.upload(("x.pdf", b"abc"))
    assert info.value.status_code == 403
    assert "deadbeef" not in str(info.value) and "signature redacted" in str(info.value)


def test_async_upload(server: tuple[str, State]) -> None:
    base, state = server

    async def main() -> None:
        async with AsyncCasebook(
            client_id="app-1", client_secret=SECRET, token_url=f"{base}/oauth2/token", base_url=base
        ) as client:
            record = await client.attachments.upload(("scan.png", b"\x89PNG...."))
            assert record.id == "a1"

    asyncio.run(main())
    assert state.puts[0][:3] == ("/s3/uploads/a1/scan.png", "image/png", b"\x89PNG....")
