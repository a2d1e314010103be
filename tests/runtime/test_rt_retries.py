"""Retries, backoff, Retry-After / X-RateLimit-Reset, idempotency safety and pacing."""

from __future__ import annotations

import email.utils
import random
import sys
import types
from typing import Any

import httpx
import pytest
from rt_helpers import REFERRAL, Recorder, json_response

OK = {"data": REFERRAL}


@pytest.fixture
def frozen_now(fakeapi: Any, monkeypatch: pytest.MonkeyPatch) -> float:
    now = 1_800_000_000.0
    monkeypatch.setattr(sys.modules["fakeapi._clock"], "now", lambda: now)
    return now


@pytest.fixture
def no_jitter(fakeapi: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    stub = types.SimpleNamespace(random=lambda: 0.0)
    monkeypatch.setattr(sys.modules["fakeapi._retry"], "random", stub)


def test_503_then_200_is_retried(make_client: Any, sleeps: list[float], no_jitter: None) -> None:
    rec = Recorder(json_response(503), json_response(200, OK))
    ref = make_client(rec).referrals.with_raw_response.retrieve("x")
    assert ref.attempts == 2
    assert ref.parse().id == "ref_1"
    assert len(rec.requests) == 2
    assert sleeps == [0.5]


def test_exponential_backoff_with_cap_and_jitter(
    fakeapi: Any,
    make_client: Any,
    sleeps: list[float],
    no_jitter: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rec = Recorder(json_response(500, {"message": "boom"}))
    with pytest.raises(fakeapi.InternalServerError) as info:
        make_client(rec, max_retries=6).referrals.retrieve("x")
    assert sleeps == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0]
    assert info.value.attempts == 7
    assert "[after 7 attempts]" in info.value.message
    retry = sys.modules["fakeapi._retry"]
    monkeypatch.setattr(retry, "random", random)
    delays = [retry.backoff_delay(1) for _ in range(200)]
    assert all(0.25 <= d <= 0.5 for d in delays) and len(set(delays)) > 100
    assert min(delays) < 0.3 and max(delays) > 0.45  # spread over the whole half-to-full range
    assert all(4.0 <= retry.backoff_delay(10) <= 8.0 for _ in range(50))


def test_retry_after_seconds(make_client: Any, sleeps: list[float]) -> None:
    rec = Recorder(json_response(429, headers={"Retry-After": "3"}), json_response(200, OK))
    make_client(rec).referrals.retrieve("x")
    assert sleeps == [3.0]


def test_retry_after_http_date(make_client: Any, sleeps: list[float], frozen_now: float) -> None:
    date = email.utils.formatdate(frozen_now + 7, usegmt=True)
    rec = Recorder(json_response(429, headers={"Retry-After": date}), json_response(200, OK))
    make_client(rec).referrals.retrieve("x")
    assert sleeps == [pytest.approx(7.0)]


def test_retry_after_ms(make_client: Any, sleeps: list[float]) -> None:
    rec = Recorder(json_response(503, headers={"retry-after-ms": "250"}), json_response(200, OK))
    make_client(rec).referrals.retrieve("x")
    assert sleeps == [0.25]


def test_429_without_retry_after_uses_backoff(
    make_client: Any, sleeps: list[float], no_jitter: None
) -> None:
    rec = Recorder(json_response(429), json_response(429), json_response(200, OK))
    make_client(rec).referrals.retrieve("x")
    assert sleeps == [0.5, 1.0]


def test_ratelimit_reset_unix_time(
    make_client: Any, sleeps: list[float], frozen_now: float
) -> None:
    headers = {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(int(frozen_now) + 12)}
    rec = Recorder(json_response(429, headers=headers), json_response(200, OK))
    make_client(rec).referrals.retrieve("x")
    assert sleeps == [pytest.approx(12.0)]


def test_server_wait_above_max_retry_wait_is_not_honoured(
    fakeapi: Any, make_client: Any, sleeps: list[float]
) -> None:
    rec = Recorder(json_response(429, {"message": "quota"}, headers={"Retry-After": "3600"}))
    with pytest.raises(fakeapi.RateLimitError) as info:
        make_client(rec, max_retry_wait=30).referrals.retrieve("x")
    assert sleeps == []
    assert len(rec.requests) == 1
    assert "server asked to wait 3600 s (max_retry_wait=30 s)" in info.value.message


def test_max_retries_zero_and_per_call(fakeapi: Any, make_client: Any, sleeps: list[float]) -> None:
    rec = Recorder(json_response(503))
    with pytest.raises(fakeapi.InternalServerError) as info:
        make_client(rec, max_retries=0).referrals.retrieve("x")
    assert len(rec.requests) == 1 and info.value.attempts == 1
    assert "attempts" not in info.value.message
    rec = Recorder(json_response(503))
    with pytest.raises(fakeapi.InternalServerError) as info:
        make_client(rec).referrals.retrieve("x", max_retries=4)
    assert len(rec.requests) == 5 and info.value.attempts == 5
    rec = Recorder(json_response(503))
    with pytest.raises(fakeapi.InternalServerError):
        make_client(rec, max_retries=5).referrals.retrieve("x", max_retries=0)
    assert len(rec.requests) == 1


def test_default_is_four_retries(
    fakeapi: Any, make_client: Any, sleeps: list[float], no_jitter: None
) -> None:
    rec = Recorder(json_response(502))
    with pytest.raises(fakeapi.InternalServerError) as info:
        make_client(rec).referrals.retrieve("x")
    assert len(rec.requests) == 5
    assert info.value.attempts == 5
    assert sleeps == [0.5, 1.0, 2.0, 4.0]


@pytest.mark.parametrize("status", [501, 505, 506, 507, 508, 510, 511])
def test_5xx_that_cannot_succeed_as_sent_are_not_retried(
    fakeapi: Any, make_client: Any, sleeps: list[float], status: int
) -> None:
    rec = Recorder(json_response(status, {"message": "Count forks is unsupported"}))
    with pytest.raises(fakeapi.InternalServerError) as info:
        make_client(rec).referrals.retrieve("x")
    assert len(rec.requests) == 1 and info.value.attempts == 1
    assert sleeps == []
    assert type(info.value) is fakeapi.InternalServerError
    assert "Count forks is unsupported" in str(info.value)
    assert "not retried" not in str(info.value)


@pytest.mark.parametrize("status", [500, 502, 504, 520, 522, 524, 529])
def test_transient_5xx_are_retried_for_get(make_client: Any, status: int) -> None:
    rec = Recorder(json_response(status), json_response(200, OK))
    assert make_client(rec).referrals.retrieve("x").id == "ref_1"
    assert len(rec.requests) == 2


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 422])
def test_client_errors_are_not_retried(fakeapi: Any, make_client: Any, status: int) -> None:
    rec = Recorder(json_response(status))
    with pytest.raises(fakeapi.APIStatusError):
        make_client(rec).referrals.retrieve("x")
    assert len(rec.requests) == 1


