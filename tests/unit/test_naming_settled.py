"""The operation pass restricted to the resources an edit can change (`naming.operations.settled`,
`operation_names(settled=)`): on many edits of a spec, every method it leaves out is the one the
whole pass gives the edited API, and what it names and says is the whole pass's."""

from __future__ import annotations

import copy
import json
import random
from pathlib import Path
from typing import Any

from generator import parse
from generator.diagnostics import Diagnostic, DiagnosticSink
from generator.ir import Api
from generator.load import load_spec
from generator.naming.names import Names, op_key
from generator.naming.operations import METHOD_CODES, operation_names, settled

OK = {"200": {"description": "ok"}}
LISTED = {
    "200": {
        "description": "ok",
        "content": {"application/json": {"schema": {"type": "array", "items": {"type": "string"}}}},
    }
}


def _op(op_id: str | None, tag: str | None, responses: dict[str, Any] = OK) -> dict[str, Any]:
    op: dict[str, Any] = {"responses": responses}
    if op_id is not None:
        op["operationId"] = op_id
    if tag is not None:
        op["tags"] = [tag]
    return op


def _spec() -> dict[str, Any]:
    """Tagged and untagged operations, with and without operationIds (methods named from the route:
    collections, actions, a path's other methods), a method name two operations want, nested paths
    under a shared `/v1` prefix."""
    paths: dict[str, Any] = {
        "/v1/pets": {"get": _op(None, "pets", LISTED), "post": _op(None, "pets")},
        "/v1/pets/{id}": {
            "get": _op(None, "pets"),
            "put": _op(None, "pets"),
            "delete": _op("deletePet", "pets"),
        },
        "/v1/pets/{id}/feed": {"post": _op(None, "pets")},
        "/v1/pets/search": {"get": _op("listPets", "pets")},  # wants `list` too: a collision
        "/v1/stores": {"get": _op("listStores", "stores", LISTED)},
        "/v1/stores/{id}": {"get": _op("getStore", "stores"), "patch": _op(None, "stores")},
        "/v1/stores/{id}/close": {"post": _op(None, "stores")},
        "/v1/orders": {"get": _op(None, None, LISTED), "post": _op("createOrder", None)},
        "/v1/orders/{id}": {"get": _op(None, None)},
        "/v1/orders/{id}/items": {"get": _op(None, None)},
        "/v1/users/{name}": {"get": _op("getUser", "users"), "delete": _op("getUser", "users")},
        "/v1/users": {"post": _op(None, "users")},
        "/v1/inventory": {"get": _op(None, "stores")},  # extended, not a collection: `retrieve…`
        "/v1/inventory/summary": {"get": _op(None, "stores")},
    }
    return {
        "openapi": "3.0.3",
        "info": {"title": "Pets", "version": "1"},
        "tags": [{"name": "pets"}, {"name": "stores"}, {"name": "users"}],
        "paths": paths,
    }


def _api(doc: dict[str, Any], folder: Path, n: int) -> Api:
    spec = folder / f"spec{n}.json"
    spec.write_text(json.dumps(doc), encoding="utf-8")
    sink = DiagnosticSink()
    return parse.build_api(load_spec(spec, sink), sink)


