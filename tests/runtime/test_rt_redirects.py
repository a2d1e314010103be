"""Redirects on real sockets: credentials never leave the origin (issue 12, item 5).

Server A is the API; server B, on another port of 127.0.0.1, is another origin. Every test asserts on
what B received.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from rt_helpers import REFERRAL, accepting_auth

from tests.support.loopback import Exchange, LoopServer, serving

HEADER_KEY = "hdr-key-5f1c2e9a"
QUERY_KEY = "qry-key-7b3d4c8e"
COOKIE_KEY = "ck-key-2a9e6f0b"
BEARER = "bearer-tok-9c4e1a7d"
SECRETS = (HEADER_KEY, QUERY_KEY, COOKIE_KEY, BEARER)
OK = json.dumps({"data": REFERRAL}).encode()
SAFE = {"host", "accept", "accept-encoding", "user-agent"}


@pytest.fixture
def a() -> Iterator[LoopServer]:
    with serving() as server:
        yield server


@pytest.fixture
def b() -> Iterator[LoopServer]:
    with serving() as server:
        server.on("*", lambda ex: ex.reply(200, OK))
        yield server


def every_scheme(fakeapi: Any) -> Any:
    """A header key, a query key, a cookie key and a bearer token at once."""
    from fakeapi._auth import ApiKeyAuth, BearerAuth, MultiAuth

    return MultiAuth(
        ApiKeyAuth("X-API-Key", "header", HEADER_KEY),
        ApiKeyAuth("api_key", "query", QUERY_KEY),
        ApiKeyAuth("session", "cookie", COOKIE_KEY),
        BearerAuth(BEARER),
    )


def assert_no_credentials(server: LoopServer) -> None:
    assert server.received, "the other origin was not called"
    for received in server.received:
        assert set(received.headers) <= SAFE, received.headers
        assert not any(secret in received.target for secret in SECRETS), received.target
        assert not any(secret.encode() in received.body for secret in SECRETS)


def assert_all_credentials(received: Any) -> None:
    assert received.headers["x-api-key"] == HEADER_KEY
    assert received.headers["authorization"] == f"Bearer {BEARER}"
    assert f"session={COOKIE_KEY}" in received.headers["cookie"]
    assert received.query["api_key"] == [QUERY_KEY]


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_cross_origin_get_redirect_carries_no_credential(
    fakeapi: Any, a: LoopServer, b: LoopServer, status: int
) -> None:
    # the Location even echoes the query API key: it is removed, other parameters stay
    a.on(
        "/v1/referrals/r1",
        lambda ex: ex.redirect(status, f"{b.origin}/landing?x=1&api_key={QUERY_KEY}"),
    )
    auth = every_scheme(fakeapi)
    with accepting_auth(fakeapi.FakeAPI)(
        auth=auth, base_url=f"{a.origin}/v1", max_retries=0
    ) as client:
        assert client.referrals.retrieve("r1").id == "ref_1"
    assert_all_credentials(a.received[0])
    assert_no_credentials(b)
    assert b.received[0].query == {"x": ["1"]}


@pytest.mark.parametrize("status", [307, 308])
def test_cross_origin_307_308_never_resend_the_body(
    fakeapi: Any, a: LoopServer, b: LoopServer, status: int
) -> None:
    a.on("/v1/referrals", lambda ex: ex.redirect(status, f"{b.origin}/collect"))
    with (
        accepting_auth(fakeapi.FakeAPI)(
            auth=every_scheme(fakeapi), base_url=f"{a.origin}/v1"
        ) as client,
        pytest.raises(fakeapi.RedirectError) as info,
    ):
        client.referrals.create(body={"patientName": "Ada Lovelace"})
    assert b.received == []  # nothing at all reached the other origin
    assert info.value.status_code == status
    assert info.value.location == f"{b.origin}/collect"
    assert "not re-sent to another origin" in str(info.value)
    assert not any(secret in str(info.value) for secret in SECRETS)
    assert len(a.received) == 1  # and it is not retried


def test_cross_origin_303_after_post_is_a_get_without_body(
    fakeapi: Any, a: LoopServer, b: LoopServer
) -> None:
    a.on("/v1/referrals", lambda ex: ex.redirect(303, f"{b.origin}/created"))
    b.on("/created", lambda ex: ex.reply(201, OK))
    with accepting_auth(fakeapi.FakeAPI)(
        auth=every_scheme(fakeapi), base_url=f"{a.origin}/v1"
    ) as client:
        client.referrals.create(body={"patientName": "Ada Lovelace"})
    assert_no_credentials(b)
    assert (b.received[0].method, b.received[0].body) == ("GET", b"")
    assert "content-type" not in b.received[0].headers


def test_same_origin_307_keeps_credentials_and_body(
    fakeapi: Any, a: LoopServer, b: LoopServer
) -> None:
    a.on("/v1/referrals", lambda ex: ex.redirect(307, "/v1/referrals-v2?via=307"))
    a.on("/v1/referrals-v2", lambda ex: ex.reply(201, OK))
    with accepting_auth(fakeapi.FakeAPI)(
        auth=every_scheme(fakeapi), base_url=f"{a.origin}/v1"
    ) as client:
        client.referrals.create(body={"patientName": "Ada Lovelace"})
    first, second = a.received
    assert second.method == "POST" and second.body == first.body != b""
    assert_all_credentials(second)  # the query API key is added back to the new location
    assert second.query["via"] == ["307"]


def test_credentials_never_come_back_after_leaving_the_origin(
    fakeapi: Any, a: LoopServer, b: LoopServer
) -> None:
    """A → B → A: the hop back to A was chosen by B, so it goes without credentials too."""
    a.on("/v1/referrals/r1", lambda ex: ex.redirect(302, f"{b.origin}/bounce"))
    b.on("/bounce", lambda ex: ex.redirect(302, f"{a.origin}/v1/final"))
    a.on("/v1/final", lambda ex: ex.reply(200, OK))
    with accepting_auth(fakeapi.FakeAPI)(
        auth=every_scheme(fakeapi), base_url=f"{a.origin}/v1"
    ) as client:
        client.referrals.retrieve("r1")
    assert_no_credentials(b)
    final = a.hits("/v1/final")
    assert len(final) == 1 and set(final[0].headers) <= SAFE


def test_http_client_auth_and_headers_stay_behind(
    fakeapi: Any, a: LoopServer, b: LoopServer
) -> None:
    """Credentials set on the caller's own httpx client (its auth, its default headers) too."""
    a.on("/v1/referrals/r1", lambda ex: ex.redirect(302, f"{b.origin}/landing"))
    http = httpx.Client(auth=("user", "pw-4e2b"), headers={"X-Custom-Token": HEADER_KEY})
    with (
        http,
        accepting_auth(fakeapi.FakeAPI)(
            auth=every_scheme(fakeapi), base_url=f"{a.origin}/v1", http_client=http
        ) as client,
    ):
        client.referrals.retrieve("r1")
    assert a.received[0].headers["x-custom-token"] == HEADER_KEY
    assert_no_credentials(b)


