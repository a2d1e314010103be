"""The generated CaseXchange client, driven through httpx.MockTransport."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from tests.functional.conftest import META, Recorder

FIRM = {"id": "6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f", "name": "Acme Law", "isInternal": False}


def test_api_key_from_argument_or_environment(
    monkeypatch: pytest.MonkeyPatch, recorder: Recorder
) -> None:
    import casexchange

    monkeypatch.delenv("CASEXCHANGE_API_KEY", raising=False)
    keyless = casexchange.CaseXchange(
        http_client=httpx.Client(transport=httpx.MockTransport(recorder))
    )  # built: the key is checked by the operations that need it
    with pytest.raises(casexchange.MissingCredentialsError, match="CASEXCHANGE_API_KEY") as info:
        keyless.firms.get("6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f")
    assert "api_key=..." in str(info.value)
    assert recorder.requests == []  # nothing sent without the key
    monkeypatch.setenv("CASEXCHANGE_API_KEY", "cxp_from_env")
    client = casexchange.CaseXchange(
        http_client=httpx.Client(transport=httpx.MockTransport(recorder))
    )
    recorder.reply(200, {"data": FIRM, "meta": META})
    client.firms.get("6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f")
    assert recorder.requests[0].headers["X-API-Key"] == "cxp_from_env"


def test_default_and_overridden_base_url(
    monkeypatch: pytest.MonkeyPatch, recorder: Recorder
) -> None:
    import casexchange

    assert casexchange.DEFAULT_BASE_URL == "https://api.casexchange.com/api/public/v1"
    transport = httpx.MockTransport(recorder)
    casexchange.CaseXchange(
        api_key="k", http_client=httpx.Client(transport=transport)
    ).firms.get_own()
    casexchange.CaseXchange(
        api_key="k",
        base_url="http://127.0.0.1:9/api/public/v1",
        http_client=httpx.Client(transport=transport),
    ).firms.get_own()
    monkeypatch.setenv("CASEXCHANGE_BASE_URL", "https://staging.example/api/public/v1/")
    casexchange.CaseXchange(
        api_key="k", http_client=httpx.Client(transport=transport)
    ).firms.get_own()
    assert [str(r.url) for r in recorder.requests] == [
        "https://api.casexchange.com/api/public/v1/firms/me",
        "http://127.0.0.1:9/api/public/v1/firms/me",
        "https://staging.example/api/public/v1/firms/me",
    ]


def test_envelope_is_unwrapped_and_meta_stays_reachable(client: Any, recorder: Recorder) -> None:
    import casexchange
    from casexchange.types import Firm

    recorder.reply(200, {"data": {**FIRM, "brandNewField": 7}, "meta": META})
    firm = client.firms.get(FIRM["id"])
    assert isinstance(firm, Firm)
    assert firm.name == "Acme Law" and firm.is_internal is False
    assert firm.model_extra == {"brandNewField": 7}  # unknown response fields are kept
    envelope = casexchange.get_envelope(firm)
    assert envelope.meta.request_id == META["requestId"]


def test_health_is_not_wrapped_and_sends_no_key(client: Any, recorder: Recorder) -> None:
    from casexchange.types import HealthStatus

    recorder.reply(200, {"status": "ok", "timestamp": "2026-03-31T16:00:00.000Z", "rateLimits": {}})
    health = client.health.get_public_api()
    assert isinstance(health, HealthStatus)
    assert "x-api-key" not in recorder.requests[0].headers


def test_omitted_optional_arguments_are_not_sent(client: Any, recorder: Recorder) -> None:
    recorder.reply(
        200,
        {
            "data": [],
            "meta": META,
            "pagination": {"page": 1, "limit": 20, "total": 0, "totalPages": 0},
        },
    )
    recorder.reply(
        200,
        {
            "data": [],
            "meta": META,
            "pagination": {"page": 2, "limit": 5, "total": 0, "totalPages": 0},
        },
    )
    list(client.sent_cases.list())
    list(client.sent_cases.list(page=2, limit=5, status="sent"))
    assert recorder.requests[0].url.query == b""
    assert dict(recorder.requests[1].url.params) == {"page": "2", "limit": "5", "status": "sent"}


def test_json_body_properties_are_keyword_arguments_and_none_is_sent_as_null(
    client: Any, recorder: Recorder
) -> None:
    recorder.reply(200, {"data": FIRM, "meta": META})
    recorder.reply(200, {"data": FIRM, "meta": META})
    client.firms.update_own(name="New name", website=None)
    client.firms.update_own(name="New name")  # an argument left out is not sent
    assert json.loads(recorder.requests[0].content) == {"name": "New name", "website": None}
    assert json.loads(recorder.requests[1].content) == {"name": "New name"}
    assert recorder.requests[0].headers["content-type"] == "application/json"


def test_pagination_iterates_lazily_over_all_pages(client: Any, recorder: Recorder) -> None:
    def page(n: int, ids: list[str]) -> dict[str, Any]:
        return {
            "data": [{**FIRM, "id": i} for i in ids],
            "meta": META,
            "pagination": {"page": n, "limit": 2, "total": 3, "totalPages": 2},
        }

    recorder.reply(200, page(1, ["a", "b"]))
    recorder.reply(200, page(2, ["c"]))
    pager = client.firms.list_available(limit=2)
    assert len(recorder.requests) == 1
    assert [f.id for f in pager] == ["a", "b", "c"]
    assert [dict(r.url.params) for r in recorder.requests] == [
        {"limit": "2"},
        {"limit": "2", "page": "2"},
    ]


@pytest.mark.parametrize(
    ("status", "exc_name", "code"),
    [
        (400, "BadRequestError", "validation_error"),
        (401, "AuthenticationError", "invalid_api_key"),
        (403, "PermissionDeniedError", "insufficient_tier"),
        (404, "NotFoundError", "not_found"),
        (405, "MethodNotAllowedError", "method_not_allowed"),
        (409, "ConflictError", "duplicate_client_referral"),
        (413, "PayloadTooLargeError", "file_too_large"),
        (422, "UnprocessableEntityError", "unprocessable"),
        (429, "RateLimitError", "rate_limit_exceeded"),
        (503, "InternalServerError", "internal_error"),
    ],
)
def test_errors_are_typed_by_status(
    client: Any, recorder: Recorder, status: int, exc_name: str, code: str
) -> None:
    import casexchange

    details = {"matches": [{"referralId": "r1"}], "overrideField": "allowDuplicateClient"}
    recorder.reply(
        status, {"error": {"code": code, "message": "Nope", "details": details}, "meta": META}
    )
    with pytest.raises(getattr(casexchange, exc_name)) as info:
        client.firms.get(FIRM["id"])
    err = info.value
    assert isinstance(err, casexchange.APIStatusError)
    assert (err.status_code, err.code) == (status, code)
    assert "Nope" in str(err)
    assert err.details == details
    assert err.request_id == META["requestId"]
    assert err.response.status_code == status


def test_html_error_page_gives_a_clear_typed_error(client: Any, recorder: Recorder) -> None:
    import casexchange

    recorder.reply(
        502, text="<html><body>Bad gateway</body></html>", headers={"content-type": "text/html"}
    )
    with pytest.raises(casexchange.InternalServerError) as info:
        client.firms.get_own()
    assert info.value.status_code == 502 and info.value.code is None


def test_connection_errors_are_wrapped(recorder: Recorder) -> None:
    import casexchange

    def boom(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    client = casexchange.CaseXchange(
        api_key="k", max_retries=0, http_client=httpx.Client(transport=httpx.MockTransport(boom))
    )
    with pytest.raises(casexchange.APIConnectionError):
        client.firms.get_own()


def test_unknown_enum_value_parses(client: Any, recorder: Recorder) -> None:
    recorder.reply(
        200,
        {"status": "degraded-but-new", "timestamp": "2026-03-31T16:00:00.000Z", "rateLimits": {}},
    )
    health = client.health.get_public_api()
    assert health.status == "degraded-but-new"


def test_multipart_upload_sends_the_file(client: Any, recorder: Recorder) -> None:
    recorder.reply(201, {"data": {"id": "d1", "fileName": "a.pdf"}, "meta": META})
    client.documents.upload(
        "6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f", file=("a.pdf", b"%PDF-1.4 hello", "application/pdf")
    )
    request = recorder.requests[0]
    assert request.headers["content-type"].startswith("multipart/form-data; boundary=")
    assert b'filename="a.pdf"' in request.content and b"%PDF-1.4 hello" in request.content


def test_binary_export_returns_the_bytes(client: Any, recorder: Recorder) -> None:
    import casexchange

    recorder.reply(
        200,
        content=b"PK\x03\x04xlsx-bytes",
        headers={
            "content-type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "content-disposition": 'attachment; filename="cases.xlsx"',
        },
    )
    export = client.export.cases(view="sent")
    assert isinstance(export, casexchange.BinaryResponse)
    assert export.content == b"PK\x03\x04xlsx-bytes"
    assert export.filename == "cases.xlsx"


def test_raw_response_exposes_status_headers_and_parse(client: Any, recorder: Recorder) -> None:
    recorder.reply(
        200,
        {"data": FIRM, "meta": META},
        headers={
            "X-RateLimit-Limit": "300",
            "X-RateLimit-Remaining": "299",
            "X-RateLimit-Reset": "1900000000",
        },
    )
    raw = client.firms.with_raw_response.get_own()
    assert raw.status_code == 200
    assert raw.request_id == META["requestId"]
    assert raw.rate_limit.limit == 300 and raw.rate_limit.remaining == 299
    assert raw.parse().name == "Acme Law"


def test_path_parameters_are_encoded(client: Any, recorder: Recorder) -> None:
    recorder.reply(200, {"data": {}, "meta": META})
    client.sent_cases.get("../admin")
    assert recorder.requests[0].url.raw_path == b"/api/public/v1/sent-cases/..%2Fadmin"


def test_api_key_never_appears_in_reprs(client: Any) -> None:
    assert "cxp_test_secret_key" not in repr(client)
    assert "cxp_test_secret_key" not in repr(client.firms)


async def test_async_twin(aclient: Any, recorder: Recorder) -> None:
    recorder.reply(200, {"data": FIRM, "meta": META})
    firm = await aclient.firms.get(FIRM["id"])
    assert firm.name == "Acme Law"
    recorder.reply(
        200,
        {
            "data": [FIRM],
            "meta": META,
            "pagination": {"page": 1, "limit": 20, "total": 1, "totalPages": 1},
        },
    )
    names = [f.name async for f in await aclient.firms.list_available()]
    assert names == ["Acme Law"]


def test_documented_error_codes_raise_specific_subclasses(client: Any, recorder: Recorder) -> None:
    import casexchange

    matches = [{"referralId": "r1", "confidence": 0.9}]
    recorder.reply(
        409,
        {
            "error": {
                "code": "duplicate_client_referral",
                "message": "dup",
                "details": {"matches": matches, "overrideField": "allowDuplicateClient"},
            },
            "meta": META,
        },
    )
    with pytest.raises(casexchange.DuplicateClientReferralError) as info:
        client.referrals.send("6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f", referent_firm_id="f")
    assert isinstance(info.value, casexchange.ConflictError)
    assert info.value.matches == matches and info.value.override_field == "allowDuplicateClient"
    recorder.reply(400, {"error": {"code": "invalid_state", "message": "no"}, "meta": META})
    with pytest.raises(casexchange.InvalidStateError):
        client.referrals.send("6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f", referent_firm_id="f")
    recorder.reply(403, {"error": {"code": "insufficient_tier", "message": "no"}, "meta": META})
    with pytest.raises(casexchange.InsufficientTierError):
        client.referrals.send("6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f", referent_firm_id="f")
    recorder.reply(403, {"error": {"code": "some_future_code", "message": "no"}, "meta": META})
    with pytest.raises(casexchange.PermissionDeniedError) as plain:
        client.referrals.send("6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f", referent_firm_id="f")
    assert type(plain.value) is casexchange.PermissionDeniedError


def test_uploads_over_the_limit_fail_before_sending(
    client: Any, recorder: Recorder, tmp_path: Any
) -> None:
    import casexchange

    big = tmp_path / "big.csv"
    with open(big, "wb") as f:  # sparse: 20 MB + 1 byte without writing them
        f.seek(20 * 1024 * 1024)
        f.write(b"\n")
    with pytest.raises(casexchange.FileTooLargeError) as info:
        client.import_.cases(file=big)
    assert info.value.limit == 20 * 1024 * 1024 and info.value.size == 20 * 1024 * 1024 + 1
    with pytest.raises(casexchange.FileTooLargeError):
        client.med_ex_documents.upload(
            "6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f",
            file=b"x" * (25 * 1024 * 1024 + 1),
            category="imaging",
        )
    assert recorder.requests == []
    recorder.reply(200, {"data": {"created": 0}, "meta": META})
    client.import_.cases(file=("ok.csv", b"a,b\n1,2\n", "text/csv"))
    assert len(recorder.requests) == 1


def test_download_into_a_folder_uses_the_server_file_name(
    client: Any, recorder: Recorder, tmp_path: Any
) -> None:
    recorder.reply(
        200,
        content=b"a,b\n1,2\n",
        headers={
            "content-type": "text/csv",
            "content-disposition": 'attachment; filename="../../cases.csv"',
        },
    )
    written = client.export.cases(view="sent").write_to_file(tmp_path)
    assert written == 8 and (tmp_path / "cases.csv").read_bytes() == b"a,b\n1,2\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cases.csv"]
