"""Unit tests of the sample-argument builder (tests/support/samples.py): the values validate with jsonschema."""

from __future__ import annotations

import re
import uuid
from typing import Any

import jsonschema
import pytest
from support.casexchange import load_spec, spec_path
from support.openapi import FORMAT_CHECKER, SchemaValidator, iter_operations
from support.samples import SampleBuilder, SampleError, string_from_pattern


def doc31(
    schemas: dict[str, Any] | None = None, paths: dict[str, Any] | None = None
) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": paths or {},
        "components": {"schemas": schemas or {}},
    }


def _to_defs(node: Any) -> Any:
    if isinstance(node, dict):
        return {
            k: (v.replace("#/components/schemas/", "#/$defs/") if k == "$ref" else _to_defs(v))
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [_to_defs(v) for v in node]
    return node


def check(schema: dict[str, Any], value: Any, schemas: dict[str, Any] | None = None) -> None:
    """Validate with jsonschema directly (Draft 2020-12, formats checked), refs against `schemas`."""
    root = _to_defs({**schema, "$defs": schemas or {}})
    jsonschema.Draft202012Validator(root, format_checker=FORMAT_CHECKER).validate(value)


def test_formats_and_required_properties() -> None:
    schema = {
        "type": "object",
        "required": ["id", "day", "at", "email", "site", "name"],
        "properties": {
            "id": {"type": "string", "format": "uuid"},
            "day": {"type": "string", "format": "date"},
            "at": {"type": "string", "format": "date-time"},
            "email": {"type": "string", "format": "email"},
            "site": {"type": "string", "format": "uri"},
            "name": {"type": "string", "minLength": 3, "maxLength": 8},
            "optional": {"type": "string"},
        },
        "additionalProperties": False,
    }
    value = SampleBuilder(doc31()).value(schema)
    check(schema, value)
    assert set(value) == {"id", "day", "at", "email", "site", "name"}  # minimal: required only
    uuid.UUID(value["id"])
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", value["day"])
    assert value["at"].endswith("Z") and "T" in value["at"]
    assert "@" in value["email"] and value["site"].startswith("https://")
    full = SampleBuilder(doc31(), full=True).value(schema)
    check(schema, full)
    assert "optional" in full


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "integer", "minimum": 5, "maximum": 7},
        {"type": "integer", "minimum": -10, "maximum": -3},
        {"type": "integer", "exclusiveMinimum": 10, "exclusiveMaximum": 12},
        {"type": "number", "exclusiveMinimum": 0, "maximum": 0.5},
        {"type": "number", "minimum": 0, "maximum": 1},
        {"type": "integer", "minimum": 7, "multipleOf": 5},
        {"type": "string", "minLength": 40},
        {"type": "string", "maxLength": 2},
        {"type": "string", "pattern": r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$"},
        {"type": ["string", "null"], "pattern": r"^\d{1,8}(\.\d{1,2})?$"},
        {"type": "string", "pattern": r"^[A-Z]{2}-[a-z0-9_]{3,}$", "maxLength": 10},
        {
            "type": "array",
            "minItems": 3,
            "uniqueItems": True,
            "items": {"type": "string", "format": "uuid"},
        },
        {"type": "array", "maxItems": 1, "items": {"type": "integer"}},
        {"type": ["boolean", "null"]},
        {"type": "null"},
        {"enum": ["b", "c"]},
        {"const": 42},
    ],
)
def test_bounds_lengths_patterns(schema: dict[str, Any]) -> None:
    check(schema, SampleBuilder(doc31()).value(schema))


