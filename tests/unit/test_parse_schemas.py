"""Schema → IR: assertions on IR objects, never on generated text."""

from __future__ import annotations

from typing import Any

from generator.ir import (
    Alias,
    AnyType,
    Enum,
    Kind,
    ListOf,
    LiteralOf,
    MapOf,
    Model,
    ModelRef,
    Primitive,
    UnionOf,
)
from generator.naming.hints import schema_hints
from tests.conftest import spec_doc

C = "/components/schemas/"


def fields(model: Any) -> dict[str, Any]:
    return {f.wire_name: f for f in model.fields}


def test_object_fields_required_and_formats(build: Any) -> None:
    api, _ = build(
        spec_doc(
            schemas={
                "Pet": {
                    "type": "object",
                    "required": ["id", "born"],
                    "properties": {
                        "id": {"type": "string", "format": "uuid"},
                        "born": {"type": "string", "format": "date"},
                        "seen": {"type": "string", "format": "date-time"},
                        "weight": {"type": "number", "format": "int64"},
                        "legs": {"type": "integer", "format": "int32"},
                        "photo": {"type": "string", "format": "binary"},
                        "price": {"type": "string", "format": "decimal"},
                        "tags": {"type": "array", "items": {"type": "string"}},
                        "labels": {"type": "object", "additionalProperties": {"type": "integer"}},
                        "anything": {},
                    },
                }
            }
        )
    )
    pet = api.schemas[C + "Pet"]
    assert isinstance(pet, Model)
    f = fields(pet)
    assert f["id"].required and f["id"].type == Primitive(Kind.UUID)
    assert f["born"].type == Primitive(Kind.DATE)
    assert f["seen"].type == Primitive(Kind.DATETIME) and not f["seen"].required
    assert f["weight"].type == Primitive(
        Kind.INTEGER
    )  # number + int64: whole numbers, exact beyond 2**53
    assert f["legs"].type == Primitive(Kind.INTEGER)
    assert f["photo"].type == Primitive(Kind.BINARY)
    assert f["price"].type == Primitive(Kind.DECIMAL)
    assert f["tags"].type == ListOf(Primitive(Kind.STRING))
    assert f["labels"].type == MapOf(Primitive(Kind.INTEGER))
    assert isinstance(f["anything"].type, AnyType)


def test_nullable_30_and_type_arrays_31(build: Any) -> None:
    props = {
        "a": {"type": "string", "nullable": True},
        "b": {"$ref": "#/components/schemas/B", "nullable": True},
    }
    api30, _ = build(
        spec_doc(
            schemas={
                "M": {"type": "object", "properties": props},
                "B": {"type": "object", "properties": {"x": {"type": "string"}}},
            },
            version="3.0.3",
        )
    )
    m = fields(api30.schemas[C + "M"])
    assert m["a"].type == Primitive(Kind.STRING, nullable=True)
    assert m["b"].type == ModelRef(C + "B", nullable=True)
    props31 = {
        "a": {"type": ["string", "null"]},
        "b": {"anyOf": [{"$ref": "#/components/schemas/B"}, {"type": "null"}]},
        "c": {"type": ["string", "integer"]},
    }
    api31, _ = build(
        spec_doc(
            schemas={
                "M": {"type": "object", "properties": props31},
                "B": {"type": "object", "properties": {"x": {"type": "string"}}},
            }
        )
    )
    m = fields(api31.schemas[C + "M"])
    assert m["a"].type == Primitive(Kind.STRING, nullable=True)
    assert m["b"].type == ModelRef(C + "B", nullable=True)
    assert m["c"].type == UnionOf((Primitive(Kind.STRING), Primitive(Kind.INTEGER)))


def test_enums_of_any_json_values(build: Any) -> None:
    api, _ = build(
        spec_doc(
            schemas={
                "Colour": {"type": "string", "enum": ["red", "green", None]},
                "Level": {"type": "integer", "enum": [1, 2, 3]},
                "Mixed": {"enum": ["a", 1, True]},
                "Tag": {"const": "pet"},
            }
        )
    )
    colour = api.schemas[C + "Colour"]
    assert isinstance(colour, Enum) and colour.nullable
    assert [m.value for m in colour.members] == ["red", "green"] and colour.value_kind == "string"
    level = api.schemas[C + "Level"]
    assert isinstance(level, Enum) and level.value_kind == "integer"
    assert (
        isinstance(api.schemas[C + "Mixed"], Enum)
        and api.schemas[C + "Mixed"].value_kind == "mixed"
    )
    tag = api.schemas[C + "Tag"]
    assert isinstance(tag, Alias) and tag.target == LiteralOf(("pet",))