def test_408_is_retried(make_client: Any) -> None:
    rec = Recorder(json_response(408), json_response(200, OK))
    make_client(rec).referrals.retrieve("x")
    assert len(rec.requests) == 2


def test_x_should_retry_header_overrides(fakeapi: Any, make_client: Any) -> None:
    rec = Recorder(json_response(503, headers={"x-should-retry": "false"}))
    with pytest.raises(fakeapi.ServiceUnavailableError):
        make_client(rec).referrals.retrieve("x")
    assert len(rec.requests) == 1
    rec = Recorder(json_response(429, headers={"x-should-retry": "false"}))
    with pytest.raises(fakeapi.RateLimitError):
        make_client(rec).referrals.create(body={"patientName": "A"})
    assert len(rec.requests) == 1
    rec = Recorder(json_response(409, headers={"x-should-retry": "true"}), json_response(201, OK))
    make_client(rec).referrals.create(body={"patientName": "A"})
    assert len(rec.requests) == 2
    # the server vouches that it did not process the POST: retried despite the 500
    rec = Recorder(json_response(500, headers={"x-should-retry": "true"}), json_response(201, OK))
    make_client(rec).referrals.create(body={"patientName": "A"})
    assert len(rec.requests) == 2
    rec = Recorder(json_response(501, headers={"x-should-retry": "true"}), json_response(200, OK))
    make_client(rec).referrals.retrieve("x")
    assert len(rec.requests) == 2


# -- non-idempotent requests -----------------------------------------------------------------


@pytest.mark.parametrize("status", [500, 502, 504, 408, 522])
def test_post_without_idempotency_key_is_sent_exactly_once(
    fakeapi: Any, make_client: Any, sleeps: list[float], status: int
) -> None:
    rec = Recorder(json_response(status, {"message": "fail"}))
    with pytest.raises(fakeapi.APIStatusError) as info:
        make_client(rec).referrals.create(body={"patientName": "A"})
    assert len(rec.requests) == 1
    assert sleeps == []
    assert info.value.attempts == 1
    assert "not retried: POST without an Idempotency-Key header" in info.value.message


