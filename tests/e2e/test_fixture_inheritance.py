"""allOf inheritance + discriminator: a reference to the base is a discriminated union of the schemas
that extend it (generated annotations, parsing, request bodies, diagnostics)."""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import FIXTURES, spec_doc
from tests.support.mypy_strict import mypy_strict

FARM_30 = (FIXTURES / "specs" / "inheritance_30.yml").read_text()
# Pet, Cat and Kitten form one module (Cat.friend refers back to Pet), named after its first schema.
SNAPSHOT_FILES = [
    "types/cat.py",
    "types/lizard.py",
    "types/owner.py",
    "types/vehicle.py",  # VehicleBase, the concrete base minted for the union, lives here too
]
REF = "#/components/schemas/"

PETS = [
    {
        "pet_type": "cat",
        "name": "Tom",
        "lives": 9,
        "friend": {"pet_type": "dog", "name": "Rex", "born": "2019-03-04"},
    },
    {"pet_type": "dog", "name": "Rex", "born": "2020-01-02"},
    {"pet_type": "Lizard", "name": "Liz"},
    {"pet_type": "Kitten", "name": "Kit", "mother": "Tom"},
]


@pytest.fixture
def farm(generate_package: Any) -> tuple[Any, Path]:
    return generate_package(FARM_30, package="farm", client_name="Farm")


def _client(pkg: Any, handler: Any, **options: Any) -> Any:
    return pkg.Farm(http_client=httpx.Client(transport=httpx.MockTransport(handler)), **options)


@pytest.mark.parametrize("rel", SNAPSHOT_FILES)
def test_inheritance_modules(farm: tuple[Any, Path], rel: str, snapshot: Any) -> None:
    _, root = farm
    assert (root / "src" / "farm" / rel).read_text() == snapshot


def test_inheritance_list_parses_each_child_into_its_class(farm: tuple[Any, Path]) -> None:
    pkg, _ = farm
    from farm._models import get_validation_errors
    from farm.types import Cat, Dog, Kitten, Lizard

    pets = _client(pkg, lambda r: httpx.Response(200, json=PETS)).pets.list()
    assert [type(p) for p in pets] == [Cat, Dog, Lizard, Kitten]
    assert get_validation_errors(pets) == []
    assert pets[1].born == dt.date(2020, 1, 2)  # the child's own field, validated
    assert pets[0].lives == 9 and pets[0].name == "Tom"  # inherited fields are the child's own
    assert isinstance(
        pets[0].friend, Dog
    )  # a reference to the base inside a child is the union too
    assert (
        pets[3].mother == "Tom" and pets[3].lives is None
    )  # a grandchild: Kitten has Cat's fields


def test_inheritance_wrong_child_field_is_a_validation_error(farm: tuple[Any, Path]) -> None:
    pkg, _ = farm
    from farm._models import get_validation_errors
    from farm.types import Dog

    body = [{"pet_type": "dog", "name": "Rex"}]  # Dog requires `born`; Pet does not
    pets = _client(pkg, lambda r: httpx.Response(200, json=body)).pets.list()
    assert isinstance(pets[0], Dog)
    [error] = get_validation_errors(pets)
    assert error["type"] == "missing" and error["loc"] == (0, "Dog", "born")


def test_inheritance_unknown_value_lenient(
    farm: tuple[Any, Path], caplog: pytest.LogCaptureFixture
) -> None:
    pkg, _ = farm
    from farm._models import get_validation_errors
    from farm.types import Cat, Dog

    body = [PETS[0], {"pet_type": "parrot", "name": "Polly"}, PETS[1]]
    with caplog.at_level(logging.WARNING):
        pets = _client(pkg, lambda r: httpx.Response(200, json=body)).pets.list()
    assert isinstance(pets[0], Cat) and isinstance(pets[0].friend, Dog) and isinstance(pets[2], Dog)
    assert pets[2].born == dt.date(2020, 1, 2)
    assert pets[1] == {"pet_type": "parrot", "name": "Polly"}  # kept raw: no child is guessed
    [error] = get_validation_errors(pets)
    assert error["type"] == "union_tag_invalid" and error["loc"] == (1,)
    assert "pet_type=parrot" in caplog.text


