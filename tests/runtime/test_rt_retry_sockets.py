"""The retry rules of #13 §2 on real sockets (127.0.0.1): what the server did not process (429, 503,
`x-should-retry: true`) is retried for every method, POST and PATCH included; `x-should-retry: false`
never is; a POST or PATCH that the server may have processed (500, 502, 504, a read timeout after
sending) is sent exactly once. The server counts what it received; waits are instant (conftest)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from rt_helpers import API_KEY, REFERRAL

from tests.support.loopback import Exchange, LoopServer

BODY = {"data": REFERRAL}
Reply = Callable[[Exchange], None]


def status(code: int, headers: dict[str, str] | None = None) -> Reply:
    def reply(exchange: Exchange) -> None:
        exchange.json(code, {"detail": f"answered {code}"}, headers)

    return reply


def ok(exchange: Exchange) -> None:
    if exchange.received.method == "DELETE":
        exchange.reply(204, b"", content_type=None)
    else:
        exchange.json(201 if exchange.received.method == "POST" else 200, BODY)


def silent(exchange: Exchange) -> None:
    exchange.silence(5.0)


class Script:
    """Replies in order, the last one repeated."""

    def __init__(self, *replies: Reply) -> None:
        self.replies = list(replies)

    def __call__(self, exchange: Exchange) -> None:
        reply = self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]
        reply(exchange)


@pytest.fixture
def client(fakeapi: Any, server: LoopServer) -> Iterator[Any]:
    with fakeapi.FakeAPI(token=API_KEY, base_url=server.origin, timeout=5.0) as client:
        yield client


CALLS: dict[str, tuple[str, Callable[[Any], Any]]] = {
    "GET": ("/referrals/r1", lambda c: c.referrals.retrieve("r1")),
    "POST": ("/referrals", lambda c: c.referrals.create(body={"patientName": "Ada"})),
    "PATCH": ("/referrals/r1", lambda c: c.referrals.update("r1", notes="n")),
    "PUT": ("/referrals/r1", lambda c: c.referrals.replace("r1", body={"patientName": "Ada"})),
    "DELETE": ("/referrals/r1", lambda c: c.referrals.delete("r1")),
}


@pytest.mark.parametrize("method", list(CALLS))
@pytest.mark.parametrize(
    "first",
    [
        pytest.param(status(429), id="429"),
        pytest.param(status(503), id="503"),
        pytest.param(status(409, {"x-should-retry": "true"}), id="409-should-retry"),
        pytest.param(status(500, {"x-should-retry": "true"}), id="500-should-retry"),
    ],
)
def test_what_the_server_did_not_process_is_retried_for_every_method(
    server: LoopServer, client: Any, method: str, first: Reply
) -> None:
    path, call = CALLS[method]
    server.on(path, Script(first, first, ok))
    call(client)
    hits = server.hits(path)
    assert [h.method for h in hits] == [method] * 3
    assert len({h.body for h in hits}) == 1  # the same request each time
    assert "idempotency-key" not in hits[0].headers


@pytest.mark.parametrize("method", list(CALLS))
@pytest.mark.parametrize("code", [429, 503, 500])
def test_x_should_retry_false_is_never_retried(
    fakeapi: Any, server: LoopServer, client: Any, method: str, code: int
) -> None:
    path, call = CALLS[method]
    server.on(path, Script(status(code, {"x-should-retry": "false"}), ok))
    with pytest.raises(fakeapi.APIStatusError) as info:
        call(client)
    assert info.value.status_code == code and info.value.attempts == 1
    assert len(server.hits(path)) == 1


@pytest.mark.parametrize("method", ["POST", "PATCH"])
@pytest.mark.parametrize("code", [500, 502, 504])
def test_a_request_the_server_may_have_processed_is_sent_once(
    fakeapi: Any, server: LoopServer, client: Any, method: str, code: int
) -> None:
    path, call = CALLS[method]
    server.on(path, Script(status(code), ok))
    with pytest.raises(fakeapi.InternalServerError) as info:
        call(client)
    assert len(server.hits(path)) == 1 and info.value.attempts == 1
    assert f"answered {code}" in str(info.value) and "not retried" in str(info.value)


def test_a_post_that_timed_out_after_sending_is_sent_once(
    fakeapi: Any, server: LoopServer, client: Any
) -> None:
    client = client.with_options(timeout=0.3)
    server.on("/referrals", Script(silent, ok))
    with pytest.raises(fakeapi.APITimeoutError) as info:
        client.referrals.create(body={"patientName": "Ada"})
    assert info.value.attempts == 1
    assert len(server.hits("/referrals")) == 1
    server.on("/referrals/r1", Script(silent, ok))  # a GET is retried after the same timeout
    assert client.referrals.retrieve("r1").id == REFERRAL["id"]
    assert len(server.hits("/referrals/r1")) == 2


def test_service_unavailable_is_its_own_class(
    fakeapi: Any, server: LoopServer, client: Any
) -> None:
    server.on("/referrals", status(503))
    with pytest.raises(fakeapi.ServiceUnavailableError) as info:
        client.referrals.create(body={"patientName": "Ada"})
    assert isinstance(info.value, fakeapi.InternalServerError)
    assert info.value.attempts == 5  # the default: 4 retries
    assert len(server.hits("/referrals")) == 5
    assert str(info.value) == "503 Service Unavailable: answered 503 [after 5 attempts]"


def test_async_retries_follow_the_same_rules(fakeapi: Any, server: LoopServer) -> None:
    server.on("/referrals", Script(status(429), status(503), ok))
    server.on("/referrals/r1", Script(status(502), ok))

    async def main() -> None:
        async with fakeapi.AsyncFakeAPI(token=API_KEY, base_url=server.origin) as client:
            created = await client.referrals.create(body={"patientName": "Ada"})
            assert created.id == REFERRAL["id"]
            assert (await client.referrals.retrieve("r1")).id == REFERRAL["id"]  # GET: retried

    asyncio.run(main())
    assert len(server.hits("/referrals")) == 3
    assert len(server.hits("/referrals/r1")) == 2
