"""openapi-pydantic's models of one version loaded alone (`generator/openapi_models.py`): the same
modules and classes as the ordinary import's version subpackage, describing and validating alike."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from generator import openapi_models
from generator.provenance import dist_version

ROOT = Path(__file__).resolve().parents[2]

OK = {"description": "ok"}


def _op(**fields: Any) -> dict[str, Any]:
    return {"responses": {"200": OK}, **fields}


# path items openapi-pydantic rejects (each for another reason), and one it accepts
PATH_ITEMS: list[dict[str, Any]] = [
    {"get": _op(parameters=[{"name": "q", "in": "querry", "schema": {"type": "string"}}])},
    {"get": _op(parameters=[{"in": "query", "schema": {"type": "string"}}])},
    {"get": {"responses": {"200": {}}}},
    {"get": _op(parameters="q")},
    {"post": _op(requestBody={"description": "no content"})},
    {"get": _op(operationId=5)},
    {"get": []},
    {"get": _op(parameters=[{"name": "q", "in": "query", "explode": "often"}])},
    {"get": _op(parameters=[{"name": "q", "in": "query", "schema": {"type": 5}}])},
    {"get": _op(externalDocs={"description": "no url"})},
    {"get": _op(tags="pets")},
    {"get": _op(deprecated="maybe", security=[{"key": "read"}])},
    {"servers": [{"description": "no url"}], "get": _op()},
    {"get": _op(responses={"200": {"description": "ok", "content": {"a/b": {"schema": []}}}})},
    {"get": _op(parameters=[{"name": "q", "in": "query", "required": True, "schema": {}}])},
]

SCRIPT = """
import json, sys
sys.path.insert(0, {root!r})
from generator import openapi_models, validate
version, alone, items = {version!r}, {alone!r}, json.loads({items!r})
done = openapi_models.load_alone(version) if alone else None
model = openapi_models.openapi_model(version)
found = [
    validate.findings(
        {{"openapi": {openapi!r}, "info": {{"title": "", "version": ""}}, "paths": {{"/p": item}}}},
        version,
    )
    for item in items
]
modules = {{
    name: [getattr(m, "__file__", None), list(getattr(m, "__path__", []) or [])]
    for name, m in sys.modules.items()
    if name == "openapi_pydantic" or name.startswith("openapi_pydantic.")
}}
print(json.dumps({{
    "done": done, "found": found, "modules": modules, "class": model.__module__,
    "schema": model.model_json_schema(),
}}))
"""


def _run(version: str, alone: bool) -> dict[str, Any]:
    openapi = "3.0.3" if version == "3.0" else "3.1.0"
    code = SCRIPT.format(
        root=str(ROOT), version=version, alone=alone, items=json.dumps(PATH_ITEMS), openapi=openapi
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    result: dict[str, Any] = json.loads(done.stdout)
    return result


@pytest.mark.parametrize("version", ["3.0", "3.1"])
def test_loaded_alone_the_models_are_the_ordinary_imports_and_validate_alike(version: str) -> None:
    alone, ordinary = _run(version, True), _run(version, False)
    assert alone["done"] is True
    own = openapi_models.subpackage(version)
    other = openapi_models.subpackage("3.1" if version == "3.0" else "3.0")
    # only the version's subpackage, `compat` and the two parents (as packages) are loaded …
    loaded = set(alone["modules"])
    assert loaded == {
        *openapi_models.PARENTS,
        "openapi_pydantic.compat",
        *(m for m in ordinary["modules"] if m == own or m.startswith(own + ".")),
    }
    assert not any(m.startswith(other) for m in loaded)
    assert "openapi_pydantic.v3.parser" not in loaded
    assert any(m.startswith(other) for m in ordinary["modules"])  # (what is spared)
    # … each from the same file (the parents: the same package folders, `__init__` not run)
    for name in loaded:
        assert alone["modules"][name] == ordinary["modules"][name], name
    assert alone["class"] == ordinary["class"] == own + ".open_api"
    # the models describe the same documents and say the same of invalid path items
    assert alone["schema"] == ordinary["schema"]
    assert alone["found"] == ordinary["found"]
    rejected = alone["found"][:-1]
    assert all(rejected), [i for i, f in enumerate(rejected) if not f]  # each item is invalid
    assert alone["found"][-1] == []  # (a valid one)


def test_the_pinned_version_is_the_one_installed_and_required() -> None:
    """The shortcut rests on openapi-pydantic's layout: pyproject.toml pins the version it was
    checked against, and that is what is installed here (so the test above checks it)."""
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert re.search(rf'"openapi-pydantic=={re.escape(openapi_models.PINNED)}"', pyproject)
    assert dist_version("openapi_pydantic", "openapi_pydantic") == openapi_models.PINNED


ANOTHER_VERSION = """
import sys
sys.path.insert(0, {root!r})
from generator import openapi_models, provenance
provenance.dist_version = lambda module, dist: "0.7.0"
assert openapi_models.load_alone("3.0") is False
assert not [m for m in sys.modules if m.startswith("openapi_pydantic")]
import openapi_pydantic
assert openapi_models.load_alone("3.0") is False  # (already imported: as it is)
assert openapi_models.openapi_model("3.1") is openapi_pydantic.OpenAPI
print("ok")
"""


def test_another_version_or_an_earlier_import_takes_the_ordinary_import() -> None:
    done = subprocess.run(
        [sys.executable, "-c", ANOTHER_VERSION.format(root=str(ROOT))],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    assert done.stdout.strip() == "ok"


CHILD = """
import json, sys
sys.path.insert(0, {root!r})
from generator import openapi_models, validate
from generator.diagnostics import DiagnosticSink

def load_alone(version):
    done = openapi_models.load_alone(version)
    loaded = sorted(m for m in sys.modules if m.startswith("openapi_pydantic.v3.v3_"))
    with open({marker!r}, "w") as f:
        json.dump([version, done, loaded], f)
    return done

validate.load_alone = load_alone
doc = json.loads({doc!r})
forked = validate.Validation(doc, "3.0", background=True)
assert forked.in_background
sink = DiagnosticSink()
forked.wait(sink)
assert not [m for m in sys.modules if m.startswith("openapi_pydantic")]  # (all in the child)
print(json.dumps([
    [(d.pointer, d.message) for d in sink.items],
    [(p, m) for p, m, _ in validate.findings(doc, "3.0")],
]))
"""


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork")
def test_the_validation_child_loads_its_versions_models_alone(tmp_path: Path) -> None:
    """The forked child (a process that validates and ends) is where the shortcut is taken, with
    the document's version; its findings are those of an in-process validation. In a fresh
    single-threaded interpreter (pytest's workers have threads: they validate in-process)."""
    marker = tmp_path / "alone.json"
    doc = {"openapi": "3.0.3", "info": {"title": "", "version": ""}, "paths": {"/p": PATH_ITEMS[0]}}
    code = CHILD.format(root=str(ROOT), marker=str(marker), doc=json.dumps(doc))
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    forked, in_process = json.loads(done.stdout)
    version, alone, loaded = json.loads(marker.read_text())
    assert (version, alone) == ("3.0", True)
    assert loaded and all(m.startswith("openapi_pydantic.v3.v3_0") for m in loaded)
    assert forked and forked == in_process