def test_inheritance_unknown_value_strict(farm: tuple[Any, Path]) -> None:
    pkg, _ = farm
    handler = lambda r: httpx.Response(200, json={"pet_type": "Pet", "name": "x"})  # noqa: E731
    client = _client(pkg, handler, strict_response_validation=True)
    # the abstract base is no member: its own name is an unknown value too
    with pytest.raises(pkg.APIResponseValidationError, match="pet_type=Pet"):
        client.pets.retrieve("p1")


def test_inheritance_request_body_accepts_a_child(farm: tuple[Any, Path]) -> None:
    pkg, _ = farm
    from farm.types import Cat, Dog

    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(201, json=json.loads(request.content))

    client = _client(pkg, handler)
    created = client.pets.create(body=Dog(pet_type="dog", name="Rex", born=dt.date(2021, 5, 6)))
    assert json.loads(seen[0].content) == {"pet_type": "dog", "name": "Rex", "born": "2021-05-06"}
    assert isinstance(created, Dog) and created.born == dt.date(2021, 5, 6)
    cat = client.pets.create(
        body={"pet_type": "cat", "name": "Tom", "lives": 3}
    )  # a plain dict too
    assert isinstance(cat, Cat) and cat.lives == 3


def test_inheritance_nested_references(farm: tuple[Any, Path]) -> None:
    pkg, _ = farm
    from farm.types import Cat, Dog, Kitten, Lizard, Owner

    body = {"name": "Ada", "favourite": PETS[2], "pets": [PETS[1], PETS[3]], "cat": PETS[3]}
    owner = _client(pkg, lambda r: httpx.Response(200, json=body)).owners.retrieve("o1")
    assert isinstance(owner, Owner) and isinstance(
        owner.favourite, Lizard
    )  # allOf [$ref Pet] + description
    assert [type(p) for p in owner.pets or []] == [Dog, Kitten]
    # an intermediate (Cat, extended by Kitten) stays a plain model where it is referenced
    assert type(owner.cat) is Cat and owner.cat.model_extra == {"mother": "Tom"}
    assert Owner.model_validate({"favourite": None}).favourite is None  # nullable: true
    # lenient: a nullable reference to the base is still built from the member its value names
    bad = {
        "favourite": {"pet_type": "dog", "name": "Rex", "born": "soon"},
        "cat": {"lives": "many"},
    }
    owner = _client(pkg, lambda r: httpx.Response(200, json=bad)).owners.retrieve("o1")
    assert type(owner.favourite) is Dog and owner.favourite.born == "soon"
    assert type(owner.cat) is Cat and owner.cat.lives == "many"


def test_inheritance_concrete_base_is_a_member(farm: tuple[Any, Path]) -> None:
    pkg, _ = farm
    from farm.types import Bike, Car, Tag, VehicleBase

    body = [
        {"kind": "vehicle", "wheels": 3},
        {"kind": "car", "doors": 5},
        {"kind": "bike", "gears": 21},
    ]
    vehicles = _client(pkg, lambda r: httpx.Response(200, json=body)).vehicles.list()
    assert [type(v) for v in vehicles] == [VehicleBase, Car, Bike]
    assert vehicles[0].wheels == 3 and vehicles[1].doors == 5
    # a discriminator that no schema extends: a plain model, whatever the value
    tags = _client(
        pkg, lambda r: httpx.Response(200, json=[{"kind": "x", "label": "y"}])
    ).tags.list()
    assert type(tags[0]) is Tag and tags[0].kind == "x"


@pytest.mark.slow
def test_inheritance_package_is_mypy_strict_clean(farm: tuple[Any, Path], tmp_path: Path) -> None:
    _, root = farm
    usage = tmp_path / "usage.py"
    usage.write_text(
        "import datetime as dt\n"
        "from farm import Farm\n"
        "from farm.types import Cat, Dog, Pet\n"
        "def names(client: Farm) -> list[str]:\n"
        "    pets: list[Pet] = client.pets.list()\n"
        "    client.pets.create(body=Dog(pet_type='dog', name='Rex', born=dt.date(2020, 1, 2)))\n"
        "    return [p.name for p in pets if not isinstance(p, Cat)]\n"
    )
    proc = mypy_strict(tmp_path, root / "src", root / "src" / "farm", usage)
    assert proc.returncode == 0, proc.stdout[-5000:]


