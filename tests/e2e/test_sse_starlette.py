"""A generated client's server-sent events against a server nobody here wrote: sse-starlette's
`EventSourceResponse` (its own event encoder, pings, line separators) under uvicorn on 127.0.0.1.

The client is generated from tests/fixtures/specs/events_31.yml. The streams: typed events with
`event` / `id` / `retry` and the `[DONE]` terminator; a slow stream paced in lockstep with the client
(an event arrives before the server sends the next one) and kept alive by pings across gaps longer
than the read timeout; a silent stream (the read timeout ends it); a malformed stream (data that is
not JSON or does not match the schema, bad `retry` / `id` fields, CR line ends, an unterminated
last event), in lenient and strict mode; and the caller breaking out (the server sees the hang-up).
Every wait is bounded (`WAIT`)."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest

from generator.config import adhoc_target
from tests.conftest import FIXTURES
from tests.support.packages import imported_package
from tests.support.uvicorn_server import uvicorn_serving

pytest.importorskip("sse_starlette", reason="the test extra installs sse-starlette")
pytest.importorskip("uvicorn", reason="the test extra installs uvicorn")

from sse_starlette import EventSourceResponse  # noqa: E402
from starlette.applications import Starlette  # noqa: E402
from starlette.requests import Request  # noqa: E402
from starlette.routing import Route  # noqa: E402

pytestmark = pytest.mark.slow

SPEC = FIXTURES / "specs" / "events_31.yml"
WAIT = 10.0  # the longest any side waits for the other (a failing test, not a slow one)
Source = Callable[[Request], AsyncIterator[Any]]


class Stage:
    """What one test's server streams: `source(request)` gives the items for `EventSourceResponse`
    (dicts, `ServerSentEvent`s, or raw bytes sent as they are); `hung_up` is set when the server's
    generator ends because the client went away."""

    def __init__(self) -> None:
        self.routes: dict[str, tuple[Source, dict[str, Any]]] = {}
        self.hung_up = threading.Event()
        self.finished = threading.Event()

    def on(self, path: str, source: Source, **options: Any) -> None:
        self.routes[path] = (source, options)

    async def endpoint(self, request: Request) -> EventSourceResponse:
        source, options = self.routes[request.url.path]

        async def items() -> AsyncIterator[Any]:
            try:
                async for item in source(request):
                    yield item
                self.finished.set()
            except (asyncio.CancelledError, GeneratorExit):
                self.hung_up.set()
                raise

        return EventSourceResponse(items(), **options)


async def wait_for(flag: threading.Event) -> None:
    """Wait (in the server's event loop) until the client sets `flag`; bounded by `WAIT`."""
    deadline = time.monotonic() + WAIT
    while not flag.is_set():
        if time.monotonic() > deadline:
            raise TimeoutError("the client never acknowledged the event")
        await asyncio.sleep(0.005)


@pytest.fixture(scope="module")
def pkg(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    out = tmp_path_factory.mktemp("ssestar") / "ssestar"
    with imported_package(adhoc_target(str(SPEC), str(out), "ssestar", "Events")) as pkg:
        yield pkg


@pytest.fixture
def stage() -> Stage:
    return Stage()


@pytest.fixture
def origin(stage: Stage) -> Iterator[str]:
    paths = ["/v1/completions", "/v1/jobs/{id}/progress", "/v1/jobs/{id}/log", "/v1/notifications"]
    app = Starlette(routes=[Route(p, stage.endpoint, methods=["GET", "POST"]) for p in paths])
    with uvicorn_serving(app) as origin:
        yield origin


@pytest.fixture
def client(pkg: Any, origin: str) -> Iterator[Any]:
    with pkg.Events(token="tok", base_url=f"{origin}/v1", timeout=5.0, max_retries=0) as c:
        yield c


def progress(n: int, **fields: Any) -> dict[str, Any]:
    return {"data": json.dumps({"percent": n}), **fields}


def test_typed_events_with_event_id_and_retry_end_at_done(
    pkg: Any, stage: Stage, client: Any
) -> None:
    async def source(request: Request) -> AsyncIterator[Any]:
        yield progress(10, event="progress", id="e1", retry=1500)
        yield progress(20)  # no id: the last one persists
        yield {"data": "[DONE]"}
        yield progress(99)  # after the terminator: never read

    stage.on("/v1/jobs/j1/progress", source)
    stream = client.jobs.watch_progress("j1")
    events = list(stream)
    assert [(e.event, e.id, e.retry, e.data.percent) for e in events] == [
        ("progress", "e1", 1500, 10),
        ("message", "e1", None, 20),
    ]
    assert isinstance(events[0].data, pkg.types.Progress) and events[0].validation_errors == []
    assert stream.last_event_id == "e1" and stream.retry == 1500 and stream.is_closed


def test_a_post_completion_streams_chunks(stage: Stage, client: Any) -> None:
    seen: list[Any] = []

    async def source(request: Request) -> AsyncIterator[Any]:
        seen.append((request.method, request.headers.get("accept"), await request.json()))
        for n in range(3):
            yield {"data": json.dumps({"index": n, "text": f"t{n}", "finish_reason": None})}
        yield {"data": json.dumps({"index": 3, "text": "", "finish_reason": "stop"})}

    stage.on("/v1/completions", source)
    chunks = [e.data for e in client.completions.create(prompt="hi")]
    assert [c.text for c in chunks] == ["t0", "t1", "t2", ""]
    assert chunks[-1].finish_reason == "stop"
    assert seen == [("POST", "text/event-stream", {"prompt": "hi"})]


def test_a_slow_stream_yields_each_event_before_the_next_is_sent(stage: Stage, client: Any) -> None:
    acks = [threading.Event() for _ in range(3)]

    async def source(request: Request) -> AsyncIterator[Any]:
        for n, ack in enumerate(acks):
            yield progress(n)
            await wait_for(ack)  # the next event only once the client has this one

    stage.on("/v1/jobs/j1/progress", source)
    got = []
    for event in client.jobs.watch_progress("j1"):
        got.append(event.data.percent)
        acks[event.data.percent].set()
    assert got == [0, 1, 2] and stage.finished.is_set()


def test_pings_keep_a_slow_stream_alive_past_the_read_timeout(stage: Stage, client: Any) -> None:
    async def source(request: Request) -> AsyncIterator[Any]:
        yield progress(1)
        await asyncio.sleep(0.8)  # longer than the read timeout: only the pings arrive meanwhile
        yield progress(2)

    stage.on("/v1/jobs/j1/progress", source, ping=0.1)
    events = list(client.jobs.watch_progress("j1", timeout=0.5))
    assert [e.data.percent for e in events] == [1, 2]  # the `: ping` comments are not events


def test_a_silent_stream_ends_at_the_read_timeout(pkg: Any, stage: Stage, client: Any) -> None:
    async def source(request: Request) -> AsyncIterator[Any]:
        yield progress(1)
        await asyncio.sleep(WAIT)  # then nothing, no pings

    stage.on("/v1/jobs/j1/progress", source)
    stream = client.jobs.watch_progress("j1", timeout=0.3)
    started = time.monotonic()
    assert next(stream).data.percent == 1
    with pytest.raises(pkg.APITimeoutError):
        next(stream)
    assert time.monotonic() - started < WAIT / 2
    stream.close()
    assert stage.hung_up.wait(WAIT)


MALFORMED = [
    b"data: {not json\n\n",  # not JSON
    b'data: {"percent": "many"}\n\n',  # JSON that does not match Progress
    b": a comment line\n",
    b'retry: soon\nid: a\x00b\ndata: {"percent": 3}\n\n',  # bad retry and id: ignored
    b'event: late\ndata: {"percent":\ndata:  4}\n\n',  # data over two lines, joined with LF
    b"id\ndata\n\n",  # a field without a colon: `id` empty, `data` one empty line
    b'data: {"percent": 5}',  # the body ends without the blank line: discarded
]


def test_a_malformed_stream_in_lenient_mode(
    stage: Stage, client: Any, caplog: pytest.LogCaptureFixture
) -> None:
    async def source(request: Request) -> AsyncIterator[Any]:
        for chunk in MALFORMED:
            yield chunk

    stage.on("/v1/jobs/j1/progress", source)
    events = list(client.jobs.watch_progress("j1"))
    assert len(events) == 5
    not_json, wrong, three, four, empty = events
    assert not_json.data == "{not json" and not_json.validation_errors[0]["type"] == "json_invalid"
    assert wrong.data.percent == "many" and wrong.validation_errors  # kept unvalidated
    assert (three.data.percent, three.id, three.retry) == (3, None, None)
    assert (four.event, four.data.percent, four.raw_data) == ("late", 4, '{"percent":\n 4}')
    assert empty.id == "" and empty.raw_data == "" and empty.validation_errors
    assert "ended in the middle of an event" in caplog.text


def test_a_malformed_stream_in_strict_mode_raises_and_closes(
    pkg: Any, stage: Stage, origin: str
) -> None:
    async def source(request: Request) -> AsyncIterator[Any]:
        yield progress(1)
        for chunk in MALFORMED:
            yield chunk

    stage.on("/v1/jobs/j1/progress", source)
    with pkg.Events(
        token="tok", base_url=f"{origin}/v1", timeout=5.0, strict_response_validation=True
    ) as strict:
        stream = strict.jobs.watch_progress("j1")
        seen = []
        with pytest.raises(pkg.APIResponseValidationError, match="not valid JSON"):
            for event in stream:
                seen.append(event.data.percent)
    assert seen == [1] and stream.is_closed


def test_strict_mode_validates_data_as_a_body_is(pkg: Any, stage: Stage, origin: str) -> None:
    """An event's data gets the checks a JSON body gets: lenient mode coerces `"5"` to 5, strict
    mode refuses it (no coercion)."""

    async def source(request: Request) -> AsyncIterator[Any]:
        yield {"data": json.dumps({"percent": "5"})}

    stage.on("/v1/jobs/j1/progress", source)
    base = f"{origin}/v1"
    with pkg.Events(token="tok", base_url=base, timeout=5.0) as lenient:
        (event,) = list(lenient.jobs.watch_progress("j1"))
        assert event.data.percent == 5 and event.validation_errors == []
    with pkg.Events(token="tok", base_url=base, timeout=5.0, strict_response_validation=True) as c:
        with pytest.raises(pkg.APIResponseValidationError, match="does not match the schema"):
            list(c.jobs.watch_progress("j1"))


def test_carriage_return_line_ends(stage: Stage, client: Any) -> None:
    async def source(request: Request) -> AsyncIterator[Any]:
        yield "first line\nsecond line"  # sse-starlette splits it into two `data:` lines
        yield {"data": "x", "event": "tick"}

    stage.on("/v1/jobs/j1/log", source, sep="\r")
    events = list(client.jobs.stream_log("j1"))
    assert [(e.event, e.data) for e in events] == [
        ("message", "first line\nsecond line"),
        ("tick", "x"),
    ]


def test_breaking_out_hangs_up(stage: Stage, client: Any) -> None:
    async def source(request: Request) -> AsyncIterator[Any]:
        n = 0
        while True:
            n += 1
            yield progress(n)
            await asyncio.sleep(0.01)

    stage.on("/v1/jobs/j1/progress", source)
    for event in client.jobs.watch_progress("j1"):
        if event.data.percent == 3:
            break
    assert stage.hung_up.wait(WAIT)


async def test_async_stream_and_hang_up(pkg: Any, stage: Stage, origin: str) -> None:
    async def source(request: Request) -> AsyncIterator[Any]:
        n = 0
        while True:
            n += 1
            yield progress(n, id=str(n))
            await asyncio.sleep(0.01)

    stage.on("/v1/jobs/j1/progress", source)
    async with pkg.AsyncEvents(token="tok", base_url=f"{origin}/v1", timeout=5.0) as client:
        got = []
        async with await client.jobs.watch_progress("j1") as stream:
            async for event in stream:
                got.append((event.id, event.data.percent))
                if len(got) == 3:
                    break
        assert got == [("1", 1), ("2", 2), ("3", 3)] and stream.is_closed
    assert await asyncio.to_thread(stage.hung_up.wait, WAIT)


def test_streaming_response_gives_the_raw_lines(stage: Stage, client: Any) -> None:
    async def source(request: Request) -> AsyncIterator[Any]:
        yield {"data": "a", "id": "1"}
        yield {"data": "b"}

    stage.on("/v1/notifications", source)
    with client.notifications.with_streaming_response.listen() as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        lines = list(response.iter_lines())
    assert response.is_closed
    assert lines == ["id: 1", "data: a", "", "data: b", ""]