def _edits(rng: random.Random, doc: dict[str, Any]) -> dict[str, Any]:
    """One to three of: an operation removed, copied under a new path or method (tagged or not,
    with or without an id), a new path below an existing one, one outside the shared prefix, an
    operationId changed."""
    doc = copy.deepcopy(doc)
    for _ in range(rng.randint(1, 3)):
        ops = [(p, m) for p, item in doc["paths"].items() for m in item]
        path, method = rng.choice(ops)
        kind = rng.randrange(6)
        if kind == 0:
            del doc["paths"][path][method]
            if not doc["paths"][path]:
                del doc["paths"][path]
        elif kind == 1:  # another method of the same path
            free = [
                m for m in ("get", "put", "post", "patch", "delete") if m not in doc["paths"][path]
            ]
            if free:
                doc["paths"][path][rng.choice(free)] = copy.deepcopy(doc["paths"][path][method])
        elif kind == 2:  # a path below (an item, an action, a collection)
            below = path + rng.choice(["/{sub}", "/archive", "/photos", "/v2"])
            tag = rng.choice([None, "pets", "stores", "users"])
            op_id = rng.choice([None, f"op{rng.randrange(99)}", "listPets"])
            doc["paths"].setdefault(below, {})[rng.choice(["get", "post"])] = _op(op_id, tag)
        elif kind == 3:  # outside the prefix every path shares
            doc["paths"]["/health"] = {"get": _op(rng.choice([None, "health"]), None)}
        elif kind == 4:
            op = doc["paths"][path][method]
            op["operationId"] = rng.choice(["listPets", "getUser", f"renamed{rng.randrange(9)}"])
        else:  # a new path of a resource
            name = rng.choice(["pets/{id}/toys", "stores/{id}/staff", "orders/{id}/notes"])
            doc["paths"].setdefault(f"/v1/{name}", {})["get"] = _op(
                None, rng.choice([None, "pets"])
            )
    return doc


def _whole(api: Api) -> tuple[Names, list[Diagnostic]]:
    names, sink = Names(), DiagnosticSink()
    operation_names(api, names, sink)
    return names, sink.sorted()


def test_a_restricted_pass_leaves_out_only_methods_the_whole_pass_keeps(tmp_path: Path) -> None:
    base = _spec()
    old = _api(base, tmp_path, 0)
    old_names, old_said = _whole(old)
    assert any(d.code in METHOD_CODES for d in old_said)  # (a collision the restriction must keep)
    rng = random.Random(23)
    restricted = named_all = 0
    for n in range(1, 121):
        new = _api(_edits(rng, base), tmp_path, n)
        olds = {op_key(op): op for op in old.operations}
        news = {op_key(op): op for op in new.operations}
        touched = {k for k in olds.keys() | news.keys() if olds.get(k) != news.get(k)}
        # (the replay's conditions: the same schemas, every other operation the same)
        assert old.schemas == new.schemas
        new = _with_old_objects(new, olds, touched)
        new_names, new_said = _whole(new)
        same = settled(old, new, touched, old_names.op_resource)
        part, heard = Names(), DiagnosticSink()
        operation_names(new, part, heard, None, same)
        assert part.resources == new_names.resources, n
        assert part.op_resource == new_names.op_resource, n
        left = [k for k in news if k not in part.op_method]
        for key, method in part.op_method.items():
            assert new_names.op_method[key] == method, (n, key)
        for key in left:  # the claim: a settled operation's method is the one it had
            assert same is not None and key in same and key not in touched, (n, key)
            assert old_names.op_method[key] == new_names.op_method[key], (n, key)
        unnamed = {news[k].pointer for k in left}
        assert heard.sorted() == [
            d for d in new_said if not (d.code in METHOD_CODES and d.pointer in unnamed)
        ], n
        assert [d for d in old_said if d.code in METHOD_CODES and d.pointer in unnamed] == [
            d for d in new_said if d.code in METHOD_CODES and d.pointer in unnamed
        ], n
        restricted += bool(left)
        named_all += not left
    assert restricted > 30 and named_all > 10  # (both kinds of edit were seen)


def _with_old_objects(new: Api, olds: dict[str, Any], touched: set[str]) -> Api:
    """`new` with each untouched operation the old API's object (as a structural replay has it)."""
    import dataclasses

    ops = tuple(op if op_key(op) in touched else olds[op_key(op)] for op in new.operations)
    return dataclasses.replace(new, operations=ops)


