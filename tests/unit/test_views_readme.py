"""`render/readme_views.py`: the README's examples are picked from the spec's own operations — a
paginated list without required arguments (with its page-size argument), a get by one path argument
that returns a model, a create (keyword arguments or `body={...}`), an upload and a download."""

from __future__ import annotations

from collections.abc import Callable

from generator.ir import Model
from generator.render.readme_views import Examples, fields_example, pick_examples
from tests.conftest import spec_doc
from tests.support.views import Built


def test_examples_of_the_shop(shop: Built) -> None:
    examples = pick_examples(shop.api, shop.names, shop.methods)
    assert (examples.list_call, examples.list_args) == ("", "")  # nothing pages
    assert examples.get_call == "client.pets.get"
    assert (examples.create_call, examples.create_body) == (
        "client.pets.create",
        "kind=..., name=...",
    )
    assert examples.upload_call == "client.photos.upload"
    assert examples.upload_args == '"pet_id-id", file=Path("report.pdf")'
    assert (examples.download_call, examples.download_args) == ("client.photos.get", '"pet_id-id"')


def test_a_paged_list_and_a_body_argument(views: Callable[..., Built]) -> None:
    item = {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}}
    page = {
        "type": "object",
        "properties": {
            "data": {"type": "array", "items": {"$ref": "#/components/schemas/Item"}},
            "next_cursor": {"type": ["string", "null"]},
        },
    }
    ok = {"description": "ok", "content": {"application/json": {"schema": page}}}
    union = {
        "oneOf": [
            {"$ref": "#/components/schemas/Item"},
            {"type": "array", "items": {"type": "string"}},
        ]
    }
    built = views(
        spec_doc(
            paths={
                "/items": {
                    "get": {
                        "operationId": "listItems",
                        "parameters": [
                            {"name": "cursor", "in": "query", "schema": {"type": "string"}},
                            {"name": "page_size", "in": "query", "schema": {"type": "integer"}},
                        ],
                        "responses": {"200": ok},
                    },
                    "post": {
                        "operationId": "addItems",
                        "requestBody": {
                            "required": True,
                            "content": {"application/json": {"schema": union}},
                        },
                        "responses": {"204": {"description": "ok"}},
                    },
                }
            },
            schemas={"Item": item},
        )
    )
    examples = pick_examples(built.api, built.names, built.methods)
    assert examples.list_call == "client.items.list"
    assert examples.list_args == "page_size=50"
    # a union body is not flattened, and its first type is no model: no example to give
    assert (examples.create_call, examples.create_body) == ("", "")
    assert examples.get_call == examples.upload_call == examples.download_call == ""


def test_no_operations_no_examples(views: Callable[..., Built]) -> None:
    built = views(spec_doc())
    assert pick_examples(built.api, built.names, built.methods) == Examples()


def test_fields_example(shop: Built) -> None:
    pet = shop.api.schemas[shop.sid("Pet")]
    assert isinstance(pet, Model)
    assert fields_example(pet) == '{"kind": ..., "name": ...}'  # the required fields
    error = shop.api.schemas[shop.sid("Error")]
    assert fields_example(error) == '{"message": ...}'  # none required: the first a caller can send
    assert fields_example(None) == ""
