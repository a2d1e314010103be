"""Hostile bodies cost linear time and bounded memory (issue 12, item 8).

Sizes are modest and ``max_response_bytes`` is lowered, so each test is quick; what is asserted is
the outcome (a clear error, a bounded memory peak, the prefix the parser looked at), never a time.
"""

from __future__ import annotations

import gzip
import json
import tracemalloc
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from rt_helpers import API_KEY, REFERRAL

from tests.support.loopback import Exchange, LoopServer, serving

MiB = 1024 * 1024
LIMIT = 1 * MiB
ZEROS = gzip.compress(b"\0" * (32 * MiB), 6)  # 32 KB on the wire
DOUBLE = gzip.compress(ZEROS, 6)  # ~200 bytes on the wire, 32 MiB decoded


@pytest.fixture
def a() -> Iterator[LoopServer]:
    with serving() as server:
        yield server


def _client(fakeapi: Any, server: LoopServer, **options: Any) -> Any:
    options.setdefault("max_response_bytes", LIMIT)
    return fakeapi.FakeAPI(token=API_KEY, base_url=f"{server.origin}/v1", max_retries=0, **options)


def _encoded(body: bytes, encoding: str) -> Any:
    def route(ex: Exchange) -> None:
        ex.reply(200, body, {"Content-Encoding": encoding})

    return route


@pytest.mark.parametrize(
    ("body", "encoding"),
    [
        (ZEROS, "gzip"),
        (DOUBLE, "gzip, gzip"),
        (zlib.compress(b"\0" * (32 * MiB)), "deflate"),
    ],
    ids=["gzip", "gzip-gzip", "deflate"],
)
def test_compression_bomb_stops_at_the_limit_with_bounded_memory(
    fakeapi: Any, a: LoopServer, body: bytes, encoding: str
) -> None:
    a.on("/v1/referrals/r1", _encoded(body, encoding))
    with _client(fakeapi, a) as client:
        tracemalloc.start()
        try:
            with pytest.raises(fakeapi.ResponseTooLargeError) as info:
                client.referrals.retrieve("r1")
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert info.value.limit == LIMIT and info.value.status_code == 200
    assert "max_response_bytes (1,048,576 bytes decoded)" in str(info.value)
    assert peak < 8 * MiB, f"peak {peak:,} bytes while decoding a {len(body):,}-byte bomb"


async def test_async_compression_bomb_stops_at_the_limit(fakeapi: Any, a: LoopServer) -> None:
    a.on("/v1/referrals/r1", _encoded(DOUBLE, "gzip, gzip"))
    async with fakeapi.AsyncFakeAPI(
        token=API_KEY, base_url=f"{a.origin}/v1", max_response_bytes=LIMIT
    ) as client:
        with pytest.raises(fakeapi.ResponseTooLargeError):
            await client.referrals.retrieve("r1")


def test_declared_2_gib_body_fails_before_reading(fakeapi: Any, a: LoopServer) -> None:
    def huge(ex: Exchange) -> None:
        ex.send_response(200)
        ex.send_header("Content-Type", "application/json")
        ex.send_header("Content-Length", str(2 * 1024 * MiB))
        ex.end_headers()
        ex.wfile.write(b'{"data": [')
        ex.silence(30)  # the client must not wait for the rest

    a.on("/v1/referrals/r1", huge)
    with (
        fakeapi.FakeAPI(token=API_KEY, base_url=f"{a.origin}/v1") as client,  # default limit
        pytest.raises(fakeapi.ResponseTooLargeError, match="67,108,864 bytes"),
    ):
        client.referrals.retrieve("r1")


def test_undeclared_body_over_the_limit(fakeapi: Any, a: LoopServer) -> None:
    def close_delimited(ex: Exchange) -> None:  # no Content-Length: read until the server closes
        ex.send_response(200)
        ex.send_header("Content-Type", "application/json")
        ex.send_header("Connection", "close")
        ex.end_headers()
        ex.wfile.write(b'{"data": "' + b"x" * (3 * MiB) + b'"}')
        ex.close_connection = True

    a.on("/v1/referrals/r1", close_delimited)
    with _client(fakeapi, a) as client, pytest.raises(fakeapi.ResponseTooLargeError):
        client.referrals.retrieve("r1")


