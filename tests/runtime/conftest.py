"""Generate the ``fakeapi`` package from tests/fixtures/specs/fakeapi_31.yml once per session and import it."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from rt_helpers import API_KEY, Handler, Recorder, accepting_auth, build_package

from tests.support.loopback import LoopServer


@pytest.fixture(scope="session")
def fakeapi_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_package(tmp_path_factory.mktemp("project"))


@pytest.fixture(scope="session")
def fakeapi(fakeapi_dir: Path) -> Any:
    sys.path.insert(0, str(fakeapi_dir.parent))
    try:
        return importlib.import_module("fakeapi")
    finally:
        sys.path.remove(str(fakeapi_dir.parent))


class Sleeps(list[float]):
    """Records every wait requested by the runtime instead of sleeping."""


@pytest.fixture(autouse=True)
def sleeps(fakeapi: Any, monkeypatch: pytest.MonkeyPatch) -> Sleeps:
    recorded = Sleeps()

    def fake_sleep(seconds: float) -> None:
        recorded.append(seconds)

    async def fake_async_sleep(seconds: float) -> None:
        recorded.append(seconds)

    clock = sys.modules["fakeapi._clock"]
    monkeypatch.setattr(clock, "sleep", fake_sleep)
    monkeypatch.setattr(clock, "async_sleep", fake_async_sleep)
    return recorded


@pytest.fixture
def make_client(fakeapi: Any) -> Iterator[Callable[..., Any]]:
    clients: list[Any] = []

    def make(handler: Handler, **options: Any) -> Any:
        options.setdefault("token", API_KEY)
        http_client = httpx.Client(transport=httpx.MockTransport(handler))
        cls = accepting_auth(fakeapi.FakeAPI) if "auth" in options else fakeapi.FakeAPI
        client = cls(http_client=http_client, **options)
        clients.append(http_client)
        return client

    yield make
    for http_client in clients:
        http_client.close()


@pytest.fixture
def make_async_client(fakeapi: Any) -> Callable[..., Any]:
    def make(handler: Recorder | Callable[..., Any], **options: Any) -> Any:
        options.setdefault("token", API_KEY)
        async_handler = getattr(handler, "handle_async", handler)
        http_client = httpx.AsyncClient(transport=httpx.MockTransport(async_handler))
        cls = accepting_auth(fakeapi.AsyncFakeAPI) if "auth" in options else fakeapi.AsyncFakeAPI
        return cls(http_client=http_client, **options)

    return make


@pytest.fixture
def client(fakeapi: Any, server: LoopServer) -> Iterator[Any]:
    """A ``FakeAPI`` on the loopback ``server`` (tests/support/fixtures.py), over real sockets."""
    with fakeapi.FakeAPI(token=API_KEY, base_url=f"{server.origin}/v1", timeout=5.0) as c:
        yield c
