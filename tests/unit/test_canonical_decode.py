"""A JSON spec decoded straight into parse's key-sorted form (`Canonical.decode`, issue 18): the same
copy, the same pointers and the same IR as the copy of the document read as written; `open_spec(
canonical=True)` makes it only where that is safe, and its validation child (forked first, reading
the text as written itself) finds what validating the written document finds."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from generator import load, validate
from generator.diagnostics import DiagnosticSink, SpecError, render_report
from generator.load import load_spec, open_spec, parse_text, read_document
from generator.parse import build_api
from generator.parse.canonical import Canonical
from generator.validation_cache import FindingsCache

REPO = Path(__file__).resolve().parents[2]
SPECS = sorted(
    [*(REPO / "tests" / "fixtures" / "specs").glob("*.y*ml")]
    + [*(REPO / "tests" / "fixtures" / "specs").glob("*.json")]
    + [*(REPO / "specs").glob("*/openapi.yml")]
)
fork_only = pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork")


def _containers(node: Any) -> list[Any]:
    found, stack = [], [node]
    while stack:
        item = stack.pop()
        found.append(item)
        children = item.values() if isinstance(item, dict) else item
        stack.extend(c for c in children if isinstance(c, (dict, list)))
    return found


def _same_copy(text: str) -> Canonical:
    """`Canonical.decode(text)` against `Canonical(json.loads(text))`: the same document, key order
    included, and every container at the same pointer; returns the decoded one."""
    decoded, other = Canonical.decode(text)
    assert decoded is not None and other is None
    copied = Canonical(json.loads(text))
    assert json.dumps(decoded.document) == json.dumps(copied.document)  # order-sensitive
    mine, theirs = _containers(decoded.document), _containers(copied.document)
    assert len(mine) == len(theirs)
    for a, b in zip(mine, theirs, strict=True):  # walked alike: the same place
        assert decoded.origin(a) == copied.origin(b)
    return decoded


def test_sorted_as_the_copy_with_every_pointer() -> None:
    text = json.dumps(
        {
            "z": [[{"b": 1, "a": [[], [{"y": {}}]]}], {}, "s", None],
            "paths": {"/a~b/{c}": {"get": {"parameters": [{"schema": {"x": 1, "b": []}}]}}},
            "é": {"ü": "unicode keys", "": "an empty key"},
            "a": {},
        }
    )
    decoded = _same_copy(text)
    assert list(decoded.document) == ["a", "paths", "z", "é"]
    inner = decoded.document["z"][0][0]["a"][1][0]["y"]
    assert decoded.origin(inner) == "/z/0/0/a/1/0/y"
    assert decoded.origin(decoded.document["paths"]["/a~b/{c}"]) == "/paths/~1a~0b~1{c}"
    assert decoded.origin({}) is None


def test_a_key_given_twice_keeps_the_last_value_as_json_does() -> None:
    text = '{"b": {"k": 1}, "a": 0, "b": {"k": 2, "j": [{"i": 0}]}, "a": [1]}'
    decoded = _same_copy(text)
    assert decoded.document == {"a": [1], "b": {"j": [{"i": 0}], "k": 2}}
    assert decoded.origin(decoded.document["b"]["j"][0]) == "/b/j/0"


@pytest.mark.parametrize(
    ("text", "out"),
    [
        ('{"a": {"$ref": "#/b"}, "b": [{"$ref": "#/a"}]}', False),
        ('{"a": [[{"$ref": "other.json#/b"}]]}', True),
        ('{"a": {"$ref": "https://example.com/s.json"}}', True),
        ('{"a": {"example": {"$ref": "data.json"}}}', True),  # (a data key's: the walk decides)
        ('{"a": {"$ref": 7}}', False),
    ],
)
def test_a_ref_to_another_file_is_noticed(text: str, out: bool) -> None:
    decoded, _ = Canonical.decode(text)
    assert decoded is not None and decoded.refers_out is out


def test_what_is_not_an_object_is_handed_back() -> None:
    assert Canonical.decode("[1, {}]") == (None, [1, {}])
    assert Canonical.decode('"text"') == (None, "text")
    with pytest.raises(json.JSONDecodeError):
        Canonical.decode('{"a": }')


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.name)
def test_parse_builds_the_same_api_from_either_copy(spec: Path) -> None:
    """Each fixture spec and committed spec, as JSON in its written order: the decoded copy and the
    copy of the document give the same IR and the same diagnostics."""
    loaded = load_spec(spec, DiagnosticSink(file=str(spec)))
    text = json.dumps(loaded.document)  # (a YAML spec: its written order)
    decoded = _same_copy(text)
    built = []
    for canonical in (decoded, Canonical(json.loads(text))):
        sink = DiagnosticSink(file="spec")
        built.append((repr(build_api(loaded, sink, canonical)), sink.sorted()))
    assert built[0] == built[1]


def _json_spec(tmp_path: Path, source: str = "spec_warnings_30.yml") -> Path:
    """A fixture spec written as JSON in its written order (keys not sorted)."""
    document = read_document(REPO / "tests" / "fixtures" / "specs" / source)
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(document, indent=1))
    return path


def _findings(path: Path) -> list[Any]:
    sink = DiagnosticSink(file=str(path))
    load_spec(path, sink)
    return sink.sorted()


@fork_only
def test_sorted_at_once_where_it_can_be(tmp_path: Path) -> None:
    path = _json_spec(tmp_path)
    sink = DiagnosticSink(file=str(path))
    loaded, validation = open_spec(path, sink, canonical=True)
    try:
        assert loaded.canonical is not None and loaded.document is loaded.canonical.document
        assert validation.in_background == validate.can_fork()  # (pytest's workers have threads)
        written = parse_text(path.read_text(), str(path))
        assert list(written) != sorted(written)  # the text's own order is not sorted …
        assert list(loaded.document) == sorted(written)  # … the document parse reads is
        assert loaded.document == written
        validation.release()
        validation.wait(sink)
    finally:
        validation.cancel()
    assert sink.sorted() == _findings(path)
    assert any(d.code == "spec-invalid" for d in sink.items)


@fork_only
@pytest.mark.parametrize("case", ["yaml", "external ref", "too large", "unasked"])
def test_read_as_written_where_it_cannot_be(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    """A YAML text, a text that may refer to another file, a text over the bound and a caller that
    does not take the sorted form: the document as written."""
    path = _json_spec(tmp_path)
    if case == "yaml":
        path = REPO / "tests" / "fixtures" / "specs" / "spec_warnings_30.yml"
    elif case == "external ref":
        (tmp_path / "other.json").write_text('{"type": "string"}')
        document = json.loads(path.read_text())
        schemas = document.setdefault("components", {}).setdefault("schemas", {})
        schemas["Other"] = {"$ref": "other.json"}
        path.write_text(json.dumps(document))
    elif case == "too large":
        monkeypatch.setattr(load, "DECODE_SORTED_MAX", len(path.read_text()) - 1)
    sink = DiagnosticSink(file=str(path))
    loaded, validation = open_spec(path, sink, canonical=case != "unasked")
    try:
        assert loaded.canonical is None
        if case != "external ref":
            assert list(loaded.document) == list(parse_text(path.read_text(), str(path)))
        validation.wait(sink)
    finally:
        validation.cancel()
    assert sink.sorted() == _findings(path)


@pytest.mark.parametrize("how", ["in-process", "no fork"])
def test_the_same_findings_validated_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    """The sorted form validated in this process (asked, or no fork): the findings of the document
    as written."""
    path = _json_spec(tmp_path)
    monkeypatch.setattr(validate, "can_fork", lambda: False)
    sink = DiagnosticSink(file=str(path))
    loaded, validation = open_spec(path, sink, background=how != "in-process", canonical=True)
    try:
        assert loaded.canonical is not None and not validation.in_background
        validation.release()
        validation.wait(sink)
    finally:
        validation.cancel()
    assert sink.sorted() == _findings(path)


FORKED = """
import json, os, sys
from pathlib import Path
from generator import validate
from generator.diagnostics import DiagnosticSink, render_report
from generator.load import open_spec
out = {}
for mode in ("forked", "child dies"):
    if mode == "child dies":  # the file is read again here, as written
        validate._child = lambda *args: os._exit(3)
    sink = DiagnosticSink(file=sys.argv[1])
    loaded, validation = open_spec(Path(sys.argv[1]), sink, canonical=True)
    out[mode] = [loaded.canonical is not None, validation.in_background]
    validation.release()
    validation.wait(sink)
    out[mode].append(render_report(sink.sorted()))
