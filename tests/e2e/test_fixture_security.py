"""Security requirements as the spec states them (#13 §1 and §2; tests/fixtures/specs/security_31.yml),
on a real socket: a requirement naming two schemes sends both, alternatives are chosen by the credentials
given, a parameter repeating an API key is sent once, and credentials are checked per operation."""

from __future__ import annotations

import asyncio
import base64
import inspect
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FIXTURES
from tests.support.loopback import Exchange, LoopServer, Received, serving

SPEC = (FIXTURES / "specs" / "security_31.yml").read_text()
STRING = {"type": "string"}
KEY, CLIENT_ID, TOKEN = "key-SECRET-1", "client-SECRET-2", "token-SECRET-3"
ENV = ("API_KEY", "CLIENT_ID", "TOKEN", "USERNAME", "PASSWORD")


@pytest.fixture
def guarded(generate_package: Any, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Path]:
    for name in ENV:
        monkeypatch.delenv(f"GUARDED_{name}", raising=False)
    return generate_package(SPEC, package="guarded", client_name="Guarded")


@pytest.fixture
def server() -> Iterator[LoopServer]:
    with serving() as running:

        def ok(exchange: Exchange) -> None:
            exchange.json(200, {})

        running.on("*", ok)
        yield running


def _last(server: LoopServer, path: str) -> Received:
    return server.hits(path)[-1]


def test_a_requirement_naming_two_schemes_sends_both(
    guarded: tuple[Any, Path], server: LoopServer
) -> None:
    pkg, _ = guarded
    with pkg.Guarded(api_key=KEY, client_id=CLIENT_ID, base_url=server.origin) as client:
        client.guarded.get_both()
    sent = _last(server, "/both")
    assert sent.query["api-key"] == [KEY]
    assert sent.headers["x-client-id"] == CLIENT_ID
    assert "authorization" not in sent.headers


def test_alternatives_are_chosen_by_the_credentials_given(
    guarded: tuple[Any, Path], server: LoopServer
) -> None:
    pkg, _ = guarded
    with pkg.Guarded(api_key=KEY, base_url=server.origin) as client:
        client.guarded.get_either()  # bearer or api key: only the key was given
    assert _last(server, "/either").query == {"api-key": [KEY]}
    with pkg.Guarded(token=TOKEN, base_url=server.origin) as client:
        client.guarded.get_either()
    sent = _last(server, "/either")
    assert sent.headers["authorization"] == f"Bearer {TOKEN}" and sent.query == {}
    with pkg.Guarded(api_key=KEY, token=TOKEN, base_url=server.origin) as client:
        client.guarded.get_either()  # both given: the spec's first alternative
    sent = _last(server, "/either")
    assert sent.headers["authorization"] == f"Bearer {TOKEN}" and sent.query == {}
    with pkg.Guarded(username="ada", password="pa:ss", base_url=server.origin) as client:
        client.guarded.get_admin()
    expected = "Basic " + base64.b64encode(b"ada:pa:ss").decode()
    assert _last(server, "/admin").headers["authorization"] == expected


def test_missing_credentials_are_named_per_operation_and_nothing_is_sent(
    guarded: tuple[Any, Path], server: LoopServer
) -> None:
    pkg, _ = guarded
    with pkg.Guarded(api_key=KEY, base_url=server.origin) as client:  # built without client_id
        with pytest.raises(pkg.MissingCredentialsError) as info:
            client.guarded.get_both()
        message = str(info.value)
        assert message.startswith("GET /both needs credentials the client was not given: pass ")
        assert (
            "api_key=... (or the GUARDED_API_KEY environment variable) and client_id=..." in message
        )
        assert "GUARDED_CLIENT_ID" in message and KEY not in message
        with pytest.raises(pkg.MissingCredentialsError, match="username=... and password=..."):
            client.guarded.get_admin()
    assert server.hits("/both") == [] and server.hits("/admin") == []
    with pkg.Guarded(base_url=server.origin) as anonymous:
        with pytest.raises(pkg.MissingCredentialsError, match="token=... .* or api_key=..."):
            anonymous.guarded.get_either()
        anonymous.guarded.get_public()
        anonymous.guarded.get_optional()  # `{}` among the alternatives: none needed
    assert _last(server, "/optional").query == {}
    assert "x-client-id" not in _last(server, "/public").headers