def test_all_of_merges_properties_and_required(build: Any) -> None:
    api, _ = build(
        spec_doc(
            schemas={
                "Base": {
                    "type": "object",
                    "required": ["id"],
                    "properties": {"id": {"type": "string"}},
                },
                "Child": {
                    "allOf": [
                        {"$ref": "#/components/schemas/Base"},
                        {
                            "type": "object",
                            "required": ["name"],
                            "properties": {"name": {"type": "string"}},
                        },
                    ],
                    "description": "A child",
                },
            }
        )
    )
    child = api.schemas[C + "Child"]
    assert isinstance(child, Model) and child.doc == "A child"
    f = fields(child)
    assert list(f) == ["id", "name"] and f["id"].required and f["name"].required


def test_all_of_of_one_ref_is_an_alias_of_it(build: Any) -> None:
    # `allOf: [$ref X]` (+ annotations) names X again; it used to become Any
    api, _ = build(
        spec_doc(
            schemas={
                "Base": {"type": "object", "properties": {"a": {"type": "string"}}},
                "Named": {
                    "description": "Same as Base.",
                    "allOf": [{"$ref": "#/components/schemas/Base"}],
                },
            }
        )
    )
    named = api.schemas[C + "Named"]
    assert (
        isinstance(named, Alias)
        and named.target == ModelRef(C + "Base")
        and named.doc == "Same as Base."
    )


def test_one_of_union_with_discriminator(build: Any) -> None:
    api, _ = build(
        spec_doc(
            schemas={
                "Cat": {"type": "object", "properties": {"kind": {"const": "cat"}}},
                "Dog": {"type": "object", "properties": {"kind": {"const": "dog"}}},
                "Pet": {
                    "oneOf": [
                        {"$ref": "#/components/schemas/Cat"},
                        {"$ref": "#/components/schemas/Dog"},
                    ],
                    "discriminator": {
                        "propertyName": "kind",
                        "mapping": {"cat": "#/components/schemas/Cat", "dog": "Dog"},
                    },
                },
            }
        )
    )
    pet = api.schemas[C + "Pet"]
    assert isinstance(pet, Alias) and isinstance(pet.target, UnionOf)
    assert pet.target.variants == (ModelRef(C + "Cat"), ModelRef(C + "Dog"))
    assert pet.target.discriminator is not None
    assert pet.target.discriminator.mapping == (("cat", C + "Cat"), ("dog", C + "Dog"))


def test_recursive_and_mutually_recursive_schemas(build: Any) -> None:
    api, _ = build(
        spec_doc(
            schemas={
                "Node": {
                    "type": "object",
                    "properties": {
                        "children": {
                            "type": "array",
                            "items": {"$ref": "#/components/schemas/Node"},
                        }
                    },
                },
                "A": {"type": "object", "properties": {"b": {"$ref": "#/components/schemas/B"}}},
                "B": {"type": "object", "properties": {"a": {"$ref": "#/components/schemas/A"}}},
            }
        )
    )
    assert fields(api.schemas[C + "Node"])["children"].type == ListOf(ModelRef(C + "Node"))
    assert fields(api.schemas[C + "A"])["b"].type == ModelRef(C + "B")
    assert fields(api.schemas[C + "B"])["a"].type == ModelRef(C + "A")


def test_identical_inline_schemas_of_different_owners_stay_apart(build: Any) -> None:
    """Two inline schemas that merely look alike are two schemas, each named after its place: a later
    edit to one (a new enum value) must not rename or retype the other."""
    meta = {"type": "object", "properties": {"requestId": {"type": "string"}}}
    api, _ = build(
        spec_doc(
            schemas={
                "One": {"type": "object", "properties": {"meta": meta}},
                "Two": {"type": "object", "properties": {"meta": dict(meta)}},
            }
        )
    )
    one, two = (
        fields(api.schemas[C + "One"])["meta"].type,
        fields(api.schemas[C + "Two"])["meta"].type,
    )
    assert one == ModelRef(C + "One/properties/meta") and two == ModelRef(C + "Two/properties/meta")
    hints = schema_hints(api.schemas)  # the naming pass chooses the words, from what parse recorded
    assert (hints[one.id], hints[two.id]) == ("One meta", "Two meta")


