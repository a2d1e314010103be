"""Unit tests of the wire-conformance harness's own judgement (tests/support/wire.py, wire_oracle.py).

The harness is only as good as its oracle: these check that it expands paths per RFC 6570, notices
arguments missing from the wire and bodies altered on the way, tells Prism's request violations apart by
kind, and sets Prism's own limits apart from client defects.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from support.openapi import Operation
from support.samples import OperationSamples, SampleBuilder, SampleError
from support.wire import (
    accept_matches_range,
    classify_violation,
    crashes_prism,
    judge_request,
    request_violations,
    route_problems,
)
from support.wire_oracle import (
    expand,
    expected_path,
    expected_query_pairs,
    json_equal,
    missing_body_fields,
    missing_on_wire,
    multipart_parts_of,
    strip_read_only,
)

DOC: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "t", "version": "1"},
    "paths": {},
    "components": {
        "schemas": {
            "Item": {
                "type": "object",
                "required": ["id", "name"],
                "properties": {
                    "id": {"type": "string", "readOnly": True},
                    "name": {"type": "string"},
                    "tags": {"type": "array", "items": {"$ref": "#/components/schemas/Tag"}},
                },
            },
            "Tag": {
                "type": "object",
                "properties": {"etag": {"type": "string", "readOnly": True}, "label": {}},
            },
        }
    },
}


def op(path: str, *params: dict[str, Any], method: str = "GET", **extra: Any) -> Operation:
    return Operation(path, method, "op", {"parameters": list(params), **extra}, list(params))


def param(
    name: str, where: str, schema: dict[str, Any] | None = None, **extra: Any
) -> dict[str, Any]:
    return {"name": name, "in": where, "schema": schema or {"type": "string"}, **extra}


@pytest.mark.parametrize(
    ("value", "style", "explode", "expected"),
    [
        ("a b/c", "simple", False, "a%20b%2Fc"),
        (5, "simple", False, "5"),
        (True, "simple", False, "true"),
        ([3, 4, 5], "simple", False, "3,4,5"),
        ({"role": "admin", "n": 5}, "simple", False, "role,admin,n,5"),
        ({"role": "admin", "n": 5}, "simple", True, "role=admin,n=5"),
        ([3, 4], "label", False, ".3,4"),
        ([3, 4], "label", True, ".3.4"),
        ([3, 4], "matrix", False, ";id=3,4"),
        ([3, 4], "matrix", True, ";id=3;id=4"),
        ("x", "matrix", False, ";id=x"),
    ],
)
def test_path_values_expand_per_rfc_6570(
    value: Any, style: str, explode: bool, expected: str
) -> None:
    assert expand("id", value, style, explode) == expected


def test_expected_path_fills_the_template_and_drops_a_fragment() -> None:
    operation = op(
        "/tags/{arn}/{ids}#tagKeys",
        param("arn", "path", required=True),
        param("ids", "path", {"type": "array"}, style="label", explode=True, required=True),
    )
    values = {"arn": "arn:aws:x/1", "ids": [1, 2]}
    assert expected_path(operation, values) == "/tags/arn%3Aaws%3Ax%2F1/.1.2"
    assert expected_path(operation, {"arn": "a"}) is None


def test_missing_on_wire_follows_the_query_style() -> None:
    operation = op(
        "/x",
        param("ids", "query", {"type": "array"}, explode=False),
        param("filter", "query", {"type": "object"}, style="deepObject", explode=True),
        param("point", "query", {"type": "object"}),
        param("X-Trace", "header"),
    )
    samples = OperationSamples(
        query={"ids": [1, 2], "filter": {"a": 1}, "point": {"lat": 1, "lon": 2}, "empty": []},
        header={"X-Trace": "t"},
    )
    right = httpx.Request(
        "GET", "http://h/x?ids=1,2&filter[a]=1&lat=1&lon=2", headers={"X-Trace": "t"}
    )
    assert missing_on_wire(right, samples, operation) == []
    wrong = httpx.Request("GET", "http://h/x?ids=1&filter=a&point=lat,1")
    assert missing_on_wire(wrong, samples, operation) == [
        "query 'filter['",
        "query 'lat'",
        "query 'lon'",
        "header 'X-Trace'",
    ]


def test_read_only_properties_are_not_expected_in_a_request_body() -> None:
    builder = SampleBuilder(DOC)
    value = {"id": "1", "name": "n", "tags": [{"etag": "e", "label": "l"}], "extra": 1}
    schema = {"$ref": "#/components/schemas/Item"}
    assert strip_read_only(builder, schema, value) == {
        "name": "n",
        "tags": [{"label": "l"}],
        "extra": 1,
    }


def test_json_equality_is_by_value() -> None:
    assert json_equal({"a": [1, 2.0]}, {"a": [1.0, 2]})
    assert not json_equal({"a": True}, {"a": 1})
    assert json_equal("2024-05-06T07:08:09.925Z", "2024-05-06T07:08:09.925000+00:00")
    assert not json_equal("2024-05-06T07:08:09Z", "2024-05-06T07:08:10Z")
    assert not json_equal({"a": 1}, {"a": 1, "b": None})


def test_multipart_parts_are_read_with_their_content_types() -> None:
    body = (
        b'--b\r\nContent-Disposition: form-data; name="meta"\r\nContent-Type: application/json\r\n\r\n'
        b'{"a": 1}\r\n--b\r\nContent-Disposition: form-data; name="file"; filename="x.pdf"\r\n'
        b"Content-Type: application/pdf\r\n\r\n%PDF\r\n--b\r\n"
        b'Content-Disposition: form-data; name="n"\r\n\r\n5\r\n--b--\r\n'
    )
    assert multipart_parts_of(body) == [
        ("meta", "application/json"),
        ("file", "application/pdf"),
        ("n", ""),
    ]


def _response(status: int, request: httpx.Request, **kwargs: Any) -> httpx.Response:
    return httpx.Response(status, request=request, **kwargs)


def test_prism_request_violations_are_classified_by_kind() -> None:
    operation = op(
        "/x",
        param("ids", "query", {"type": "array", "items": {"type": "integer"}}, explode=False),
        param("f", "query", {"type": "object"}, style="deepObject"),
        param("page", "query", {"type": "integer"}),
    )
    request = httpx.Request("GET", "http://h/x")
    violations = [
        {"location": ["request", "query", "ids"], "severity": "Error", "code": "type"},
        {"location": ["request", "query", "f"], "severity": "Error", "code": "type"},
        {"location": ["request", "query", "page"], "severity": "Error", "code": "type"},
        {"location": ["request", "header", "accept"], "severity": "Error", "code": "enum"},
        {"location": ["request", "body", "n"], "severity": "Error", "code": "required"},
        {"location": ["response", "body"], "severity": "Error", "code": "type"},
        {"location": ["request", "query", "ids"], "severity": "Warning", "code": "type"},
    ]
    response = _response(
        422, request, headers={"sl-violations": json.dumps(violations)}, content=b""
    )
    found = request_violations(response)
    assert len(found) == 5  # the response one and the warning are not the request's fault
    kinds = [classify_violation(v, operation, DOC, "application/json") for v in found]
    assert kinds == [
        "arrays",
        "deepObject",
        "query style/explode",
        "content types",
        "required fields",
    ]
    assert classify_violation(found[4], operation, DOC, "multipart/form-data") == "multipart"
    assert classify_violation(found[4], operation, DOC, "application/x-www-form-urlencoded") == (
        "form bodies"
    )


def test_a_path_prism_rejects_is_the_clients_fault_only_when_it_is_not_the_expansion() -> None:
    operation = op(
        "/items/{id}", param("id", "path", {"oneOf": [{"type": "integer"}]}, required=True)
    )
    builder = SampleBuilder(DOC)
    samples = OperationSamples(path={"id": 42})
    violation = {"location": ["request", "path", "id"], "severity": "Error", "message": "too short"}
    headers = {"sl-violations": json.dumps([violation])}
    right = _response(422, httpx.Request("GET", "http://h/items/42"), headers=headers)
    verdict = judge_request(right, operation, DOC, samples, builder, None)
    assert verdict.request == {}
    assert list(verdict.prism_limits) == ["Prism rejects a valid path value"]
    wrong = _response(422, httpx.Request("GET", "http://h/items/%2242%22"), headers=headers)
    verdict = judge_request(wrong, operation, DOC, samples, builder, None)
    assert list(verdict.request) == ["path encoding"]


def test_a_json_body_altered_on_the_way_is_a_request_defect() -> None:
    operation = op(
        "/items",
        method="POST",
        requestBody={
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Item"}}}
        },
    )
    builder = SampleBuilder(DOC)
    samples = OperationSamples(
        body={"id": "x", "name": "n"}, has_body=True, media_type="application/json"
    )
    as_passed = httpx.Request("POST", "http://h/items", content=b'{"name": "n"}')
    verdict = judge_request(_response(200, as_passed), operation, DOC, samples, builder, None)
    assert verdict.request == {}  # the read-only id is rightly left out
    altered = httpx.Request("POST", "http://h/items", content=b'{"name": "m"}')
    verdict = judge_request(_response(200, altered), operation, DOC, samples, builder, None)
    assert list(verdict.request) == ["JSON body values"]


def test_406_is_a_client_defect_unless_the_spec_declares_a_range() -> None:
    assert not accept_matches_range("application/json", {"application/vnd.amadeus+json"})
    assert accept_matches_range("application/json", {"*/*"})
    assert accept_matches_range("*/*", {"text/vtt", "application/x-subrip"})
    assert accept_matches_range("application/json", {"application/*"})


def test_routes_prism_cannot_tell_apart() -> None:
    ops = {
        ("POST", "/a/{x}/offer"): op("/a/{x}/offer"),
        ("POST", "/a/{id}/offer"): op("/a/{id}/offer"),
        ("DELETE", "/tags/{arn}#tagKeys"): op("/tags/{arn}#tagKeys"),
        ("GET", "/a/{x}/offer"): op("/a/{x}/offer"),
    }
    assert set(route_problems(ops)) == {
        ("POST", "/a/{x}/offer"),
        ("POST", "/a/{id}/offer"),
        ("DELETE", "/tags/{arn}#tagKeys"),
    }


def test_operations_that_crash_prism_are_recognised() -> None:
    header_array = op(
        "/x",
        responses={
            "200": {
                "description": "ok",
                "headers": {"Cache-Control": {"schema": {"type": "array", "items": {}}}},
            }
        },
    )
    assert crashes_prism(DOC, header_array) is not None
    plain = op("/x", responses={"200": {"description": "ok"}})
    assert crashes_prism(DOC, plain) is None


def test_missing_body_fields_follow_the_form_encoding() -> None:
    samples = OperationSamples(
        body={"amount": 5, "metadata": {"k": "v"}, "card": {"number": "4"}, "tags": []},
        has_body=True,
        media_type="application/x-www-form-urlencoded",
    )
    encoding = {"metadata": {"style": "deepObject", "explode": True}}
    right = httpx.Request("POST", "http://h/x", content=b"amount=5&metadata%5Bk%5D=v&number=4")
    assert missing_body_fields(right, samples, encoding) == []
    flat = httpx.Request("POST", "http://h/x", content=b"amount=5&k=v&card=number,4")
    assert missing_body_fields(flat, samples, encoding) == [
        "body field 'metadata['",
        "body field 'number'",
    ]
    parts = OperationSamples(
        body={"file": ("a.pdf", b"%PDF", "application/pdf"), "name": "n"},
        has_body=True,
        media_type="multipart/form-data",
    )
    sent = httpx.Request(
        "POST",
        "http://h/x",
        content=b'--b\r\nContent-Disposition: form-data; name="name"\r\n\r\nn\r\n--b--\r\n',
    )
    assert missing_body_fields(sent, parts, {}) == ["body field 'file'"]


@pytest.mark.parametrize(
    ("value", "style", "explode", "expected"),
    [
        ([1, 2], "form", True, [("ids", "1"), ("ids", "2")]),
        ([1, 2], "form", False, [("ids", "1,2")]),
        ([1, 2], "spaceDelimited", False, [("ids", "1 2")]),
        ([1, 2], "pipeDelimited", False, [("ids", "1|2")]),
        ({"a": 1, "b": True}, "form", True, [("a", "1"), ("b", "true")]),
        ({"a": 1, "b": True}, "form", False, [("ids", "a,1,b,true")]),
        (
            {"a": {"b": 1}, "c": [2, 3]},
            "deepObject",
            True,
            [("ids[a][b]", "1"), ("ids[c][0]", "2"), ("ids[c][1]", "3")],
        ),
        (
            {"a": [{"b": 1}]},
            "deepObject",
            True,
            [("ids[a][0][b]", "1")],
        ),
        ([{"a": 1}], "form", True, None),
        (None, "form", True, []),
    ],
)
def test_expected_query_pairs_per_style(
    value: Any, style: str, explode: bool, expected: list[tuple[str, str]] | None
) -> None:
    assert expected_query_pairs("ids", value, style, explode) == expected


def test_query_keys_two_parameters_share_are_the_specs_ambiguity_not_a_client_defect() -> None:
    """sinao.app `reconcile`: `type` and `id`, and an exploded object `movements: {type, id, amount}`."""
    movements = {"type": "object", "properties": {"type": {}, "id": {}, "amount": {}}}
    operation = op(
        "/reconcile",
        param("type", "query", required=True),
        param("id", "query", {"type": "integer"}, required=True),
        param("movements", "query", movements, required=True),
    )
    builder = SampleBuilder(DOC)
    samples = OperationSamples(
        query={"type": "transaction", "id": 1, "movements": {"type": "account", "id": 2}}
    )
    violation = {
        "location": ["request", "query", "movements", "id"],
        "severity": "Error",
        "message": "must be integer",
    }
    headers = {"sl-violations": json.dumps([violation])}
    as_styled = httpx.Request("POST", "http://h/reconcile?type=transaction&id=1&type=account&id=2")
    verdict = judge_request(
        _response(422, as_styled, headers=headers), operation, DOC, samples, builder, None
    )
    assert verdict.request == {}
    assert list(verdict.prism_limits) == [
        "the spec's query parameters share a key (an exploded object's property)"
    ]
    lost = httpx.Request("POST", "http://h/reconcile?type=transaction&id=1&type=account")
    verdict = judge_request(
        _response(422, lost, headers=headers), operation, DOC, samples, builder, None
    )
    assert verdict.prism_limits == {}
    assert verdict.request


def test_list_and_object_properties_of_an_exploded_object_are_expected_in_brackets() -> None:
    operation = op("/x", param("rule", "query", {"type": "object"}))
    samples = OperationSamples(query={"rule": {"on": "created", "conditions": [["a", "=", "b"]]}})
    right = httpx.Request("GET", "http://h/x?on=created&conditions[0][0]=a&conditions[0][1]==")
    assert missing_on_wire(right, samples, operation) == []
    wrong = httpx.Request("GET", "http://h/x?on=created")
    assert missing_on_wire(wrong, samples, operation) == ["query 'conditions['"]


def test_a_form_body_schema_that_admits_no_value_gives_no_sample() -> None:
    """cpy.re/peertube `VideoCreateImport`: `additionalProperties: false` beside a `oneOf` that declares
    the properties, so no body validates (Prism then reports a missing property the client did send)."""
    schema = {
        "allOf": [
            {
                "type": "object",
                "additionalProperties": False,
                "oneOf": [
                    {"properties": {"targetUrl": {"type": "string"}}, "required": ["targetUrl"]}
                ],
            },
            {"type": "object", "properties": {"name": {"type": "string"}}},
        ],
        "required": ["name"],
    }
    with pytest.raises(SampleError, match="no valid multipart/form-data body"):
        SampleBuilder(DOC, full=True).form_fields(schema, {}, "multipart/form-data")
    valid = dict(
        schema, allOf=[{**schema["allOf"][0], "additionalProperties": True}, schema["allOf"][1]]
    )
    fields = SampleBuilder(DOC, full=True).form_fields(valid, {}, "multipart/form-data")
    assert sorted(fields) == ["name", "targetUrl"]
