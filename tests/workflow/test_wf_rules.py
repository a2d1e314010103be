"""Classification rules of `clientgen diff`, one small spec pair each: breaking or not for a client."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from generator.workflow.changes import Change, Layer, Level, Report, bump_version
from generator.workflow.diff import diff_files
from generator.workflow.prose import prose_changes, strip_prose

Doc = dict[str, Any]


def base() -> Doc:
    return {
        "openapi": "3.0.3",
        "info": {"title": "Pets", "version": "1.0.0"},
        "servers": [{"url": "https://pets.test"}],
        "components": {
            "securitySchemes": {"key": {"type": "apiKey", "in": "header", "name": "X-Key"}},
            "schemas": {
                "Pet": {
                    "type": "object",
                    "required": ["id", "kind"],
                    "properties": {
                        "id": {"type": "string"},
                        "kind": {"$ref": "#/components/schemas/Kind"},
                        "name": {"type": "string"},
                        "age": {"type": "integer"},
                    },
                },
                "Kind": {"type": "string", "enum": ["cat", "dog"]},
                "NewPet": {
                    "type": "object",
                    "required": ["kind"],
                    "properties": {
                        "kind": {"$ref": "#/components/schemas/Kind"},
                        "name": {"type": "string"},
                        "tag": {"type": "string"},
                    },
                },
            },
        },
        "security": [{"key": []}],
        "paths": {
            "/pets": {
                "get": {
                    "operationId": "listPets",
                    "tags": ["Pets"],
                    "x-access-tier": "standard",
                    "parameters": [
                        {
                            "name": "kind",
                            "in": "query",
                            "schema": {"$ref": "#/components/schemas/Kind"},
                        },
                        {"name": "limit", "in": "query", "schema": {"type": "integer"}},
                    ],
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "array",
                                        "items": {"$ref": "#/components/schemas/Pet"},
                                    }
                                }
                            },
                        }
                    },
                },
                "post": {
                    "operationId": "createPet",
                    "tags": ["Pets"],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/NewPet"}}
                        },
                    },
                    "responses": {
                        "201": {
                            "description": "made",
                            "content": {
                                "application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}
                            },
                        }
                    },
                },
            },
        },
    }


@pytest.fixture
def compare(tmp_path: Path) -> Callable[[Callable[[Doc], None]], Report]:
    def _compare(edit: Callable[[Doc], None]) -> Report:
        old, new = base(), base()
        edit(new)
        (tmp_path / "old.json").write_text(json.dumps(old))
        (tmp_path / "new.json").write_text(json.dumps(new))
        return diff_files(tmp_path / "old.json", tmp_path / "new.json")

    return _compare


def only(report: Report, code: str, layer: Layer = Layer.WIRE) -> Change:
    found = [c for c in report.changes if c.code == code and c.layer is layer]
    assert len(found) == 1, [(c.code, c.subject, c.message) for c in report.changes]
    return found[0]


def schema(doc: Doc, name: str) -> Doc:
    found: Doc = doc["components"]["schemas"][name]
    return found


def test_identical_specs_have_no_changes(compare: Any) -> None:
    report = compare(lambda d: None)
    assert report.changes == [] and report.exit_code() == 0 and report.semver() == ("none", "1.0.0")


def test_request_field_becoming_required_breaks_and_optional_does_not(compare: Any) -> None:
    report = compare(lambda d: schema(d, "NewPet")["required"].append("name"))
    change = only(report, "request-field-required")
    assert change.level is Level.BREAKING and change.subject == "NewPet.name"
    assert change.operations == {"POST /pets"}
    py = only(report, "field-retyped", Layer.PYTHON)
    assert py.level is Level.BREAKING and py.subject == "pets.types.NewPet.name"

    relaxed = compare(lambda d: schema(d, "NewPet").update(required=[]))
    assert only(relaxed, "request-field-optional").level is Level.NON_BREAKING
    assert not relaxed.breaking


def test_new_request_fields(compare: Any) -> None:
    def add(d: Doc) -> None:
        schema(d, "NewPet")["properties"]["chip"] = {"type": "string"}
        schema(d, "NewPet")["properties"]["owner"] = {"type": "string"}
        schema(d, "NewPet")["required"].append("owner")

    report = compare(add)
    added = {c.subject: c.level for c in report.changes if c.code == "request-field-added"}
    assert added == {"NewPet.chip": Level.NON_BREAKING, "NewPet.owner": Level.BREAKING}


def test_response_field_removed_breaks_added_does_not(compare: Any) -> None:
    def edit(d: Doc) -> None:
        props = schema(d, "Pet")["properties"]
        props["nickname"] = props.pop("name")

    report = compare(edit)
    assert only(report, "response-field-removed").level is Level.BREAKING
    assert only(report, "response-field-added").level is Level.NON_BREAKING
    py = {c.code: c for c in report.changes if c.layer is Layer.PYTHON}
    assert (
        py["field-removed"].subject == "pets.types.Pet.name"
        and py["field-removed"].level is Level.BREAKING
    )
    assert py["field-added"].subject == "pets.types.Pet.nickname"


def test_enum_values(compare: Any) -> None:
    removed = compare(lambda d: schema(d, "Kind").update(enum=["cat"]))
    levels = {c.code: c.level for c in removed.changes if c.layer is Layer.WIRE}
    assert levels == {  # a value no longer returned narrows a response: only the Python enum breaks
        "response-enum-values-removed": Level.NON_BREAKING,
        "request-enum-values-removed": Level.BREAKING,
    }
    member = only(removed, "enum-member-removed", Layer.PYTHON)
    assert member.subject == "pets.types.Kind.DOG" and member.level is Level.BREAKING

    added = compare(lambda d: schema(d, "Kind")["enum"].append("fish"))
    assert not added.breaking
    assert "open" in only(added, "response-enum-values-added").message


def test_response_field_may_be_absent_or_null(compare: Any) -> None:
    def edit(d: Doc) -> None:
        schema(d, "Pet")["required"] = ["id"]
        schema(d, "Pet")["properties"]["id"]["nullable"] = True

    report = compare(edit)
    assert only(report, "response-field-optional").level is Level.BREAKING
    assert only(report, "response-nullable-changed").level is Level.BREAKING


def test_parameters(compare: Any) -> None:
    def edit(d: Doc) -> None:
        params = d["paths"]["/pets"]["get"]["parameters"]
        params[0]["required"] = True
        params[1]["in"] = "header"
        params.append(
            {"name": "owner", "in": "query", "required": True, "schema": {"type": "string"}}
        )

    report = compare(edit)
    assert only(report, "parameter-required").level is Level.BREAKING
    moved = only(report, "parameter-location-changed")
    assert moved.level is Level.BREAKING and moved.message == "moved from query to header"
    assert only(report, "parameter-added").level is Level.BREAKING
    assert only(report, "argument-added", Layer.PYTHON).subject == "client.pets.list(owner)"


def test_types_widening_and_narrowing(compare: Any) -> None:
    def edit(d: Doc) -> None:
        d["paths"]["/pets"]["get"]["parameters"][1]["schema"] = {"type": "number"}  # request: wider
        schema(d, "Pet")["properties"]["age"] = {"type": "string"}  # response: different type

    report = compare(edit)
    assert only(report, "request-type-changed").level is Level.NON_BREAKING
    assert only(report, "response-type-changed").level is Level.BREAKING
    assert (
        only(report, "argument-retyped", Layer.PYTHON).level is Level.NON_BREAKING
    )  # int fits float


def test_status_codes_and_operations(compare: Any) -> None:
    def edit(d: Doc) -> None:
        d["paths"]["/pets"]["post"]["responses"] = {
            "200": d["paths"]["/pets"]["post"]["responses"]["201"],
            "409": {"description": "conflict"},
        }
        del d["paths"]["/pets"]["get"]
        d["paths"]["/pets/{id}"] = {
            "get": {
                "operationId": "getPet",
                "tags": ["Pets"],
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
                ],
                "responses": {"204": {"description": "ok"}},
            }
        }

    report = compare(edit)
    assert only(report, "response-status-removed").level is Level.BREAKING
    assert {c.level for c in report.changes if c.code == "response-status-added"} == {
        Level.NON_BREAKING
    }
    assert only(report, "operation-removed").subject == "GET /pets"
    assert only(report, "operation-added").level is Level.NON_BREAKING
    assert only(report, "method-removed", Layer.PYTHON).subject == "client.pets.list"
    assert only(report, "method-added", Layer.PYTHON).subject == "client.pets.get"


def test_security_and_access_tier(compare: Any) -> None:
    def edit(d: Doc) -> None:
        d["paths"]["/pets"]["get"]["x-access-tier"] = "full"
        d["paths"]["/pets"]["post"]["x-access-tier"] = "read_only"
        d["security"] = []
        d["paths"]["/pets"]["get"]["security"] = [{"key": []}]

    report = compare(edit)
    tiers = {c.subject: c.level for c in report.changes if c.code == "access-tier-changed"}
    assert tiers == {"GET /pets": Level.BREAKING}
    assert only(report, "security-changed").message == "no longer requires authentication"
    assert only(report, "security-changed").level is Level.NON_BREAKING
    assert (
        only(report, "extension-changed").subject == "POST /pets"
    )  # tier added where there was none

    stricter = compare(lambda d: d["paths"]["/pets"]["get"].update({"x-access-tier": "read_only"}))
    assert only(stricter, "access-tier-changed").level is Level.NON_BREAKING


def test_operation_id_change_renames_the_method(compare: Any) -> None:
    report = compare(lambda d: d["paths"]["/pets"]["get"].update(operationId="listAllPets"))
    assert only(report, "operation-id-changed").level is Level.NON_BREAKING
    renamed = only(report, "method-renamed", Layer.PYTHON)
    assert (renamed.subject, renamed.message, renamed.level) == (
        "client.pets.list",
        "renamed to client.pets.list_all",
        Level.BREAKING,
    )


def test_descriptions_only_are_prose(compare: Any) -> None:
    def edit(d: Doc) -> None:
        d["info"]["description"] = "All about pets."
        d["paths"]["/pets"]["get"]["summary"] = "List the pets"
        schema(d, "Pet")["properties"]["name"]["description"] = "What it answers to."

    report = compare(edit)
    assert {c.level for c in report.changes} == {Level.PROSE}
    assert not report.drift() and report.drift(prose=True) and report.exit_code() == 0
    assert report.semver()[0] == "patch"


def test_prose_stripping_keeps_properties_named_like_prose() -> None:
    doc: Doc = {
        "properties": {
            "description": {"type": "string", "description": "x"},
            "title": {"type": "string"},
        },
        "description": "prose",
        "example": {"a": 1},
    }
    assert strip_prose(doc) == {
        "properties": {"description": {"type": "string"}, "title": {"type": "string"}}
    }
    changed = copy.deepcopy(doc)
    changed["properties"]["description"]["description"] = "y"
    assert prose_changes(doc, changed) == [("/properties/description/description", "changed")]


def test_unitemised_semantic_change_still_counts_as_drift(compare: Any) -> None:
    report = compare(lambda d: d["paths"]["/pets"]["get"].update({"externalThing": {"a": 1}}))
    assert report.drift() and only(report, "other-change").subject.startswith("GET /pets")


@pytest.mark.parametrize(
    ("version", "bump", "expected"),
    [
        ("1.4.2", "major", "2.0.0"),
        ("1.4.2", "minor", "1.5.0"),
        ("1.4.2", "patch", "1.4.3"),
        ("0.3.1", "major", "0.4.0"),
        ("0.3.1", "minor", "0.3.2"),
        ("v2", "minor", "2.1.0"),
        ("weird", "major", "weird"),
        ("1.0.0", "none", "1.0.0"),
    ],
)
def test_bump_version(version: str, bump: str, expected: str) -> None:
    assert bump_version(version, bump) == expected