def test_redirect_loop_and_bad_locations_end_in_redirect_error(fakeapi: Any, a: LoopServer) -> None:
    a.on("/v1/referrals/loop", lambda ex: ex.redirect(302, "/v1/referrals/loop"))
    a.on("/v1/referrals/file", lambda ex: ex.redirect(302, "file:///etc/passwd"))
    with accepting_auth(fakeapi.FakeAPI)(
        auth=every_scheme(fakeapi), base_url=f"{a.origin}/v1"
    ) as client:
        with pytest.raises(fakeapi.RedirectError, match="more than 10 redirects"):
            client.referrals.retrieve("loop")
        assert len(a.hits("/v1/referrals/loop")) == 11
        with pytest.raises(fakeapi.RedirectError, match="not an http"):
            client.referrals.retrieve("file")


async def test_async_cross_origin_redirect_carries_no_credential(
    fakeapi: Any, a: LoopServer, b: LoopServer
) -> None:
    a.on("/v1/referrals/r1", lambda ex: ex.redirect(307, f"{b.origin}/landing"))
    a.on("/v1/referrals", lambda ex: ex.redirect(308, f"{b.origin}/collect"))
    async with accepting_auth(fakeapi.AsyncFakeAPI)(
        auth=every_scheme(fakeapi), base_url=f"{a.origin}/v1"
    ) as client:
        assert (await client.referrals.retrieve("r1")).id == "ref_1"
        with pytest.raises(fakeapi.RedirectError):
            await client.referrals.create(body={"patientName": "Ada"})
    assert_no_credentials(b)
    assert [r.path for r in b.received] == ["/landing"]


