"""`render/field_views.py`: one model field — its annotation, default and `Field(...)` options: required
fields have no default, optional ones `_UNSET` (`_Omittable`) or `None` when nullable, spec defaults as
literals (or validated from JSON), constants as their value, aliases for renamed wire names, secrets
kept out of the repr, UUID fields that also take strings."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from generator.ir import Model
from generator.render.annotations import Imports
from generator.render.field_views import FieldView, accepts_none, default_literal, field_view
from tests.conftest import spec_doc
from tests.support.views import Built


def _fields(built: Built, name: str) -> tuple[dict[str, FieldView], Imports]:
    sid = built.sid(name)
    model = built.api.schemas[sid]
    assert isinstance(model, Model)
    imports = Imports()
    views = [field_view(built.annotator(), built.names, sid, f, imports) for f in model.fields]
    return {v.name: v for v in views}, imports


def test_the_shop_pet_fields(shop: Built) -> None:
    fields, imports = _fields(shop, "Pet")
    name = fields["name"]
    assert (name.annotation, name.default, name.alias) == ("str", "", "")
    assert name.doc == "The pet's name."
    # a documented field carries its docstring's text as its description: pydantic reads no source
    assert name.value == '_Field(description="The pet\'s name.")'
    assert fields["kind"].annotation == "Kind" and fields["kind"].default == ""
    legs = fields["legs"]
    assert (legs.annotation, legs.default) == ("int", "4")
    assert legs.value == '_Field(default=4, description="Default: `4`.")'
    assert legs.doc == "Default: `4`."
    tag = fields["tag"]
    assert (tag.annotation, tag.default) == ("str | None", "None")  # nullable: None, not unset
    ident = fields["id"]
    assert (ident.annotation, ident.default) == ("_Omittable[int]", "_UNSET")
    assert ident.doc == "Read-only: set by the server, never sent."
    first = fields["first_name"]
    assert first.alias == "firstName"
    assert first.value == (
        '_Field(default=_UNSET, validation_alias="firstName", serialization_alias="firstName")'
    )
    const = fields["type"]
    assert (const.annotation, const.default) == ('_t.Literal["pet"]', '"pet"')
    assert const.doc == 'Always `"pet"`: set and sent automatically.'
    assert {"Omittable", "UNSET"} <= imports.runtime


def _one(views: Callable[..., Built], prop: dict[str, Any], required: bool = False) -> FieldView:
    schema: dict[str, Any] = {"type": "object", "properties": {"value": prop}}
    if required:
        schema["required"] = ["value"]
    built = views(spec_doc(schemas={"Thing": schema}))
    fields, _ = _fields(built, "Thing")
    return fields["value"]


def test_defaults_that_are_no_python_literal_are_validated(views: Callable[..., Built]) -> None:
    when = _one(views, {"type": "string", "format": "date", "default": "2024-01-31"})
    assert when.default == '_t.cast(_t.Any, "2024-01-31")'
    assert "validate_default=True" in when.value


def test_a_secret_field_is_kept_out_of_the_repr(views: Callable[..., Built]) -> None:
    secret = _one(views, {"type": "string", "format": "password"}, required=True)
    assert secret.value == "_Field(repr=False)"


def test_a_uuid_field_also_takes_a_string(views: Callable[..., Built]) -> None:
    ident = _one(views, {"type": "string", "format": "uuid"}, required=True)
    assert (ident.annotation, ident.default) == ("_Coerced[_uuid.UUID, str]", "")


def test_accepts_none_and_default_literal(shop: Built) -> None:
    from generator.ir import Kind, ModelRef, Primitive

    assert accepts_none(Primitive(Kind.STRING, nullable=True), shop.api.schemas)
    assert not accepts_none(Primitive(Kind.STRING), shop.api.schemas)
    kind = ModelRef(shop.sid("Kind"))
    assert default_literal("dog", kind, shop.api.schemas, shop.names) == "Kind.DOG"
    assert default_literal(3, Primitive(Kind.INTEGER), shop.api.schemas, shop.names) == "3"
