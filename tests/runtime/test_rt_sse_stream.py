"""Server-sent events over real sockets: events arrive one by one as the server sends them, typed;
the stream ends at the end of the body or at `[DONE]`, and hangs up when the caller leaves early;
malformed streams fail clearly (strict) or keep the raw text (lenient).

No assertion is on elapsed time: the paced server sends the next event only once the client has
acknowledged the previous one, so a client that buffered would make it give up."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from rt_helpers import API_KEY, REFERRAL

from tests.support.loopback import LoopServer, serving
from tests.support.sse_server import WAIT, Endless, Paced, Scripted, event

PATH = "/v1/referrals/r1/events"


def _referral(n: int) -> dict[str, Any]:
    return {**REFERRAL, "id": f"ref_{n}"}


def _events(client: Any) -> Any:
    return client.events


def test_events_arrive_one_by_one_typed_and_in_order(
    fakeapi: Any, server: LoopServer, client: Any
) -> None:
    paced = Paced(
        [event(_referral(n), name="update", id=str(n)) for n in range(4)],
        terminator=event("[DONE]"),
    )
    server.on(PATH, paced)
    stream = _events(client).watch("r1")
    assert isinstance(stream, fakeapi.Stream)
    seen = []
    for index, item in enumerate(stream):
        paced.ack(index)
        seen.append(item)
    assert not paced.gave_up
    assert [(e.data.id, e.event, e.id) for e in seen] == [
        (f"ref_{n}", "update", str(n)) for n in range(4)
    ]
    assert all(isinstance(e.data, fakeapi.types.Referral) for e in seen)
    # each event was in the caller's hands before the server sent the next one
    assert all(a < s for a, s in zip(paced.acked_at, paced.sent_at[1:], strict=False))
    assert stream.is_closed and stream.last_event_id == "3"
    assert server.hits(PATH)[0].headers["accept"] == "text/event-stream"


async def test_async_events_arrive_one_by_one(fakeapi: Any, server: LoopServer) -> None:
    paced = Paced([event(_referral(n)) for n in range(3)])
    server.on(PATH, paced)
    async with fakeapi.AsyncFakeAPI(token=API_KEY, base_url=f"{server.origin}/v1") as client:
        stream = await client.events.watch("r1")
        ids = []
        index = 0
        async for item in stream:
            paced.ack(index)
            index += 1
            ids.append(item.data.id)
        assert stream.is_closed
    assert not paced.gave_up
    assert ids == ["ref_0", "ref_1", "ref_2"]


def test_done_ends_the_stream_and_closes_the_connection(server: LoopServer, client: Any) -> None:
    server.on(
        PATH, Scripted([event(_referral(1)), event("[DONE]"), event(_referral(2))], hold=True)
    )
    stream = _events(client).watch("r1")
    assert [e.data.id for e in stream] == ["ref_1"]  # `hold`: the body never ends by itself
    assert stream.is_closed


def test_text_events_keep_their_data_as_sent(server: LoopServer, client: Any) -> None:
    server.on("/v1/log", Scripted([b"data: {not json}\n\n", b"data: two\ndata: lines\n\n"]))
    assert [e.data for e in _events(client).log()] == ["{not json}", "two\nlines"]


def test_iter_data_yields_only_the_data(server: LoopServer, client: Any) -> None:
    server.on(PATH, Scripted([event(_referral(1)), event(_referral(2))]))
    assert [r.id for r in _events(client).watch("r1").iter_data()] == ["ref_1", "ref_2"]


def test_breaking_out_hangs_up(server: LoopServer, client: Any) -> None:
    endless = Endless(_referral)
    server.on(PATH, endless)
    stream = _events(client).watch("r1")
    for index, _ in enumerate(stream):
        if index == 2:
            break
    assert stream.is_closed
    assert endless.hung_up.wait(WAIT)


def test_an_exception_in_the_loop_hangs_up(server: LoopServer, client: Any) -> None:
    endless = Endless(_referral)
    server.on(PATH, endless)
    with pytest.raises(KeyError):
        for _ in _events(client).watch("r1"):
            raise KeyError("caller bug")
    assert endless.hung_up.wait(WAIT)


def test_next_then_close_hangs_up(server: LoopServer, client: Any) -> None:
    endless = Endless(_referral)
    server.on(PATH, endless)
    with _events(client).watch("r1") as stream:
        first = next(stream)
        second = next(stream)
        assert not stream.is_closed  # next() alone keeps the stream open
    assert (first.id, second.id) == ("0", "1")
    assert endless.hung_up.wait(WAIT)
    assert list(stream) == []  # a closed stream yields nothing more


async def test_async_break_and_close_hang_up(fakeapi: Any, server: LoopServer) -> None:
    first, second = Endless(_referral), Endless(_referral)
    server.on(PATH, first)
    server.on("/v1/log", second)
    async with fakeapi.AsyncFakeAPI(token=API_KEY, base_url=f"{server.origin}/v1") as client:
        stream = await client.events.watch("r1")
        async with stream:
            async for item in stream:
                if item.id == "1":
                    break
        assert stream.is_closed
        other = await client.events.log()
        assert (await other.__anext__()).id == "0"
        await other.close()
    assert first.hung_up.wait(WAIT)
    assert second.hung_up.wait(WAIT)


def test_strict_mode_raises_on_data_that_is_not_json(
    fakeapi: Any, server: LoopServer, client: Any
) -> None:
    server.on(PATH, Scripted([event(_referral(1)), b"data: {oops\n\n", event(_referral(2))]))
    stream = _events(client.with_options(strict_response_validation=True)).watch("r1")
    assert next(stream).data.id == "ref_1"  # events before the bad one are delivered
    with pytest.raises(fakeapi.APIResponseValidationError) as info:
        next(stream)
    assert "Event 2 ('message')" in str(info.value) and "not valid JSON" in str(info.value)
    assert info.value.body == "{oops"
    assert stream.is_closed


def test_strict_mode_raises_on_data_that_does_not_match(
    fakeapi: Any, server: LoopServer, client: Any
) -> None:
    server.on(PATH, Scripted([event({"id": "x"})]))
    with pytest.raises(fakeapi.APIResponseValidationError) as info:
        list(_events(client.with_options(strict_response_validation=True)).watch("r1"))
    assert "does not match the schema" in str(info.value)


def test_lenient_mode_keeps_malformed_events(
    fakeapi: Any, server: LoopServer, client: Any, caplog: pytest.LogCaptureFixture
) -> None:
    chunks = [
        b"id: 1\nfoo: stray field\nretry: soon\n" + event(_referral(1)),  # stray fields ignored
        b"data: {oops\n\n",  # not JSON
        event({"id": "partial"}),  # JSON, not a Referral
        b"data: " + json.dumps(_referral(3)).encode() + b"\n",  # no blank line before the end
    ]
    server.on(PATH, Scripted(chunks))
    with caplog.at_level(logging.WARNING, logger="fakeapi"):
        events = list(_events(client).watch("r1"))
    assert len(events) == 3
    good, not_json, partial = events
    assert good.data.id == "ref_1" and good.validation_errors == [] and good.retry is None
    assert not_json.data == "{oops" and not_json.raw_data == "{oops"
    assert not_json.validation_errors[0]["type"] == "json_invalid"
    assert partial.data.id == "partial" and partial.validation_errors
    assert "ended in the middle of an event" in caplog.text
    assert "not valid JSON" in caplog.text


def test_an_over_long_event_fails_and_closes(fakeapi: Any, server: LoopServer, client: Any) -> None:
    big = {**REFERRAL, "patientName": "x" * 5000}
    server.on(PATH, Scripted([event(_referral(1)), event(big)], hold=True))
    stream = _events(client).watch("r1")
    stream.max_event_size = 2000
    assert next(stream).data.id == "ref_1"
    with pytest.raises(fakeapi.ResponseTooLargeError) as info:
        next(stream)
    assert info.value.limit == 2000 and "larger than 2,000 characters" in str(info.value)
    assert stream.is_closed


def test_a_stream_is_not_limited_by_max_response_bytes(server: LoopServer, client: Any) -> None:
    server.on(PATH, Scripted([event(_referral(n)) for n in range(50)]))
    small = client.with_options(max_response_bytes=1000)  # the whole stream is ~6 KB
    assert len(list(_events(small).watch("r1"))) == 50


def test_a_silent_stream_times_out_per_wait(fakeapi: Any, server: LoopServer, client: Any) -> None:
    server.on(PATH, Scripted([event(_referral(1))], hold=True))
    stream = _events(client).watch("r1", timeout=0.3)
    assert next(stream).data.id == "ref_1"
    with pytest.raises(fakeapi.APITimeoutError):
        next(stream)


def test_an_error_status_raises_the_typed_error(
    fakeapi: Any, server: LoopServer, client: Any
) -> None:
    server.on(PATH, lambda ex: ex.json(404, {"error": {"code": "not_found", "message": "gone"}}))
    with pytest.raises(fakeapi.NotFoundError) as info:
        _events(client).watch("r1")
    assert "gone" in str(info.value)


def test_a_cross_origin_redirect_streams_without_credentials(fakeapi: Any) -> None:
    with serving() as a, serving() as b:
        a.on(PATH, lambda ex: ex.redirect(302, f"{b.origin}/elsewhere"))
        b.on("/elsewhere", Scripted([event(_referral(1))]))
        with fakeapi.FakeAPI(token=API_KEY, base_url=f"{a.origin}/v1") as client:
            assert [e.data.id for e in _events(client).watch("r1")] == ["ref_1"]
        (hop,) = b.hits("/elsewhere")
        assert "authorization" not in hop.headers
        assert API_KEY not in json.dumps(hop.headers)


async def test_async_break_alone_hangs_up(fakeapi: Any, server: LoopServer) -> None:
    import asyncio

    endless = Endless(_referral)
    server.on(PATH, endless)
    async with fakeapi.AsyncFakeAPI(token=API_KEY, base_url=f"{server.origin}/v1") as client:
        stream = await client.events.watch("r1")
        async for item in stream:
            if item.id == "1":
                break
        # the loop's iterator is finalized by the event loop (asyncio's async-generator hooks)
        assert await asyncio.to_thread(endless.hung_up.wait, WAIT)
        assert stream.is_closed
