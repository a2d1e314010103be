"""`parse/canonical.py`: the key-sorted copy of a document, and the JSON pointer of each of its nodes
(spelled when asked for, issue 18)."""

from __future__ import annotations

import sys
from typing import Any

from generator.parse.canonical import Canonical


def test_mappings_are_sorted_and_lists_keep_their_order() -> None:
    doc = {"b": {"z": 1, "a": [3, {"y": 1, "x": 2}]}, "a": "s"}
    copy = Canonical(doc).document
    assert copy == doc and copy is not doc
    assert list(copy) == ["a", "b"] and list(copy["b"]) == ["a", "z"]
    assert list(copy["b"]["a"][1]) == ["x", "y"]
    assert copy["b"]["a"][0] == 3


def test_every_container_knows_its_pointer() -> None:
    doc: dict[str, Any] = {
        "paths": {"/pets/{id}": {"get": {"parameters": [{"schema": {}}, {"in": "query"}]}}},
        "components": {"schemas": {"a~b": {"properties": {"x": {}}}}},
    }
    canonical = Canonical(doc)
    copy = canonical.document
    get = copy["paths"]["/pets/{id}"]["get"]
    assert canonical.origin(copy) == ""
    assert canonical.origin(get) == "/paths/~1pets~1{id}/get"
    assert canonical.origin(get["parameters"]) == "/paths/~1pets~1{id}/get/parameters"
    assert canonical.origin(get["parameters"][0]["schema"]) == (
        "/paths/~1pets~1{id}/get/parameters/0/schema"
    )
    schema = copy["components"]["schemas"]["a~b"]["properties"]["x"]
    assert canonical.origin(schema) == "/components/schemas/a~0b/properties/x"


def test_nodes_from_elsewhere_have_no_origin() -> None:
    doc = {"a": {"b": {}}}
    canonical = Canonical(doc)
    assert canonical.origin(doc["a"]) is None  # the original, not the copy
    assert canonical.origin({}) is None
    assert canonical.origin("a") is None


def test_deeper_than_the_recursion_limit() -> None:
    depth = sys.getrecursionlimit() + 100
    doc: dict[str, Any] = {}
    node = doc
    for _ in range(depth):
        node["n"] = {}
        node = node["n"]
    canonical = Canonical(doc)
    deepest = canonical.document
    for _ in range(depth):
        deepest = deepest["n"]
    assert canonical.origin(deepest) == "/n" * depth


def test_strings_are_fresh_and_shared_per_text() -> None:
    """The copy holds none of the document's strings (so the IR keeps none and the document's memory
    can be returned once it is let go), and one object per distinct text."""
    import json

    doc = json.loads(
        '{"paths": {"/a": {"get": {"operationId": "list_items", "tags": ["items", "é-ümlaut"]}},'
        ' "/b": {"get": {"operationId": "list_items", "tags": ["items"]}}}, "items": "list_items"}'
    )
    copy = Canonical(doc).document
    assert copy == doc
    originals = {id(k) for k in _strings(doc)}
    copied = list(_strings(copy))
    assert copied and all(id(s) not in originals for s in copied if len(s) > 1)
    by_text: dict[str, set[int]] = {}
    for s in copied:
        by_text.setdefault(s, set()).add(id(s))
    assert by_text["list_items"] and all(len(ids) == 1 for ids in by_text.values())
    a, b = copy["paths"]["/a"]["get"], copy["paths"]["/b"]["get"]
    assert a["operationId"] is b["operationId"] is copy["items"]
    assert a["tags"][0] is b["tags"][0] and next(iter(a)) is next(iter(b))


def _strings(node: Any) -> Any:
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, value in item.items():
                yield key
                stack.append(value)
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str):
            yield item


def test_remembered_pointers_equal_fresh_ones_in_any_order() -> None:
    """Pointers spelled once are kept for the ancestors of later questions: asking in any order (a
    deep node first, then its siblings and ancestors) answers as a fresh copy asked once."""
    doc: dict[str, Any] = {
        "paths": {"/a/{b}": {"get": {"responses": {"200": {"content": {"j": {"schema": {}}}}}}}},
        "components": {"schemas": {"x/y": {"properties": {"p": {"items": [{}, {"z": {}}]}}}}},
    }

    def containers(node: Any) -> list[Any]:
        found = [node]
        for child in node.values() if isinstance(node, dict) else node:
            if isinstance(child, (dict, list)):
                found += containers(child)
        return found

    canonical = Canonical(doc)
    count = len(containers(canonical.document))
    positions = list(range(count))
    for order in (positions, positions[::-1], positions[1::2] + positions[::2]):
        asked = Canonical(doc)
        nodes = containers(asked.document)
        for i in order:
            fresh = Canonical(doc)
            assert asked.origin(nodes[i]) == fresh.origin(containers(fresh.document)[i])
    assert count == 18
    assert canonical.origin(canonical.document["components"]["schemas"]["x/y"]) == (
        "/components/schemas/x~1y"
    )
