"""`render/model_views.py`: a `types/` module's view — models with their fields, read-only and constant
tables, enums with member names and values, list aliases, extra-property types, the models to rebuild
(recursive), the module's imports in ruff's order, and the `…Param` TypedDicts beside their models."""

from __future__ import annotations

from collections.abc import Callable

from generator.render.model_views import SchemaView, TypesModuleView, types_module_view
from tests.conftest import spec_doc
from tests.support.views import Built


def _module(built: Built, name: str) -> TypesModuleView:
    return types_module_view(built.api, built.names, built.names.schema_module[built.sid(name)])


def _only(view: TypesModuleView) -> SchemaView:
    [schema] = view.schemas
    return schema


def test_a_model_module(shop: Built) -> None:
    view = _module(shop, "Pet")
    pet = _only(view)
    assert (view.module, pet.kind, pet.name, pet.bases) == (
        "pet",
        "model",
        "Pet",
        "_GeneratedModel",
    )
    assert [f.name for f in pet.fields] == [
        "first_name",
        "id",
        "kind",
        "legs",
        "name",
        "owner",
        "tag",
        "type",
    ]
    assert pet.read_only == 'frozenset({"id"})'
    assert pet.constants == '{"type": "pet"}'
    assert view.rebuild == () and view.params == ()
    # the models it names come from their own modules; runtime helpers under private aliases
    assert "from .kind import Kind" in view.import_lines
    assert "from .owner import Owner" in view.import_lines
    assert "from .._models import GeneratedModel as _GeneratedModel" in view.import_lines
    code_lines = [line for line in view.import_lines if line]
    assert code_lines.index(
        "from .._models import GeneratedModel as _GeneratedModel"
    ) < code_lines.index("from .kind import Kind")  # `..` before `.`


def test_a_model_with_a_param_typeddict_carries_it(shop: Built) -> None:
    view = _module(shop, "Owner")
    assert [p.name for p in view.params] == ["OwnerParam"]
    assert _only(view).fields[0].alias == "emailAddress"


def test_enums_alias_and_extra_properties(shop: Built, views: Callable[..., Built]) -> None:
    kind = _only(_module(shop, "Kind"))
    assert (kind.kind, kind.bases, kind.doc) == ("enum", "_OpenStrEnum", "What it is.")
    assert [(m.name, m.value) for m in kind.members] == [("CAT", '"cat"'), ("DOG", '"dog"')]
    pets = _only(_module(shop, "Pets"))
    assert (pets.kind, pets.annotation, pets.fields) == ("alias", "list[Pet]", ())

    built = views(
        spec_doc(
            schemas={
                "Level": {"type": "integer", "enum": [1, 2]},
                "Color": {"type": "string", "enum": ["red", "dark-blue"]},
                "Bag": {
                    "type": "object",
                    "properties": {"a": {"type": "string"}},
                    "additionalProperties": {"type": "integer"},
                },
                "Node": {
                    "type": "object",
                    "properties": {
                        "children": {
                            "type": "array",
                            "items": {"$ref": "#/components/schemas/Node"},
                        }
                    },
                },
            }
        )
    )
    level = _only(_module(built, "Level"))
    assert level.bases == "_OpenIntEnum"
    assert [(m.name, m.value) for m in level.members] == [("VALUE_1", "1"), ("VALUE_2", "2")]
    color = _only(_module(built, "Color"))
    assert [m.name for m in color.members] == ["RED", "DARK_BLUE"]
    assert _only(_module(built, "Bag")).extra_type == "dict[str, int]"
    node = _module(built, "Node")
    assert node.rebuild == ("Node",)  # refers to itself
    assert _only(node).fields[0].annotation == "_Omittable[list[Node]]"