def test_the_same_inline_node_reached_twice_is_one_schema(build: Any) -> None:
    """Properties an `allOf` copies from its base, and a `$ref` to an inline schema, reach the very node
    defined once: one schema, named where it is defined."""
    status = {"type": "string", "enum": ["open", "closed"]}
    api, _ = build(
        spec_doc(
            schemas={
                "Base": {"type": "object", "properties": {"status": status}},
                "Child": {
                    "allOf": [
                        {"$ref": "#/components/schemas/Base"},
                        {
                            "properties": {
                                "again": {"$ref": "#/components/schemas/Base/properties/status"}
                            }
                        },
                    ]
                },
            }
        )
    )
    base, child = fields(api.schemas[C + "Base"]), fields(api.schemas[C + "Child"])
    assert base["status"].type == child["status"].type == child["again"].type
    assert base["status"].type == ModelRef(C + "Base/properties/status")
    assert schema_hints(api.schemas)[C + "Base/properties/status"] == "Base status"


def test_read_only_and_write_only_fields_are_not_required(build: Any) -> None:
    """One model serves requests (no read-only fields) and responses (no write-only fields)."""
    api, _ = build(
        spec_doc(
            schemas={
                "M": {
                    "type": "object",
                    "required": ["id", "name", "x"],
                    "properties": {
                        "id": {"type": "string", "readOnly": True},
                        "name": {"type": "string", "writeOnly": True},
                        "x": {"type": "string"},
                        "y": {"type": "string", "readOnly": True},
                    },
                }
            }
        )
    )
    f = fields(api.schemas[C + "M"])
    assert f["id"].read_only and not f["id"].required and f["id"].listed_required
    assert f["name"].write_only and not f["name"].required and f["name"].listed_required
    assert f["x"].required and f["x"].listed_required
    assert not f["y"].required and not f["y"].listed_required


def test_primitive_component_is_inlined(build: Any) -> None:
    api, _ = build(
        spec_doc(
            schemas={
                "Id": {"type": "string", "format": "uuid"},
                "M": {"type": "object", "properties": {"id": {"$ref": "#/components/schemas/Id"}}},
            }
        )
    )
    assert C + "Id" not in api.schemas
    assert fields(api.schemas[C + "M"])["id"].type == Primitive(Kind.UUID)


def test_additional_and_pattern_properties(build: Any) -> None:
    api, _ = build(
        spec_doc(
            schemas={
                "Open": {
                    "type": "object",
                    "properties": {"a": {"type": "string"}},
                    "additionalProperties": {"type": "integer"},
                },
                "Closed": {
                    "type": "object",
                    "properties": {"a": {"type": "string"}},
                    "additionalProperties": False,
                },
                "Pattern": {
                    "type": "object",
                    "properties": {"a": {"type": "string"}},
                    "patternProperties": {"^x-": {"type": "boolean"}},
                },
            }
        )
    )
    assert api.schemas[C + "Open"].extra == Primitive(Kind.INTEGER)
    assert api.schemas[C + "Closed"].closed and api.schemas[C + "Closed"].extra is None
    assert api.schemas[C + "Pattern"].extra == Primitive(Kind.BOOLEAN)


def test_relative_file_refs_are_bundled_and_example_refs_left_alone(tmp_path: Any) -> None:
    import yaml

    from generator.diagnostics import DiagnosticSink
    from generator.load import load_spec
    from generator.parse import build_api

    (tmp_path / "models.yml").write_text(
        yaml.safe_dump(
            {
                "Pet": {"type": "object", "properties": {"owner": {"$ref": "#/Owner"}}},
                "Owner": {"type": "object", "properties": {"name": {"type": "string"}}},
            }
        )
    )
    spec = tmp_path / "spec.yml"
    spec.write_text(
        yaml.safe_dump(
            spec_doc(
                {
                    "/pets": {
                        "get": {
                            "operationId": "listPets",
                            "responses": {
                                "200": {
                                    "description": "ok",
                                    "content": {
                                        "application/json": {
                                            "schema": {"$ref": "models.yml#/Pet"},
                                            "examples": {"one": {"value": {"$ref": "missing.yml"}}},
                                        }
                                    },
                                }
                            },
                        }
                    }
                }
            )
        )
    )
    sink = DiagnosticSink()
    api = build_api(load_spec(spec, sink), sink)
    pet = api.schemas[C + "Pet"]
    assert isinstance(pet, Model)
    assert fields(pet)["owner"].type == ModelRef(C + "Owner")