def test_examples_first_but_only_valid_ones() -> None:
    builder = SampleBuilder(doc31())
    assert builder.value({"type": "string", "examples": ["hello"]}) == "hello"
    assert (
        builder.value({"type": "string", "format": "uuid", "examples": ["not-a-uuid"]})
        != "not-a-uuid"
    )
    assert builder.value({"type": "string", "enum": ["x", "y"], "examples": ["y"]}) == "y"
    assert builder.value({"type": "string", "enum": ["x", "y"]}) == "x"
    assert builder.value({"type": "integer", "default": 20, "minimum": 1}) == 20
    openapi30 = {"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {}}
    assert (
        SampleBuilder(openapi30).value({"type": "string", "example": "from-example"})
        == "from-example"
    )


def test_one_of_any_of_first_non_null_variant_and_all_of() -> None:
    schemas = {
        "Base": {
            "type": "object",
            "required": ["id"],
            "properties": {"id": {"type": "string", "format": "uuid"}},
        },
        "Cat": {
            "type": "object",
            "required": ["meows"],
            "properties": {"meows": {"type": "boolean"}},
        },
        "Dog": {
            "type": "object",
            "required": ["barks"],
            "properties": {"barks": {"type": "boolean"}},
        },
    }
    builder = SampleBuilder(doc31(schemas))
    one_of = {"oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}]}
    value = builder.value(one_of)
    check(one_of, value, schemas)
    assert "meows" in value
    nullable = {"anyOf": [{"type": "null"}, {"$ref": "#/components/schemas/Dog"}]}
    assert builder.value(nullable) == {"barks": True}
    merged = {
        "allOf": [{"$ref": "#/components/schemas/Base"}, {"$ref": "#/components/schemas/Cat"}]
    }
    value = builder.value(merged)
    check(merged, value, schemas)
    assert set(value) == {"id", "meows"}


def test_one_of_skips_variants_that_overlap() -> None:
    # A uuid is also a string: the first variant's value matches both, so the second variant is used.
    schema = {"oneOf": [{"type": "string", "format": "uuid"}, {"type": "string"}]}
    value = SampleBuilder(doc31()).value(schema)
    check(schema, value)
    # Two open object variants: every object matches both, no instance can satisfy oneOf.
    with pytest.raises(SampleError):
        SampleBuilder(doc31()).value(
            {"oneOf": [{"type": "object"}, {"type": "object", "properties": {"a": {}}}]}
        )


def test_min_properties_and_additional_properties() -> None:
    closed = {
        "type": "object",
        "additionalProperties": False,
        "minProperties": 2,
        "properties": {
            "a": {"type": ["string", "null"]},
            "b": {"type": "integer"},
            "c": {"type": "boolean"},
        },
    }
    value = SampleBuilder(doc31()).value(closed)
    check(closed, value)
    assert len(value) == 2 and set(value) <= {"a", "b", "c"}
    open_map = {
        "type": "object",
        "minProperties": 1,
        "additionalProperties": {"type": "string", "format": "date"},
    }
    value = SampleBuilder(doc31()).value(open_map)
    check(open_map, value)
    assert len(value) == 1
    impossible = {
        "type": "object",
        "additionalProperties": False,
        "minProperties": 2,
        "properties": {"only": {"type": "string"}},
    }
    with pytest.raises(SampleError):
        SampleBuilder(doc31()).value(impossible)


def test_full_mode_skips_read_only_and_deprecated_and_stops_recursion() -> None:
    schemas = {
        "Node": {
            "type": "object",
            "required": ["name"],
            "properties": {
                "name": {"type": "string"},
                "id": {"type": "string", "readOnly": True},
                "legacy": {"type": "string", "deprecated": True},
                "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}},
                "parent": {"anyOf": [{"$ref": "#/components/schemas/Node"}, {"type": "null"}]},
            },
        }
    }
    builder = SampleBuilder(doc31(schemas), full=True)
    value = builder.value({"$ref": "#/components/schemas/Node"})
    check({"$ref": "#/components/schemas/Node"}, value, schemas)
    assert "id" not in value and "legacy" not in value
    assert value["children"][0]["name"]


def test_nullable_openapi30() -> None:
    doc = {"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {}}
    schema = {
        "type": "object",
        "required": ["x"],
        "properties": {"x": {"type": "string", "nullable": True, "format": "date"}},
    }
    value = SampleBuilder(doc).value(schema)
    assert SchemaValidator(doc).errors(schema, value) == []
    assert SchemaValidator(doc).errors(schema, {"x": None}) == []
    assert SchemaValidator(doc).errors(schema, {"x": "not a date"}) != []


def test_string_from_pattern() -> None:
    for pattern in (
        r"^\d{1,8}(\.\d{1,2})?$",
        r"^cxp_(ro|std|full)_[0-9a-f]{32}$",
        r"[^@]+@example\.com",
        r"^\w+\s\S+$",
    ):
        assert re.search(pattern, string_from_pattern(pattern)), pattern


def test_operation_arguments_with_multipart_body() -> None:
    paths = {
        "/cases/{caseId}/documents": {
            "parameters": [
                {
                    "name": "caseId",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string", "format": "uuid"},
                }
            ],
            "post": {
                "operationId": "upload",
                "parameters": [
                    {"name": "dryRun", "in": "query", "schema": {"type": "boolean"}},
                    {
                        "name": "old",
                        "in": "query",
                        "deprecated": True,
                        "schema": {"type": "string"},
                    },
                    {
                        "name": "X-Trace",
                        "in": "header",
                        "required": True,
                        "schema": {"type": "string", "maxLength": 4},
                    },
                ],
                "requestBody": {
                    "required": True,
                    "content": {
                        "multipart/form-data": {
                            "schema": {
                                "type": "object",
                                "required": ["file", "category"],
                                "properties": {
                                    "file": {
                                        "type": "string",
                                        "format": "binary",
                                        "description": "A CSV file.",
                                    },
                                    "category": {"type": "string", "enum": ["intake", "other"]},
                                    "note": {"type": "string"},
                                },
                            },
                        }
                    },
                },
                "responses": {"201": {"description": "ok"}},
            },
        }
    }
    doc = doc31(paths=paths)
    (operation,) = iter_operations(doc)
    samples = SampleBuilder(doc).arguments(operation)
    uuid.UUID(samples.path["caseId"])
    assert samples.query == {"dryRun": True}  # optional ones too, deprecated ones never
    assert len(samples.header["X-Trace"]) <= 4
    assert samples.media_type == "multipart/form-data"
    assert samples.body["category"] == "intake" and "note" not in samples.body
    filename, content, content_type = samples.body["file"]
    assert (filename, content_type) == ("sample.csv", "text/csv") and content


def test_every_operation_of_the_casexchange_spec_gets_valid_samples() -> None:
    path = spec_path()
    if not path.is_file():
        pytest.skip(f"{path} does not exist yet")
    doc = load_spec(path)
    validator = SchemaValidator(doc)
    count = 0
    for full in (False, True):
        builder = SampleBuilder(doc, full=full)
        for operation in iter_operations(doc):
            samples = builder.arguments(operation)
            for param in operation.parameters:
                value = getattr(samples, param["in"]).get(param["name"])
                if value is not None:
                    assert validator.errors(param["schema"], value) == [], (
                        operation.operation_id,
                        param["name"],
                    )
            if samples.has_body and samples.media_type == "application/json":
                schema = operation.request_body(doc)["content"]["application/json"]["schema"]
                assert validator.errors(schema, samples.body) == [], operation.operation_id
            count += 1
    assert count == 2 * len(list(iter_operations(doc)))
