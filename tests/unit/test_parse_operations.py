"""Paths → IR operations: parameters, bodies, results (envelopes, pagination), security, names."""

from __future__ import annotations

from typing import Any

from generator.diagnostics import DiagnosticSink
from generator.ir import Kind, ListOf, Location, ModelRef, Primitive, ResultKind
from generator.naming.plan import op_key, plan_names
from tests.conftest import spec_doc

ENVELOPE = {
    "type": "object",
    "required": ["data", "meta"],
    "properties": {
        "data": {"type": "array", "items": {"$ref": "#/components/schemas/Item"}},
        "meta": {"type": "object", "properties": {"requestId": {"type": "string"}}},
        "pagination": {"$ref": "#/components/schemas/Pagination"},
    },
}
SCHEMAS = {
    "Item": {"type": "object", "properties": {"id": {"type": "string"}}},
    "Pagination": {
        "type": "object",
        "properties": {"page": {"type": "integer"}, "totalPages": {"type": "integer"}},
    },
}


def ok(
    schema: dict[str, Any], status: str = "200", media: str = "application/json"
) -> dict[str, Any]:
    return {status: {"description": "ok", "content": {media: {"schema": schema}}}}


def test_parameters_by_location_and_path_level_merge(build: Any) -> None:
    paths = {
        "/items/{id}": {
            "parameters": [
                {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}},
                {"name": "X-Trace", "in": "header", "schema": {"type": "string"}},
            ],
            "get": {
                "operationId": "getItem",
                "parameters": [
                    {
                        "name": "fields",
                        "in": "query",
                        "style": "form",
                        "explode": False,
                        "schema": {"type": "array", "items": {"type": "string"}},
                    },
                    {
                        "name": "filter",
                        "in": "query",
                        "style": "deepObject",
                        "schema": {"type": "object"},
                    },
                    {"name": "session", "in": "cookie", "schema": {"type": "string"}},
                    {
                        "name": "X-Trace",
                        "in": "header",
                        "required": True,
                        "schema": {"type": "integer"},
                    },
                ],
                "responses": {"204": {"description": "none"}},
            },
        }
    }
    api, _ = build(spec_doc(paths))
    op = api.operations[0]
    by = {(p.location, p.wire_name): p for p in op.parameters}
    assert [p.location for p in op.parameters] == [
        Location.PATH,
        Location.QUERY,
        Location.QUERY,
        Location.HEADER,
        Location.COOKIE,
    ]
    assert by[(Location.HEADER, "X-Trace")].required  # operation level overrides path level
    assert by[(Location.HEADER, "X-Trace")].type == Primitive(Kind.INTEGER)
    assert (by[(Location.QUERY, "fields")].style, by[(Location.QUERY, "fields")].explode) == (
        "form",
        False,
    )
    assert by[(Location.QUERY, "filter")].style == "deepObject"
    assert op.results[0].kind is ResultKind.EMPTY


def test_envelope_unwrapped_and_paginated(build: Any) -> None:
    paths = {
        "/items": {
            "get": {
                "operationId": "listItems",
                "tags": ["Items"],
                "parameters": [
                    {"name": "page", "in": "query", "schema": {"type": "integer"}},
                    {"name": "limit", "in": "query", "schema": {"type": "integer"}},
                ],
                "responses": ok(ENVELOPE),
            }
        }
    }
    api, _ = build(spec_doc(paths, SCHEMAS))
    result = api.operations[0].results[0]
    assert result.unwrap == "data"
    assert result.returns == ListOf(ModelRef("/components/schemas/Item"))
    assert result.pagination is not None and result.pagination.page_param == "page"
    assert result.item == ModelRef("/components/schemas/Item")


def test_no_unwrap_when_body_has_other_fields(build: Any) -> None:
    body = {
        "type": "object",
        "properties": {
            "candidates": {"type": "array", "items": {"type": "string"}},
            "meta": {"type": "object"},
        },
    }
    api, _ = build(spec_doc({"/match": {"post": {"operationId": "match", "responses": ok(body)}}}))
    result = api.operations[0].results[0]
    assert result.unwrap is None and isinstance(result.returns, ModelRef)


def test_list_without_pagination_object_is_not_paginated(build: Any) -> None:
    envelope = {
        "type": "object",
        "properties": {"data": {"type": "array", "items": {"type": "string"}}},
    }
    paths = {
        "/users": {
            "get": {
                "operationId": "listUsers",
                "parameters": [{"name": "page", "in": "query", "schema": {"type": "integer"}}],
                "responses": ok(envelope),
            }
        }
    }
    api, _ = build(spec_doc(paths))
    assert api.operations[0].results[0].pagination is None