# -- login, refresh and token requests never leave their origin ------------------------------------

PASSWORD = "pw-login-8d2f6a1c"
CLIENT_SECRET = "cs-oauth-3e7b9d2a"


def _token_route(ex: Exchange) -> None:
    ex.json(200, {"data": {"accessToken": "stolen-token-1"}, "access_token": "stolen-token-1"})


def _session_auth(fakeapi: Any, base: str) -> Any:
    from fakeapi._session import SessionAuth, SessionConfig

    config = SessionConfig(
        login_path="/auth/login",
        refresh_path=None,
        access_token_field="data.accessToken",
        refresh_token_field=None,
    )
    return SessionAuth(config, base, credentials={"email": "a@b.c", "password": PASSWORD})


def _oauth(fakeapi: Any, token_url: str) -> Any:
    from fakeapi._oauth import ClientCredentialsAuth

    return ClientCredentialsAuth(client_id="app", client_secret=CLIENT_SECRET, token_url=token_url)


@pytest.mark.parametrize("kind", ["session", "oauth"])
@pytest.mark.parametrize("status", [302, 307, 308])
def test_auth_endpoints_never_follow_a_redirect_to_another_origin(
    fakeapi: Any, a: LoopServer, b: LoopServer, kind: str, status: int
) -> None:
    a.on("/v1/auth/login", lambda ex: ex.redirect(status, f"{b.origin}/steal"))
    a.on("/oauth/token", lambda ex: ex.redirect(status, f"{b.origin}/steal"))
    a.on("/v1/referrals/r1", lambda ex: ex.reply(200, OK))
    b.on("/steal", _token_route)
    auth = (
        _session_auth(fakeapi, f"{a.origin}/v1")
        if kind == "session"
        else _oauth(fakeapi, f"{a.origin}/oauth/token")
    )
    with (
        accepting_auth(fakeapi.FakeAPI)(auth=auth, base_url=f"{a.origin}/v1") as client,
        pytest.raises(fakeapi.RedirectError) as info,
    ):
        client.referrals.retrieve("r1")
    assert b.received == []  # the password / client secret never went there
    assert a.hits("/v1/referrals/r1") == []  # and no token was used
    assert "never redirected to another origin" in str(info.value)
    assert PASSWORD not in str(info.value) and CLIENT_SECRET not in str(info.value)


async def test_async_token_request_never_follows_a_redirect_to_another_origin(
    fakeapi: Any, a: LoopServer, b: LoopServer
) -> None:
    a.on("/oauth/token", lambda ex: ex.redirect(307, f"{b.origin}/steal"))
    b.on("/steal", _token_route)
    auth = _oauth(fakeapi, f"{a.origin}/oauth/token")
    async with accepting_auth(fakeapi.AsyncFakeAPI)(auth=auth, base_url=f"{a.origin}/v1") as client:
        with pytest.raises(fakeapi.RedirectError):
            await client.referrals.retrieve("r1")
    assert b.received == []


def test_login_follows_a_redirect_within_its_origin(fakeapi: Any, a: LoopServer) -> None:
    a.on("/v1/auth/login", lambda ex: ex.redirect(308, "/v1/auth/login-v2"))
    a.on("/v1/auth/login-v2", lambda ex: ex.json(200, {"data": {"accessToken": "tok-1234"}}))
    a.on("/v1/referrals/r1", lambda ex: ex.reply(200, OK))
    auth = _session_auth(fakeapi, f"{a.origin}/v1")
    with accepting_auth(fakeapi.FakeAPI)(auth=auth, base_url=f"{a.origin}/v1") as client:
        client.referrals.retrieve("r1")
    login = a.hits("/v1/auth/login-v2")
    assert len(login) == 1 and json.loads(login[0].body)["password"] == PASSWORD
    assert a.hits("/v1/referrals/r1")[0].headers["authorization"] == "Bearer tok-1234"
