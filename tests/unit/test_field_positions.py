"""The fields `SchemaBuilder._model` and `field_facts.plain_field` make positionally (issue 18,
parse26: a call by keyword costs a third more): each value lands in the attribute it is for."""

from __future__ import annotations

from typing import Any

import pytest

from generator.diagnostics import DiagnosticSink
from generator.ir import Field, Kind, Primitive
from generator.parse.canonical import Canonical
from generator.parse.schemas import SchemaBuilder
from generator.refs import Resolver

# every attribute a value of its own: a value in the wrong position shows
PROPERTY: dict[str, Any] = {
    "type": "string",
    "format": "password",
    "readOnly": True,
    "deprecated": True,
    "default": "the default",
    "example": "the example",
    "description": "the doc",
    "minLength": 2,
}


def _field(node: dict[str, Any], listed: bool) -> Field:
    schemas = {"M": {"type": "object", "properties": {"p": node}}, "S": PROPERTY}
    if listed:
        schemas["M"]["required"] = ["p"]
    canonical = Canonical({"openapi": "3.0.3", "components": {"schemas": schemas}})
    sink = DiagnosticSink()
    builder = SchemaBuilder(Resolver(canonical.document, "", sink), sink, "3.0", canonical)
    model = builder._model(
        "/components/schemas/M", "M", canonical.document["components"]["schemas"]["M"], ""
    )
    assert sink.sorted() == []
    (field,) = model.fields
    return field


@pytest.mark.parametrize(
    "node",
    [PROPERTY, {"$ref": "#/components/schemas/S"}],
    ids=["plain", "general"],
)
def test_each_value_is_in_its_attribute(node: dict[str, Any]) -> None:
    field = _field(node, listed=True)
    assert field.wire_name == "p"
    assert field.type == Primitive(Kind.STRING)
    assert field.required is False  # read-only
    assert field.listed_required is True
    assert field.doc == "the doc"
    assert field.default == "the default"
    assert field.read_only is True
    assert field.write_only is False
    assert field.deprecated is (node is PROPERTY)  # (a `$ref`'s target's is not the property's)
    assert field.constraints.min_length == 2
    assert field.constant is False
    assert field.secret is True
    assert field.format == "password"
    assert field.example == "the example"


def test_a_constant_and_a_write_only_field() -> None:
    node = {"type": "string", "enum": ["tag"], "default": "tag", "writeOnly": True}
    field = _field(node, listed=False)
    assert (field.constant, field.default, field.write_only, field.read_only) == (
        True,
        "tag",
        True,
        False,
    )
    assert (field.required, field.listed_required, field.secret) == (False, False, False)
