"""Server-sent events from the spec to the call (tests/fixtures/specs/events_31.yml): parse detects
`text/event-stream` responses and their data type (the media type's schema, or OpenAPI 3.2
`itemSchema`), the generated methods return `Stream[T]` / `AsyncStream[T]`, every resource has
`with_streaming_response`, and the generated client streams from a real server on 127.0.0.1."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.config import adhoc_target
from generator.ir import Kind, ModelRef, Primitive, ResultKind
from tests.conftest import FIXTURES
from tests.support.loopback import LoopServer
from tests.support.mypy_strict import mypy_strict
from tests.support.packages import imported_package
from tests.support.sse_server import WAIT, Endless, Paced, Scripted, event

SPEC = FIXTURES / "specs" / "events_31.yml"
JOB = {"id": "j1", "state": "running", "createdAt": "2026-01-02T03:04:05Z"}


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, Path]]:
    out = tmp_path_factory.mktemp("events") / "eventsapi"
    with imported_package(adhoc_target(str(SPEC), str(out), "eventsapi", "Events")) as pkg:
        yield pkg, out


@pytest.fixture
def client(package: tuple[Any, Path], server: LoopServer) -> Iterator[Any]:
    pkg, _ = package
    with pkg.Events(token="tok-1", base_url=f"{server.origin}/v1", timeout=5.0) as c:
        yield c


def test_parse_detects_event_streams_and_their_data(build: Any) -> None:
    api, sink = build(yaml.safe_load(SPEC.read_text()))
    assert sink.items == []
    results = {op.id: op.results[0] for op in api.operations}
    assert results["getJob"].kind is ResultKind.JSON
    chunk = results["createCompletion"]
    assert chunk.kind is ResultKind.EVENTS and chunk.media_type == "text/event-stream"
    assert isinstance(chunk.body, ModelRef) and chunk.body.id.endswith("/CompletionChunk")
    progress = results["watchJobProgress"]  # itemSchema → data → contentSchema
    assert isinstance(progress.body, ModelRef) and progress.body.id.endswith("/Progress")
    for text in ("streamJobLog", "listenNotifications"):  # a string schema, or none: text data
        assert results[text].kind is ResultKind.EVENTS
        assert results[text].body == Primitive(Kind.STRING)


def test_generated_methods_return_typed_streams(package: tuple[Any, Path]) -> None:
    pkg, _ = package
    from eventsapi.resources.completions import AsyncCompletions, Completions
    from eventsapi.resources.jobs import Jobs
    from eventsapi.resources.notifications import Notifications

    assert Completions.create.__annotations__["return"] == "Stream[_types.CompletionChunk]"
    assert (
        AsyncCompletions.create.__annotations__["return"] == "AsyncStream[_types.CompletionChunk]"
    )
    assert Jobs.watch_progress.__annotations__["return"] == "Stream[_types.Progress]"
    assert Jobs.stream_log.__annotations__["return"] == "Stream[str]"
    assert Notifications.listen.__annotations__["return"] == "Stream[str]"
    assert {"Stream", "AsyncStream", "ServerSentEvent"} <= set(pkg.__all__)


def test_every_resource_has_a_streaming_response(package: tuple[Any, Path], client: Any) -> None:
    pkg, _ = package
    for attr in ("completions", "jobs", "notifications"):
        resource = getattr(client, attr)
        streaming = resource.with_streaming_response
        methods = [n for n in vars(type(resource)) if not n.startswith("_") and n[0].islower()]
        for name in methods:
            if name.startswith("with_"):
                continue
            assert callable(getattr(streaming, name)), f"{attr}.{name}"
    async_client = pkg.AsyncEvents(token="tok-1")
    assert callable(async_client.jobs.with_streaming_response.get)


def test_a_completion_streams_chunk_by_chunk(client: Any, server: LoopServer) -> None:
    chunks = [{"index": n, "text": f"part {n}", "finish_reason": None} for n in range(3)]
    paced = Paced([event(c) for c in chunks], terminator=event("[DONE]"))
    server.on("/v1/completions", paced)
    texts = []
    for index, item in enumerate(client.completions.create(prompt="hi")):
        paced.ack(index)
        texts.append(item.data.text)
    assert not paced.gave_up and texts == ["part 0", "part 1", "part 2"]
    (request,) = server.hits("/v1/completions")
    assert request.method == "POST" and json.loads(request.body) == {"prompt": "hi"}
    assert request.headers["accept"] == "text/event-stream"
    assert request.headers["authorization"] == "Bearer tok-1"


def test_progress_log_and_untyped_streams(client: Any, server: LoopServer) -> None:
    from eventsapi.types import Progress

    server.on(
        "/v1/jobs/j1/progress",
        Scripted([event({"percent": 50}, name="progress", id="e1"), event({"percent": 100})]),
    )
    server.on("/v1/jobs/j1/log", Scripted([b"data: starting {\n\n", b"data: done\n\n"]))
    server.on("/v1/notifications", Scripted([b"event: ping\ndata: 1\n\n"]))
    progress = list(client.jobs.watch_progress("j1"))
    assert [(e.event, e.id, e.data) for e in progress] == [
        ("progress", "e1", Progress(percent=50)),
        ("message", "e1", Progress(percent=100)),
    ]
    assert list(client.jobs.stream_log("j1").iter_data()) == ["starting {", "done"]
    assert [(e.event, e.data) for e in client.notifications.listen()] == [("ping", "1")]


def test_leaving_a_stream_early_hangs_up(client: Any, server: LoopServer) -> None:
    endless = Endless(lambda n: {"percent": n})
    server.on("/v1/jobs/j1/progress", endless)
    for item in client.jobs.watch_progress("j1"):
        if item.data.percent == 1:
            break
    assert endless.hung_up.wait(WAIT)


def test_streaming_response_of_a_json_operation(
    package: tuple[Any, Path], client: Any, server: LoopServer
) -> None:
    pkg, _ = package
    body = json.dumps(JOB).encode()
    server.on("/v1/jobs/j1", Scripted([body[:9], body[9:]], content_type="application/json"))
    server.on("/v1/jobs/j2", lambda ex: ex.json(404, {"error": {"code": "gone", "message": "no"}}))
    with client.jobs.with_streaming_response.get("j1") as response:
        assert response.status_code == 200 and not response.is_closed
        job = response.parse()
        assert job.id == "j1" and job.to_dict() == JOB
    assert response.is_closed
    with pytest.raises(pkg.NotFoundError), client.jobs.with_streaming_response.get("j2"):
        pass


async def test_async_streams(package: tuple[Any, Path], server: LoopServer) -> None:
    pkg, _ = package
    paced = Paced([event({"percent": n}) for n in (10, 20)])
    server.on("/v1/jobs/j1/progress", paced)
    server.on("/v1/jobs/j1", lambda ex: ex.json(200, JOB))
    async with pkg.AsyncEvents(token="tok-1", base_url=f"{server.origin}/v1") as client:
        seen = []
        async with await client.jobs.watch_progress("j1") as stream:
            async for item in stream:
                paced.ack(len(seen))
                seen.append(item.data.percent)
        assert not paced.gave_up and seen == [10, 20]
        async with client.jobs.with_streaming_response.get("j1") as response:
            assert (await response.parse()).state == "running"


GOOD = """\
from eventsapi import AsyncEvents, Events, ServerSentEvent, Stream
from eventsapi.types import CompletionChunk, Job, Progress