def test_credentials_come_from_the_environment_too(
    guarded: tuple[Any, Path], server: LoopServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    pkg, _ = guarded
    monkeypatch.setenv("GUARDED_API_KEY", KEY)
    monkeypatch.setenv("GUARDED_CLIENT_ID", CLIENT_ID)
    with pkg.Guarded(base_url=server.origin) as client:
        client.guarded.get_both()
        client.guarded.get_optional()  # optional security: the key is sent when there is one
    assert _last(server, "/both").headers["x-client-id"] == CLIENT_ID
    assert _last(server, "/optional").query == {"api-key": [KEY]}


def test_a_parameter_repeating_an_api_key_is_sent_once(
    guarded: tuple[Any, Path], server: LoopServer
) -> None:
    pkg, _ = guarded
    with pkg.Guarded(api_key=KEY, client_id=CLIENT_ID, base_url=server.origin) as client:
        client.guarded.get_dup()  # the required parameters are the credentials: optional here
        first = _last(server, "/dup")
        client.guarded.get_dup(api_key="per-call-key", x_client_id="per-call-id")
        second = _last(server, "/dup")
    assert first.query == {"api-key": [KEY]} and first.headers["x-client-id"] == CLIENT_ID
    assert second.query == {"api-key": ["per-call-key"]}  # the call's own value wins, once
    assert second.headers["x-client-id"] == "per-call-id"


def test_async_client_and_constructor(guarded: tuple[Any, Path], server: LoopServer) -> None:
    pkg, _ = guarded

    async def main() -> None:
        async with pkg.AsyncGuarded(api_key=KEY, client_id=CLIENT_ID, base_url=server.origin) as c:
            await c.guarded.get_both()
        async with pkg.AsyncGuarded(base_url=server.origin) as anonymous:
            with pytest.raises(pkg.MissingCredentialsError, match="client_id=..."):
                await anonymous.guarded.get_both()

    asyncio.run(main())
    assert _last(server, "/both").headers["x-client-id"] == CLIENT_ID
    params = list(inspect.signature(pkg.Guarded).parameters)
    assert params[:5] == ["api_key", "username", "password", "token", "client_id"]
    client = pkg.Guarded(api_key=KEY, client_id=CLIENT_ID, token=TOKEN)
    assert all(secret not in repr(client) for secret in (KEY, CLIENT_ID, TOKEN))


def test_credential_arguments_never_collide(generate_package: Any) -> None:
    """Two API key schemes whose names give the same words, HTTP basic and an OAuth scheme beside API
    keys (sent as a token): every scheme gets its own argument and environment variable."""
    ok = {"200": {"description": "ok"}}
    doc = {
        "openapi": "3.1.0",
        "info": {"title": "Crowded", "version": "1"},
        "security": [{"apiKey": [], "oauth": []}, {"credentials": []}],
        "components": {
            "securitySchemes": {
                "ApiKeyAuth": {"type": "apiKey", "in": "header", "name": "X-Key"},
                "apiKey": {"type": "apiKey", "in": "query", "name": "key"},
                "credentials": {"type": "http", "scheme": "basic"},
                "oauth": {
                    "type": "oauth2",
                    "flows": {
                        "clientCredentials": {"tokenUrl": "https://auth.test/token", "scopes": {}}
                    },
                },
            }
        },
        "paths": {
            "/x": {
                "get": {"operationId": "getX", "security": [{"ApiKeyAuth": []}], "responses": ok}
            },
            "/y": {"get": {"operationId": "getY", "responses": ok}},
        },
    }
    pkg, _ = generate_package(doc, package="crowded", client_name="Crowded")
    params = list(inspect.signature(pkg.Crowded).parameters)
    credentials = params[: params.index("base_url")]
    assert credentials == ["api_key", "api_key_2", "username", "password", "token"]
    seen: list[Received] = []
    with serving() as server:

        def ok_route(exchange: Exchange) -> None:
            seen.append(exchange.received)
            exchange.json(200, {})

        server.on("*", ok_route)
        with pkg.Crowded(api_key="k1", api_key_2="k2", token="t", base_url=server.origin) as client:
            client.x.retrieve()  # ApiKeyAuth
            client.y.retrieve()  # apiKey (query) and the OAuth scheme's token, together
    assert seen[0].headers["x-key"] == "k1" and seen[0].query == {}
    assert seen[1].query == {"key": ["k2"]} and seen[1].headers["authorization"] == "Bearer t"


def test_a_cookie_parameter_repeating_a_cookie_api_key_is_sent_once(generate_package: Any) -> None:
    doc = {
        "openapi": "3.1.0",
        "info": {"title": "Crumbs", "version": "1"},
        "security": [{"sid": []}],
        "components": {
            "securitySchemes": {"sid": {"type": "apiKey", "in": "cookie", "name": "sid"}}
        },
        "paths": {
            "/x": {
                "get": {
                    "operationId": "getX",
                    "tags": ["x"],
                    "parameters": [
                        {"name": "sid", "in": "cookie", "required": True, "schema": STRING},
                        {"name": "theme", "in": "cookie", "schema": STRING},
                    ],
                    "responses": {"200": {"description": "ok"}},
                }
            }
        },
    }
    pkg, _ = generate_package(doc, package="crumbs", client_name="Crumbs")
    with serving() as server:
        server.on("*", lambda exchange: exchange.json(200, {}))
        with pkg.Crumbs(api_key=KEY, base_url=server.origin) as client:
            client.x.get()  # the required parameter is the credential: optional here
            client.x.get(sid="per-call", theme="dark")  # the call's own value wins, once
            client.x.get(theme="dark")
        cookies = [r.headers["cookie"] for r in server.received]
    assert cookies == [f"sid={KEY}", "sid=per-call; theme=dark", f"sid={KEY}; theme=dark"]
