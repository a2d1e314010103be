from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.conftest import REPO

SRC = str(REPO / "generated" / "casexchange" / "src")
if SRC not in sys.path:
    sys.path.insert(0, SRC)

META = {"requestId": "req_0123456789abcdef", "timestamp": "2026-03-31T16:00:00.000Z"}


class Recorder:
    """An httpx.MockTransport handler that records requests and replays queued responses."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.responses: list[httpx.Response | Callable[[httpx.Request], httpx.Response]] = []

    def reply(self, status: int = 200, json: Any = None, **kwargs: Any) -> None:
        self.responses.append(httpx.Response(status, json=json, **kwargs))

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        if not self.responses:
            return httpx.Response(204)
        nxt = self.responses.pop(0)
        return nxt(request) if callable(nxt) else nxt


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def client(recorder: Recorder) -> Any:
    import casexchange

    return casexchange.CaseXchange(
        api_key="cxp_test_secret_key",
        max_retries=0,
        http_client=httpx.Client(transport=httpx.MockTransport(recorder)),
    )


@pytest.fixture
def aclient(recorder: Recorder) -> Any:
    import casexchange

    return casexchange.AsyncCaseXchange(
        api_key="cxp_test_secret_key",
        max_retries=0,
        http_client=httpx.AsyncClient(transport=httpx.MockTransport(recorder)),
    )
