"""Generated code depends on what a spec means, not on how it is written down.

Mapping keys of an OpenAPI document carry no order (paths, operations, properties, components, responses,
content, …): reordering them must give the very same files. Two inline schemas that merely look alike are
two classes, so an edit to one never renames or retypes the other.
"""

from __future__ import annotations

import json
import random
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from generator import check
from generator.config import TargetConfig, load_targets
from generator.load import read_document
from generator.naming.plan import plan_names
from generator.provenance import FILE as PROVENANCE
from tests.conftest import REPO, spec_doc

TARGETS = load_targets(REPO / "pyproject.toml")
SPEC_COPY = "openapi.yml"  # the package's copy of a YAML spec (generator/spec_copy.py)


def reordered(node: Any, order: str, rng: random.Random) -> Any:
    """`node` with the keys of every mapping reversed or shuffled; lists keep their order."""
    if isinstance(node, dict):
        items = [(k, reordered(v, order, rng)) for k, v in node.items()]
        if order == "reversed":
            items.reverse()
        else:
            rng.shuffle(items)
        return dict(items)
    if isinstance(node, list):
        return [reordered(v, order, rng) for v in node]
    return node


def key_orders(node: Any) -> list[list[str]]:
    """The key order of every mapping, depth first (to prove the reordering did something)."""
    if isinstance(node, dict):
        return [list(node)] + [o for v in node.values() for o in key_orders(v)]
    if isinstance(node, list):
        return [o for v in node for o in key_orders(v)]
    return []


def _orders() -> list[Any]:
    """Every committed target, its mappings reversed and shuffled. casexchange is the largest (each
    case renders a whole package): its reversed case is in the slow tier, the shuffled one (which
    moves every mapping too) in the fast tier."""
    return [
        pytest.param(
            target,
            order,
            id=f"{target.name}-{order}",
            marks=[pytest.mark.slow] if (target.name, order) == ("casexchange", "reversed") else [],
        )
        for target in TARGETS
        for order in ("reversed", "shuffled")
    ]


@pytest.mark.parametrize(("target", "order"), _orders())
def test_reordering_every_mapping_of_a_committed_spec_changes_no_generated_byte(
    target: TargetConfig, order: str, tmp_path: Path
) -> None:
    original = read_document(Path(target.spec))
    document = reordered(original, order, random.Random(1606))
    moved = sum(a != b for a, b in zip(key_orders(original), key_orders(document), strict=True))
    assert moved > 100  # paths, operations, properties, components, responses … all moved
    # JSON (the YAML anchors are gone too) in a .yml file (JSON is YAML): the package's copy of its
    # spec keeps its name, so only that copy may differ
    spec = tmp_path / "openapi.yml"
    spec.write_text(json.dumps(document, indent=1) + "\n")

    result = check(replace(target, spec=str(spec)), REPO, full=True)

    assert result.diff.stale == [PROVENANCE, SPEC_COPY]  # every other file is byte-identical
    assert result.rendered[SPEC_COPY].endswith(spec.read_bytes())
    committed = (Path(target.output) / PROVENANCE).read_text().splitlines()
    rendered = result.rendered[PROVENANCE].decode().splitlines()
    # only what names the spec file (its path and hash) and the tree's hash (which covers the spec's
    # copy) may differ in the provenance record
    varies = ("spec", "tree_sha256")
    assert [x for x in rendered if not x.startswith(varies)] == [
        x for x in committed if not x.startswith(varies)
    ]


def _names(build: Any, doc: dict[str, Any]) -> dict[str, str]:
    api, sink = build(doc)
    return plan_names(api, sink).schema_class


def _firm_api(query_values: list[str]) -> dict[str, Any]:
    """A query enum and a response property that happen to be equal (CaseXchange's `source`)."""
    source = {"type": "string", "enum": ["network", "directory"]}
    return spec_doc(
        paths={
            "/firms": {
                "get": {
                    "operationId": "listFirms",
                    "parameters": [
                        {
                            "name": "source",
                            "in": "query",
                            "schema": {"type": "string", "enum": query_values},
                        }
                    ],
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Firm"}
                                }
                            },
                        }
                    },
                }
            }
        },
        schemas={"Firm": {"type": "object", "properties": {"source": source}}},
    )


def test_a_new_query_enum_value_renames_nothing(build: Any) -> None:
    """Adding a value to a query enum that equals a response property's enum changes that parameter's
    enum only: both had classes of their own all along, named after where they are."""
    before = _names(build, _firm_api(["network", "directory"]))
    after = _names(build, _firm_api(["network", "directory", "referral"]))
    query = "/paths/~1firms/get/parameters/0/schema"
    assert before == after
    assert before[query] == "ListFirmsSource"
    assert before["/components/schemas/Firm/properties/source"] == "FirmSource"


def test_a_new_query_enum_value_in_casexchange_touches_one_module(tmp_path: Path) -> None:
    """The committed spec: `listAvailableFirms`' `source` once shared a class with `AvailableFirm.source`.
    One more accepted value changes the parameter's enum module and nothing else."""
    target = next(t for t in TARGETS if t.name == "casexchange")
    document = read_document(Path(target.spec))
    [param] = [
        p
        for p in document["paths"]["/firms/available"]["get"]["parameters"]
        if p["name"] == "source"
    ]
    param["schema"]["enum"].append("referral")
    spec = tmp_path / "openapi.yml"  # JSON is YAML: the spec's copy keeps its name
    spec.write_text(json.dumps(document))

    result = check(replace(target, spec=str(spec)), REPO, full=True)

    module = "src/casexchange/types/list_available_firms_source.py"
    resource = "src/casexchange/resources/firms.py"  # the argument's `Literal[...]` of the values
    # api.md shows the method's signature; openapi.yml is the package's copy of the spec
    assert result.diff.stale == sorted([PROVENANCE, "api.md", SPEC_COPY, resource, module])
    assert "REFERRAL = " in result.rendered[module].decode()
    old = "".join((Path(target.output) / resource).read_text().split())
    new = "".join(result.rendered[resource].decode().split())  # whatever the line breaks
    assert new.count('"directory","referral"]') == 2  # the sync and the async method's argument
    assert new.replace(',"referral"]', "]") == old  # and nothing else: nothing renamed
