"""`render/gather.py` (issue 18, graph-beta's memory): the file plan drafts each resource when it gets
to it and lets its method views go once its modules are rendered; what the package-level files need
(api.md's docs, the manifest's facts, the README's example parts) is taken as it goes, in any order,
and comes out as from every view at once. Mechanisms only: no memory figures."""

from __future__ import annotations

import weakref
from typing import Any

import pytest

from generator.naming.plan import op_key
from generator.render import drafts, gather, plan
from generator.render.apidoc_views import ApiDoc, DocPlan, api_doc, for_readme
from generator.render.readme_views import example_parts
from tests.support.views import PETSHOP, Built


def _gathered(shop: Built, order: list[str]) -> gather.Gathered:
    made = gather.Gathered(
        shop.api, DocPlan(shop.api, shop.names, shop.by_resource, {}, None), None
    )
    store = drafts.Drafts(shop.api, shop.names, shop.by_resource, ())
    for tag in order:
        made.add(shop.by_resource[tag], gather.Views(store, tag))
    return made


def test_docs_parts_and_facts_gathered_in_any_order_are_the_same(shop: Built) -> None:
    whole = api_doc(shop.api, shop.names, shop.by_resource, shop.methods, {}, "openapi.yml")
    made = _gathered(shop, list(reversed(shop.by_resource)))
    assert made.doc_plan.finish(made.docs, "openapi.yml") == whole
    assert made.examples() == example_parts(shop.api, shop.methods)
    assert list(made.examples()) == [op_key(op) for op in shop.api.operations]
    assert set(made.facts) == {op_key(op) for op in shop.api.operations}


def test_kept_docs_and_parts_draft_nothing(shop: Built) -> None:
    """A prose-only regeneration's docs and parts of unpatched operations: no resource drafted."""
    whole = _gathered(shop, list(shop.by_resource))
    plan_ = DocPlan(shop.api, shop.names, shop.by_resource, {}, whole.docs)
    again = gather.Gathered(shop.api, plan_, whole.examples(), facts=False)
    store = drafts.Drafts(shop.api, shop.names, shop.by_resource, ())
    for tag, ops in shop.by_resource.items():
        again.add(ops, gather.Views(store, tag))
    assert again.docs == whole.docs and again.parts == whole.parts and not again.facts
    assert store.held == 0 and not store.made


def test_the_readmes_view_keeps_what_the_readme_prints(shop: Built) -> None:
    whole = api_doc(shop.api, shop.names, shop.by_resource, shop.methods, {}, "openapi.yml")
    slim: ApiDoc = for_readme(whole)
    pairs = [
        (m, s)
        for r, q in zip(whole.resources, slim.resources, strict=True)
        for m, s in zip(r.methods, q.methods, strict=True)
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
    real = drafts.draft_resource

    def draft(*args: Any) -> Any:
        held.append(sum(r() is not None for r in alive))
        made = real(*args)
        alive.append(weakref.ref(made))
        return made

    monkeypatch.setattr(drafts, "draft_resource", draft)
    texts, names = plan.plan_files(api, sink)
    assert len(held) == len(names.resources) > 1
    assert held == [0] * len(held)
    assert any(path.startswith("tests/api_resources/test_") for path in texts)


def test_drafts_are_made_on_demand_and_taken_once(shop: Built) -> None:
    store = drafts.Drafts(shop.api, shop.names, shop.by_resource, ())
    tag = next(iter(shop.by_resource))
    assert tag in store and "no such resource" not in store and store.held == 0
    asked = store[tag]
    assert store.held == 1 and store[tag] is asked  # what a feature asked for is kept …
    assert store.take(tag) is asked and store.held == 0  # … until the plan takes it
    again = store.take(tag)
    assert again is not asked and again.methods == asked.methods
    assert list(store) == list(shop.names.resources) and len(store) == len(shop.names.resources)
