"""`render/body_views.py`: a JSON object body becomes keyword arguments (required ones plain, optional
ones `| NotGiven`, a const its own default, read-only properties left out, nested objects as their
`…Param` TypedDict or model), a multipart body too (files as `FileTypes`, not flat JSON); any other
body is one `body=` argument, `NOT_GIVEN` when the operation does not require it."""

from __future__ import annotations

from collections.abc import Callable

from generator.render.annotations import Imports
from generator.render.body_views import BodyView, body_view
from tests.conftest import spec_doc
from tests.support.views import Built


def _view(built: Built, key: str) -> tuple[BodyView, Imports]:
    imports = Imports()
    return body_view(built.api, built.annotator(), built.names, built.op(key), imports), imports


def test_a_json_object_body_is_keyword_arguments(shop: Built) -> None:
    view, imports = _view(shop, "post /pets")
    assert view.arg is None and view.flat and not view.optional
    assert view.media == "application/json"
    args = {a.wire: a for a in view.fields}
    assert sorted(args) == ["firstName", "kind", "legs", "name", "owner", "tag", "type"]  # no `id`
    assert (args["name"].name, args["name"].annotation, args["name"].default) == ("name", "str", "")
    assert args["name"].doc == "The pet's name."
    assert args["firstName"].name == "first_name"
    assert (args["firstName"].annotation, args["firstName"].default) == (
        "str | NotGiven",
        "NOT_GIVEN",
    )
    assert args["tag"].annotation == "str | None | NotGiven"  # nullable: None is a value to send
    assert args["kind"].annotation == 'Kind | _t.Literal["cat", "dog"]'
    assert args["owner"].annotation == "OwnerParam | Owner | NotGiven"
    assert (args["type"].annotation, args["type"].default) == ('_t.Literal["pet"]', '"pet"')
    # Owner's `emailAddress` key is renamed on the way out: the body's model type goes with the endpoint
    assert view.body_type == "Pet"
    assert {shop.sid("Owner"), shop.sid("Kind"), shop.sid("Pet")} <= imports.schemas
    assert shop.sid("Owner") in imports.params


def test_a_multipart_body_is_keyword_arguments_but_not_flat_json(shop: Built) -> None:
    view, imports = _view(shop, "post /pets/{petId}/photo")
    assert view.media == "multipart/form-data"
    assert not view.flat and view.body_type == ""
    assert [(a.name, a.annotation, a.default) for a in view.fields] == [
        ("caption", "str | NotGiven", "NOT_GIVEN"),
        ("file", "FileTypes", ""),
    ]
    assert imports.file_types


def test_no_body_is_an_empty_view(shop: Built) -> None:
    assert _view(shop, "get /pets")[0] == BodyView()


def test_other_bodies_are_one_body_argument(views: Callable[..., Built]) -> None:
    ok = {"204": {"description": "ok"}}
    items = {"type": "array", "items": {"type": "string"}}
    stamp = {"$ref": "#/components/schemas/Stamp"}  # only read-only properties: nothing to send
    read_only = {"type": "object", "properties": {"at": {"type": "string", "readOnly": True}}}
    built = views(
        spec_doc(
            schemas={"Stamp": read_only},
            paths={
                "/required": {
                    "post": {
                        "requestBody": {
                            "required": True,
                            "content": {"application/json": {"schema": items}},
                        },
                        "responses": ok,
                    }
                },
                "/optional": {
                    "post": {
                        "requestBody": {
                            "description": "The raw text.",
                            "content": {"text/plain": {"schema": {"type": "string"}}},
                        },
                        "responses": ok,
                    }
                },
                "/free": {
                    "post": {
                        "requestBody": {
                            "required": True,
                            "content": {"application/json": {"schema": stamp}},
                        },
                        "responses": ok,
                    }
                },
            },
        )
    )
    required, _ = _view(built, "post /required")
    assert required.fields == () and not required.flat
    assert required.arg is not None
    assert (required.arg.name, required.arg.annotation, required.arg.default) == (
        "body",
        "_t.Sequence[str]",
        "",
    )
    optional, _ = _view(built, "post /optional")
    assert optional.arg is not None and optional.media == "text/plain"
    assert (optional.arg.annotation, optional.arg.default) == ("str | NotGiven", "NOT_GIVEN")
    assert optional.arg.doc == "The raw text."
    free, imports = _view(built, "post /free")
    assert free.arg is not None and free.fields == ()
    assert free.arg.annotation == "Stamp | _t.Mapping[str, _t.Any]"
    assert imports.typing


def test_an_optional_object_body_makes_every_argument_optional(views: Callable[..., Built]) -> None:
    body = {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}}
    built = views(
        spec_doc(
            paths={
                "/things": {
                    "post": {
                        "requestBody": {"content": {"application/json": {"schema": body}}},
                        "responses": {"204": {"description": "ok"}},
                    }
                }
            }
        )
    )
    view, _ = _view(built, "post /things")
    assert view.flat and view.optional
    [arg] = view.fields
    assert (arg.name, arg.annotation, arg.default) == ("name", "str | NotGiven", "NOT_GIVEN")
    assert view.body_type == ""  # no key is renamed
