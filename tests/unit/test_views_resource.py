"""`render/resource_views.py`: a resource module's methods — names and endpoint constants, path arguments
positional and the rest keyword-only (required first), arguments by location, style tables, response
specs whose models load lazily through `_types`, return annotations (pages, binary), declared errors,
`Accept`, per-operation servers, nullable parameters, the docstring — and the module's imports."""

from __future__ import annotations

from collections.abc import Callable

from generator.render.resource_views import resource_module_view
from tests.conftest import spec_doc
from tests.support.views import Built


def test_a_method_with_parameters_in_every_location(shop: Built) -> None:
    m = shop.method("get /pets")
    assert (m.name, m.const, m.http_method, m.path, m.operation_id) == (
        "list",
        "_LIST",
        "GET",
        "/pets",
        "listPets",
    )
    assert m.positional == ()
    # required keyword arguments first, then the optional ones in the spec's order
    assert [(a.name, a.default) for a in m.keyword] == [
        ("x_trace", ""),
        ("limit", "NOT_GIVEN"),
        ("ids", "NOT_GIVEN"),
        ("session", "NOT_GIVEN"),
    ]
    assert [a.wire for a in m.query_args] == ["limit", "ids"]
    assert [a.wire for a in m.header_args] == ["X-Trace"]
    assert [a.wire for a in m.cookie_args] == ["session"]
    assert m.query_args[1].annotation == "_t.Sequence[str] | NotGiven"
    assert m.query_styles == (("ids", "form", False),)
    assert m.auth and m.security == "" and not m.deprecated
    assert m.doc.startswith("List pets.\n\nArgs:\n    limit: `limit`\n")
    assert m.doc.endswith("`GET /pets` (operationId `listPets`)")


def test_path_arguments_are_positional_and_models_load_lazily(shop: Built) -> None:
    m = shop.method("get /pets/{petId}")
    assert [(a.name, a.annotation, a.wire) for a in m.positional] == [("pet_id", "int", "petId")]
    assert m.path_args == m.positional and m.keyword == ()
    [ok] = m.responses
    assert (ok.status, ok.kind, ok.model, ok.load, ok.page) == (
        "200",
        "json",
        "None",
        "lambda: _types.Pet",
        (),
    )
    assert m.returns == m.async_returns == "_types.Pet"
    assert m.errors == (("404", 'LazyModel("..types.error", "Error", __package__)'),)


def test_no_content_binary_and_bodies(shop: Built) -> None:
    gone = shop.method("delete /pets/{petId}")
    assert gone.returns == "None" and gone.responses[0].kind == "empty"
    assert not gone.auth  # `security: []`
    photo = shop.method("get /pets/{petId}/photo")
    assert (photo.returns, photo.async_returns) == ("BinaryResponse", "AsyncBinaryResponse")
    assert photo.accept == "image/png"
    create = shop.method("post /pets")
    assert create.flat_body and create.body_arg is None and create.body_type == "_types.Pet"
    assert create.body_media == "application/json"
    assert [a.name for a in create.keyword][:2] == ["kind", "name"]  # required first
    upload = shop.method("post /pets/{petId}/photo")
    assert upload.part_types == (("file", "image/png"),) and not upload.flat_body
    assert [a.name for a in upload.keyword] == ["file", "caption"]


def test_the_module_imports_only_what_its_methods_use(shop: Built) -> None:
    pets = resource_module_view(shop.drafts["pets"], shop.names)
    assert pets.resource.cls == "PetsResource"
    assert [m.name for m in pets.methods] == ["list", "create", "get", "delete"]
    lines = pets.import_lines
    assert "from .. import types as _types" in lines  # models by their lazy name, none eagerly
    assert not any(line.startswith("from ..types") for line in lines)
    assert (
        "from .._endpoint import Endpoint, LazyModel, ResponseSpec" in lines
    )  # LazyModel: the 404 body
    assert not any("_pagination" in line or "BinaryResponse" in line for line in lines)
    photos = resource_module_view(shop.drafts["photos"], shop.names)
    assert any("BinaryResponse" in line for line in photos.import_lines)
    assert any("FileTypes" in line for line in photos.import_lines)
    assert not any("LazyModel" in line for line in photos.import_lines)


def test_pages_servers_nullable_parameters_and_deprecation(views: Callable[..., Built]) -> None:
    item = {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}}
    page = {
        "type": "object",
        "properties": {
            "data": {"type": "array", "items": {"$ref": "#/components/schemas/Item"}},
            "next_cursor": {"type": ["string", "null"]},
        },
    }
    ok = {"description": "ok", "content": {"application/json": {"schema": page}}}
    built = views(
        spec_doc(
            paths={
                "/items": {
                    "get": {
                        "operationId": "listItems",
                        "parameters": [
                            {"name": "cursor", "in": "query", "schema": {"type": "string"}},
                            {"name": "limit", "in": "query", "schema": {"type": "integer"}},
                            {
                                "name": "color",
                                "in": "query",
                                "schema": {"type": ["string", "null"]},
                            },
                        ],
                        "responses": {"200": ok},
                    }
                },
                "/items/{id}": {
                    "get": {
                        "operationId": "getItem",
                        "deprecated": True,
                        "servers": [{"url": "https://files.example.test"}],
                        "parameters": [
                            {
                                "name": "id",
                                "in": "path",
                                "required": True,
                                "schema": {"type": "string"},
                            }
                        ],
                        "responses": {"204": {"description": "ok"}},
                    }
                },
            },
            schemas={"Item": item},
        )
    )
    listed = built.method("get /items")
    [response] = listed.responses
    assert response.page == (
        ("style", '"cursor"'),
        ("page_param", '"cursor"'),
        ("limit_param", '"limit"'),
        ("next_cursor", '"next_cursor"'),
    )
    assert (listed.returns, listed.async_returns) == (
        "SyncPage[_types.Item]",
        "AsyncPage[_types.Item]",
    )
    assert listed.nulls == (("query", "color"),)
    one = built.method("get /items/{id}")
    assert one.deprecated and "Deprecated." in one.doc
    assert one.server == "https://files.example.test"
    view = resource_module_view(built.drafts[built.names.op_resource["get /items"]], built.names)
    assert "from .._pagination import AsyncPage, SyncPage" in view.import_lines
