"""One renewal per burst, against a real token server that counts requests (issue 12, item 7)."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from rt_helpers import REFERRAL, accepting_auth

from tests.support.loopback import Exchange, LoopServer, serving

OK = json.dumps({"data": REFERRAL}).encode()
BURST = 20


class Issuer:
    """Issues at-1, at-2, ... slowly (so that the whole burst is waiting), and serves the API for
    the tokens not revoked."""

    def __init__(self) -> None:
        self.issued = 0
        self.revoked: set[str] = set()
        self.lock = threading.Lock()

    def token(self, ex: Exchange) -> None:
        time.sleep(0.2)
        with self.lock:
            self.issued += 1
            token = f"at-{self.issued}"
        ex.json(200, {"access_token": token, "expires_in": 3600, "accessToken": token})

    def api(self, ex: Exchange) -> None:
        token = ex.received.headers.get("authorization", "").removeprefix("Bearer ")
        if not token.startswith("at-") or token in self.revoked:
            ex.json(401, {"error": {"code": "unauthorized", "message": "bad token"}})
        else:
            ex.reply(200, OK)


@pytest.fixture
def issuer() -> Iterator[tuple[LoopServer, Issuer]]:
    state = Issuer()
    with serving() as server:
        server.on("/oauth/token", state.token)
        server.on("/v1/auth/login", state.token)
        server.on("/v1/referrals/r1", state.api)
        yield server, state


def _auth(fakeapi: Any, server: LoopServer, kind: str, clock: Callable[[], float]) -> Any:
    if kind == "oauth":
        from fakeapi._oauth import ClientCredentialsAuth

        return ClientCredentialsAuth(
            client_id="app",
            client_secret="cs-41f7",
            token_url=f"{server.origin}/oauth/token",
            clock=clock,
        )
    from fakeapi._session import SessionAuth, SessionConfig

    config = SessionConfig(
        login_path="/auth/login",
        refresh_path=None,
        access_token_field="accessToken",
        refresh_token_field=None,
    )
    return SessionAuth(config, f"{server.origin}/v1", credentials={"user": "u", "pw": "pw-8e1d"})


def _burst(client: Any) -> None:
    start = threading.Barrier(BURST)
    errors: list[BaseException] = []

    def call() -> None:
        start.wait()
        try:
            client.referrals.retrieve("r1")
        except Exception as exc:  # noqa: BLE001 (collected: a thread's failure fails the test)
            errors.append(exc)

    threads = [threading.Thread(target=call) for _ in range(BURST)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors, errors


def _api_tokens(server: LoopServer) -> set[str]:
    return {r.headers["authorization"] for r in server.hits("/v1/referrals/r1")}


@pytest.mark.parametrize("kind", ["oauth", "session"])
def test_first_calls_of_20_threads_cause_one_token_request(
    fakeapi: Any, issuer: tuple[LoopServer, Issuer], kind: str
) -> None:
    server, state = issuer
    auth = _auth(fakeapi, server, kind, time.time)
    with accepting_auth(fakeapi.FakeAPI)(
        auth=auth, base_url=f"{server.origin}/v1", max_retries=0
    ) as client:
        _burst(client)
    assert state.issued == 1
    assert _api_tokens(server) == {"Bearer at-1"}
    assert len(server.hits("/v1/referrals/r1")) == BURST


@pytest.mark.parametrize("kind", ["oauth", "session"])
async def test_first_calls_of_20_tasks_cause_one_token_request(
    fakeapi: Any, issuer: tuple[LoopServer, Issuer], kind: str
) -> None:
    server, state = issuer
    auth = _auth(fakeapi, server, kind, time.time)
    async with accepting_auth(fakeapi.AsyncFakeAPI)(
        auth=auth, base_url=f"{server.origin}/v1", max_retries=0
    ) as client:
        await asyncio.gather(*(client.referrals.retrieve("r1") for _ in range(BURST)))
    assert state.issued == 1
    assert len(server.hits("/v1/referrals/r1")) == BURST


def test_expiry_hit_by_20_threads_causes_one_renewal(
    fakeapi: Any, issuer: tuple[LoopServer, Issuer]
) -> None:
    server, state = issuer
    now = [1_000_000.0]
    auth = _auth(fakeapi, server, "oauth", lambda: now[0])
    with accepting_auth(fakeapi.FakeAPI)(
        auth=auth, base_url=f"{server.origin}/v1", max_retries=0
    ) as client:
        client.referrals.retrieve("r1")
        now[0] += 4000  # past expires_in (3600)
        _burst(client)
    assert state.issued == 2
    assert _api_tokens(server) == {"Bearer at-1", "Bearer at-2"}
    renewed = [
        r for r in server.hits("/v1/referrals/r1") if r.headers["authorization"] == "Bearer at-2"
    ]
    assert len(renewed) == BURST


async def test_expiry_hit_by_20_tasks_causes_one_renewal(
    fakeapi: Any, issuer: tuple[LoopServer, Issuer]
) -> None:
    server, state = issuer
    now = [1_000_000.0]
    auth = _auth(fakeapi, server, "oauth", lambda: now[0])
    async with accepting_auth(fakeapi.AsyncFakeAPI)(
        auth=auth, base_url=f"{server.origin}/v1", max_retries=0
    ) as client:
        await client.referrals.retrieve("r1")
        now[0] += 4000
        await asyncio.gather(*(client.referrals.retrieve("r1") for _ in range(BURST)))
    assert state.issued == 2


def test_401_burst_causes_one_renewal(fakeapi: Any, issuer: tuple[LoopServer, Issuer]) -> None:
    server, state = issuer
    auth = _auth(fakeapi, server, "oauth", time.time)
    with accepting_auth(fakeapi.FakeAPI)(
        auth=auth, base_url=f"{server.origin}/v1", max_retries=0
    ) as client:
        client.referrals.retrieve("r1")
        state.revoked.add("at-1")  # the server forgets the token before it expires
        _burst(client)
    assert state.issued == 2
