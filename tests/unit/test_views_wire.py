"""`render/wire_views.py`: what an endpoint constant says beyond its success responses — `Accept` only
when it differs from the runtime's default, error bodies as lazily imported models, and security
requirements only where the runtime would not infer them."""

from __future__ import annotations

from collections.abc import Callable

from generator.ir import ListOf, ModelRef
from generator.render.annotations import Imports
from generator.render.wire_views import (
    accept_value,
    credential_params,
    default_requirements,
    error_model,
    operation_security,
    requirements_code,
)
from tests.conftest import spec_doc
from tests.support.views import Built


def test_accept_is_left_to_the_runtime_when_it_would_send_the_same(shop: Built) -> None:
    assert accept_value(shop.op("get /pets/{petId}"), {"json"}, "") == ""
    assert accept_value(shop.op("delete /pets/{petId}"), {"empty"}, "") == ""
    # a binary response: the runtime would send */*, the spec declares image/png
    assert accept_value(shop.op("get /pets/{petId}/photo"), {"binary"}, "") == "image/png"
    # a JSON operation whose JSON media type is another: application/json is then declared, not default
    assert accept_value(shop.op("get /pets/{petId}"), {"json"}, "application/vnd.api+json") == (
        "application/json"
    )


def test_an_error_model_is_imported_on_first_use(shop: Built) -> None:
    imports = Imports()
    ref = ModelRef(shop.sid("Error"))
    assert error_model(shop.annotator(), shop.names, ref, imports) == (
        'LazyModel("..types.error", "Error", __package__)'
    )
    assert imports.schemas == set()  # nothing imported eagerly
    listed = error_model(shop.annotator(), shop.names, ListOf(ref), imports)
    assert listed == "None, load=lambda: list[_types.Error]"
    assert imports.schemas == set()


def test_security_requirements(shop: Built) -> None:
    assert default_requirements(shop.api) == (("key",),)
    assert requirements_code((("key",),)) == '(("key",),)'
    assert requirements_code((("a", "b"), ())) == '(("a", "b"), ())'
    default = default_requirements(shop.api)
    assert operation_security(shop.op("get /pets"), default) == ""  # the client's default
    assert operation_security(shop.op("delete /pets/{petId}"), default) == ""  # none at all


def test_an_operation_off_the_default_carries_its_requirements(views: Callable[..., Built]) -> None:
    doc = spec_doc(
        paths={
            "/a": {"get": {"responses": {"204": {"description": "ok"}}}},
            "/b": {"get": {"responses": {"204": {"description": "ok"}}}},
            "/c": {
                "get": {"security": [{"basic": []}], "responses": {"204": {"description": "ok"}}}
            },
            "/d": {
                "get": {"security": [{}, {"key": []}], "responses": {"204": {"description": "ok"}}}
            },
        },
        security=[{"key": []}],
    )
    doc["components"] = {
        "securitySchemes": {
            "key": {"type": "apiKey", "in": "query", "name": "api_key"},
            "basic": {"type": "http", "scheme": "basic"},
        }
    }
    built = views(doc)
    default = default_requirements(built.api)
    assert default == (("key",),)
    assert operation_security(built.op("get /a"), default) == ""
    assert operation_security(built.op("get /c"), default) == '(("basic",),)'
    assert operation_security(built.op("get /d"), default) == '((), ("key",))'  # optional auth
    assert credential_params(built.api, built.op("get /a")) == {("query", "api_key")}
    assert credential_params(built.api, built.op("get /c")) == frozenset()
