"""Discriminated unions (oneOf/anyOf + discriminator): generated annotations and parsing behaviour."""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import FIXTURES

ZOO_31 = (FIXTURES / "specs" / "discriminators_31.yml").read_text()
SNAPSHOT_FILES = ["types/pet.py", "types/owner.py", "types/shape.py"]

PETS = [
    {"pet_type": "kitty", "lives": 9},
    {"pet_type": "dog", "born": "2020-01-02"},
    {"pet_type": "gecko", "scales": True},  # a LizardType enum value that the mapping does not list
    {"pet_type": "lizard", "scales": True},
]


@pytest.fixture
def zoo(generate_package: Any) -> tuple[Any, Path]:
    return generate_package(ZOO_31, package="zoo", client_name="Zoo")


def _client(pkg: Any, handler: Any, **options: Any) -> Any:
    return pkg.Zoo(http_client=httpx.Client(transport=httpx.MockTransport(handler)), **options)


@pytest.mark.parametrize("rel", SNAPSHOT_FILES)
def test_discriminator_modules(zoo: tuple[Any, Path], rel: str, snapshot: Any) -> None:
    _, root = zoo
    assert (root / "src" / "zoo" / rel).read_text() == snapshot


def test_members_selected_by_mapping_and_validated(zoo: tuple[Any, Path]) -> None:
    pkg, _ = zoo
    from zoo._models import get_validation_errors
    from zoo.types import Cat, Dog, Lizard, LizardType

    pets = [PETS[0], PETS[1], PETS[3]]
    result = _client(pkg, lambda r: httpx.Response(200, json=pets)).pets.list()
    assert [type(p) for p in result] == [Cat, Dog, Lizard]
    assert result[1].born == dt.date(2020, 1, 2)  # validated, not constructed
    assert result[2].pet_type is LizardType.LIZARD  # enum-typed discriminator property
    assert get_validation_errors(result) == []


def test_unknown_value_lenient_keeps_raw_data(
    zoo: tuple[Any, Path], caplog: pytest.LogCaptureFixture
) -> None:
    pkg, _ = zoo
    from zoo._models import get_validation_errors
    from zoo.types import Cat, Dog

    body = [PETS[0], {"pet_type": "bird", "wings": 2}, PETS[1]]
    with caplog.at_level(logging.WARNING):
        result = _client(pkg, lambda r: httpx.Response(200, json=body)).pets.list()
    assert isinstance(result[0], Cat) and isinstance(result[2], Dog)
    assert result[2].born == dt.date(2020, 1, 2)  # the known members are still validated
    assert result[1] == {"pet_type": "bird", "wings": 2}  # raw JSON kept, nothing guessed
    [error] = get_validation_errors(result)
    assert error["type"] == "union_tag_invalid" and error["loc"] == (1,)
    assert "pet_type=bird" in caplog.text


def test_unknown_value_strict_raises(zoo: tuple[Any, Path]) -> None:
    pkg, _ = zoo
    client = _client(
        pkg,
        lambda r: httpx.Response(200, json={"pet_type": "bird"}),
        strict_response_validation=True,
    )
    with pytest.raises(pkg.APIResponseValidationError, match="pet_type=bird"):
        client.pets.retrieve("p1")


def test_nested_nullable_union_and_request_body(zoo: tuple[Any, Path]) -> None:
    pkg, _ = zoo
    from zoo.types import Cat, Dog, Owner

    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(201, json={"name": "ada", "pet": {"pet_type": "cat", "lives": 1}})

    owner = _client(pkg, handler).pets.create(body=Dog(pet_type="dog", born=dt.date(2021, 5, 6)))
    assert json.loads(seen[0].content) == {"pet_type": "dog", "born": "2021-05-06"}
    assert isinstance(owner, Owner) and isinstance(owner.pet, Cat)
    assert Owner.model_validate({"pet": None}).pet is None
    # a member instance keeps its class (tagged by class), and dumps by alias
    assert Owner(pet=Cat(pet_type="cat")).to_dict() == {"pet": {"pet_type": "cat"}}
    assert isinstance(Owner.model_validate({"pet": {"pet_type": "dog"}}).pet, Dog)


def test_implicit_mapping_by_schema_name(zoo: tuple[Any, Path]) -> None:
    pkg, _ = zoo
    from zoo.types import Circle, Square

    body = [{"kind": "Square", "side": 2}, {"kind": "Circle", "radius": 1}]
    shapes = _client(pkg, lambda r: httpx.Response(200, json=body)).shapes.list()
    assert [type(s) for s in shapes] == [Square, Circle]


