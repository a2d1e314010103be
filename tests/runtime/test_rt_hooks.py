"""Hooks around every request (`_hooks.py`): what each sees, when it runs, and what it may change."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
from typing import Any

import httpx
import pytest
from rt_helpers import API_KEY, REFERRAL, Recorder, json_response

OK = {"data": REFERRAL, "meta": {"requestId": "rq"}}


def _hooks(fakeapi: Any) -> Any:
    import fakeapi._hooks as hooks  # the package under test (tests/runtime/conftest.py)

    return hooks


def test_before_request_runs_per_attempt_and_may_sign_the_request(
    fakeapi: Any, make_client: Any
) -> None:
    h = _hooks(fakeapi)
    seen: list[tuple[str, int, str]] = []

    def sign(event: Any) -> None:
        digest = hmac.new(b"k", event.request.content, hashlib.sha256).hexdigest()
        event.request.headers["X-Signature"] = f"{event.attempt}:{digest}"
        shown = event.redact(f"authorization: {event.request.headers['authorization']}")
        seen.append((event.operation_id, event.attempt, shown))

    rec = Recorder(json_response(503), json_response(201, OK))
    client = make_client(rec, hooks=h.Hooks(before_request=[sign]))
    client.referrals.create(body={"patientName": "Ada"}, idempotency_key="idem-1")
    body = rec.bodies[-1]
    digest = hmac.new(b"k", body, hashlib.sha256).hexdigest()
    assert [r.headers["x-signature"] for r in rec.requests] == [f"1:{digest}", f"2:{digest}"]
    assert [(op, attempt) for op, attempt, _ in seen] == [
        ("createReferral", 1),
        ("createReferral", 2),
    ]
    # the hook sees the request as sent (credentials included); `redact` hides them in its text
    assert rec.last.headers["authorization"] == f"Bearer {API_KEY}"
    assert all(API_KEY not in text and "[REDACTED]" in text for _, _, text in seen)


def test_after_response_sees_every_attempt_with_its_body(fakeapi: Any, make_client: Any) -> None:
    h = _hooks(fakeapi)
    seen: list[tuple[int, int, bool, bool]] = []

    def metrics(event: Any) -> None:
        response = event.response
        seen.append(
            (event.attempt, response.status_code, event.elapsed >= 0, b"data" in response.content)
        )
        assert event.request is response.request

    rec = Recorder(json_response(503), json_response(200, OK))
    client = make_client(rec, hooks=h.Hooks(after_response=[metrics]))
    assert client.referrals.retrieve("x").id == "ref_1"
    assert seen == [(1, 503, True, False), (2, 200, True, True)]


def test_on_error_runs_once_with_the_raised_exception(fakeapi: Any, make_client: Any) -> None:
    h = _hooks(fakeapi)
    errors: list[Any] = []
    rec = Recorder(json_response(503))
    client = make_client(rec, hooks=h.Hooks(on_error=[errors.append]), max_retries=2)
    with pytest.raises(fakeapi.ServiceUnavailableError) as info:
        client.referrals.retrieve("x")
    assert len(rec.requests) == 3  # retried, then one error
    assert [(e.error, e.operation_id) for e in errors] == [(info.value, "getReferral")]
    assert API_KEY not in str(errors[0].error)
    client.with_options(hooks=None)  # no hooks: nothing recorded
    errors.clear()
    with pytest.raises(fakeapi.ServiceUnavailableError):
        client.with_options(hooks=None).referrals.retrieve("x")
    assert errors == []


def test_on_error_sees_connection_errors_and_not_successes(fakeapi: Any, make_client: Any) -> None:
    h = _hooks(fakeapi)
    errors: list[Any] = []
    rec = Recorder(json_response(200, OK), httpx.ConnectError("refused"))
    client = make_client(rec, hooks=h.Hooks(on_error=[errors.append]), max_retries=0)
    client.referrals.retrieve("x")
    assert errors == []
    with pytest.raises(fakeapi.APIConnectionError):
        client.referrals.retrieve("x")
    assert [type(e.error).__name__ for e in errors] == ["APIConnectionError"]


def test_a_failing_hook_ends_the_call_and_closes_the_response(
    fakeapi: Any, make_client: Any
) -> None:
    h = _hooks(fakeapi)
    responses: list[httpx.Response] = []

    def broken(event: Any) -> None:
        responses.append(event.response)
        raise RuntimeError("hook failed")

    client = make_client(Recorder(json_response(200, OK)), hooks=h.Hooks(after_response=[broken]))
    with pytest.raises(RuntimeError, match="hook failed"):
        client.referrals.retrieve("x")
    assert responses[0].is_closed


def test_hooks_run_in_order_and_with_options_replaces_them(fakeapi: Any, make_client: Any) -> None:
    h = _hooks(fakeapi)
    order: list[str] = []
    first = h.Hooks(before_request=[lambda e: order.append("a"), lambda e: order.append("b")])
    client = make_client(Recorder(json_response(200, OK)), hooks=first)
    client.referrals.retrieve("x")
    other = client.with_options(hooks=h.Hooks(before_request=[lambda e: order.append("c")]))
    other.referrals.retrieve("x")
    client.referrals.retrieve("x")
    assert order == ["a", "b", "c", "a", "b"]
    assert other._auth is client._auth and other._pool is client._pool


def test_async_hooks_may_be_coroutines_or_plain_functions(
    fakeapi: Any, make_async_client: Any
) -> None:
    h = _hooks(fakeapi)
    order: list[str] = []

    async def trace(event: Any) -> None:
        await asyncio.sleep(0)
        event.request.headers["traceparent"] = "00-trace"
        order.append(f"before {event.attempt}")

    async def failed(event: Any) -> None:
        order.append(f"error {type(event.error).__name__}")

    hooks = h.AsyncHooks(
        before_request=[trace],
        after_response=[lambda e: order.append(f"after {e.response.status_code}")],
        on_error=[failed],
    )
    rec = Recorder(json_response(200, OK), json_response(404, {"message": "no"}))

    async def main() -> None:
        async with make_async_client(rec, hooks=hooks) as client:
            await client.referrals.retrieve("x")
            with pytest.raises(fakeapi.NotFoundError):
                await client.referrals.retrieve("y")

    asyncio.run(main())
    assert order == ["before 1", "after 200", "before 1", "after 404", "error NotFoundError"]
    assert all(r.headers["traceparent"] == "00-trace" for r in rec.requests)
