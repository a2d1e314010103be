"""openapi-pydantic validation off the critical path: the same warnings forked, in-process, or on fallback."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from generator import validate
from generator.diagnostics import DiagnosticSink, render_report
from generator.load import load_spec, open_spec

ROOT = Path(__file__).resolve().parents[2]

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


@pytest.mark.skipif(
    "fork" not in validate.multiprocessing.get_all_start_methods(), reason="no fork"
)
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