def test_x_enum_names_name_the_members(build: Any) -> None:
    doc = spec_doc(
        schemas={
            "A": {"type": "integer", "enum": [1, 2], "x-enum-varnames": ["Low", "High"]},
            "B": {"type": "string", "enum": ["x", None, "y"], "x-enumNames": ["Ex", "Nothing", ""]},
        }
    )
    api, _ = build(doc)
    assert [m.name for m in api.schemas["/components/schemas/A"].members] == ["Low", "High"]
    # positions follow `enum` (null included); an empty name falls back to the value
    assert [m.name for m in api.schemas["/components/schemas/B"].members] == ["Ex", ""]


def test_array_form_of_items_is_a_tuple_with_additional_items_as_the_rest(build: Any) -> None:
    doc = spec_doc(
        schemas={
            "T": {
                "type": "array",
                "items": [{"type": "integer"}, {"type": "string"}],
                "additionalItems": {"type": "boolean"},
            }
        }
    )
    api, _ = build(doc)
    target = api.schemas["/components/schemas/T"].target
    assert isinstance(target, ListOf)
    assert target.prefix == (Primitive(Kind.INTEGER), Primitive(Kind.STRING))
    assert target.item == Primitive(Kind.BOOLEAN) and not target.closed


def test_ref_only_component_is_an_alias_and_uses_resolve_through_it(build: Any) -> None:
    doc = spec_doc(
        schemas={
            "Pet": {"type": "object", "properties": {"name": {"type": "string"}}},
            "Animal": {"$ref": "#/components/schemas/Pet", "description": "Any animal."},
            "Owner": {
                "type": "object",
                "properties": {"pet": {"$ref": "#/components/schemas/Animal"}},
            },
        }
    )
    api, _ = build(doc)
    alias = api.schemas["/components/schemas/Animal"]
    assert alias.target == ModelRef("/components/schemas/Pet") and alias.doc == "Any animal."
    (pet,) = api.schemas["/components/schemas/Owner"].fields
    assert pet.type == ModelRef("/components/schemas/Pet")


def test_constant_fields(build: Any) -> None:
    doc = spec_doc(
        schemas={
            "M": {
                "type": "object",
                "properties": {
                    "a": {"const": "x"},
                    "b": {"enum": ["y"], "default": "y"},
                    "c": {"enum": ["z"]},  # no default: a one-value enum, not a tag
                    "d": {"allOf": [{"$ref": "#/components/schemas/E"}], "default": "e"},
                    "e": {"enum": [1], "default": True},  # true is not 1
                },
            },
            "E": {"type": "string", "enum": ["e"]},
        }
    )
    api, _ = build(doc)
    fields = {f.wire_name: f for f in api.schemas["/components/schemas/M"].fields}
    assert {k for k, f in fields.items() if f.constant} == {"a", "b", "d"}
    assert fields["a"].type == LiteralOf(("x",)) and fields["d"].default == "e"


def test_a_reference_to_a_nullable_schema_is_nullable(build: Any) -> None:
    doc = spec_doc(
        schemas={
            "Transfer": {"type": ["object", "null"], "properties": {"phone": {"type": "string"}}},
            "Firm": {
                "type": "object",
                "required": ["transfer"],
                "properties": {"transfer": {"$ref": "#/components/schemas/Transfer"}},
            },
        }
    )
    api, _ = build(doc)
    (transfer,) = api.schemas["/components/schemas/Firm"].fields
    assert transfer.type == ModelRef("/components/schemas/Transfer", nullable=True)


def test_fields_whose_schema_says_no_type_take_null(build: Any) -> None:
    doc = spec_doc(
        schemas={
            "Actor": {"properties": {"name": {"type": "string"}}},  # no `type`: null is valid
            "Typed": {"type": "object", "properties": {"name": {"type": "string"}}},
            "Abuse": {
                "type": "object",
                "required": ["owner"],
                "properties": {
                    "reporter": {"$ref": "#/components/schemas/Actor"},
                    "moderator": {"allOf": [{"$ref": "#/components/schemas/Actor"}]},
                    "typed": {"$ref": "#/components/schemas/Typed"},
                    "owner": {"$ref": "#/components/schemas/Actor"},
                },
            },
        }
    )
    api, _ = build(doc)
    fields = {f.wire_name: f for f in api.schemas["/components/schemas/Abuse"].fields}
    assert fields["reporter"].type.nullable and fields["moderator"].type.nullable
    assert not fields["typed"].type.nullable
    # required only says the key is there: its value may still be null
    assert fields["owner"].type.nullable and fields["owner"].required
