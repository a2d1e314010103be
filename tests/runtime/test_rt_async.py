"""Async twins of the main behaviours (MockTransport)."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from rt_helpers import API_KEY, REFERRAL, Recorder, json_response

T = TypeVar("T")
OK = {"data": REFERRAL, "meta": {"requestId": "rq"}}


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


def test_async_retrieve_unwrap_and_envelope(fakeapi: Any, make_async_client: Any) -> None:
    rec = Recorder(json_response(200, OK))

    async def main() -> Any:
        async with make_async_client(rec) as client:
            return await client.referrals.retrieve("../x")

    ref = run(main())
    assert ref.id == "ref_1"
    assert fakeapi.get_envelope(ref).meta.request_id == "rq"
    assert rec.last.url.raw_path == b"/v1/referrals/..%2Fx"
    assert rec.last.headers["authorization"] == f"Bearer {API_KEY}"


def test_async_retries_and_sleep_hook(
    fakeapi: Any, make_async_client: Any, sleeps: list[float]
) -> None:
    rec = Recorder(
        json_response(429, headers={"Retry-After": "2"}), json_response(503), json_response(200, OK)
    )

    async def main() -> Any:
        return await make_async_client(rec).referrals.with_raw_response.retrieve("x")

    raw = run(main())
    assert raw.attempts == 3
    assert sleeps[0] == 2.0 and len(sleeps) == 2
    assert isinstance(raw, fakeapi.AsyncAPIResponse)

    async def parse() -> Any:
        return await raw.parse(), await raw.envelope()

    parsed, envelope = run(parse())
    assert parsed.id == "ref_1" and envelope.meta.request_id == "rq"


def test_async_post_without_key_sent_once(fakeapi: Any, make_async_client: Any) -> None:
    rec = Recorder(json_response(502, {"message": "down"}))

    async def main() -> None:
        await make_async_client(rec).referrals.create(body={"patientName": "A"})

    with pytest.raises(fakeapi.InternalServerError) as info:
        run(main())
    assert len(rec.requests) == 1 and info.value.attempts == 1

    rec2 = Recorder(json_response(502), json_response(201, OK))

    async def with_key() -> Any:
        return await make_async_client(rec2).referrals.create(
            body={"patientName": "A"}, idempotency_key="k"
        )

    assert run(with_key()).id == "ref_1"
    assert len(rec2.requests) == 2


def test_async_errors_and_error_codes(fakeapi: Any, make_async_client: Any) -> None:
    body = {"error": {"code": "REFERRAL_EXISTS", "message": "dup"}, "meta": {"requestId": "r9"}}
    rec = Recorder(json_response(409, body))

    async def main() -> None:
        await make_async_client(rec).referrals.create(body={})

    with pytest.raises(fakeapi.ReferralExistsError) as info:
        run(main())
    assert info.value.request_id == "r9"


def test_async_connection_errors(fakeapi: Any, make_async_client: Any) -> None:
    rec = Recorder(httpx.ConnectError("refused"))

    async def main() -> None:
        await make_async_client(rec).referrals.retrieve("x")

    with pytest.raises(fakeapi.APIConnectionError) as info:
        run(main())
    assert info.value.attempts == 5


def test_async_lenient_and_strict(
    fakeapi: Any, make_async_client: Any, caplog: pytest.LogCaptureFixture
) -> None:
    bad = {"data": {**REFERRAL, "tags": 3}}

    async def main(strict: bool) -> Any:
        return await make_async_client(
            Recorder(json_response(200, bad)), strict_response_validation=strict
        ).referrals.retrieve("x")

    with caplog.at_level(logging.WARNING, logger="fakeapi"):
        ref = run(main(False))
    assert fakeapi.get_validation_errors(ref)[0]["loc"] == ("data", "tags")
    with pytest.raises(fakeapi.APIResponseValidationError):
        run(main(True))


def test_async_multipart_upload(make_async_client: Any, tmp_path: Path) -> None:
    path = tmp_path / "a.pdf"
    path.write_bytes(b"%PDF-async")
    rec = Recorder(json_response(201, {"id": "d", "filename": "a.pdf", "size": 10}))

    async def main() -> Any:
        return await make_async_client(rec).referrals.upload_document("r", file=path)

    assert run(main()).filename == "a.pdf"
    assert b"%PDF-async" in rec.bodies[-1]
    assert b'filename="a.pdf"' in rec.bodies[-1]


def test_async_binary(fakeapi: Any, make_async_client: Any, tmp_path: Path) -> None:
    data = b"0123456789" * 1000
    rec = Recorder(
        httpx.Response(
            200, content=data, headers={"content-disposition": "attachment; filename=r.bin"}
        )
    )

    async def main() -> None:
        client = make_async_client(rec)
        async with await client.documents.download("d") as resp:
            assert resp.filename == "r.bin"
            assert await resp.read() == data
            assert resp.content == data
        resp2 = await client.documents.download("d")
        chunks = [c async for c in resp2.iter_bytes(1000)]
        assert b"".join(chunks) == data
        resp3 = await client.documents.download("d")
        assert await resp3.write_to_file(tmp_path / "r.bin") == len(data)

    run(main())
    assert (tmp_path / "r.bin").read_bytes() == data


def test_async_pacing(
    fakeapi: Any, make_async_client: Any, sleeps: list[float], monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    monkeypatch.setattr(sys.modules["fakeapi._clock"], "now", lambda: 1_800_000_000.0)
    headers = {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "1800000004"}
    rec = Recorder(json_response(200, OK, headers=headers), json_response(200, OK))

    async def main() -> None:
        client = make_async_client(rec, pace_rate_limit=True)
        await client.referrals.retrieve("a")
        await client.referrals.retrieve("b")

    run(main())
    assert sleeps == [pytest.approx(4.0)]


def test_async_raw_flag_does_not_leak_between_tasks(fakeapi: Any, make_async_client: Any) -> None:
    rec = Recorder(json_response(200, OK))

    async def main() -> tuple[Any, Any]:
        client = make_async_client(rec)
        return await asyncio.gather(
            client.referrals.with_raw_response.retrieve("a"), client.referrals.retrieve("b")
        )

    raw, plain = run(main())
    assert isinstance(raw, fakeapi.AsyncAPIResponse)
    assert not isinstance(plain, fakeapi.AsyncAPIResponse)
    assert json.loads(rec.bodies[0] or b"null") is None
