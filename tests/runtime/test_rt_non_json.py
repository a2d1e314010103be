"""Non-JSON success bodies where the spec declares JSON (#13 §2): lenient mode returns them as text or
bytes instead of raising; strict mode raises a clear APIResponseValidationError. Real sockets."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from rt_helpers import API_KEY, REFERRAL

from tests.support.loopback import Exchange, LoopServer, serving

CSV = b"id,status\nref_1,open\nref_2,closed\n"
PDF = b"%PDF-1.7\n\xe2\xe3\xcf\xd3\n" + bytes(range(256))


@pytest.fixture(scope="module")
def server() -> Iterator[LoopServer]:
    with serving() as running:
        yield running


def _answer(server: LoopServer, path: str, body: bytes, content_type: str | None) -> None:
    def route(exchange: Exchange) -> None:
        exchange.reply(200, body, content_type=content_type)

    server.on(path, route)


@pytest.mark.parametrize(
    ("body", "content_type", "expected"),
    [
        (CSV, "text/csv", CSV.decode()),
        (b"OK", "text/plain; charset=utf-8", "OK"),
        ("caf\xe9".encode("latin-1"), "text/plain; charset=iso-8859-1", "caf\xe9"),
        (b"<ok/>", "application/xml", "<ok/>"),
        (PDF, "application/pdf", PDF),
        (PDF, "application/octet-stream", PDF),
        (b"plain words", None, "plain words"),  # no Content-Type: UTF-8 text is text
        (PDF, None, PDF),  # no Content-Type, not UTF-8: bytes
    ],
)
def test_lenient_mode_returns_text_or_bytes(
    fakeapi: Any,
    server: LoopServer,
    caplog: pytest.LogCaptureFixture,
    body: bytes,
    content_type: str | None,
    expected: str | bytes,
) -> None:
    _answer(server, "/referrals/r1", body, content_type)
    with (
        fakeapi.FakeAPI(token=API_KEY, base_url=server.origin) as client,
        caplog.at_level(logging.WARNING, logger="fakeapi"),
    ):
        got = client.referrals.retrieve("r1")
    assert got == expected and type(got) is type(expected)
    [warning] = [r for r in caplog.records if r.name == "fakeapi"]
    assert "is not JSON" in warning.getMessage()
    assert f"returned as {type(expected).__name__}" in warning.getMessage()


def test_strict_mode_raises_a_clear_error(fakeapi: Any, server: LoopServer) -> None:
    _answer(server, "/referrals/r1", CSV, "text/csv")
    with (
        fakeapi.FakeAPI(
            token=API_KEY, base_url=server.origin, strict_response_validation=True
        ) as client,
        pytest.raises(fakeapi.APIResponseValidationError) as info,
    ):
        client.referrals.retrieve("r1")
    message = str(info.value)
    assert f"GET {server.origin}/referrals/r1 is not JSON" in message
    assert "Content-Type 'text/csv'" in message and f"{len(CSV)} bytes" in message
    assert "strict_response_validation" in message
    assert info.value.body == CSV.decode() and info.value.status_code == 200


def test_json_with_a_text_content_type_is_still_parsed(fakeapi: Any, server: LoopServer) -> None:
    _answer(server, "/referrals/r1", json.dumps({"data": REFERRAL}).encode(), "text/plain")
    with fakeapi.FakeAPI(token=API_KEY, base_url=server.origin) as client:
        assert client.referrals.retrieve("r1").id == "ref_1"


def test_a_body_claiming_json_that_is_not_still_raises(fakeapi: Any, server: LoopServer) -> None:
    _answer(server, "/referrals/r1", b'{"data": {"id": ', "application/json")
    with (
        fakeapi.FakeAPI(token=API_KEY, base_url=server.origin) as client,
        pytest.raises(fakeapi.APIResponseValidationError, match="not valid JSON"),
    ):
        client.referrals.retrieve("r1")


def test_pages_raw_responses_and_async_fall_back_too(fakeapi: Any, server: LoopServer) -> None:
    _answer(server, "/referrals", CSV, "text/csv")
    _answer(server, "/referrals/r1", CSV, "text/csv")
    with fakeapi.FakeAPI(token=API_KEY, base_url=server.origin) as client:
        assert client.referrals.list() == CSV.decode()  # no page object around a CSV
        raw = client.referrals.with_raw_response.retrieve("r1")
        assert raw.parse() == CSV.decode() and raw.validation_errors == []

    async def main() -> Any:
        async with fakeapi.AsyncFakeAPI(token=API_KEY, base_url=server.origin) as client:
            return await client.referrals.retrieve("r1")

    assert asyncio.run(main()) == CSV.decode()
