"""`Canonical.origin` without a parent index of the whole copy (issue 18, parse26): the parser's own
place answers when the node is there, a merge's sources are walked on their own, a mapping the
parser made is known as such — and each answer is the one the index gives. The index is made only
when none of these answers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from generator.diagnostics import DiagnosticSink
from generator.load import LoadedSpec, load_spec
from generator.parse import build_api
from generator.parse.canonical import Canonical

REPO = Path(__file__).resolve().parents[2]
SPECS = sorted(
    [*(REPO / "tests" / "fixtures" / "specs").glob("*.y*ml")]
    + [*(REPO / "tests" / "fixtures" / "specs").glob("*.json")]
    + [*(REPO / "specs").glob("*/openapi.yml")]
)


def _containers(node: Any, at: str = "") -> list[tuple[Any, str]]:
    found, stack = [], [(node, at)]
    while stack:
        item, where = stack.pop()
        found.append((item, where))
        pairs = item.items() if isinstance(item, dict) else enumerate(item)
        for key, child in pairs:
            if isinstance(child, (dict, list)):
                token = str(key).replace("~", "~0").replace("/", "~1")
                stack.append((child, f"{where}/{token}"))
    return found


def _indexed(canonical: Canonical, node: object) -> str | None:
    """The parent index's answer (what `origin` answered for every question before parse26)."""
    return canonical._indexed(node)


DOC: dict[str, Any] = {
    "z": [[{"b": 1, "a": [[], [{"y": {}}]]}], {}, "s", None],
    "paths": {"/a~b/{c}": {"get": {"parameters": [{"schema": {"x": 1, "b": []}}]}}},
    "é": {"ü": {"k": {}}, "": {"empty": {}}},
    "a": {"0": {"01": {}}, "list": [{"i": {}}] * 1},
}


def test_the_parsers_place_answers_when_the_node_is_there() -> None:
    canonical = Canonical(json.loads(json.dumps(DOC)))
    for node, where in _containers(canonical.document):
        assert canonical.origin(node, where) == where
        assert canonical.at(where) is node
    assert canonical._parents is None  # no index was made


@pytest.mark.parametrize(
    "where",
    [
        "/a/list/00",  # a leading zero
        "/a/list/+0",
        "/a/list/1",  # past the end
        "/a/list/²",  # a digit, not ASCII
        "/paths/~1a~0b~1{c}/get/parameters/0/schema/b/-1",
        "/paths/~1a~0b~1{c",  # no such key
        "/paths/%2Fa~0b~1{c}",  # %-encoded: not how `origin` spells it
        "/paths/~1a~0b~1{c}/get/x~2",  # not an escape
        "/z/2",  # a string, not a container
        "z",  # not a pointer
        "/a/0/01/more",
    ],
)
def test_a_place_spelled_otherwise_or_elsewhere_is_not_taken(where: str) -> None:
    canonical = Canonical(json.loads(json.dumps(DOC)))
    node = canonical.document["a"]["list"][0]
    assert canonical.at(where) is None or canonical.at(where) is not node
    assert canonical.origin(node, where) == "/a/list/0"


def test_a_node_met_elsewhere_is_found_below_a_merges_sources_without_the_index() -> None:
    canonical = Canonical(json.loads(json.dumps(DOC)))
    doc = canonical.document
    source = doc["paths"]["/a~b/{c}"]["get"]
    canonical.copied_from(source, "/paths/~1a~0b~1{c}/get", "/merged")
    canonical.copied_from(doc["é"], "/wrong", "/other")  # not there: not walked
    schema = source["parameters"][0]["schema"]
    # at the same place below the source as the question is below the merged mapping: no walk
    assert canonical.origin(schema, "/merged/parameters/0/schema") == (
        "/paths/~1a~0b~1{c}/get/parameters/0/schema"
    )
    assert canonical._walked == set()
    # elsewhere below it: the sources' subtrees are walked
    assert canonical.origin(schema, "/merged/properties/x") == (
        "/paths/~1a~0b~1{c}/get/parameters/0/schema"
    )
    assert canonical._walked == {id(source)}
    assert canonical._parents is None
    # a node below a source noted at a place it is not: the index answers, the same way
    assert canonical.origin(doc["é"]["ü"]["k"], "/merged") == "/é/ü/k"
    assert canonical._parents is not None


def test_a_made_up_mapping_is_answered_without_the_index() -> None:
    canonical = Canonical(json.loads(json.dumps(DOC)))
    made = {**canonical.document["a"]}
    canonical.made_up(made)
    assert canonical.origin(made, "/a") is None
    assert canonical._parents is None
    other: dict[str, Any] = {}  # made up but not said: the index tells
    assert canonical.origin(other, "/a") is None
    assert canonical._parents is not None


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.name)
def test_every_question_parse_asks_gets_the_indexs_answer(
    spec: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each fixture and committed spec: every `origin` question parse asks, with or without the
    place, answered as the index answers it; the same IR and diagnostics as a run that asks the
    index for everything."""
    loaded = load_spec(spec, DiagnosticSink(file=str(spec)))
    asked: list[tuple[str | None, str | None]] = []
    real = Canonical.origin

    def checked(self: Canonical, node: object, where: str | None = None) -> str | None:
        got = real(self, node, where)
        asked.append((got, _indexed(self, node)))
        return got

    monkeypatch.setattr(Canonical, "origin", checked)
    sink = DiagnosticSink(file="spec")
    quick = (repr(build_api(loaded, sink, Canonical(loaded.document))), sink.sorted())
    assert all(got == expected for got, expected in asked)
    monkeypatch.setattr(Canonical, "origin", lambda self, node, where=None: _indexed(self, node))
    sink = DiagnosticSink(file="spec")
    indexed = (repr(build_api(loaded, sink, Canonical(loaded.document))), sink.sorted())
    assert quick == indexed


def test_a_merged_property_and_a_completed_branch_keep_their_places() -> None:
    """A property copied by `allOf` from a component, a `oneOf` branch completed with its parent's
    properties: the inline schemas inside keep the place they are defined at, as the index says."""
    document = {
        "openapi": "3.0.3",
        "paths": {},
        "components": {
            "schemas": {
                "Base": {
                    "type": "object",
                    "properties": {"inner": {"type": "object", "properties": {"a": {}}}},
                },
                "Child": {
                    "allOf": [
                        {"$ref": "#/components/schemas/Base"},
                        {
                            "type": "object",
                            "properties": {"own": {"type": "object", "properties": {"b": {}}}},
                        },
                    ]
                },
                "Either": {
                    "type": "object",
                    "properties": {"shared": {"type": "object", "properties": {"c": {}}}},
                    "oneOf": [{"required": ["shared"]}, {"required": ["other"]}],
                },
                "User": {
                    "type": "object",
                    "properties": {"e": {"$ref": "#/components/schemas/Either"}},
                },
            }
        },
    }
    canonical = Canonical(document)
    api = build_api(LoadedSpec("spec", document, "", "3.0"), DiagnosticSink(), canonical)
    assert "/components/schemas/Base/properties/inner" in api.schemas
    assert "/components/schemas/Child/allOf/1/properties/own" in api.schemas
    assert "/components/schemas/Either/properties/shared" in api.schemas
    assert "/components/schemas/Child/properties/inner" not in api.schemas
    assert "/components/schemas/Either/oneOf/0/properties/shared" not in api.schemas
    assert canonical._parents is None  # every answer without the index