def follow(client: Events) -> list[str]:
    out: list[str] = []
    stream: Stream[CompletionChunk] = client.completions.create(prompt="hi")
    for event in stream:
        out.append(event.data.text)
    with client.jobs.with_streaming_response.get("j1") as response:
        job: Job = response.parse()
        out.append(job.id)
        out.extend(response.iter_lines())
    with client.jobs.with_streaming_response.watch_progress("j1") as response:
        for item in response.parse():
            typed: ServerSentEvent[Progress] = item
            out.append(str(typed.data.percent))
    out.extend(client.jobs.stream_log("j1").iter_data())
    return out


async def afollow(client: AsyncEvents) -> int:
    total = 0
    async with client.jobs.with_streaming_response.get("j1") as response:
        job: Job = await response.parse()
        async for chunk in response.iter_bytes():
            total += len(chunk) + len(job.id)
    async with await client.jobs.watch_progress("j1") as stream:
        async for event in stream:
            total += event.data.percent
    return total
"""

BAD = """\
from eventsapi import Events
from eventsapi.types import Progress


def misuse(client: Events) -> None:
    with client.jobs.with_streaming_response.get("j1") as response:
        wrong: Progress = response.parse()  # line 7: a Job is not a Progress
    for event in client.jobs.watch_progress("j1"):
        print(event.data.percentage)  # line 9: no such field
    text: int = next(client.jobs.stream_log("j1")).data  # line 10: the data is a str
"""


@pytest.mark.slow
def test_user_programs_type_check(package: tuple[Any, Path], tmp_path: Path) -> None:
    _, root = package
    (tmp_path / "good.py").write_text(GOOD)
    (tmp_path / "bad.py").write_text(BAD)
    src = root / "src"
    good = mypy_strict(tmp_path, src, src / "eventsapi", tmp_path / "good.py")
    assert good.returncode == 0, good.stdout[-5000:]
    bad = mypy_strict(tmp_path, src, tmp_path / "bad.py")
    lines = sorted(
        int(line.split(":")[1]) for line in bad.stdout.splitlines() if ": error:" in line
    )
    assert lines == [7, 9, 10], bad.stdout
