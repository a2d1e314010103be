"""`with_streaming_response` over real sockets: the body stays on the socket until the caller reads,
iterates or leaves the block; errors raise on entry like the plain call; the time and size bounds of
#12 apply to what is read into memory (`read()`, `parse()`), not to iterating."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from rt_helpers import API_KEY, REFERRAL

from tests.support.loopback import LoopServer, serving
from tests.support.sse_server import WAIT, Endless, Scripted, event

OK = json.dumps({"data": REFERRAL}).encode()
PATH = "/v1/referrals/r1"


def _streaming(client: Any) -> Any:
    return client.referrals.with_streaming_response


def test_parse_gives_the_plain_result_and_exit_closes(
    fakeapi: Any, server: LoopServer, client: Any
) -> None:
    server.on(PATH, Scripted([OK[:20], OK[20:]], content_type="application/json"))
    with _streaming(client).retrieve("r1") as response:
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/json"
        assert response.http_request.url.path == PATH
        assert not response.is_closed  # nothing read yet
        referral = response.parse()
        assert isinstance(referral, fakeapi.types.Referral) and referral.id == "ref_1"
        assert response.parse() is referral  # computed once
        assert response.json() == {"data": REFERRAL}
    assert response.is_closed


def test_iterators_yield_the_body_as_it_arrives(server: LoopServer, client: Any) -> None:
    body = [b"first line\r\nsec", b"ond line\rthird\n", b"last, no line end"]
    server.on(PATH, Scripted(body, content_type="text/plain"))
    with _streaming(client).retrieve("r1") as response:
        assert list(response.iter_lines()) == [
            "first line",
            "second line",
            "third",
            "last, no line end",
        ]
    with _streaming(client).retrieve("r1") as response:
        assert b"".join(response.iter_bytes()) == b"".join(body)
        assert response.is_closed
    with _streaming(client).retrieve("r1") as response:
        assert "".join(response.iter_text()) == b"".join(body).decode()


def test_leaving_the_block_unread_hangs_up(server: LoopServer, client: Any) -> None:
    endless = Endless(content_type="application/json")
    server.on(PATH, endless)
    with _streaming(client).retrieve("r1") as response:
        assert response.status_code == 200
    assert response.is_closed
    assert endless.hung_up.wait(WAIT)


def test_an_exception_in_the_block_hangs_up(server: LoopServer, client: Any) -> None:
    endless = Endless(content_type="application/json")
    server.on(PATH, endless)
    with pytest.raises(KeyError), _streaming(client).retrieve("r1") as response:
        next(response.iter_bytes())
        raise KeyError("caller bug")
    assert endless.hung_up.wait(WAIT)


def test_an_error_status_raises_on_entry(fakeapi: Any, server: LoopServer, client: Any) -> None:
    server.on(PATH, lambda ex: ex.json(404, {"error": {"code": "not_found", "message": "gone"}}))
    entered = False
    with pytest.raises(fakeapi.NotFoundError) as info:  # noqa: PT012
        with _streaming(client).retrieve("r1"):
            entered = True
    assert not entered
    assert "gone" in str(info.value)


def test_max_response_bytes_bounds_read_not_iteration(
    fakeapi: Any, server: LoopServer, client: Any
) -> None:
    big = b"x" * 50_000
    server.on(PATH, Scripted([big[:20_000], big[20_000:]], content_type="text/plain"))
    small = client.with_options(max_response_bytes=10_000)
    with _streaming(small).retrieve("r1") as response:
        with pytest.raises(fakeapi.ResponseTooLargeError):
            response.read()
    with _streaming(small).retrieve("r1") as response:
        assert b"".join(response.iter_bytes()) == big


def test_total_timeout_bounds_read(fakeapi: Any, server: LoopServer, client: Any) -> None:
    server.on(PATH, lambda ex: ex.drip(10_000, 0.05))
    bounded = client.with_options(total_timeout=0.5)
    with _streaming(bounded).retrieve("r1") as response:
        with pytest.raises(fakeapi.APITimeoutError) as info:
            response.read()
    assert "total_timeout" in str(info.value)


def test_read_timeout_bounds_each_wait_while_iterating(
    fakeapi: Any, server: LoopServer, client: Any
) -> None:
    server.on(PATH, Scripted([b"some"], hold=True, content_type="text/plain"))
    with _streaming(client).retrieve("r1", timeout=0.3) as response:
        chunks = response.iter_bytes()
        assert next(chunks) == b"some"
        with pytest.raises(fakeapi.APITimeoutError):
            next(chunks)


def test_a_cross_origin_redirect_keeps_the_credentials_home(fakeapi: Any) -> None:
    with serving() as a, serving() as b:
        a.on(PATH, lambda ex: ex.redirect(307, f"{b.origin}/mirror"))
        b.on("/mirror", lambda ex: ex.reply(200, OK))
        with fakeapi.FakeAPI(token=API_KEY, base_url=f"{a.origin}/v1") as client:
            with _streaming(client).retrieve("r1") as response:
                assert response.parse().id == "ref_1"
        (hop,) = b.hits("/mirror")
        assert "authorization" not in hop.headers


def test_a_page(fakeapi: Any, server: LoopServer, client: Any) -> None:
    page = {"data": [REFERRAL], "pagination": {"page": 1, "totalPages": 1}}
    server.on("/v1/referrals", lambda ex: ex.json(200, page))
    with _streaming(client).list() as response:
        listed = response.parse()
        assert isinstance(listed, fakeapi.SyncPage)
        assert [r.id for r in listed] == ["ref_1"]


def test_an_event_stream_through_the_streaming_response(server: LoopServer, client: Any) -> None:
    server.on(f"{PATH}/events", Scripted([event(REFERRAL), event("[DONE]")]))
    with client.events.with_streaming_response.watch("r1") as response:
        assert response.headers["content-type"] == "text/event-stream"
        assert [e.data.id for e in response.parse()] == ["ref_1"]


async def test_async_streaming_response(fakeapi: Any, server: LoopServer) -> None:
    server.on(PATH, Scripted([OK[:20], OK[20:]], content_type="application/json"))
    endless = Endless(content_type="application/json")
    server.on("/v1/referrals/r2", endless)
    server.on("/v1/referrals/r3", lambda ex: ex.json(404, {"error": {"message": "gone"}}))
    async with fakeapi.AsyncFakeAPI(token=API_KEY, base_url=f"{server.origin}/v1") as client:
        streaming = client.referrals.with_streaming_response
        async with streaming.retrieve("r1") as response:
            assert not response.is_closed
            assert (await response.parse()).id == "ref_1"
        async with streaming.retrieve("r1") as response:
            assert [line async for line in response.iter_lines()] == [OK.decode()]
        async with streaming.retrieve("r1") as response:
            assert b"".join([chunk async for chunk in response.iter_bytes()]) == OK
        async with streaming.retrieve("r2") as response:
            assert response.status_code == 200
        assert response.is_closed
        assert await asyncio.to_thread(endless.hung_up.wait, WAIT)
        with pytest.raises(fakeapi.NotFoundError):
            async with streaming.retrieve("r3"):
                pass