def test_binary_text_and_multiple_success_results(build: Any) -> None:
    paths = {
        "/export": {
            "get": {
                "operationId": "export",
                "responses": {
                    "200": {
                        "description": "file",
                        "content": {
                            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
                                "schema": {"type": "string", "format": "binary"}
                            }
                        },
                    }
                },
            }
        },
        "/csv": {
            "get": {"operationId": "csv", "responses": ok({"type": "string"}, media="text/csv")}
        },
        "/hello": {
            "get": {"operationId": "hello", "responses": ok({"type": "string"}, media="text/plain")}
        },
        "/send": {
            "post": {
                "operationId": "send",
                "responses": {
                    **ok({"type": "object", "properties": {"a": {"type": "string"}}}),
                    **ok({"type": "object", "properties": {"b": {"type": "string"}}}, status="201"),
                },
            }
        },
    }
    api, _ = build(spec_doc(paths))
    kinds = {op.id: [r.kind for r in op.results] for op in api.operations}
    assert kinds == {
        "export": [ResultKind.BINARY],
        "csv": [ResultKind.BINARY],
        "hello": [ResultKind.TEXT],
        "send": [ResultKind.JSON, ResultKind.JSON],
    }


def test_security_none_and_inherited(build: Any) -> None:
    paths = {
        "/health": {
            "get": {
                "operationId": "health",
                "security": [],
                "responses": {"204": {"description": "x"}},
            }
        },
        "/me": {"get": {"operationId": "me", "responses": {"204": {"description": "x"}}}},
    }
    doc = spec_doc(paths, security=[{"key": []}])
    doc["components"] = {
        "securitySchemes": {"key": {"type": "apiKey", "in": "header", "name": "X-API-Key"}}
    }
    api, _ = build(doc)
    ops = {op.id: op for op in api.operations}
    assert not ops["health"].requires_auth
    assert ops["me"].requires_auth and ops["me"].security == ("key",)
    assert api.security_schemes[0].param_name == "X-API-Key"


def test_request_body_media_types(build: Any) -> None:
    paths = {
        "/upload": {
            "post": {
                "operationId": "upload",
                "requestBody": {
                    "required": True,
                    "content": {
                        "multipart/form-data": {
                            "schema": {
                                "type": "object",
                                "properties": {"file": {"type": "string", "format": "binary"}},
                            }
                        }
                    },
                },
                "responses": {"204": {"description": "x"}},
            }
        }
    }
    api, _ = build(spec_doc(paths))
    body = api.operations[0].body
    assert body is not None and body.required
    assert body.media[0].media_type == "multipart/form-data"


def test_operations_without_ids_tags_and_duplicates_get_unique_names(
    build: Any, tmp_path: Any
) -> None:
    paths = {
        "/pets": {
            "get": {"responses": {"204": {"description": "x"}}},
            "post": {"operationId": "dup", "responses": {"204": {"description": "x"}}},
        },
        "/pets/{id}": {
            "get": {
                "operationId": "dup",
                "tags": ["pets"],
                "responses": {"204": {"description": "x"}},
            }
        },
    }
    api, sink = build(spec_doc(paths))
    names = plan_names(api, sink)
    calls = sorted(
        f"{names.resource_of(op).attr}.{names.op_method[op_key(op)]}" for op in api.operations
    )
    assert calls == ["pets.dup", "pets.dup_by_id", "pets.list"]  # GET /pets without an id: a list
    assert [d.code for d in sink.items if d.code == "duplicate-operation-id"] == [
        "duplicate-operation-id"
    ]


def test_undeclared_path_parameter_is_added_with_a_warning(build: Any) -> None:
    api, sink = build(
        spec_doc(
            {"/x/{id}": {"get": {"operationId": "x", "responses": {"204": {"description": "x"}}}}}
        )
    )
    assert api.operations[0].parameters[0].wire_name == "id"
    assert any(
        d.code == "undeclared-path-param" and d.pointer == "/paths/~1x~1{id}/get"
        for d in sink.items
    )


def test_diagnostic_sink_deduplicates() -> None:
    sink = DiagnosticSink()
    sink.warn("a", "/x", "m")
    sink.warn("a", "/x", "m")
    assert len(sink.items) == 1