def test_settled_leaves_out_the_resources_an_edit_reaches(tmp_path: Path) -> None:
    """A removed operation's resource is named again (its methods' scope lost a name), a new path
    below another unsettles that path (it is extended, or now holds items), a new path outside the
    shared prefix unsettles everything."""
    base = _spec()
    old = _api(base, tmp_path, 0)
    old_names, _ = _whole(old)
    homes = old_names.op_resource

    def settled_after(doc: dict[str, Any], n: int) -> set[str] | None:
        new = _api(doc, tmp_path, n)
        olds = {op_key(op): op for op in old.operations}
        news = {op_key(op): op for op in new.operations}
        touched = {k for k in olds.keys() | news.keys() if olds.get(k) != news.get(k)}
        return settled(old, new, touched, homes)

    removed = copy.deepcopy(base)
    del removed["paths"]["/v1/pets/{id}"]["delete"]
    same = settled_after(removed, 1)
    assert same is not None
    assert not {k for k in same if homes[k] == homes["get /v1/pets"]}  # pets named again
    assert "get /v1/stores" in same  # (stores: settled)

    below = copy.deepcopy(base)
    below["paths"]["/v1/orders/{id}/items/{item}"] = {"get": _op(None, None)}
    same = settled_after(below, 2)
    assert same is not None and "get /v1/orders/{id}/items" not in same
    assert "get /v1/orders" in same

    items = copy.deepcopy(base)  # `/v1/inventory` now holds items: its GET lists them
    items["paths"]["/v1/inventory/{sku}"] = {"get": _op(None, "stores")}
    same = settled_after(items, 4)
    assert same is not None and "get /v1/inventory" not in same
    assert (
        _whole(_api(items, tmp_path, 5))[0].op_method["get /v1/inventory"]
        != (old_names.op_method["get /v1/inventory"])
    )

    outside = copy.deepcopy(base)
    outside["paths"]["/health"] = {"get": _op(None, None)}
    assert settled_after(outside, 3) is None


def test_the_methods_kept_in_a_touched_resource_are_the_whole_pass_s(tmp_path: Path) -> None:
    """`operation_names(kept=)` with `kept_methods`: in the resources an edit reaches, each steady
    method of a resource whose methods did not collide claims its old name instead of being named
    again; on many edits, either the pass gives the whole pass's names and warnings (less the
    settled methods' warnings, as before), or a kept name was taken (`Renamed`) — and then the
    whole pass did name some method otherwise."""
    base = _spec()
    old = _api(base, tmp_path, 0)
    rng = random.Random(29)
    seen = [_kept_or_renamed(old, _api(_edits(rng, base), tmp_path, n)) for n in range(1, 161)]
    assert seen.count("kept") > 30  # (kept names were claimed)
    # a new `stores` method before `getStore` that wants its name: `getStore` is named otherwise
    taken = copy.deepcopy(base)
    taken["paths"]["/v1/stores"]["post"] = _op("getStore", "stores")
    assert _kept_or_renamed(old, _api(taken, tmp_path, 200)) == "renamed"


def _kept_or_renamed(old: Api, new: Api) -> str:
    """The pass on `new` with the methods `kept_methods` keeps, against the whole pass: "kept"
    (some were, and it gave the whole pass's names and warnings), "renamed" (one was taken, and
    the whole pass named an operation otherwise), "named" (none kept) or "moved" (no `steady`)."""
    from generator.naming.operations import Renamed, kept_methods, steady

    old_names, old_said = _whole(old)
    olds = {op_key(op): op for op in old.operations}
    news = {op_key(op): op for op in new.operations}
    touched = {k for k in olds.keys() | news.keys() if olds.get(k) != news.get(k)}
    new = _with_old_objects(new, olds, touched)
    new_names, new_said = _whole(new)
    found = steady(old, new, touched, old_names.op_resource)
    if found is None:
        return "moved"
    same = settled(old, new, touched, old_names.op_resource)
    kept = kept_methods(old, found, old_names, old_said)
    part, heard = Names(), DiagnosticSink()
    try:
        operation_names(new, part, heard, None, same, kept)
    except Renamed:
        assert any(old_names.op_method[k] != new_names.op_method.get(k) for k in found)
        return "renamed"
    assert part.resources == new_names.resources
    for key, method in part.op_method.items():
        assert new_names.op_method[key] == method, key
    unnamed = {news[k].pointer for k in news if k not in part.op_method}
    assert heard.sorted() == [
        d for d in new_said if not (d.code in METHOD_CODES and d.pointer in unnamed)
    ]
    return "kept" if any(k in kept for k in part.op_method) else "named"