def test_error_body_over_the_limit_still_gives_the_status_error(
    fakeapi: Any, a: LoopServer
) -> None:
    page = b"<html><head><title>Upstream failed</title></head><body>" + b"x" * (5 * MiB)
    a.on("/v1/referrals/r1", lambda ex: ex.reply(502, page, content_type="text/html"))
    with _client(fakeapi, a) as client, pytest.raises(fakeapi.InternalServerError) as info:
        client.referrals.retrieve("r1")
    assert info.value.message.startswith("502 Bad Gateway: Upstream failed")
    assert isinstance(info.value.body, str) and len(info.value.body) == LIMIT  # the prefix


def test_deeply_nested_error_json_gives_the_api_error_with_the_raw_text(
    fakeapi: Any, a: LoopServer
) -> None:
    nested = b'{"error": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    a.on("/v1/referrals/r1", lambda ex: ex.reply(400, nested))
    with _client(fakeapi, a) as client, pytest.raises(fakeapi.BadRequestError) as info:
        client.referrals.retrieve("r1")
    assert info.value.body == nested.decode()


def test_binary_content_is_limited_but_streaming_to_disk_is_not(
    fakeapi: Any, a: LoopServer, tmp_path: Path
) -> None:
    blob = bytes(range(256)) * (8 * 1024)  # 2 MiB
    a.on(
        "/v1/documents/d1/content",
        lambda ex: ex.reply(200, blob, content_type="application/octet-stream"),
    )
    with _client(fakeapi, a) as client:
        with pytest.raises(fakeapi.ResponseTooLargeError):
            _ = client.documents.download("d1").content
        assert client.documents.download("d1").write_to_file(tmp_path / "f.bin") == len(blob)
    assert (tmp_path / "f.bin").read_bytes() == blob


def test_limit_none_reads_everything(fakeapi: Any, a: LoopServer) -> None:
    body = json.dumps({"data": dict(REFERRAL, notes="n" * (2 * MiB))}).encode()
    a.on("/v1/referrals/r1", lambda ex: ex.reply(200, body))
    with _client(fakeapi, a, max_response_bytes=None) as client:
        assert client.referrals.retrieve("r1").id == "ref_1"


# -- the error-page parser ----------------------------------------------------------------------


def _parse(fakeapi: Any, text: str) -> Any:
    from fakeapi._error_body import parse_error_body

    response = httpx.Response(
        500,
        content=text.encode(),
        headers={"content-type": "text/html"},
        request=httpx.Request("GET", "https://api.test/"),
    )
    return parse_error_body(response)


def test_error_page_parser_looks_only_at_a_bounded_prefix(fakeapi: Any) -> None:
    from fakeapi._error_body import TEXT_PREFIX

    late = "x" * TEXT_PREFIX + "<title>Late title</title>"
    assert "Late" not in (_parse(fakeapi, late).message or "")
    early = "<title>Early title</title>" + "x" * TEXT_PREFIX + "<title>Late</title>"
    assert _parse(fakeapi, early).message == "Early title"
    # a title closed only after the prefix is not a title: the page text is used instead
    unclosed = "<title>" + "A" * (4 * TEXT_PREFIX) + "</title>"
    message = _parse(fakeapi, unclosed).message
    assert message is not None and set(message) <= {"A", "…"} and len(message) <= 500


@pytest.mark.parametrize(
    "text",
    [
        "<title>" * 40_000,  # every <title> unclosed: quadratic for a `<title>(.*?)</title>` regex
        "<title" + " " * 300_000,
        "<title>" + "<" * 300_000,
        "<" * 300_000,
        "<a" * 150_000,
        "<" + ">" * 300_000,
    ],
    ids=["repeated-title", "unclosed-title", "title-lt", "lt", "unclosed-tags", "gt"],
)
def test_hostile_error_pages_parse(fakeapi: Any, text: str) -> None:
    info = _parse(fakeapi, text)
    assert info.message is None or len(info.message) <= 500
    assert info.body == text
