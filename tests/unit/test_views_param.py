"""`render/param_views.py`: a model that a JSON body takes as a dict gets a `…Param` TypedDict beside it,
keyed by the model's Python field names (the wire name in its doc when it differs), optional and
constant keys `NotRequired`, read-only properties left out."""

from __future__ import annotations

from collections.abc import Callable

from generator.render.annotations import Imports
from generator.render.param_views import param_views
from tests.conftest import spec_doc
from tests.support.views import Built


def test_the_param_typeddict_mirrors_its_model(shop: Built) -> None:
    imports = Imports()
    [view] = param_views(
        shop.api, shop.names, shop.names.schema_module[shop.sid("Owner")], shop.annotator(), imports
    )
    assert (view.name, view.model) == ("OwnerParam", "Owner")
    assert view.doc == "`Owner` as a dict (keys are its attribute names)."
    [field] = view.fields
    assert (field.name, field.annotation) == ("email_address", "str")  # required: a plain key
    assert field.doc == "Sent as `emailAddress`."
    assert imports.typing


def test_a_module_without_a_param_model_has_none(shop: Built) -> None:
    imports = Imports()
    assert (
        param_views(
            shop.api,
            shop.names,
            shop.names.schema_module[shop.sid("Pet")],
            shop.annotator(),
            imports,
        )
        == ()
    )
    assert not imports.typing


def test_optional_constant_and_read_only_keys(views: Callable[..., Built]) -> None:
    inner = {
        "type": "object",
        "required": ["kind", "size"],
        "properties": {
            "kind": {"const": "box", "description": "The tag."},
            "size": {"type": "integer"},
            "label": {"type": ["string", "null"]},
            "id": {"type": "string", "readOnly": True},
        },
    }
    outer = {"type": "object", "properties": {"box": {"$ref": "#/components/schemas/Box"}}}
    built = views(
        spec_doc(
            paths={
                "/parcels": {
                    "post": {
                        "requestBody": {"content": {"application/json": {"schema": outer}}},
                        "responses": {"204": {"description": "ok"}},
                    }
                }
            },
            schemas={"Box": inner},
        )
    )
    sid = built.sid("Box")
    [view] = param_views(
        built.api, built.names, built.names.schema_module[sid], built.annotator(), Imports()
    )
    fields = {f.name: f for f in view.fields}
    assert sorted(fields) == ["kind", "label", "size"]  # `id` is the server's
    assert fields["size"].annotation == "int"
    assert fields["label"].annotation == "_t.NotRequired[str | None]"
    assert fields["kind"].annotation == '_t.NotRequired[_t.Literal["box"]]'  # the runtime adds it
    assert fields["kind"].doc == "The tag."
