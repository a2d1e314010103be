"""`render/style_views.py`: the style tables of an endpoint name only what differs from a location's
default, a JSON `content` parameter is the `json` style, and form/multipart encodings become form rows,
part content types and allowReserved names."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from generator.render.style_views import WireStyles, is_json_media, wire_styles
from tests.conftest import spec_doc
from tests.support.views import Built


def _op(views: Callable[..., Built], operation: dict[str, Any]) -> Any:
    built = views(
        spec_doc(
            paths={
                "/things/{id}": {"post": {"responses": {"204": {"description": "ok"}}, **operation}}
            }
        )
    )
    [op] = built.api.operations
    return op


def test_default_styles_print_no_table(shop: Built) -> None:
    assert wire_styles(shop.op("get /pets/{petId}")) == WireStyles()


def test_only_the_parameters_off_their_default_are_listed(shop: Built) -> None:
    styles = wire_styles(shop.op("get /pets"))
    assert styles.query == (("ids", "form", False),)  # `limit` is form/explode: not listed
    assert styles.header == styles.cookie == styles.path == ()


def test_every_location_and_json_content(views: Callable[..., Built]) -> None:
    p = "parameters"
    op = _op(
        views,
        {
            p: [
                {
                    "name": "id",
                    "in": "path",
                    "required": True,
                    "style": "label",
                    "explode": True,
                    "schema": {"type": "array", "items": {"type": "string"}},
                },
                {
                    "name": "filter",
                    "in": "query",
                    "style": "deepObject",
                    "explode": True,
                    "schema": {"type": "object", "additionalProperties": {"type": "string"}},
                },
                {"name": "q", "in": "query", "allowReserved": True, "schema": {"type": "string"}},
                {
                    "name": "where",
                    "in": "query",
                    "content": {"application/json": {"schema": {"type": "object"}}},
                },
                {
                    "name": "X-Tags",
                    "in": "header",
                    "explode": True,
                    "schema": {"type": "array", "items": {"type": "string"}},
                },
            ]
        },
    )
    styles = wire_styles(op)
    assert styles.path == (("id", "label", True),)
    assert styles.query == (("filter", "deepObject", True), ("where", "json", False))
    assert styles.header == (("X-Tags", "simple", True),)
    assert styles.allow_reserved == ("q",)


def test_form_encodings_become_rows_and_multipart_part_types(
    shop: Built, views: Callable[..., Built]
) -> None:
    assert wire_styles(shop.op("post /pets/{petId}/photo")).part_types == (("file", "image/png"),)
    body = {
        "type": "object",
        "properties": {
            "meta": {"type": "object", "properties": {"a": {"type": "string"}}},
            "tags": {"type": "array", "items": {"type": "string"}},
            "raw": {"type": "string"},
        },
    }
    form = _op(
        views,
        {
            "requestBody": {
                "content": {
                    "application/x-www-form-urlencoded": {
                        "schema": body,
                        "encoding": {
                            "meta": {"style": "deepObject", "explode": True},
                            "tags": {"contentType": "application/json"},
                            "raw": {"allowReserved": True},
                        },
                    }
                }
            }
        },
    )
    styles = wire_styles(form)
    assert set(styles.form) == {("meta", "deepObject", True), ("tags", "json", False)}
    assert styles.allow_reserved == ("raw",)
    assert styles.part_types == ()  # only multipart parts carry a content type


def test_is_json_media() -> None:
    assert is_json_media("application/json; charset=utf-8")
    assert is_json_media("application/problem+json")
    assert not is_json_media("application/jsonl")
    assert not is_json_media("text/plain")
