"""Every request is bounded in time, on real sockets (issue 12, item 6).

The assertions are on outcomes (a timeout error instead of a hang or a late success), never on how
long something took: each slow server here would keep going far longer than the client's timeout.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from rt_helpers import API_KEY, REFERRAL, accepting_auth

from tests.support.loopback import Exchange, LoopServer, serving

OK = json.dumps({"data": REFERRAL}).encode()
SECRET = "cs-oauth-5d8e2f7a"


@pytest.fixture
def a() -> Iterator[LoopServer]:
    with serving() as server:
        server.on("/v1/referrals/r1", lambda ex: ex.reply(200, OK))
        yield server


def _token(ex: Exchange) -> None:
    ex.json(200, {"access_token": "at-1", "expires_in": 3600})


def _oauth(fakeapi: Any, url: str) -> Any:
    from fakeapi._oauth import ClientCredentialsAuth

    return ClientCredentialsAuth(client_id="app", client_secret=SECRET, token_url=url)


def _session(fakeapi: Any, base: str) -> Any:
    from fakeapi._session import SessionAuth, SessionConfig

    config = SessionConfig(
        login_path="/auth/login",
        refresh_path=None,
        access_token_field="accessToken",
        refresh_token_field=None,
    )
    return SessionAuth(config, base, credentials={"email": "a@b.c", "password": "pw-91xq"})


@pytest.mark.parametrize("kind", ["oauth", "session"])
def test_silent_identity_provider_times_out_and_releases_the_lock(
    fakeapi: Any, a: LoopServer, kind: str
) -> None:
    a.on("/oauth/token", lambda ex: ex.silence(30))
    a.on("/v1/auth/login", lambda ex: ex.silence(30))
    auth = (
        _oauth(fakeapi, f"{a.origin}/oauth/token")
        if kind == "oauth"
        else _session(fakeapi, f"{a.origin}/v1")
    )
    with accepting_auth(fakeapi.FakeAPI)(
        auth=auth, base_url=f"{a.origin}/v1", timeout=0.5, max_retries=0
    ) as client:
        with pytest.raises(fakeapi.APITimeoutError):
            client.referrals.retrieve("r1")
        # the identity provider answers again: the next call logs in (the lock was released)
        a.on("/oauth/token", _token)
        a.on("/v1/auth/login", lambda ex: ex.json(200, {"accessToken": "at-1"}))
        assert client.referrals.retrieve("r1").id == "ref_1"
    assert a.hits("/v1/referrals/r1")[0].headers["authorization"] == "Bearer at-1"


async def test_async_silent_identity_provider_times_out(fakeapi: Any, a: LoopServer) -> None:
    a.on("/oauth/token", lambda ex: ex.silence(30))
    auth = _oauth(fakeapi, f"{a.origin}/oauth/token")
    async with accepting_auth(fakeapi.AsyncFakeAPI)(
        auth=auth, base_url=f"{a.origin}/v1", timeout=0.5, max_retries=0
    ) as client:
        with pytest.raises(fakeapi.APITimeoutError):
            await client.referrals.retrieve("r1")
        a.on("/oauth/token", _token)
        assert (await client.referrals.retrieve("r1")).id == "ref_1"


def test_dripping_body_ends_at_the_read_timeout(fakeapi: Any, a: LoopServer) -> None:
    """One byte every 20 ms keeps each read well inside the timeout; the whole body would take
    200 s. The call fails once the read timeout has passed since the headers arrived."""
    a.on("/v1/referrals/r1", lambda ex: ex.drip(10_000, 0.02))
    with (
        fakeapi.FakeAPI(
            token=API_KEY, base_url=f"{a.origin}/v1", timeout=1.0, max_retries=0
        ) as client,
        pytest.raises(fakeapi.APITimeoutError) as info,
    ):
        client.referrals.retrieve("r1")
    assert "did not arrive within the read timeout (1 s)" in str(info.value)


async def test_async_dripping_body_ends_at_the_read_timeout(fakeapi: Any, a: LoopServer) -> None:
    a.on("/v1/referrals/r1", lambda ex: ex.drip(10_000, 0.02))
    async with fakeapi.AsyncFakeAPI(
        token=API_KEY, base_url=f"{a.origin}/v1", timeout=1.0, max_retries=0
    ) as client:
        with pytest.raises(fakeapi.APITimeoutError):
            await client.referrals.retrieve("r1")


def test_dripping_token_response_is_bounded_too(fakeapi: Any, a: LoopServer) -> None:
    a.on("/oauth/token", lambda ex: ex.drip(10_000, 0.02))
    auth = _oauth(fakeapi, f"{a.origin}/oauth/token")
    with (
        accepting_auth(fakeapi.FakeAPI)(
            auth=auth, base_url=f"{a.origin}/v1", timeout=1.0, max_retries=0
        ) as client,
        pytest.raises(fakeapi.APITimeoutError),
    ):
        client.referrals.retrieve("r1")


def test_total_timeout_bounds_the_call_across_retries(fakeapi: Any, a: LoopServer) -> None:
    def slow_503(ex: Exchange) -> None:
        ex.silence(0.1)
        ex.json(503, {"error": {"code": "busy", "message": "try later"}}, {"Retry-After": "0"})

    a.on("/v1/referrals/r1", slow_503)
    with (
        fakeapi.FakeAPI(
            token=API_KEY, base_url=f"{a.origin}/v1", max_retries=50, total_timeout=2.0
        ) as client,
        pytest.raises(fakeapi.APIError) as info,
    ):
        client.referrals.retrieve("r1")
    assert "total_timeout of 2 s ran out" in str(info.value)
    # retried (2 s leave room for a second 0.1 s attempt even on a loaded machine), but far
    # fewer than the 51 attempts max_retries allows: each attempt takes at least 0.1 s
    assert 2 <= len(a.hits("/v1/referrals/r1")) <= 20


def test_total_timeout_caps_each_wait(fakeapi: Any, a: LoopServer) -> None:
    a.on("/v1/referrals/r1", lambda ex: ex.silence(30))
    with (
        fakeapi.FakeAPI(
            token=API_KEY, base_url=f"{a.origin}/v1", timeout=30.0, total_timeout=0.5
        ) as client,
        pytest.raises(fakeapi.APITimeoutError) as info,
    ):
        client.referrals.retrieve("r1")
    assert "total_timeout of 0.5 s ran out" in str(info.value)
    assert len(a.hits("/v1/referrals/r1")) == 1


async def test_async_total_timeout_cancels_the_call(fakeapi: Any, a: LoopServer) -> None:
    a.on("/v1/referrals/r1", lambda ex: ex.silence(30))
    async with fakeapi.AsyncFakeAPI(
        token=API_KEY, base_url=f"{a.origin}/v1", timeout=30.0, total_timeout=0.5
    ) as client:
        with pytest.raises(fakeapi.APITimeoutError, match="total_timeout of 0.5 s ran out"):
            await client.referrals.retrieve("r1")


def test_watchdog_cuts_a_blocked_read_at_its_deadline(fakeapi: Any) -> None:
    """Between two chunks httpx waits up to the read timeout; the watchdog shuts the socket down
    at the body's deadline instead, which ends a blocked read at once."""
    from fakeapi import _clock, _watchdog

    left, right = socket.socketpair()
    with left, right:
        left.settimeout(20)  # without the watchdog the recv below would block this long
        alarm = _watchdog.arm(_clock.monotonic() + 0.2, left)
        assert left.recv(1) == b""  # shut down: end of stream, not socket.timeout
        assert alarm.fired
    # a disarmed alarm never fires
    left, right = socket.socketpair()
    with left, right:
        alarm = _watchdog.arm(_clock.monotonic() + 0.1, left)
        _watchdog.disarm(alarm)
        done = threading.Event()
        done.wait(0.3)
        right.sendall(b"x")
        left.settimeout(5)
        assert left.recv(1) == b"x" and not alarm.fired


def test_invalid_bounds_are_refused(fakeapi: Any) -> None:
    with pytest.raises(ValueError, match="total_timeout"):
        fakeapi.FakeAPI(token=API_KEY, total_timeout=0)
    with pytest.raises(ValueError, match="max_response_bytes"):
        fakeapi.FakeAPI(token=API_KEY).with_options(max_response_bytes=-1)
