"""openapi-pydantic validation off the critical path: the same warnings forked, in-process, or on fallback."""

from __future__ import annotations

import copy
import json
import os
import random
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from generator import validate
from generator.diagnostics import DiagnosticSink, render_report
from generator.load import load_spec, open_spec, read_document

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "specs"

SPEC = """\
openapi: 3.1.0
info: {version: "1"}
paths:
  /items/{id}:
    get:
      parameters:
        - {name: id, in: somewhere, required: true, schema: {type: string}}
      responses:
        "200": {description: ok}
components:
  schemas:
    Item: {type: object, properties: {id: {type: string}}, required: yes}
"""


@pytest.fixture
def spec(tmp_path: Path) -> Path:
    path = tmp_path / "openapi.yml"
    path.write_text(SPEC)
    return path


def _inline(spec: Path) -> str:
    sink = DiagnosticSink(file=str(spec))
    load_spec(spec, sink)
    return render_report(sink.sorted())


def test_inline_validation_reports_warnings(spec: Path) -> None:
    report = _inline(spec)
    assert "warning[spec-invalid]" in report
    assert report == _inline(spec)  # deterministic


def test_background_without_fork_validates_in_process(
    spec: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(validate, "can_fork", lambda: False)
    sink = DiagnosticSink(file=str(spec))
    _, validation = open_spec(spec, sink)
    assert not validation.in_background
    validation.wait(sink)
    assert render_report(sink.sorted()) == _inline(spec)


def test_release_without_fork_validates_then_lets_go(
    spec: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`release` (the pipeline's, after parse): in-process validation runs at once, the document is
    dropped, and `wait` reports the same warnings without reading the spec again."""
    monkeypatch.setattr(validate, "can_fork", lambda: False)
    sink = DiagnosticSink(file=str(spec))
    _, validation = open_spec(spec, sink)
    validation.release()
    assert validation._document is None
    spec.write_text("not: [a spec")  # not read again
    validation.wait(sink)
    spec.write_text(SPEC)
    assert render_report(sink.sorted()) == _inline(spec)


def test_cancel_is_idempotent(spec: Path) -> None:
    _, validation = open_spec(spec, DiagnosticSink())
    validation.cancel()
    validation.cancel()


SCRIPT = """
import json, os, sys
from pathlib import Path
from generator import validate
from generator.diagnostics import DiagnosticSink, render_report
from generator.load import open_spec

spec = Path(sys.argv[1])
out = {}
for mode in ("forked", "child dies", "child dies after release"):
    if mode.startswith("child dies"):
        validate._child = lambda *args: os._exit(3)
    sink = DiagnosticSink(file=str(spec))
    _, validation = open_spec(spec, sink)
    out[mode + " in background"] = validation.in_background
    if mode.endswith("release"):  # the document is let go; the fallback reads the file again
        validation.release()
        out[mode + " document kept"] = validation._document is not None
    validation.wait(sink)
    out[mode] = render_report(sink.sorted())
print(json.dumps(out))
"""


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork")
def test_forked_child_gives_the_same_warnings(spec: Path) -> None:
    """In a fresh single-threaded interpreter (pytest workers have threads, so they validate inline)."""
    run = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(SCRIPT), str(spec)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    out = json.loads(run.stdout)
    expected = _inline(spec)
    assert out == {
        "forked in background": True,
        "forked": expected,
        "child dies in background": True,
        "child dies": expected,
        "child dies after release in background": True,
        "child dies after release document kept": False,
        "child dies after release": expected,
    }


# ---- piecewise validation (issue 18: the validation child's memory) ------------------------------
def _mutated(base: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """`base` with a few values anywhere replaced by values of the wrong type, or keys removed."""
    doc = copy.deepcopy(base)
    places: list[tuple[Any, ...]] = []

    def walk(node: Any, at: tuple[Any, ...]) -> None:
        if at:
            places.append(at)
        items = (
            node.items()
            if isinstance(node, dict)
            else enumerate(node)
            if isinstance(node, list)
            else ()
        )
        for key, value in items:
            walk(value, (*at, key))

    walk(doc, ())
    for _ in range(rng.randint(1, 5)):
        *parents, last = rng.choice(places)
        node: Any = doc
        try:
            for key in parents:
                node = node[key]
            if isinstance(node, dict) and rng.random() < 0.2:
                del node[last]
            else:
                node[last] = rng.choice([42, "text", [1, 2], {"odd": 1}, None, True, {}, []])
        except (KeyError, IndexError, TypeError):
            pass
    return doc


def _whole(model: Any, doc: dict[str, Any]) -> list[tuple[Any, ...]]:
    from pydantic import ValidationError

    try:
        model.model_validate(doc)
    except ValidationError as exc:
        return [(e["loc"], e["msg"], e["type"]) for e in exc.errors()]
    return []


@pytest.mark.parametrize("name", ["petstore_31.yml", "docs_30.yml", "security_flows_31.yml"])
def test_piecewise_validation_finds_what_one_whole_validation_finds(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Same errors, same order, same locations as `model_validate` of the whole document, on
    documents broken anywhere (a small CHUNK, so the mappings really are split)."""
    from openapi_pydantic.v3.v3_0 import OpenAPI as OpenAPI30
    from openapi_pydantic.v3.v3_1 import OpenAPI as OpenAPI31

    monkeypatch.setattr(validate, "CHUNK", 2)
    base = read_document(FIXTURES / name)
    model = OpenAPI30 if str(base["openapi"]).startswith("3.0") else OpenAPI31
    rng = random.Random(name)
    broken = 0
    for _ in range(25):
        doc = _mutated(base, rng)
        expected = _whole(model, doc)
        broken += bool(expected)
        found = [(e["loc"], e["msg"], e["type"]) for e in validate.piecewise_errors(model, doc)]
        assert found == expected
    assert broken > 10


def test_no_piece_holds_more_than_a_chunk_of_paths_or_schemas(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(validate, "CHUNK", 2)
    seen: list[Any] = []
    real = validate._errors

    def record(check: Any, data: Any) -> list[Any]:
        seen.append(data)
        return real(check, data)

    monkeypatch.setattr(validate, "_errors", record)
    doc = read_document(FIXTURES / "petstore_31.yml")
    assert len(doc["paths"]) > 1 and len(doc["components"]["schemas"]) > 2
    assert validate.findings(doc, "3.1") == []
    top = seen[0]
    assert top["paths"] == {} and top["components"] == {} and top["info"] == doc["info"]
    pieces = [d for d in seen[1:] if d is not doc["components"]]
    assert all(isinstance(d, dict) and len(d) <= 2 for d in pieces)
    covered = {key for d in pieces for key in d}
    assert set(doc["paths"]) | set(doc["components"]["schemas"]) <= covered
