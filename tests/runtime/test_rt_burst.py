"""A burst of creates against a server that refuses what it cannot take (503), on real sockets.

The issue (#13 §2): 35 concurrent creates against a real server, 32 of them failed with 503 Service
Unavailable because POSTs were never retried. A 503 says the request was not processed, so it is
retried for every method; the default retries and backoff (with jitter) must carry such a burst.
"""

from __future__ import annotations

import asyncio
import json
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from rt_helpers import API_KEY, REFERRAL

from tests.support.loopback import Exchange, LoopServer, serving

BURST = 35
SLOTS = 3  # requests the server processes at a time; it answers 503 to any other
SERVICE_SECONDS = 0.05

pytestmark = pytest.mark.slow  # real waits: a few seconds per burst


class Capacity:
    """The server's state: what it stored, how often it refused, how many ran at once."""

    def __init__(self) -> None:
        self.slots = threading.BoundedSemaphore(SLOTS)
        self.lock = threading.Lock()
        self.stored: list[str] = []
        self.refused = 0
        self.running = 0
        self.most_running = 0

    def create(self, exchange: Exchange) -> None:
        if not self.slots.acquire(blocking=False):
            with self.lock:
                self.refused += 1
            exchange.json(503, {"detail": "Service Unavailable: the server is busy"})
            return
        try:
            with self.lock:
                self.running += 1
                self.most_running = max(self.most_running, self.running)
            time.sleep(SERVICE_SECONDS)
            name = json.loads(exchange.received.body)["patientName"]
            with self.lock:
                self.stored.append(name)
                self.running -= 1
            exchange.json(201, {"data": {**REFERRAL, "patientName": name}})
        finally:
            self.slots.release()


@pytest.fixture
def busy_server() -> Iterator[tuple[LoopServer, Capacity]]:
    capacity = Capacity()
    with serving() as server:
        server.on("/referrals", capacity.create)
        yield server, capacity


@pytest.fixture
def real_waits(fakeapi: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Undo the instant sleeps of tests/runtime/conftest.py: the backoff must really spread."""
    clock = sys.modules["fakeapi._clock"]

    def sleep(seconds: float) -> None:
        time.sleep(max(seconds, 0.0))

    async def async_sleep(seconds: float) -> None:
        await asyncio.sleep(max(seconds, 0.0))

    monkeypatch.setattr(clock, "sleep", sleep)
    monkeypatch.setattr(clock, "async_sleep", async_sleep)


def _check(capacity: Capacity, names: list[str], created: list[str]) -> None:
    assert created == names  # every call returned its own referral
    assert sorted(capacity.stored) == sorted(names)  # each stored exactly once: no double POST
    assert capacity.refused > 0  # the server really pushed back (the test exercises the retries)
    assert capacity.most_running <= SLOTS


def test_thread_burst_of_posts_survives_503s_with_default_retries(
    fakeapi: Any, busy_server: tuple[LoopServer, Capacity], real_waits: None
) -> None:
    server, capacity = busy_server
    names = [f"patient-{i}" for i in range(BURST)]
    with fakeapi.FakeAPI(token=API_KEY, base_url=server.origin) as client:
        assert client.max_retries == 4  # the defaults carry the burst

        def create(name: str) -> str:
            return str(client.referrals.create(body={"patientName": name}).patient_name)

        with ThreadPoolExecutor(max_workers=BURST) as pool:
            created = list(pool.map(create, names))
    _check(capacity, names, created)


def test_async_burst_of_posts_survives_503s_with_default_retries(
    fakeapi: Any, busy_server: tuple[LoopServer, Capacity], real_waits: None
) -> None:
    server, capacity = busy_server
    names = [f"patient-{i}" for i in range(BURST)]

    async def main() -> list[str]:
        async with fakeapi.AsyncFakeAPI(token=API_KEY, base_url=server.origin) as client:
            results = await asyncio.gather(
                *(client.referrals.create(body={"patientName": n}) for n in names)
            )
        return [str(r.patient_name) for r in results]

    _check(capacity, names, asyncio.run(main()))


def test_burst_without_retries_fails(
    fakeapi: Any, busy_server: tuple[LoopServer, Capacity], real_waits: None
) -> None:
    """The control: the same burst with retries off loses most creates to 503s."""
    server, capacity = busy_server
    with fakeapi.FakeAPI(token=API_KEY, base_url=server.origin, max_retries=0) as client:

        def create(name: str) -> str:
            try:
                client.referrals.create(body={"patientName": name})
            except fakeapi.ServiceUnavailableError as err:
                assert err.attempts == 1
                return "503"
            return "ok"

        with ThreadPoolExecutor(max_workers=BURST) as pool:
            outcomes = list(pool.map(create, [f"p{i}" for i in range(BURST)]))
    assert outcomes.count("503") == capacity.refused > 0
    assert outcomes.count("ok") == len(capacity.stored)
