"""Small paths of `SchemaBuilder` made cheaper (issue 18, parse26): `sent()` as a class (the typing of
what the client sends, nested and after an error), an enum's member names looked up only when the
schema names some."""

from __future__ import annotations

from typing import Any

import pytest

from generator.diagnostics import DiagnosticSink
from generator.ir import Enum
from generator.parse.canonical import Canonical
from generator.parse.schemas import SchemaBuilder
from generator.refs import Resolver


def _builder(schemas: dict[str, Any] | None = None) -> SchemaBuilder:
    canonical = Canonical({"openapi": "3.0.3", "components": {"schemas": schemas or {}}})
    sink = DiagnosticSink()
    return SchemaBuilder(Resolver(canonical.document, "", sink), sink, "3.0", canonical)


def test_sent_turns_typeless_null_off_inside_and_restores_it() -> None:
    builder = _builder()
    typeless = {"properties": {"a": {"type": "string"}}}
    outside = builder.type_of(typeless, "/x", ("x", None))
    assert builder._typeless_null is True
    with builder.sent():
        assert builder._typeless_null is False
        inside = builder.type_of(typeless, "/y", ("y", None))
        with builder.sent():
            assert builder._typeless_null is False
        assert builder._typeless_null is False
    assert builder._typeless_null is True
    assert outside.nullable and not inside.nullable  # type: ignore[union-attr]
    with pytest.raises(RuntimeError), builder.sent():
        raise RuntimeError
    assert builder._typeless_null is True


def test_enum_members_named_only_when_the_schema_names_them() -> None:
    builder = _builder()
    plain = builder._enum("/e", "E", {"enum": ["a", 1, ["l"], None]}, "")
    named = builder._enum(
        "/f", "F", {"enum": ["a", 1, ["l"]], "x-enum-varnames": ["ALPHA", "ONE", "LIST"]}, ""
    )
    assert isinstance(plain, Enum) and isinstance(named, Enum)
    assert [m.name for m in plain.members] == ["", "", ""]
    assert [m.name for m in named.members] == ["ALPHA", "ONE", "LIST"]
    assert plain.nullable and not named.nullable