print(json.dumps(out))
"""


@fork_only
def test_the_same_findings_from_the_child_or_when_it_dies(tmp_path: Path) -> None:
    """In a fresh single-threaded interpreter (pytest's workers have threads: no fork there)."""
    path = _json_spec(tmp_path)
    run = subprocess.run(
        [sys.executable, "-c", FORKED, str(path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    expected = render_report(_findings(path))
    assert "spec-invalid" in expected
    assert json.loads(run.stdout) == {
        "forked": [True, True, expected],
        "child dies": [True, True, expected],
    }


def _many_errors() -> dict[str, Any]:
    """A document as written (not key-sorted) with errors in many places."""
    paths = {
        f"/{name}": {"get": {"responses": {"200": {"description": 7}}, "parameters": [{"in": 1}]}}
        for name in ("zeta", "alpha", "mu", "beta", "omega", "delta")
    }
    return {"openapi": "3.0.3", "paths": paths, "info": {"title": 1}}


@pytest.mark.parametrize("limit", [3, 50])
def test_the_sorted_form_gives_the_written_documents_findings(
    monkeypatch: pytest.MonkeyPatch, limit: int
) -> None:
    """Within the limit, the sorted form's findings are the written document's (the same set);
    over it, which are kept depends on the order, so the document as written is validated."""
    monkeypatch.setattr(validate, "MAX_ERRORS", limit)
    written = _many_errors()
    decoded, _ = Canonical.decode(json.dumps(written))
    assert decoded is not None
    mine = validate.findings(decoded.document, "3.0", as_written=lambda: written)
    theirs = validate.findings(written, "3.0")
    unsorted = validate.findings(decoded.document, "3.0")  # (what it would be without)
    if limit == 3:
        assert len(theirs) == 3 and mine == theirs and sorted(unsorted) != sorted(theirs)
    else:
        assert 3 < len(theirs) < limit
        assert sorted(mine) == sorted(theirs) == sorted(unsorted)


@pytest.mark.parametrize(
    ("text", "code"),
    [('{"openapi": "3.0.3", "paths": }', "invalid-json"), ('{"swagger": "2.0"}', "swagger-2")],
)
def test_a_bad_text_is_the_same_error(tmp_path: Path, text: str, code: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(text)
    errors = []
    for canonical in (True, False):
        with pytest.raises(SpecError) as caught:
            open_spec(path, DiagnosticSink(file=str(path)), canonical=canonical)
        errors.append(caught.value.diagnostic)
    assert errors[0] == errors[1] and errors[0].code == code


def _validated(path: Path, known: FindingsCache, canonical: bool) -> tuple[bool, list[Any]]:
    """`open_spec` with a findings file, validated in this process: (the sorted form made?, the
    diagnostics); the findings are kept."""
    sink = DiagnosticSink(file=str(path))
    loaded, validation = open_spec(path, sink, background=False, known=known, canonical=canonical)
    validation.release()
    validation.wait(sink)
    known.save()
    return loaded.canonical is not None, sink.sorted()


def test_known_findings_with_the_sorted_form(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A project run keeps its findings (`validation_cache`) and takes the sorted form: the findings
    are the written document's, kept under the key of the text (the one the document as written
    gives), and a prose edit reuses them without validating."""
    path = _json_spec(tmp_path)
    expected = _findings(path)
    keys = []
    for canonical in (False, True):
        cache = tmp_path / f"findings-{canonical}.json"
        assert _validated(path, FindingsCache(cache), canonical) == (canonical, expected)
        keys.append(json.loads(cache.read_text())["key"])
    assert keys[0] == keys[1]
    text = path.read_text()
    assert '"description": "' in text
    path.write_text(text.replace('"description": "', '"description": "Edited. ', 1))

    def unused(*args: Any) -> list[Any]:
        raise AssertionError("validated again")

    monkeypatch.setattr(validate, "piecewise_errors", unused)
    assert _validated(path, FindingsCache(tmp_path / "findings-True.json"), True) == (
        True,
        expected,
    )
