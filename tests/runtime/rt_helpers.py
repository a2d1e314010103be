"""Helpers shared by the runtime tests (imported as a top-level module)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

API_KEY = "sk-test-SECRET-0123456789abcdef"

Handler = Callable[[httpx.Request], httpx.Response]


class Recorder:
    """A MockTransport handler that records requests and replays scripted responses."""

    def __init__(self, *responses: httpx.Response | Handler | Exception) -> None:
        self.requests: list[httpx.Request] = []
        self.bodies: list[bytes] = []
        self._responses = list(responses)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        self.bodies.append(request.read())
        if not self._responses:
            raise AssertionError(f"unexpected request {request.method} {request.url}")
        item = self._responses.pop(0) if len(self._responses) > 1 else self._responses[0]
        if isinstance(item, Exception):
            raise item
        if callable(item) and not isinstance(item, httpx.Response):
            return item(request)
        return item

    async def handle_async(self, request: httpx.Request) -> httpx.Response:
        await request.aread()
        return self(request)

    @property
    def last(self) -> httpx.Request:
        return self.requests[-1]


def json_response(status: int = 200, body: Any = None, **kwargs: Any) -> httpx.Response:
    return httpx.Response(status, json=body, **kwargs)


REFERRAL = {
    "id": "ref_1",
    "status": "open",
    "patientName": "Ada Lovelace",
    "createdAt": "2024-05-01T12:00:00Z",
    "tags": ["a"],
}
