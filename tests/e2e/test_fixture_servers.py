"""Path- and operation-level `servers`: where each operation's requests go."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

OK = {"200": {"description": "ok"}}
DOC = {
    "openapi": "3.1.0",
    "info": {"title": "Servers", "version": "1"},
    "servers": [
        {"url": "https://{host}/v1", "variables": {"host": {"default": "api.example.test"}}}
    ],
    "paths": {
        "/items": {"get": {"operationId": "listItems", "responses": OK}},
        "/uploads/{name}": {
            "servers": [
                {
                    "url": "{origin}/files",
                    "variables": {
                        "origin": {
                            "default": "https://uploads.example.test",
                            "enum": ["https://uploads.example.test"],
                        }
                    },
                }
            ],
            "parameters": [
                {"name": "name", "in": "path", "required": True, "schema": {"type": "string"}}
            ],
            "put": {"operationId": "putUpload", "responses": OK},
            "get": {
                "operationId": "getUpload",
                "servers": [
                    {"url": "https://cdn.example.test"}
                ],  # the operation's own beats the path's
                "responses": OK,
            },
        },
        "/things": {
            "get": {"operationId": "listThings", "servers": [{"url": "/v2"}], "responses": OK}
        },
        "/same": {
            "get": {
                "operationId": "getSame",
                "responses": OK,
                "servers": [
                    {
                        "url": "https://{host}/v1",
                        "variables": {"host": {"default": "api.example.test"}},
                    }
                ],
            }
        },
    },
}


@pytest.fixture
def servers_pkg(generate_package: Any) -> tuple[Any, Path]:
    return generate_package(DOC, package="serverspkg", client_name="Servers")


def _urls(pkg: Any, **options: Any) -> list[str]:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(200)

    copy = options.pop("copy", False)
    client = pkg.Servers(
        http_client=httpx.Client(transport=httpx.MockTransport(handler)), **options
    )
    if copy:
        client = client.with_options(base_url="https://copy.example.test/")
    client.items.list()
    client.uploads.update("a b")
    client.uploads.retrieve("x")
    client.things.list()
    client.same.retrieve()
    return seen


def test_endpoints_carry_their_server(servers_pkg: tuple[Any, Path], snapshot: Any) -> None:
    _, root = servers_pkg
    assert (root / "src/serverspkg/resources/uploads.py").read_text() == snapshot
    assert "server=" not in (root / "src/serverspkg/resources/same.py").read_text()


def test_default_base_url_uses_operation_servers(servers_pkg: tuple[Any, Path]) -> None:
    pkg, _ = servers_pkg
    assert _urls(pkg) == [
        "https://api.example.test/v1/items",
        "https://uploads.example.test/files/uploads/a%20b",  # path-level server, variable default
        "https://cdn.example.test/uploads/x",  # operation-level server
        "https://api.example.test/v2/things",  # relative server: resolved against the base URL
        "https://api.example.test/v1/same",
    ]
    # passing the default explicitly is the same as not passing it
    assert (
        _urls(pkg, base_url="https://api.example.test/v1")[1]
        == "https://uploads.example.test/files/uploads/a%20b"
    )


def test_explicit_base_url_wins(
    servers_pkg: tuple[Any, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    pkg, _ = servers_pkg
    expected = [
        "http://localhost:4010/items",
        "http://localhost:4010/uploads/a%20b",
        "http://localhost:4010/uploads/x",
        "http://localhost:4010/things",
        "http://localhost:4010/same",
    ]
    assert _urls(pkg, base_url="http://localhost:4010") == expected
    monkeypatch.setenv("SERVERSPKG_BASE_URL", "http://localhost:4010/")
    assert _urls(pkg) == expected
    monkeypatch.delenv("SERVERSPKG_BASE_URL")
    assert (
        _urls(pkg, copy=True)[1] == "https://copy.example.test/uploads/a%20b"
    )  # with_options(base_url=...)
