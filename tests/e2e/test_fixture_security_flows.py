"""Security requirements with the session and OAuth features (#13 §1), on real sockets: a session's
bearer token and an API key named by one requirement are both sent (the login itself carries neither);
an OAuth client-credentials scheme and HTTP basic as alternatives are chosen by the credentials given;
sync and async. tests/fixtures/specs/security_flows_31.yml; the core schemes: test_fixture_security.py."""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import Iterator
from typing import Any

import pytest

from generator.config import SessionConfig
from tests.conftest import FIXTURES
from tests.support.loopback import Exchange, LoopServer, serving

SESSION_SPEC = (FIXTURES / "specs" / "security_flows_31.yml").read_text()
APP_ID, PASSWORD, TOKEN = "app-SECRET-1", "pw-SECRET-2", "tok-SECRET-3"
OAUTH_SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Granted", "version": "1"},
    "security": [{"oauth": []}, {"basic": []}],
    "components": {
        "securitySchemes": {
            "oauth": {
                "type": "oauth2",
                "flows": {
                    "clientCredentials": {"tokenUrl": "https://auth.invalid/token", "scopes": {}}
                },
            },
            "basic": {"type": "http", "scheme": "basic"},
        }
    },
    "paths": {
        "/items": {
            "get": {
                "operationId": "listItems",
                "tags": ["items"],
                "responses": {"200": {"description": "ok"}},
            }
        },
        "/reports": {
            "get": {
                "operationId": "listReports",
                "tags": ["reports"],
                "security": [{"basic": []}],
                "responses": {"200": {"description": "ok"}},
            }
        },
    },
}


@pytest.fixture
def server() -> Iterator[LoopServer]:
    with serving() as running:

        def login(exchange: Exchange) -> None:
            body = json.loads(exchange.received.body)
            if body == {"username": "ada", "password": PASSWORD}:
                exchange.json(200, {"token": TOKEN})
            else:
                exchange.json(401, {"detail": "bad credentials"})

        def token(exchange: Exchange) -> None:
            exchange.json(200, {"access_token": TOKEN, "expires_in": 3600})

        def ok(exchange: Exchange) -> None:
            exchange.json(200, {})

        running.on("/login", login)
        running.on("/oauth/token", token)
        running.on("*", ok)
        yield running


@pytest.fixture
def sessioned(generate_package: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    for name in ("USERNAME", "PASSWORD", "ACCESS_TOKEN", "REFRESH_TOKEN", "APP_ID"):
        monkeypatch.delenv(f"SESSIONED_{name}", raising=False)
    session = SessionConfig(login_operation="login", access_token="token", refresh_token="")
    pkg, _ = generate_package(
        SESSION_SPEC, package="sessioned", client_name="Sessioned", session=session
    )
    return pkg


@pytest.fixture
def granted(generate_package: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    for name in ("CLIENT_ID", "CLIENT_SECRET", "TOKEN_URL", "ACCESS_TOKEN", "USERNAME", "PASSWORD"):
        monkeypatch.delenv(f"GRANTED_{name}", raising=False)
    pkg, _ = generate_package(OAUTH_SPEC, package="granted", client_name="Granted")
    return pkg


def test_session_token_and_api_key_of_one_requirement_are_both_sent(
    sessioned: Any, server: LoopServer
) -> None:
    with sessioned.Sessioned(
        username="ada", password=PASSWORD, app_id=APP_ID, base_url=server.origin
    ) as client:
        client.items.list()
        client.items.get_status()  # the app id alone: no login needed, no token sent
        assert repr(client).count("SECRET") == 0
    (login,) = server.hits("/login")
    assert "authorization" not in login.headers and "x-app-id" not in login.headers
    (items,) = server.hits("/items")
    assert items.headers["authorization"] == f"Bearer {TOKEN}"
    assert items.headers["x-app-id"] == APP_ID
    (status,) = server.hits("/status")
    assert status.headers["x-app-id"] == APP_ID and "authorization" not in status.headers


def test_session_requirement_missing_its_api_key_is_refused_before_logging_in(
    sessioned: Any, server: LoopServer
) -> None:
    with sessioned.Sessioned(username="ada", password=PASSWORD, base_url=server.origin) as client:
        with pytest.raises(sessioned.MissingCredentialsError) as info:
            client.items.list()
        assert "app_id=... (or the SESSIONED_APP_ID environment variable)" in str(info.value)
        assert PASSWORD not in str(info.value)
    with sessioned.Sessioned(app_id=APP_ID, access_token=TOKEN, base_url=server.origin) as client:
        client.items.list()  # a token obtained elsewhere serves the bearer scheme: no login
    assert server.hits("/login") == []
    (items,) = server.hits("/items")
    assert items.headers["authorization"] == f"Bearer {TOKEN}"
    assert items.headers["x-app-id"] == APP_ID


def test_session_and_api_key_async(sessioned: Any, server: LoopServer) -> None:
    async def main() -> None:
        async with sessioned.AsyncSessioned(
            username="ada", password=PASSWORD, app_id=APP_ID, base_url=server.origin
        ) as client:
            await client.items.list()
            await client.items.list()
        async with sessioned.AsyncSessioned(app_id=APP_ID, base_url=server.origin) as client:
            with pytest.raises(sessioned.MissingCredentialsError, match="username=..."):
                await client.items.list()

    asyncio.run(main())
    assert len(server.hits("/login")) == 1  # logged in once, the token reused
    assert [r.headers["x-app-id"] for r in server.hits("/items")] == [APP_ID, APP_ID]
    assert all(r.headers["authorization"] == f"Bearer {TOKEN}" for r in server.hits("/items"))


def test_oauth_or_basic_is_chosen_by_the_credentials_given(
    granted: Any, server: LoopServer
) -> None:
    token_url = f"{server.origin}/oauth/token"
    with granted.Granted(
        client_id="cid", client_secret="cs-SECRET", token_url=token_url, base_url=server.origin
    ) as client:
        client.items.list()  # OAuth: a token from the token endpoint
        with pytest.raises(granted.MissingCredentialsError, match="username=... and password="):
            client.reports.list()  # basic only: not given
    assert len(server.hits("/oauth/token")) == 1 and server.hits("/reports") == []
    assert server.hits("/items")[-1].headers["authorization"] == f"Bearer {TOKEN}"
    with granted.Granted(username="ada", password=PASSWORD, base_url=server.origin) as client:
        client.items.list()  # the second alternative
        client.reports.list()
    basic = "Basic " + base64.b64encode(f"ada:{PASSWORD}".encode()).decode()
    assert server.hits("/items")[-1].headers["authorization"] == basic
    assert server.hits("/reports")[-1].headers["authorization"] == basic
    assert len(server.hits("/oauth/token")) == 1  # no token fetched for basic


def test_oauth_or_basic_async(granted: Any, server: LoopServer) -> None:
    token_url = f"{server.origin}/oauth/token"

    async def main() -> None:
        async with granted.AsyncGranted(
            client_id="cid", client_secret="cs-SECRET", token_url=token_url, base_url=server.origin
        ) as client:
            await asyncio.gather(client.items.list(), client.items.list())
        async with granted.AsyncGranted(base_url=server.origin) as client:
            with pytest.raises(granted.MissingCredentialsError, match="client_id=.* or username="):
                await client.items.list()

    asyncio.run(main())
    assert len(server.hits("/oauth/token")) == 1  # one token for the burst
    assert all(r.headers["authorization"] == f"Bearer {TOKEN}" for r in server.hits("/items"))
