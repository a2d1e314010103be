"""Mapping error responses onto exceptions, and the error body formats understood."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from rt_helpers import Recorder, json_response

STATUS_CLASSES = [
    (400, "BadRequestError"),
    (401, "AuthenticationError"),
    (403, "PermissionDeniedError"),
    (404, "NotFoundError"),
    (405, "MethodNotAllowedError"),
    (409, "ConflictError"),
    (413, "PayloadTooLargeError"),
    (422, "UnprocessableEntityError"),
    (429, "RateLimitError"),
    (500, "InternalServerError"),
    (502, "InternalServerError"),
    (501, "InternalServerError"),
    (503, "ServiceUnavailableError"),
    (504, "InternalServerError"),
    (418, "APIStatusError"),
]


@pytest.mark.parametrize(("status", "name"), STATUS_CLASSES)
def test_status_maps_to_exception_class(
    fakeapi: Any, make_client: Any, status: int, name: str
) -> None:
    rec = Recorder(json_response(status, {"message": "nope"}))
    with pytest.raises(fakeapi.APIStatusError) as info:
        make_client(rec, max_retries=0).referrals.retrieve("x")
    assert type(info.value) is getattr(fakeapi, name)
    assert info.value.status_code == status
    assert info.value.message.startswith(f"{status} ")
    assert isinstance(info.value, fakeapi.APIError)


def test_casexchange_error_body(fakeapi: Any, make_client: Any) -> None:
    body = {
        "error": {
            "code": "VALIDATION_FAILED",
            "message": "patientName is required",
            "details": [{"field": "patientName", "issue": "missing"}],
        },
        "meta": {"requestId": "req_abc"},
    }
    rec = Recorder(json_response(400, body, headers={"x-request-id": "req_header"}))
    with pytest.raises(fakeapi.BadRequestError) as info:
        make_client(rec).referrals.create(body={})
    err = info.value
    assert err.code == "VALIDATION_FAILED"
    assert err.message == (
        "400 Bad Request: patientName is required; patientName: missing "
        "(code=VALIDATION_FAILED, request_id=req_abc)"
    )
    assert err.details == [fakeapi.ErrorDetail("missing", ("patientName",))]
    assert err.details[0].raw == {"field": "patientName", "issue": "missing"}
    assert err.request_id == "req_abc"  # the body wins over the header
    assert err.body == body
    assert err.response.status_code == 400
    assert err.request is not None and err.request.method == "POST"
    assert err.attempts == 1


def test_error_codes_pick_a_more_specific_subclass(fakeapi: Any, make_client: Any) -> None:
    body = {"error": {"code": "REFERRAL_EXISTS", "message": "duplicate"}}
    with pytest.raises(fakeapi.ReferralExistsError) as info:
        make_client(Recorder(json_response(409, body))).referrals.create(body={})
    assert isinstance(info.value, fakeapi.ConflictError)
    assert info.value.code == "REFERRAL_EXISTS"
    other = {"error": {"code": "OTHER", "message": "x"}}
    with pytest.raises(fakeapi.ConflictError) as info2:
        make_client(Recorder(json_response(409, other))).referrals.create(body={})
    assert type(info2.value) is fakeapi.ConflictError


def test_jsonapi_errors(fakeapi: Any, make_client: Any) -> None:
    body = {
        "errors": [
            {
                "status": "422",
                "code": "too_short",
                "title": "Invalid name",
                "detail": "too short",
                "source": {"pointer": "/data/attributes/name"},
            },
            {"status": "422", "code": "blank", "title": "Invalid", "detail": "blank"},
        ]
    }
    with pytest.raises(fakeapi.UnprocessableEntityError) as info:
        make_client(Recorder(json_response(422, body))).referrals.create(body={})
    err = info.value
    assert err.code == "too_short"
    assert "Invalid name: too short (+1 more)" in err.message
    assert err.details == [
        fakeapi.ErrorDetail("too short", ("data", "attributes", "name"), "too_short"),
        fakeapi.ErrorDetail("blank", (), "blank"),
    ]
    assert [d.raw for d in err.details] == body["errors"]


@pytest.mark.parametrize(
    ("body", "message", "code"),
    [
        ({"message": "Referral not found", "code": "not_found"}, "Referral not found", "not_found"),
        ({"detail": "Not authenticated"}, "Not authenticated", None),
        (
            {"detail": [{"loc": ["body", "x"], "msg": "field required"}]},
            "body.x: field required",
            None,
        ),
        ({"error": "invalid_grant", "error_description": "bad code"}, "bad code", "invalid_grant"),
        (["weird", "list"], '["weird", "list"]', None),
        ({"something": "else"}, None, None),
    ],
)
def test_other_json_error_shapes(
    fakeapi: Any, make_client: Any, body: Any, message: str | None, code: str | None
) -> None:
    with pytest.raises(fakeapi.APIStatusError) as info:
        make_client(Recorder(json_response(404, body))).referrals.retrieve("x")
    err = info.value
    assert err.code == code
    assert err.body == body
    if message is None:
        assert err.message == "404 Not Found"
    else:
        assert err.message.startswith(f"404 Not Found: {message}")


def test_html_502_page(fakeapi: Any, make_client: Any) -> None:
    html = (
        "<html><head><title>502 Bad Gateway</title></head>"
        "<body><center><h1>502 Bad Gateway</h1></center><hr>nginx</body></html>"
    )
    response = httpx.Response(
        502, text=html, headers={"content-type": "text/html", "x-request-id": "rid"}
    )
    with pytest.raises(fakeapi.InternalServerError) as info:
        make_client(Recorder(response), max_retries=0).referrals.retrieve("x")
    err = info.value
    assert err.message == "502 Bad Gateway: 502 Bad Gateway (request_id=rid)"
    assert err.body == html
    assert err.request_id == "rid"
    assert err.code is None


def test_plain_text_and_empty_error_bodies(fakeapi: Any, make_client: Any) -> None:
    with pytest.raises(fakeapi.PermissionDeniedError) as info:
        make_client(
            Recorder(httpx.Response(403, text="Forbidden\n  by policy"))
        ).referrals.retrieve("x")
    assert info.value.message == "403 Forbidden: Forbidden by policy"
    with pytest.raises(fakeapi.NotFoundError) as info2:
        make_client(Recorder(httpx.Response(404))).referrals.retrieve("x")
    assert info2.value.message == "404 Not Found"
    assert info2.value.body is None


def test_binary_garbage_error_body_does_not_crash(fakeapi: Any, make_client: Any) -> None:
    response = httpx.Response(
        400, content=b"\xff\xfe\x00garbage", headers={"content-type": "application/octet-stream"}
    )
    with pytest.raises(fakeapi.BadRequestError) as info:
        make_client(Recorder(response)).referrals.retrieve("x")
    assert info.value.status_code == 400


def test_long_messages_are_truncated(fakeapi: Any, make_client: Any) -> None:
    with pytest.raises(fakeapi.BadRequestError) as info:
        make_client(Recorder(json_response(400, {"message": "x" * 5000}))).referrals.retrieve("x")
    assert len(info.value.message) < 600


def test_rate_limit_on_errors(fakeapi: Any, make_client: Any) -> None:
    headers = {
        "X-RateLimit-Limit": "10",
        "X-RateLimit-Remaining": "0",
        "X-RateLimit-Reset": "4102444800",
    }
    response = json_response(429, {"message": "slow down"}, headers=headers)
    with pytest.raises(fakeapi.RateLimitError) as info:
        make_client(Recorder(response), max_retries=0).referrals.retrieve("x")
    rate_limit = info.value.rate_limit
    assert rate_limit == fakeapi.RateLimit(10, 0, rate_limit.reset)
    assert rate_limit.reset.year == 2100


def test_exceptions_are_picklable_enough_to_repr(fakeapi: Any, make_client: Any) -> None:
    with pytest.raises(fakeapi.NotFoundError) as info:
        make_client(Recorder(json_response(404, {"message": "gone"}))).referrals.retrieve("x")
    assert repr(info.value) == "NotFoundError('404 Not Found: gone')"
    assert str(info.value) == "404 Not Found: gone"