def test_openapi_30_discriminator(generate_package: Any) -> None:
    ref = "#/components/schemas/"
    doc = {
        "openapi": "3.0.3",
        "info": {"title": "Zoo30", "version": "1"},
        "servers": [{"url": "https://zoo30.example.test"}],
        "paths": {
            "/owner": {
                "get": {
                    "operationId": "getOwner",
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {"application/json": {"schema": {"$ref": ref + "Owner"}}},
                        }
                    },
                }
            }
        },
        "components": {
            "schemas": {
                "Owner": {
                    "type": "object",
                    "properties": {
                        "pet": {
                            "nullable": True,
                            "oneOf": [{"$ref": ref + "Cat"}, {"$ref": ref + "Dog"}],
                            "discriminator": {"propertyName": "petType"},
                        }
                    },
                },
                "Cat": {
                    "type": "object",
                    "required": ["petType"],
                    "properties": {
                        "petType": {"type": "string", "enum": ["Cat"]},
                        "lives": {"type": "integer"},
                    },
                },
                "Dog": {
                    "type": "object",
                    "required": ["petType"],
                    "properties": {"petType": {"type": "string"}, "bark": {"type": "boolean"}},
                },
            }
        },
    }
    pkg, root = generate_package(doc, package="zoo30", client_name="Zoo")
    assert (
        '_disc("petType", {"Cat": "Cat", "Dog": "Dog"})'
        in (root / "src/zoo30/types/owner.py").read_text()
    )
    from zoo30.types import Dog

    client = pkg.Zoo(
        http_client=httpx.Client(
            transport=httpx.MockTransport(
                lambda r: httpx.Response(200, json={"pet": {"petType": "Dog", "bark": True}})
            )
        )
    )
    assert isinstance(client.owner.retrieve().pet, Dog)


def test_not_discriminable_stays_a_plain_union(generate_package: Any) -> None:
    # an inline member has no schema name and no mapping entry: a smart-mode union, as before
    doc = {
        "openapi": "3.1.0",
        "info": {"title": "Loose", "version": "1"},
        "servers": [{"url": "https://loose.example.test"}],
        "paths": {
            "/x": {
                "get": {
                    "operationId": "getX",
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {
                                "application/json": {"schema": {"$ref": "#/components/schemas/X"}}
                            },
                        }
                    },
                }
            }
        },
        "components": {
            "schemas": {
                "X": {
                    "oneOf": [
                        {"$ref": "#/components/schemas/A"},
                        {
                            "type": "object",
                            "properties": {"k": {"type": "string"}, "b": {"type": "integer"}},
                        },
                    ],
                    "discriminator": {"propertyName": "k"},
                },
                "A": {
                    "type": "object",
                    "properties": {"k": {"type": "string"}, "a": {"type": "integer"}},
                },
            }
        },
    }
    _, root = generate_package(doc, package="loose", client_name="Loose")
    text = (root / "src/loose/types/x.py").read_text()
    assert "_disc" not in text and "X: _t.TypeAlias = A | " in text


def test_malformed_discriminator_and_servers_are_diagnostics(build: Any) -> None:
    from generator.ir import UnionOf
    from tests.conftest import spec_doc

    ok = {"200": {"description": "ok"}}
    doc = spec_doc(
        paths={
            "/p": {
                "servers": [{"url": "https://{h}", "variables": ["not", "a", "map"]}],
                "get": {"operationId": "getP", "responses": ok},
            }
        },
        schemas={
            "U": {
                "oneOf": [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}],
                "discriminator": {"propertyName": "k", "mapping": ["A", "B"]},
            },
            "V": {
                "oneOf": [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}],
                "discriminator": {"propertyName": "k", "mapping": {1: "A", "b": "B"}},
            },
            "A": {"type": "object", "properties": {"k": {"type": "string"}}},
            "B": {"type": "object", "properties": {"k": {"type": "string"}}},
        },
    )
    api, sink = build(doc)
    [warning] = [d for d in sink.sorted() if d.code == "bad-discriminator"]
    assert warning.pointer == "/components/schemas/U/discriminator/mapping" and warning.hint
    u = api.schemas["/components/schemas/U"].target
    assert isinstance(u, UnionOf) and u.discriminator is not None and u.discriminator.mapping == ()
    v = api.schemas["/components/schemas/V"].target
    assert v.discriminator.mapping == (
        ("1", "/components/schemas/A"),
        ("b", "/components/schemas/B"),
    )
    assert api.operations[0].servers[0].variables == ()
