"""The internal API client: log in with email/password, refresh the JWT, retry once; one refresh at a time."""

from __future__ import annotations

import asyncio
import base64
import json
import sys
import time
from typing import Any

import httpx
import pytest

from tests.conftest import REPO

SRC = str(REPO / "generated" / "casexchange_internal" / "src")
if SRC not in sys.path:
    sys.path.insert(0, SRC)

USER = {
    "id": "u1",
    "email": "dana@firm.test",
    "firstName": "Dana",
    "lastName": "W",
    "role": "member",
    "firmId": "f1",
    "isActive": True,
}


def jwt(exp: float) -> str:
    def part(obj: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")

    return f"{part({'alg': 'HS256'})}.{part({'sub': 'u1', 'exp': int(exp)})}.c2lnbmF0dXJl"


class Server:
    """A fake internal API: login, refresh-session and /auth/me, with tokens it can expire."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.valid: set[str] = set()
        self.refresh_ok = True
        self.login_ok = True
        self.counter = 0

    def issue(self, lifetime: float = 900) -> dict[str, str]:
        self.counter += 1
        token = jwt(time.time() + lifetime) + str(self.counter)
        self.valid.add(token)
        return {"accessToken": token, "refreshToken": f"refresh-{self.counter}"}

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path.removeprefix("/api/v1")
        self.calls.append(path)
        if path == "/auth/login":
            if not self.login_ok:
                return httpx.Response(
                    401,
                    json={"success": False, "error": {"code": "token_invalid", "message": "bad"}},
                )
            assert json.loads(request.content) == {
                "email": "dana@firm.test",
                "password": "s3cret-pw",
            }
            return httpx.Response(
                200, json={"success": True, "message": None, "data": {"user": USER, **self.issue()}}
            )
        if path == "/auth/refresh-session":
            if not self.refresh_ok:
                return httpx.Response(
                    401, json={"success": False, "error": {"code": "token_expired", "message": "x"}}
                )
            return httpx.Response(200, json={"success": True, "data": self.issue()})
        token = request.headers.get("authorization", "").removeprefix("Bearer ")
        if token not in self.valid:
            return httpx.Response(
                401, json={"success": False, "error": {"code": "token_expired", "message": "exp"}}
            )
        return httpx.Response(200, json={"success": True, "message": None, "data": USER})


def make(server: Server, **kwargs: Any) -> Any:
    import casexchange_internal

    kwargs.setdefault("email", "dana@firm.test")
    kwargs.setdefault("password", "s3cret-pw")
    return casexchange_internal.CaseXchangeInternal(
        base_url="https://internal.test/api/v1",
        max_retries=0,
        http_client=httpx.Client(transport=httpx.MockTransport(server)),
        **kwargs,
    )


def test_logs_in_lazily_then_sends_the_bearer_token() -> None:
    server = Server()
    client = make(server)
    assert server.calls == []
    me = client.auth.get_current_user()
    assert me.email == "dana@firm.test"
    client.auth.get_current_user()
    assert server.calls == ["/auth/login", "/auth/me", "/auth/me"]


def test_a_401_refreshes_once_and_retries_the_request() -> None:
    server = Server()
    client = make(server)
    client.auth.get_current_user()
    server.valid.clear()  # the server revokes every access token
    assert client.auth.get_current_user().id == "u1"
    assert server.calls == [
        "/auth/login",
        "/auth/me",
        "/auth/me",
        "/auth/refresh-session",
        "/auth/me",
    ]


def test_expired_jwt_is_refreshed_before_sending() -> None:
    server = Server()
    expired = jwt(time.time() - 10)
    client = make(
        server, email=None, password=None, access_token=expired, refresh_token="refresh-0"
    )
    client.auth.get_current_user()
    assert server.calls == ["/auth/refresh-session", "/auth/me"]


def test_failed_refresh_falls_back_to_login_and_failed_login_is_a_clear_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import casexchange_internal

    server = Server()
    client = make(server)
    client.auth.get_current_user()
    server.valid.clear()
    server.refresh_ok = False
    client.auth.get_current_user()
    assert server.calls[-3:] == ["/auth/refresh-session", "/auth/login", "/auth/me"]
    server.valid.clear()
    server.login_ok = False
    with pytest.raises(casexchange_internal.AuthenticationError) as info:
        client.auth.get_current_user()
    assert "login failed" in str(info.value)
    assert "s3cret-pw" not in str(info.value) and "s3cret-pw" not in repr(client)


def test_missing_credentials_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import casexchange_internal

    for name in ("EMAIL", "PASSWORD", "ACCESS_TOKEN", "REFRESH_TOKEN"):
        monkeypatch.delenv(f"CASEXCHANGE_INTERNAL_{name}", raising=False)
    server = Server()
    client = casexchange_internal.CaseXchangeInternal(
        base_url="https://internal.test/api/v1",
        http_client=httpx.Client(transport=httpx.MockTransport(server)),
    )  # built: credentials are checked per operation
    with pytest.raises(
        casexchange_internal.MissingCredentialsError, match="CASEXCHANGE_INTERNAL_EMAIL"
    ) as info:
        client.users.get_current_profile()
    assert "access_token=..." in str(info.value)
    assert server.calls == []


async def test_concurrent_async_calls_share_one_refresh() -> None:
    import casexchange_internal

    server = Server()
    client = casexchange_internal.AsyncCaseXchangeInternal(
        email="dana@firm.test",
        password="s3cret-pw",
        base_url="https://internal.test/api/v1",
        max_retries=0,
        http_client=httpx.AsyncClient(transport=httpx.MockTransport(server)),
    )
    await client.auth.get_current_user()
    server.valid.clear()
    results = await asyncio.gather(*(client.auth.get_current_user() for _ in range(8)))
    assert all(r.id == "u1" for r in results)
    assert server.calls.count("/auth/refresh-session") == 1
    assert server.calls.count("/auth/login") == 1