def test_inheritance_31_and_ir(build: Any) -> None:
    from generator.ir import Alias, Model, ModelRef, UnionOf

    doc = spec_doc(
        schemas={
            "Shape": {
                "type": "object",
                "required": ["kind"],
                "properties": {"kind": {"type": "string"}},
                "discriminator": {
                    "propertyName": "kind",
                    "mapping": {"sq": REF + "Square", "blob": REF + "Blob"},
                },
            },
            "Circle": {
                "allOf": [{"$ref": REF + "Shape"}, {"properties": {"r": {"type": "number"}}}]
            },
            "Square": {
                "allOf": [{"$ref": REF + "Shape"}, {"properties": {"side": {"type": "number"}}}]
            },
            "Blob": {"type": "object", "properties": {"kind": {"type": "string"}}},
            "Holder": {"type": "object", "properties": {"shape": {"$ref": REF + "Shape"}}},
        }
    )
    api, sink = build(doc)
    shape = api.schemas[REF[1:] + "Shape"]
    assert isinstance(shape, Alias) and isinstance(shape.target, UnionOf)
    assert shape.target.variants == (ModelRef(REF[1:] + "Circle"), ModelRef(REF[1:] + "Square"))
    assert shape.target.discriminator is not None
    assert shape.target.discriminator.mapping == (("sq", REF[1:] + "Square"),)
    circle = api.schemas[REF[1:] + "Circle"]
    assert isinstance(circle, Model) and [f.wire_name for f in circle.fields] == ["kind", "r"]
    holder = api.schemas[REF[1:] + "Holder"]
    assert isinstance(holder, Model) and holder.fields[0].type == ModelRef(REF[1:] + "Shape")
    [warning] = [d for d in sink.sorted() if d.code == "bad-discriminator"]
    assert warning.pointer == "/components/schemas/Shape/discriminator/mapping/blob"
    assert "neither Shape nor a schema that extends it" in warning.message
    assert "kind='blob' as an unknown value" in warning.message
    assert "allOf" in warning.hint


def test_inheritance_intermediate_and_cycles(build: Any) -> None:
    from generator.ir import Alias, Model, ModelRef

    doc = spec_doc(
        schemas={
            "Animal": {
                "type": "object",
                "properties": {"t": {"type": "string"}},
                "discriminator": {"propertyName": "t"},
            },
            # an intermediate with its own discriminator: part of Animal's union, a model where referenced
            "Bird": {
                "allOf": [{"$ref": REF + "Animal"}, {"properties": {"wings": {"type": "integer"}}}],
                "discriminator": {"propertyName": "t"},
            },
            "Owl": {
                "allOf": [{"$ref": REF + "Bird"}, {"properties": {"hoots": {"type": "boolean"}}}]
            },
            # an allOf cycle with a discriminator is no hierarchy (and no traceback)
            "A": {"allOf": [{"$ref": REF + "B"}], "discriminator": {"propertyName": "t"}},
            "B": {"allOf": [{"$ref": REF + "A"}, {"properties": {"t": {"type": "string"}}}]},
        }
    )
    api, _ = build(doc)
    animal = api.schemas[REF[1:] + "Animal"]
    assert isinstance(animal, Alias)
    assert animal.target.variants == (ModelRef(REF[1:] + "Bird"), ModelRef(REF[1:] + "Owl"))
    assert isinstance(api.schemas[REF[1:] + "Bird"], Model)
    owl = api.schemas[REF[1:] + "Owl"]
    assert isinstance(owl, Model) and [f.wire_name for f in owl.fields] == ["t", "wings", "hoots"]
    cyclic = api.schemas[REF[1:] + "A"]  # `allOf: [$ref B]` is B, not a union over the cycle
    assert isinstance(cyclic, Alias) and cyclic.target == ModelRef(REF[1:] + "B")


