"""The short cuts of the hot helpers answer as the general walk does: `walk_refs` for a leaf type,
`mentions_format` for a node with nothing to look into, `field_name`'s reserved words."""

from __future__ import annotations

from generator.ir.types import (
    AnyType,
    Kind,
    ListOf,
    LiteralOf,
    MapOf,
    ModelRef,
    Primitive,
    UnionOf,
    walk_refs,
)
from generator.naming.rules import field_name
from generator.parse.field_facts import mentions_format
from generator.refs import Resolver


def test_walk_refs_leaves_and_nesting() -> None:
    assert walk_refs(ModelRef("#/a")) == ["#/a"]
    assert walk_refs(Primitive(Kind.STRING)) == []
    assert walk_refs(AnyType()) == []
    assert walk_refs(LiteralOf(("x",))) == []
    nested = UnionOf(
        (
            ListOf(ModelRef("#/c"), prefix=(ModelRef("#/a"), ModelRef("#/b"))),
            MapOf(ModelRef("#/d")),
            Primitive(Kind.INTEGER),
        )
    )
    assert walk_refs(nested) == ["#/a", "#/b", "#/c", "#/d"]


def test_mentions_format_looks_through_refs_and_children_only() -> None:
    document = {"components": {"schemas": {"Secret": {"type": "string", "format": "password"}}}}
    resolver = Resolver(document)
    ref = {"$ref": "#/components/schemas/Secret"}
    assert mentions_format({"type": "string", "format": "password"}, "password", resolver, "#")
    assert not mentions_format({"type": "string", "description": "x"}, "password", resolver, "#")
    assert mentions_format(ref, "password", resolver, "#")
    assert mentions_format({"type": "array", "items": ref}, "password", resolver, "#")
    assert mentions_format({"additionalProperties": ref}, "password", resolver, "#")
    assert mentions_format({"anyOf": [{"type": "null"}, ref]}, "password", resolver, "#")
    assert not mentions_format({"anyOf": [{"type": "null"}]}, "password", resolver, "#")


def test_field_name_reserved_words() -> None:
    assert field_name("print") == "print_"
    assert field_name("model_dump") == "model_dump_"
    assert field_name("list") == "list"  # a builtin a field may shadow
    assert field_name("class") == "class_"
    assert field_name("2fa") == "field_2fa"
