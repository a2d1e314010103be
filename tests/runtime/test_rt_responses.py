"""Response handling per ResponseSpec: JSON/unwrap/envelope, lenient vs strict, binary, raw."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import httpx
import pytest
from rt_helpers import REFERRAL, Recorder, json_response


def test_unwrap_returns_data_and_keeps_envelope(fakeapi: Any, make_client: Any) -> None:
    from fakeapi.types import Referral, ReferralEnvelope, Status

    rec = Recorder(json_response(200, {"data": REFERRAL, "meta": {"requestId": "req_1"}}))
    ref = make_client(rec).referrals.retrieve("ref_1")
    assert isinstance(ref, Referral)
    assert ref.status == Status.OPEN
    assert ref.patient_name == "Ada Lovelace"
    assert ref.created_at is not None and ref.created_at.year == 2024
    envelope = fakeapi.get_envelope(ref)
    assert isinstance(envelope, ReferralEnvelope)
    assert envelope.data is ref
    assert envelope.meta.request_id == "req_1"
    assert fakeapi.get_validation_errors(ref) == []
    # side data never leaks into serialization, equality or repr
    assert ref.to_dict() == REFERRAL
    assert ref == Referral.model_validate(REFERRAL)
    assert "clientgen" not in repr(ref)


def test_unknown_fields_and_enum_values_are_kept(make_client: Any) -> None:
    body = {"data": {**REFERRAL, "status": "archived", "priority": 3}}
    ref = make_client(Recorder(json_response(200, body))).referrals.retrieve("x")
    assert ref.status == "archived"
    assert ref.priority == 3
    assert ref.to_dict()["priority"] == 3


def test_top_level_list_response(fakeapi: Any, make_client: Any) -> None:
    rec = Recorder(json_response(200, [REFERRAL, {**REFERRAL, "id": "ref_2"}]))
    results = make_client(rec).referrals.search(q="ada")
    assert [r.id for r in results] == ["ref_1", "ref_2"]
    assert isinstance(results, list)


def test_lenient_mode_returns_unvalidated_data_with_errors(
    fakeapi: Any, make_client: Any, caplog: pytest.LogCaptureFixture
) -> None:
    from fakeapi.types import Referral

    bad = {**REFERRAL, "createdAt": "not a date", "tags": "oops"}
    rec = Recorder(json_response(200, {"data": bad, "meta": {"requestId": "r"}}))
    with caplog.at_level(logging.WARNING, logger="fakeapi"):
        ref = make_client(rec).referrals.retrieve("x")
    assert isinstance(ref, Referral)
    assert ref.id == "ref_1"
    assert ref.created_at == "not a date"
    errors = fakeapi.get_validation_errors(ref)
    assert {tuple(e["loc"]) for e in errors} == {("data", "createdAt"), ("data", "tags")}
    assert fakeapi.get_envelope(ref).meta.request_id == "r"
    assert "does not match the schema (2 errors)" in caplog.text
    assert "data.createdAt" in caplog.text


def test_lenient_mode_list_items(fakeapi: Any, make_client: Any) -> None:
    from fakeapi.types import Referral

    rec = Recorder(json_response(200, [REFERRAL, {"id": 5}]))
    results = make_client(rec).referrals.search(q="x")
    assert isinstance(results[0], Referral) and isinstance(results[1], Referral)
    assert results[1].id == 5
    assert fakeapi.get_validation_errors(results)


def test_strict_mode_raises(fakeapi: Any, make_client: Any) -> None:
    bad = {**REFERRAL, "createdAt": "not a date"}
    rec = Recorder(json_response(200, {"data": bad}))
    with pytest.raises(fakeapi.APIResponseValidationError) as info:
        make_client(rec, strict_response_validation=True).referrals.retrieve("x")
    err = info.value
    assert err.status_code == 200
    assert err.errors[0]["loc"] == ("data", "createdAt")
    assert err.body == {"data": bad}
    assert "does not match the schema" in str(err)


@pytest.mark.parametrize("strict", [True, False])
def test_malformed_json_raises_in_both_modes(fakeapi: Any, make_client: Any, strict: bool) -> None:
    rec = Recorder(
        httpx.Response(
            200, content=b'{"data": {"id": ', headers={"content-type": "application/json"}
        )
    )
    with pytest.raises(fakeapi.APIResponseValidationError, match="not valid JSON") as info:
        make_client(rec, strict_response_validation=strict).referrals.retrieve("x")
    assert info.value.body == '{"data": {"id": '
    assert len(rec.requests) == 1  # not retried


def test_empty_and_204_responses(make_client: Any) -> None:
    rec = Recorder(httpx.Response(204))
    assert make_client(rec).referrals.delete("x") is None
    assert rec.last.method == "DELETE"


def test_type_adapter_is_cached_per_response_spec(fakeapi: Any, make_client: Any) -> None:
    from fakeapi.resources import referrals

    spec = referrals._RETRIEVE.response_spec(200)
    client = make_client(Recorder(json_response(200, {"data": REFERRAL})))
    client.referrals.retrieve("x")
    adapter = spec.adapter
    client.referrals.retrieve("y")
    assert spec.adapter is adapter


def test_response_spec_selection(fakeapi: Any) -> None:
    from fakeapi._endpoint import Endpoint, ResponseSpec

    a, b, c, d = (ResponseSpec("json", int) for _ in range(4))
    ep = Endpoint("get", "/x", {"201": a, "2XX": b, "default": c})
    assert ep.method == "GET"
    assert ep.response_spec(201) is a
    assert ep.response_spec(200) is b
    assert ep.response_spec(404) is c
    assert Endpoint("GET", "/x", {"200": d}).response_spec(500) is d
    assert Endpoint("GET", "/x", {}).response_spec(200).kind == "empty"


# -- binary ----------------------------------------------------------------------------------


def _binary(data: bytes, **headers: str) -> httpx.Response:
    return httpx.Response(
        200,
        content=data,
        headers={"content-type": "application/pdf", **headers},
    )


def test_binary_response_content_and_metadata(fakeapi: Any, make_client: Any) -> None:
    rec = Recorder(_binary(b"%PDF", **{"content-disposition": 'attachment; filename="scan 1.pdf"'}))
    resp = make_client(rec).documents.download("doc_1")
    assert isinstance(resp, fakeapi.BinaryResponse)
    assert rec.last.headers["accept"] == "application/octet-stream, application/json"  # declared
    from fakeapi._endpoint import Endpoint, ResponseSpec

    assert Endpoint("GET", "/d", {"200": ResponseSpec("binary")}).accept == "*/*"  # none declared
    assert resp.filename == "scan 1.pdf"
    assert resp.content_type == "application/pdf"
    assert resp.content == b"%PDF"
    assert resp.status_code == 200


@pytest.mark.parametrize(
    ("disposition", "expected"),
    [
        ("attachment; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf", "résumé.pdf"),
        ('attachment; filename="../../etc/passwd"', "passwd"),
        ('attachment; filename="..\\\\evil.exe"', "evil.exe"),
        ('attachment; filename=".."', None),
        ("inline", None),
    ],
)
def test_binary_filename_is_sanitised(
    make_client: Any, disposition: str, expected: str | None
) -> None:
    resp = make_client(
        Recorder(_binary(b"x", **{"content-disposition": disposition}))
    ).documents.download("d")
    assert resp.filename == expected
    resp.close()


def test_binary_iter_bytes_and_write_to_file(make_client: Any, tmp_path: Path) -> None:
    data = bytes(range(256)) * 1000
    client = make_client(Recorder(_binary(data)))
    with client.documents.download("d") as resp:
        chunks = list(resp.iter_bytes(chunk_size=1000))
    assert b"".join(chunks) == data and max(map(len, chunks)) == 1000
    target = tmp_path / "out.pdf"
    assert client.documents.download("d").write_to_file(target) == len(data)
    assert target.read_bytes() == data
    assert not (tmp_path / "out.pdf.part").exists()


def test_binary_endpoint_error_is_parsed(fakeapi: Any, make_client: Any) -> None:
    rec = Recorder(json_response(404, {"error": {"code": "NOT_FOUND", "message": "no doc"}}))
    with pytest.raises(fakeapi.NotFoundError, match="no doc"):
        make_client(rec).documents.download("d")


# -- raw responses ---------------------------------------------------------------------------


def test_with_raw_response(fakeapi: Any, make_client: Any) -> None:
    from fakeapi.types import Referral, ReferralEnvelope

    headers = {
        "x-request-id": "req_h",
        "x-ratelimit-limit": "100",
        "x-ratelimit-remaining": "99",
        "x-ratelimit-reset": "1900000000",
    }
    rec = Recorder(
        json_response(200, {"data": REFERRAL, "meta": {"requestId": "r"}}, headers=headers)
    )
    client = make_client(rec)
    raw = client.referrals.with_raw_response.retrieve("ref_1")
    assert isinstance(raw, fakeapi.APIResponse)
    assert raw.status_code == 200
    assert raw.headers["x-request-id"] == "req_h"
    assert raw.request_id == "req_h"
    assert raw.attempts == 1
    assert raw.rate_limit.limit == 100 and raw.rate_limit.remaining == 99
    assert raw.rate_limit.reset.timestamp() == 1900000000
    parsed = raw.parse()
    assert isinstance(parsed, Referral) and parsed is raw.parse()
    assert isinstance(raw.envelope(), ReferralEnvelope)
    assert raw.json()["meta"] == {"requestId": "r"}
    assert "[200 OK] GET https://api.fake.test/v1/referrals/ref_1" in repr(raw)
    # the flag does not leak to later calls
    assert isinstance(client.referrals.retrieve("ref_1"), Referral)


def test_raw_response_request_id_from_body_meta(make_client: Any) -> None:
    rec = Recorder(json_response(200, {"data": REFERRAL, "meta": {"requestId": "r_body"}}))
    raw = make_client(rec).referrals.with_raw_response.retrieve("x")
    assert raw.request_id == "r_body"  # available before parse()
    raw.parse()
    assert raw.request_id == "r_body"


def test_raw_response_for_pages_and_binary(fakeapi: Any, make_client: Any) -> None:
    body = {"data": [REFERRAL], "pagination": {"page": 1, "totalPages": 1}}
    client = make_client(Recorder(json_response(200, body)))
    raw = client.referrals.with_raw_response.list()
    page = raw.parse()
    assert isinstance(page, fakeapi.SyncPage)
    assert raw.envelope().pagination.total_pages == 1
    client = make_client(Recorder(_binary(b"abc")))
    raw_bin = client.documents.with_raw_response.download("d")
    assert raw_bin.parse().content == b"abc"
    assert raw_bin.envelope() is None


def test_raw_response_still_raises_on_errors(fakeapi: Any, make_client: Any) -> None:
    client = make_client(Recorder(json_response(404, {"message": "gone"})))
    with pytest.raises(fakeapi.NotFoundError):
        client.referrals.with_raw_response.retrieve("x")


def test_raw_response_validation_errors(fakeapi: Any, make_client: Any) -> None:
    rec = Recorder(json_response(200, {"data": {**REFERRAL, "tags": 1}}))
    raw = make_client(rec).referrals.with_raw_response.retrieve("x")
    ref = raw.parse()
    assert raw.validation_errors and raw.validation_errors == fakeapi.get_validation_errors(ref)
    assert json.loads(raw.read())["data"]["tags"] == 1