def test_inheritance_single_child_union(generate_package: Any) -> None:
    # one schema extends the base: still a (one-member) discriminated union, lenient parsing included
    doc = spec_doc(
        paths={
            "/events": {
                "get": {
                    "operationId": "listEvents",
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {
                                "application/json": {
                                    "schema": {"type": "array", "items": {"$ref": REF + "Event"}}
                                }
                            },
                        }
                    },
                }
            }
        },
        schemas={
            "Event": {
                "type": "object",
                "required": ["type"],
                "properties": {"type": {"type": "string"}},
                "discriminator": {"propertyName": "type", "mapping": {"ping": REF + "Ping"}},
            },
            "Ping": {
                "allOf": [
                    {"$ref": REF + "Event"},
                    {
                        "type": "object",
                        "required": ["at"],
                        "properties": {"at": {"type": "integer"}},
                    },
                ]
            },
        },
    )
    pkg, root = generate_package(doc, package="oneping", client_name="Events")
    assert '_disc("type", {"ping": "Ping"})' in (root / "src/oneping/types/event.py").read_text()
    from oneping._models import get_validation_errors
    from oneping.types import Ping

    body = [{"type": "ping", "at": 1}, {"type": "ping", "at": "soon"}, {"type": "pong"}]
    client = pkg.Events(
        http_client=httpx.Client(
            transport=httpx.MockTransport(lambda r: httpx.Response(200, json=body))
        )
    )
    events = client.events.list()
    assert isinstance(events[0], Ping) and events[0].at == 1
    assert isinstance(events[1], Ping) and events[1].at == "soon"  # constructed from its own member
    assert events[2] == {"type": "pong"}  # unknown value: raw
    assert [e["type"] for e in get_validation_errors(events)] == [
        "int_parsing",
        "union_tag_invalid",
    ]


def test_inheritance_discriminator_enum_selects_no_child(build: Any) -> None:
    # flat.io's UserBasics: `type` is an enum of account kinds, not of subtype names
    from generator.ir import Model

    doc = spec_doc(
        schemas={
            "User": {
                "type": "object",
                "discriminator": {"propertyName": "type"},
                "properties": {"type": {"$ref": REF + "UserType"}, "name": {"type": "string"}},
            },
            "UserType": {"type": "string", "enum": ["user", "guest"]},
            "UserPublic": {
                "allOf": [{"$ref": REF + "User"}, {"properties": {"bio": {"type": "string"}}}]
            },
        }
    )
    api, sink = build(doc)
    assert isinstance(api.schemas[REF[1:] + "User"], Model)  # references keep the plain model
    [warning] = [d for d in sink.sorted() if d.code == "bad-discriminator"]
    assert warning.pointer == "/components/schemas/User/discriminator"
    assert (
        "only allows ['user', 'guest']" in warning.message and "['UserPublic']" in warning.message
    )
    assert "plain User model" in warning.message and "mapping" in warning.hint
    doc["components"]["schemas"]["User"]["discriminator"]["mapping"] = {"user": REF + "UserPublic"}
    api, sink = build(doc)  # once a value fits, it is a union again
    assert not isinstance(api.schemas[REF[1:] + "User"], Model)
    assert [d for d in sink.sorted() if d.code == "bad-discriminator"] == []


ONE_SUBTYPE = """
openapi: 3.0.3
info: {title: Errors, version: "1"}
paths:
  /errors:
    get:
      operationId: listErrors
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {type: array, items: {$ref: "#/components/schemas/ErrorBase"}}
components:
  schemas:
    ErrorBase:
      type: object
      required: ["@odata.type"]
      properties:
        "@odata.type": {type: string}
        code: {type: string}
      discriminator:
        propertyName: "@odata.type"
        mapping: {"#graph.error": "#/components/schemas/Error"}
    Error:
      allOf:
        - $ref: "#/components/schemas/ErrorBase"
        - type: object
          properties:
            details: {type: array, items: {$ref: "#/components/schemas/ErrorBase"}}
"""


