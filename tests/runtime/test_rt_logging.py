"""Logging content and secret redaction in logs, reprs and exception messages."""

from __future__ import annotations

import logging
from typing import Any

import httpx
import pytest
from rt_helpers import API_KEY, REFERRAL, Recorder, json_response

QUERY_KEY = "qk-LIVE-9f8e7d6c5b4a"


def test_request_logs_method_url_status_attempt_duration(
    make_client: Any, caplog: pytest.LogCaptureFixture
) -> None:
    rec = Recorder(
        json_response(503), json_response(200, {"data": REFERRAL}, headers={"x-request-id": "rq1"})
    )
    with caplog.at_level(logging.DEBUG, logger="fakeapi"):
        make_client(rec).referrals.retrieve("ref_1")
    records = [r for r in caplog.records if r.name == "fakeapi"]
    messages = [r.getMessage() for r in records]
    assert any(
        m.startswith("Sending GET https://api.fake.test/v1/referrals/ref_1 (attempt 1/5)")
        for m in messages
    )
    assert any(
        "GET https://api.fake.test/v1/referrals/ref_1 -> 503 Service Unavailable in" in m
        for m in messages
    )
    assert any("-> 200 OK in" in m and "(attempt 2/5, request id rq1)" in m for m in messages)
    retry = [r for r in records if r.getMessage().startswith("Retrying")]
    assert len(retry) == 1 and retry[0].levelno == logging.INFO
    assert "after 503 (attempt 1/5 failed)" in retry[0].getMessage()


def test_logger_name_derives_from_package(fakeapi: Any) -> None:
    from fakeapi._logs import logger

    assert logger.name == "fakeapi"


def _leaky_handler(request: httpx.Request) -> httpx.Response:
    # a server that echoes credentials back in an error message
    auth = request.headers.get("authorization", "")
    return json_response(
        401,
        {
            "error": {
                "code": "BAD_KEY",
                "message": f"invalid key {auth} / {request.url.params.get('api_key')}",
            }
        },
    )


def test_secrets_never_in_logs_reprs_or_exceptions(
    fakeapi: Any, make_client: Any, caplog: pytest.LogCaptureFixture
) -> None:
    from fakeapi._auth import MultiAuth

    auth = MultiAuth(
        fakeapi._auth.BearerAuth(API_KEY), fakeapi._auth.ApiKeyAuth("api_key", "query", QUERY_KEY)
    )
    client = make_client(
        Recorder(_leaky_handler),
        auth=auth,
        default_headers={"Cookie": "session=cookie-SECRET-value", "X-API-Key": "hdr-SECRET-key"},
    )
    with caplog.at_level(logging.DEBUG):  # every logger, httpx included
        with pytest.raises(fakeapi.AuthenticationError) as info:
            client.referrals.retrieve("x")
        with pytest.raises(fakeapi.APIConnectionError) as conn:
            make_client(
                Recorder(httpx.ConnectError(f"failed for {QUERY_KEY}")), auth=auth
            ).referrals.retrieve("x")
    err = info.value
    texts = [
        caplog.text,
        str(err),
        repr(err),
        str(conn.value),
        repr(client),
        repr(auth),
        repr(client.with_options(max_retries=1)),
    ]
    for text in texts:
        for secret in (API_KEY, QUERY_KEY, "cookie-SECRET-value", "hdr-SECRET-key"):
            assert secret not in text, (secret, text)
    assert "[REDACTED]" in str(err)
    assert (
        "HTTP Request: GET https://api.fake.test/v1/referrals/x?api_key=[REDACTED]" in caplog.text
    )
    assert "'authorization': '[REDACTED]'" in caplog.text
    assert "'cookie': '[REDACTED]'" in caplog.text
    # the request itself did carry the credentials
    assert err.response.request.url.params["api_key"] == QUERY_KEY


def test_validation_warning_is_redacted(
    fakeapi: Any, make_client: Any, caplog: pytest.LogCaptureFixture
) -> None:
    auth = fakeapi._auth.ApiKeyAuth("api_key", "query", QUERY_KEY)
    rec = Recorder(json_response(200, {"data": {**REFERRAL, "tags": 5}}))
    with caplog.at_level(logging.WARNING, logger="fakeapi"):
        make_client(rec, auth=auth).referrals.retrieve("x")
    assert "does not match the schema" in caplog.text
    assert QUERY_KEY not in caplog.text


def test_auth_reprs(fakeapi: Any) -> None:
    from fakeapi._auth import BasicAuth

    assert repr(fakeapi._auth.BearerAuth("tok-123456789")) == "BearerAuth(token='****')"
    assert "k-12345678" not in repr(fakeapi._auth.ApiKeyAuth("X-Key", "header", "k-12345678"))
    assert "hunter22" not in repr(BasicAuth("me", "hunter22"))
    with pytest.raises(ValueError):
        fakeapi._auth.ApiKeyAuth("k", "body", "v")  # type: ignore[arg-type]
    assert isinstance(fakeapi._auth.BearerAuth("t"), fakeapi._auth.Auth)