@pytest.mark.parametrize("status", [503, 429])
def test_unprocessed_post_and_patch_are_retried_without_a_key(
    fakeapi: Any, make_client: Any, sleeps: list[float], no_jitter: None, status: int
) -> None:
    rec = Recorder(
        json_response(status, {"message": "busy"}),
        json_response(status, {"message": "busy"}),
        json_response(201, OK),
    )
    ref = make_client(rec).referrals.create(body={"patientName": "A"})
    assert ref.id == "ref_1"
    assert [r.method for r in rec.requests] == ["POST"] * 3
    assert rec.bodies[0] == rec.bodies[1] == rec.bodies[2] == b'{"patientName":"A"}'
    assert "idempotency-key" not in rec.requests[0].headers
    assert sleeps == [0.5, 1.0]
    rec = Recorder(json_response(status), json_response(200, OK))
    make_client(rec).referrals.update("x", notes="n")
    assert [r.method for r in rec.requests] == ["PATCH", "PATCH"]


def test_unprocessed_post_gives_up_after_max_retries(fakeapi: Any, make_client: Any) -> None:
    rec = Recorder(json_response(503, {"detail": "Service Unavailable: too many requests"}))
    with pytest.raises(fakeapi.ServiceUnavailableError) as info:
        make_client(rec, max_retries=3).referrals.create(body={"patientName": "A"})
    assert isinstance(info.value, fakeapi.InternalServerError)
    assert len(rec.requests) == 4 and info.value.attempts == 4
    assert str(info.value) == (
        "503 Service Unavailable: Service Unavailable: too many requests [after 4 attempts]"
    )


def test_patch_without_key_is_not_retried_but_put_is(fakeapi: Any, make_client: Any) -> None:
    from fakeapi.types import ReferralCreate

    rec = Recorder(json_response(502))
    with pytest.raises(fakeapi.InternalServerError):
        make_client(rec).referrals.update("x", notes="n")
    assert len(rec.requests) == 1
    rec = Recorder(json_response(502), json_response(200, OK))
    make_client(rec).referrals.replace("x", body=ReferralCreate(patientName="A"))
    assert len(rec.requests) == 2
    assert rec.bodies[0] == rec.bodies[1]


def test_post_with_idempotency_key_is_retried(make_client: Any) -> None:
    rec = Recorder(json_response(503), json_response(201, OK))
    make_client(rec).referrals.create(body={"patientName": "A"}, idempotency_key="key-1")
    assert len(rec.requests) == 2
    assert [r.headers["idempotency-key"] for r in rec.requests] == ["key-1", "key-1"]
    assert rec.bodies[0] == rec.bodies[1]


def test_post_retried_when_connection_failed_before_sending(make_client: Any) -> None:
    rec = Recorder(httpx.ConnectError("refused"), json_response(201, OK))
    ref = make_client(rec).referrals.create(body={"patientName": "A"})
    assert ref.id == "ref_1"
    assert len(rec.requests) == 2


def test_post_not_retried_after_read_error(fakeapi: Any, make_client: Any) -> None:
    rec = Recorder(httpx.ReadError("connection reset"))
    with pytest.raises(fakeapi.APIConnectionError) as info:
        make_client(rec).referrals.create(body={"patientName": "A"})
    assert len(rec.requests) == 1
    assert "not idempotent" in str(info.value)
    assert not isinstance(info.value, fakeapi.APITimeoutError)


def test_post_not_retried_after_read_timeout(fakeapi: Any, make_client: Any) -> None:
    rec = Recorder(httpx.ReadTimeout("slow"))
    with pytest.raises(fakeapi.APITimeoutError):
        make_client(rec).referrals.create(body={"patientName": "A"})
    assert len(rec.requests) == 1


def test_get_connection_errors_retried_then_raised(fakeapi: Any, make_client: Any) -> None:
    rec = Recorder(httpx.ConnectError("[Errno 111] Connection refused"))
    with pytest.raises(fakeapi.APIConnectionError) as info:
        make_client(rec).referrals.retrieve("x")
    assert len(rec.requests) == 5
    assert info.value.attempts == 5
    assert "[after 5 attempts]" in str(info.value)
    assert "Connection refused" in str(info.value)
    assert isinstance(info.value.__cause__, httpx.ConnectError)


def test_get_timeouts_retried_then_raised(fakeapi: Any, make_client: Any) -> None:
    rec = Recorder(httpx.ReadTimeout("timed out"), httpx.ConnectTimeout("timed out"))
    with pytest.raises(fakeapi.APITimeoutError) as info:
        make_client(rec).referrals.retrieve("x")
    assert info.value.attempts == 5
    assert isinstance(info.value, fakeapi.APIConnectionError)


