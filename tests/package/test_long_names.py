"""File names stay within what a file system allows, however long the spec's names are.

Inline schemas get one class per place, named after that place: a schema nested deep inside a component
with long property names (Microsoft Graph beta) made a types module name of 283 bytes, over the 255-byte
limit of a file name, and generation failed with "File name too long". Inline classes now live in their
owner's module, but a component's name can be as long. Module (file) names derived from spec text are cut to `naming.MODULE_NAME_LIMIT` characters plus a short digest of the whole name; class
names keep every word.
"""

from __future__ import annotations

import importlib
import random
from typing import Any

from generator import naming
from generator.naming.plan import plan_names
from tests.conftest import spec_doc
from tests.package.test_stable_names import reordered

# every generated file name (module + collision suffix + `test_` + `.py`) stays under this many bytes
FILE_NAME_BOUND = 120

LONG = "microsoftGraphWindowsUpdatesDeploymentAudienceApplicableContentMatchedDevice"
WORDS = ["deploymentSettingsConfiguration", "monitoringRulesCollection", "safeguardProfileItems"]


def _deep(level: int) -> dict[str, Any]:
    """An object whose property nests `level` more inline objects, each under a long name."""
    if level == 0:
        return {"type": "object", "properties": {"value": {"type": "string"}}}
    return {
        "type": "object",
        "properties": {f"{WORDS[level % len(WORDS)]}Level{level}": _deep(level - 1)},
    }


def long_names_spec() -> dict[str, Any]:
    """Two components whose names share their first 150 characters; deep inline schemas in both; a
    long tag and operationId (a resource module, and the shipped test module named after it)."""
    first, second = LONG * 2 + "First", LONG * 2 + "Second"
    ref = {"$ref": f"#/components/schemas/{first}"}
    return spec_doc(
        paths={
            "/deployments/{id}/audiences/applicable-content/matched-devices": {
                "post": {
                    "operationId": LONG + "CreateMatchedDeviceForApplicableContent",
                    "tags": [LONG + "ApplicableContentMatchedDevicesOperationsGroup" * 2],
                    "parameters": [
                        {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
                    ],
                    "requestBody": {
                        "content": {
                            "application/json": {
                                "schema": {"$ref": f"#/components/schemas/{second}"}
                            }
                        }
                    },
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {"application/json": {"schema": ref}},
                        }
                    },
                }
            }
        },
        schemas={first: _deep(6), second: _deep(5)},
    )


def test_a_spec_with_very_long_names_generates_imports_and_keeps_file_names_short(
    generate_package: Any,
) -> None:
    pkg, root = generate_package(long_names_spec(), package="longnames")

    files = [p for p in root.rglob("*") if p.is_file()]
    longest = max(len(part.encode()) for p in files for part in p.relative_to(root).parts)
    assert longest <= FILE_NAME_BOUND
    modules = sorted(p.stem for p in (root / "src" / "longnames" / "types").glob("*.py"))
    assert all(len(m) <= naming.MODULE_NAME_LIMIT for m in modules)
    # the deepest inline schema's class keeps its whole (long) name, and imports from its module
    types = importlib.import_module("longnames.types")
    deepest = max(types.__all__, key=len)
    assert len(deepest) > 255
    model = getattr(types, deepest)
    assert model.model_validate({"value": "x"}).value == "x"
    assert model.__module__.rsplit(".", 1)[1] in modules
    # the two components share a 150-character prefix, yet get two modules (their digests differ)
    first = LONG * 2 + "First"
    assert naming.pascal(first) in types.__all__
    assert naming.pascal(LONG * 2 + "Second") in types.__all__
    assert (
        len({getattr(types, naming.pascal(n)).__module__ for n in (first, LONG * 2 + "Second")})
        == 2
    )
    # the client with its long resource attribute works end to end as far as construction goes
    client = pkg.Client()
    resources = [a for a in dir(client) if a.startswith("microsoft_graph")]
    assert len(resources) == 1 and len(resources[0]) > naming.MODULE_NAME_LIMIT
    client.close()


def test_bounded_module_names_do_not_depend_on_document_order(build: Any) -> None:
    doc = long_names_spec()
    api, sink = build(doc)
    names = plan_names(api, sink)
    # inline classes live in their owner's module: the two components' names are the long ones
    long_classes = {
        names.schema_class[f"/components/schemas/{LONG * 2}{end}"] for end in ("First", "Second")
    }
    cut = [
        m
        for m, sids in names.module_members.items()
        if long_classes & {names.schema_class[s] for s in sids}
    ]
    assert len(cut) == 2 and all(len(m) <= naming.MODULE_NAME_LIMIT for m in cut)
    assert all(len(naming.snake(c)) > naming.MODULE_NAME_LIMIT for c in long_classes)
    for seed in range(3):
        api, sink = build(reordered(doc, "shuffled", random.Random(seed)))
        assert plan_names(api, sink).schema_module == names.schema_module
