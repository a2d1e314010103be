"""Declared error bodies (#13 §2): shared schemas (components) that only error responses use get classes,
and an error the operation declares with one is parsed into its model on `err.body`; an error schema
written inline in the operation gets no class (its body stays JSON, read by shape), with the class imported only
when such an error happens (tests/fixtures/specs/errors_31.yml). Real sockets."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FIXTURES, REPO
from tests.support.loopback import Exchange, LoopServer, serving

SPEC = (FIXTURES / "specs" / "errors_31.yml").read_text()
ANSWERS: dict[str, tuple[int, str, bytes]] = {
    "/things/gone": (
        404,
        "application/json",
        b'{"error": "NotFound", "message": "No thing gone."}',
    ),
    "/things/bad": (
        422,
        "application/json",
        json.dumps(
            {"detail": [{"loc": ["path", "id"], "msg": "String too short", "type": "too_short"}]}
        ).encode(),
    ),
    "/things/tea": (
        418,
        "application/problem+json",
        b'{"title": "I am a teapot", "detail": "Short and stout.", "status": 418}',
    ),
    "/things/odd": (404, "application/json", b'{"unexpected": 1}'),
    "/things/boom": (500, "text/plain", b"it broke"),
}


@pytest.fixture
def errs(generate_package: Any) -> tuple[Any, Path]:
    return generate_package(SPEC, package="errbodies", client_name="Errs")


@pytest.fixture
def server() -> Iterator[LoopServer]:
    with serving() as running:
        for path, (status, media, body) in ANSWERS.items():

            def route(
                ex: Exchange, status: int = status, media: str = media, body: bytes = body
            ) -> None:
                ex.reply(status, body, content_type=media)

            running.on(path, route)
        yield running


def test_shared_error_only_schemas_get_classes_inline_ones_do_not(errs: tuple[Any, Path]) -> None:
    _, root = errs
    modules = {p.stem for p in (root / "src" / "errbodies" / "types").glob("*.py")}
    assert {"get_thing_response4_xx", "http_validation_error"} <= modules
    assert "get_thing_response404" not in modules  # inline in the operation: no class per place
    from errbodies import types

    assert {"GetThingResponse4Xx", "HttpValidationError"} <= set(types.__all__)


def test_declared_error_bodies_are_parsed_into_their_models(
    errs: tuple[Any, Path], server: LoopServer
) -> None:
    pkg, _ = errs
    with pkg.Errs(base_url=server.origin, max_retries=0) as client:
        assert client.things is not None  # the resource is imported; its error classes are not
        assert "errbodies.types.http_validation_error" not in sys.modules
        caught = {}
        for key in ("gone", "bad", "tea", "odd", "boom"):
            with pytest.raises(pkg.APIStatusError) as info:
                client.things.get(key)
            caught[key] = info.value
    from errbodies.types import GetThingResponse4Xx, HttpValidationError

    gone = caught["gone"]  # declared inline: JSON as sent, explained by its shape
    assert isinstance(gone, pkg.NotFoundError)
    assert gone.body == {"error": "NotFound", "message": "No thing gone."}
    assert str(gone) == "404 Not Found: No thing gone. (code=NotFound)"
    bad = caught["bad"]
    assert isinstance(bad, pkg.UnprocessableEntityError)
    assert (
        isinstance(bad.body, HttpValidationError) and bad.body.detail[0].msg == "String too short"
    )
    assert str(bad) == "422 Unprocessable Entity: path.id: String too short"
    assert [(d.location, d.type) for d in bad.details] == [(("path", "id"), "too_short")]
    tea = caught["tea"]  # no 418 declared: the 4XX range (a components/responses problem+json)
    assert isinstance(tea.body, GetThingResponse4Xx) and tea.body.detail == "Short and stout."
    assert str(tea) == "418 I'm a Teapot: I am a teapot: Short and stout."
    assert caught["odd"].body == {"unexpected": 1}  # does not match the declaration: as sent
    assert caught["boom"].body == "it broke"  # the default is text: nothing to parse into
    assert str(caught["boom"]) == "500 Internal Server Error: it broke"


def test_every_declared_error_model_of_the_committed_clients_resolves() -> None:
    """LazyModel paths are strings: prove each names a class of a real module (mypy cannot); the
    modules are read, not imported (1,500 of them)."""
    import importlib
    import importlib.util
    import pkgutil

    root = REPO / "generated"
    checked = 0
    for src in sorted(root.glob("*/src")):
        sys.path.insert(0, str(src))
        try:
            for pkg_dir in sorted(p for p in src.iterdir() if (p / "__init__.py").exists()):
                endpoint_mod = importlib.import_module(f"{pkg_dir.name}._endpoint")
                resources = importlib.import_module(f"{pkg_dir.name}.resources")
                for info in pkgutil.iter_modules(resources.__path__):
                    module = importlib.import_module(f"{pkg_dir.name}.resources.{info.name}")
                    for value in vars(module).values():
                        if isinstance(value, endpoint_mod.Endpoint):
                            for spec in value.errors.values():
                                lazy = spec.model
                                if isinstance(lazy, endpoint_mod.LazyModel):
                                    name = importlib.util.resolve_name(lazy.module, lazy.package)
                                    path = src.joinpath(*name.split(".")).with_suffix(".py")
                                    assert f"\nclass {lazy.name}(" in path.read_text(), name
                                    checked += 1
        finally:
            sys.path.remove(str(src))
    assert checked > 100


def test_a_schema_named_like_the_runtime_helper_does_not_shadow_it(generate_package: Any) -> None:
    ok = {
        "description": "ok",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/LazyModel"}}},
    }
    bad = {
        "description": "bad",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Oops"}}},
    }
    doc = {
        "openapi": "3.1.0",
        "info": {"title": "Shadow", "version": "1"},
        "paths": {"/x": {"get": {"operationId": "getX", "responses": {"200": ok, "400": bad}}}},
        "components": {
            "schemas": {
                "LazyModel": {"type": "object", "properties": {"a": {"type": "string"}}},
                "Oops": {"type": "object", "properties": {"message": {"type": "string"}}},
            }
        },
    }
    pkg, root = generate_package(doc, package="shadowpkg", client_name="Shadow")
    from shadowpkg import types

    assert "LazyModel2" in types.__all__  # the schema gives way to the runtime's name
    source = next((root / "src" / "shadowpkg" / "resources").glob("[!_]*.py")).read_text()
    assert "from .._endpoint import Endpoint, LazyModel, ResponseSpec" in source
    with serving() as server:
        server.on("/x", lambda ex: ex.reply(400, b'{"message": "no"}'))
        with (
            pkg.Shadow(base_url=server.origin, max_retries=0) as client,
            pytest.raises(pkg.BadRequestError) as info,
        ):
            client.x.retrieve()
    assert isinstance(info.value.body, types.Oops) and info.value.body.message == "no"