def test_non_retryable_transport_error(fakeapi: Any, make_client: Any) -> None:
    rec = Recorder(httpx.UnsupportedProtocol("ftp"))
    with pytest.raises(fakeapi.APIConnectionError):
        make_client(rec).referrals.retrieve("x")
    assert len(rec.requests) == 1


def test_other_request_errors_become_connection_errors(fakeapi: Any, make_client: Any) -> None:
    rec = Recorder(httpx.DecodingError("bad gzip"))
    with pytest.raises(fakeapi.APIConnectionError, match="bad gzip"):
        make_client(rec).referrals.retrieve("x")
    assert len(rec.requests) == 1


def test_unreplayable_upload_is_not_retried(fakeapi: Any, make_client: Any) -> None:
    import os

    read_fd, write_fd = os.pipe()
    os.write(write_fd, b"streamed")
    os.close(write_fd)
    rec = Recorder(json_response(503))
    with os.fdopen(read_fd, "rb") as pipe, pytest.raises(fakeapi.InternalServerError) as info:
        make_client(rec).documents.upload_content("d", body=pipe)
    assert len(rec.requests) == 1
    assert rec.bodies[0] == b"streamed"
    assert "cannot be sent again" in info.value.message
    assert rec.last.headers["transfer-encoding"] == "chunked"


def test_file_upload_retry_resends_the_same_bytes(make_client: Any, tmp_path: Any) -> None:
    path = tmp_path / "f.bin"
    path.write_bytes(b"0123456789")
    rec = Recorder(json_response(503), json_response(200, {"id": "d", "filename": "f", "size": 1}))
    with path.open("rb") as file:
        file.seek(4)  # upload from the current position
        make_client(rec).documents.upload_content("d", body=file)
    assert rec.bodies == [b"456789", b"456789"]


# -- pacing ----------------------------------------------------------------------------------


def test_pace_rate_limit_waits_for_reset(
    make_client: Any, sleeps: list[float], frozen_now: float
) -> None:
    exhausted = {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(int(frozen_now) + 5)}
    rec = Recorder(
        json_response(200, OK, headers=exhausted),
        json_response(200, OK, headers={"X-RateLimit-Remaining": "10"}),
        json_response(200, OK),
    )
    client = make_client(rec, pace_rate_limit=True)
    client.referrals.retrieve("a")
    assert sleeps == []
    client.referrals.retrieve("b")
    assert sleeps == [pytest.approx(5.0)]
    client.referrals.retrieve("c")
    assert sleeps == [pytest.approx(5.0)]


def test_no_pacing_by_default(make_client: Any, sleeps: list[float], frozen_now: float) -> None:
    exhausted = {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(int(frozen_now) + 5)}
    client = make_client(Recorder(json_response(200, OK, headers=exhausted)))
    client.referrals.retrieve("a")
    client.referrals.retrieve("b")
    assert sleeps == []


def test_pacing_shared_with_option_copies(
    make_client: Any, sleeps: list[float], frozen_now: float
) -> None:
    exhausted = {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(int(frozen_now) + 5)}
    rec = Recorder(json_response(200, OK, headers=exhausted), json_response(200, OK))
    client = make_client(rec, pace_rate_limit=True)
    client.referrals.retrieve("a")
    client.with_options(timeout=3).referrals.retrieve("b")
    assert sleeps == [pytest.approx(5.0)]


def test_rate_limit_parsing_variants(fakeapi: Any, frozen_now: float) -> None:
    from fakeapi._ratelimit import parse_rate_limit, parse_retry_after

    h = httpx.Headers
    assert parse_rate_limit(h({})) is None
    rl = parse_rate_limit(
        h({"RateLimit-Limit": "100, 100;w=60", "RateLimit-Remaining": "7", "RateLimit-Reset": "30"})
    )
    assert (rl.limit, rl.remaining) == (100, 7)
    assert rl.reset.timestamp() == pytest.approx(frozen_now + 30)
    assert rl.seconds_until_reset() == pytest.approx(30)
    rl = parse_rate_limit(h({"X-RateLimit-Reset": str(int(frozen_now * 1000) + 2000)}))
    assert rl.reset.timestamp() == pytest.approx(frozen_now + 2)
    assert parse_rate_limit(h({"X-RateLimit-Limit": "abc"})).limit is None
    assert parse_retry_after(h({"Retry-After": "garbage"})) is None
    assert parse_retry_after(h({"Retry-After": "-5"})) == 0.0