def test_base_with_one_subtype_that_refers_back_imports_and_parses(
    generate_package: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """microsoft.com/graph-beta's `classifcationErrorBase`: its only subtype lists more of the base. pydantic
    folds a one-member union into a reference to the model being built and could not resolve it
    (MissingDefinitionForUnionRef on import); the runtime's discriminator puts it back into a union."""
    pkg, root = generate_package(ONE_SUBTYPE, package="errbase", client_name="Errors")
    from errbase._models import get_validation_errors
    from errbase.types import Error

    nested = [{"@odata.type": "#graph.error", "code": "b"}, {"@odata.type": "#graph.other"}]
    body = [
        {"@odata.type": "#graph.error", "code": "a", "details": nested[:1]},
        {"@odata.type": "#graph.error", "code": "c", "details": nested},
    ]

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=body)

    client = pkg.Errors(
        base_url="https://h.test", http_client=httpx.Client(transport=httpx.MockTransport(handler))
    )
    with caplog.at_level(logging.WARNING):
        errors = client.errors.list()
    first, second = errors
    assert (
        isinstance(first, Error)
        and isinstance(first.details[0], Error)
        and first.details[0].code == "b"
    )
    # lenient: the unknown nested value stays raw, the rest is still built (aliased fields included)
    assert second.odata_type == "#graph.error" and second.code == "c"
    assert isinstance(second.details[0], Error) and second.details[0].odata_type == "#graph.error"
    assert second.details[1] == {"@odata.type": "#graph.other"}
    [error] = get_validation_errors(errors)
    assert error["type"] == "union_tag_invalid" and error["loc"] == (1, "Error", "details", 1)
    assert '_disc("@odata.type"' in (root / "src/errbase/types/error.py").read_text()


def test_very_large_hierarchy_stays_a_plain_model(build: Any) -> None:
    """More than MAX_MEMBERS extending schemas (graph-beta's `entity`: 1,546): the base is a plain model with a
    `large-hierarchy` warning, and a base below it with its own discriminator becomes the topmost union."""
    from generator.ir import Alias, Model, ModelRef
    from generator.parse.discriminators import MAX_MEMBERS

    leaves = {
        f"T{i}": {
            "allOf": [{"$ref": REF + "Entity"}, {"properties": {f"f{i}": {"type": "string"}}}]
        }
        for i in range(MAX_MEMBERS - 2)
    }
    doc = spec_doc(
        schemas={
            "Entity": {
                "type": "object",
                "properties": {"t": {"type": "string"}},
                "discriminator": {"propertyName": "t"},
            },
            **leaves,
            "Animal": {"allOf": [{"$ref": REF + "Entity"}], "discriminator": {"propertyName": "t"}},
            "Dog": {
                "allOf": [{"$ref": REF + "Animal"}, {"properties": {"barks": {"type": "boolean"}}}]
            },
            "Cat": {
                "allOf": [{"$ref": REF + "Animal"}, {"properties": {"lives": {"type": "integer"}}}]
            },
        }
    )
    api, sink = build(doc)
    assert isinstance(api.schemas[REF[1:] + "Entity"], Model)  # 65 below it: no union
    animal = api.schemas[REF[1:] + "Animal"]
    assert isinstance(animal, Alias)
    # members in name order: the order of `components/schemas` carries no meaning
    assert animal.target.variants == (ModelRef(REF[1:] + "Cat"), ModelRef(REF[1:] + "Dog"))
    [warning] = [d for d in sink.sorted() if d.code == "large-hierarchy"]
    assert warning.pointer == "/components/schemas/Entity/discriminator"
    assert f"{MAX_MEMBERS + 1} schemas extend Entity" in warning.message

    del doc["components"]["schemas"]["T0"]  # exactly MAX_MEMBERS: still a union
    api, sink = build(doc)
    assert isinstance(api.schemas[REF[1:] + "Entity"], Alias)
    assert not [d for d in sink.sorted() if d.code == "large-hierarchy"]
