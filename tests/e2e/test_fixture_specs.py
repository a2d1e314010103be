"""Focused fixture specs → full generation → snapshots of the emitted modules, plus behaviour."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import FIXTURES

PETSTORE = (FIXTURES / "specs" / "petstore_31.yml").read_text()
SNAPSHOT_FILES = [
    "types/pet.py",
    "types/kind.py",
    "types/new_pet.py",
    "resources/pets.py",
    "_client.py",
    "types/__init__.py",
]


@pytest.fixture
def petstore(generate_package: Any) -> tuple[Any, Path]:
    return generate_package(PETSTORE, package="petstore", client_name="PetStore")


@pytest.mark.parametrize("rel", SNAPSHOT_FILES)
def test_petstore_modules(petstore: tuple[Any, Path], rel: str, snapshot: Any) -> None:
    _, root = petstore
    assert (root / "src" / "petstore" / rel).read_text() == snapshot


P0 = "00000000-0000-4000-8000-0000000000a0"
P1 = "00000000-0000-4000-8000-0000000000a1"


def test_petstore_behaviour(petstore: tuple[Any, Path]) -> None:
    pkg, _ = petstore
    from petstore.types import Kind, Pet

    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.method == "POST":
            return httpx.Response(
                201,
                json={"data": {"id": P1, "kind": "cat", "parent": {"id": P0, "kind": "dog"}}},
            )
        return httpx.Response(
            200,
            json={
                "data": [{"id": P1, "kind": "parrot"}],
                "pagination": {"page": 1, "totalPages": 1},
            },
        )

    client = pkg.PetStore(
        token="t0ken", http_client=httpx.Client(transport=httpx.MockTransport(handler))
    )
    pet = client.pets.create(kind="cat")
    assert isinstance(pet, Pet) and pet.kind is Kind.CAT and isinstance(pet.parent, Pet)
    assert seen[0].headers["authorization"] == "Bearer t0ken"
    assert json.loads(seen[0].content) == {"kind": "cat"}
    pets = list(client.pets.list(kind=Kind.DOG))
    assert pets[0].kind == "parrot"  # open enum
    assert dict(seen[1].url.params) == {"kind": "dog"}
    assert Pet.__doc__ is not None and '"""' in Pet.__doc__ and "{{ jinja }}" in Pet.__doc__
    assert [m.value for m in Kind] == ["cat", "dog", "hamster-like", "1st", "", 'with "quotes"']
    model = Pet.model_validate({"id": P1, "kind": "cat", "class": "c", "model_config": "m"})
    assert model.class_ == "c" and model.model_config_ == "m"
    assert model.to_dict() == {"id": P1, "kind": "cat", "class": "c", "model_config": "m"}


def test_http_basic_auth_client(generate_package: Any) -> None:
    import base64

    doc = {
        "openapi": "3.0.3",
        "info": {"title": "Basic", "version": "1"},
        "servers": [{"url": "https://basic.example.test"}],
        "security": [{"basic": []}],
        "components": {"securitySchemes": {"basic": {"type": "http", "scheme": "basic"}}},
        "paths": {
            "/p": {"get": {"operationId": "getP", "responses": {"204": {"description": "ok"}}}}
        },
    }
    pkg, _ = generate_package(doc, package="basicpkg", client_name="Basic")
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(204)

    client = pkg.Basic(
        username="ada",
        password="pa:ss",
        http_client=httpx.Client(transport=httpx.MockTransport(handler)),
    )
    client.p.retrieve()
    assert seen[0].headers["authorization"] == "Basic " + base64.b64encode(b"ada:pa:ss").decode()
    assert "pa:ss" not in repr(client)
    half = pkg.Basic(
        username="ada", http_client=httpx.Client(transport=httpx.MockTransport(handler))
    )
    with pytest.raises(pkg.MissingCredentialsError, match="BASICPKG_PASSWORD"):
        half.p.retrieve()  # checked when an operation needs the credentials, not when built
    assert len(seen) == 1  # nothing sent
