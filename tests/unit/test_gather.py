"""`render/gather.py` (issue 18, graph-beta's memory): the file plan drafts each resource when it gets
to it and lets its method views go once its modules are rendered; what the package-level files need
(api.md's docs, the manifest's facts, the README's examples) is taken as it goes, in any order, and
comes out as from every view at once. Mechanisms only: no memory figures."""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any

import pytest

from generator.naming.plan import op_key
from generator.render import gather, plan
from generator.render.apidoc_views import ApiDoc, DocPlan, api_doc, for_readme
from generator.render.readme_views import ExamplePicker, pick_examples
from tests.conftest import spec_doc
from tests.support.views import PETSHOP, Built


def _get(op_id: str) -> dict[str, Any]:
    ok = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Item"}}}}
    return {
        "operationId": op_id,
        "parameters": [
            {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
        ],
        "responses": {"200": {"description": "ok", **ok}},
    }


def _create(op_id: str, tag: str) -> dict[str, Any]:
    body = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Item"}}}}
    return {
        "operationId": op_id,
        "tags": [tag],
        "requestBody": {"required": True, **body},
        "responses": {"204": {"description": "ok"}},
    }


def test_examples_are_the_first_in_the_specs_order_whatever_order_they_are_shown_in(
    views: Callable[..., Built],
) -> None:
    item = {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}}
    built = views(
        spec_doc(
            paths={
                "/b/{id}": {"get": {**_get("getB"), "tags": ["b"]}},
                "/a/{id}": {"get": {**_get("getA"), "tags": ["a"]}},
                "/b": {"post": _create("addB", "b")},
                "/a": {"post": _create("addA", "a")},
            },
            schemas={"Item": item},
        )
    )
    ops = list(built.api.operations)
    forward = pick_examples(built.api, built.names, built.methods)
    # the spec's order is the canonical copy's (paths sorted): `/a` before `/b`
    assert (forward.get_call, forward.create_call) == ("client.a.get", "client.a.add")
    backward = ExamplePicker(built.api, built.names)
    for index, op in reversed(list(enumerate(ops))):
        backward.see(index, op, built.methods[op_key(op)])
    assert backward.examples() == forward
    first = built.methods[op_key(ops[0])]
    assert (
        (backward.first_method, backward.first_args) == (first.name, "id=...") == ("add", "id=...")
    )


def test_api_docs_made_in_any_order_are_the_same(shop: Built) -> None:
    whole = api_doc(shop.api, shop.names, shop.by_resource, shop.methods, {}, "openapi.yml")
    made = gather.Gathered(
        shop.api, shop.names, DocPlan(shop.api, shop.names, shop.by_resource, {}, None)
    )
    for tag in reversed(list(shop.by_resource)):
        ops = shop.by_resource[tag]
        made.add(ops, [shop.methods[op_key(op)] for op in ops])
    assert made.doc_plan.finish(made.docs, "openapi.yml") == whole
    assert set(made.facts) == {op_key(op) for op in shop.api.operations}


def test_the_readmes_view_keeps_what_the_readme_prints(shop: Built) -> None:
    whole = api_doc(shop.api, shop.names, shop.by_resource, shop.methods, {}, "openapi.yml")
    slim: ApiDoc = for_readme(whole)
    pairs = [
        (m, s)
        for r, q in zip(whole.resources, slim.resources)
        for m, s in zip(r.methods, q.methods)
    ]
    assert pairs and all(
        (s.call, s.anchor, s.http, s.summary, s.deprecated, s.access)
        == (m.call, m.anchor, m.http, m.summary, m.deprecated, m.access)
        for m, s in pairs
    )
    assert all(not s.signature and not s.example and not s.links for _, s in pairs)
    assert [r.readme_anchor for r in slim.resources] == [r.readme_anchor for r in whole.resources]


def test_each_resources_draft_is_let_go_before_the_next_is_made(
    build: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """plan_files holds one resource's method views at a time (no feature of this spec asks for
    drafts): when a draft is made, every earlier one is gone."""
    api, sink = build(PETSHOP)
    alive: list[weakref.ref[Any]] = []
    held: list[int] = []
    real = gather.draft_resource

    def draft(*args: Any) -> Any:
        held.append(sum(r() is not None for r in alive))
        made = real(*args)
        alive.append(weakref.ref(made))
        return made

    monkeypatch.setattr(gather, "draft_resource", draft)
    texts, names = plan.plan_files(api, sink)
    assert len(held) == len(names.resources) > 1
    assert held == [0] * len(held)
    assert any(path.startswith("tests/api_resources/test_") for path in texts)


def test_drafts_are_made_on_demand_and_taken_once(shop: Built) -> None:
    drafts = gather.Drafts(shop.api, shop.names, shop.by_resource, ())
    tag = next(iter(shop.by_resource))
    assert tag in drafts and "no such resource" not in drafts and drafts.held == 0
    asked = drafts[tag]
    assert drafts.held == 1 and drafts[tag] is asked  # what a feature asked for is kept …
    assert drafts.take(tag) is asked and drafts.held == 0  # … until the plan takes it
    again = drafts.take(tag)
    assert again is not asked and again.methods == asked.methods
    assert list(drafts) == list(shop.names.resources) and len(drafts) == len(shop.names.resources)
