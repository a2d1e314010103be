"""A JSON spec's new text compared with the text its snapshot was made from (`generator/stage/edit.py`):
one prose token replaced is found without scanning the new text, and whatever `edited` accepts, the
scan of the new text agrees with it (same key, the snapshot's tokens with that one replaced); the
rest is scanned as before. The output stays a full run's byte for byte."""

from __future__ import annotations

import codecs
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from generator import pipeline
from generator.config import select_targets
from generator.stage import cache as stage_cache
from generator.stage import edit, snapshot
from generator.write import read_tree
from tests.cli.test_incremental import _project
from tests.cli.test_stage_cache import _casebook, _full_tree, _generate, _snapshot

_OP = '"summary": "List people"'


def _casexchange(folder: Path, full: bool = False) -> pipeline.TargetResult:
    (target,), root = select_targets(["casexchange"], folder)
    return pipeline.generate(target, root, full=full)


def _op_summary(text: str) -> int:
    at = text.find(_OP)
    assert at != -1
    return at + len('"summary": ')


def _replace(text: str, at: int, old: str, new: str) -> str:
    assert text[at : at + len(old)] == old
    return text[:at] + new + text[at + len(old) :]


# (label, how the text changes, served by `edited`: one prose token replaced, or none)
TEXTS: list[tuple[str, Callable[[str], str], bool]] = [
    ("the same text", lambda t: t, True),
    (
        "a summary",
        lambda t: _replace(t, _op_summary(t), '"List people"', '"List all people"'),
        True,
    ),
    (
        "a summary with escapes and a key's text inside",
        lambda t: _replace(
            t,
            _op_summary(t),
            '"List people"',
            '"List \\"summary\\": \\"x\\", \\\\ caf\\u00e9 \\n people"',
        ),
        True,
    ),
    ("a summary emptied", lambda t: _replace(t, _op_summary(t), '"List people"', '""'), True),
    (
        "a character outside the token: after its closing quote",
        lambda t: _replace(t, _op_summary(t), '"List people"', '"List people" '),
        False,
    ),
    (
        "the token broken by a quote",
        lambda t: _replace(t, _op_summary(t), '"List people"', '"List" people"'),
        False,
    ),
    (
        "the key renamed",
        lambda t: _replace(t, _op_summary(t) - len('"summary": '), '"summary"', '"summarx"'),
        False,
    ),
    ("an operation id", lambda t: t.replace('"listPeople"', '"listPersons"', 1), False),
    (
        "two operations' summaries",
        lambda t: t.replace('"List people"', '"List the people"').replace(
            '"List cases"', '"List the cases"'
        ),
        False,
    ),
]


def _warm(tmp_path: Path, wide: bool = False) -> tuple[Path, tuple[str, str, str], str]:
    """A full run of Casebook: its snapshot, what `edited` is told of the target, the spec's text.
    `wide`: written with a BOM and characters outside ASCII as they are (one beyond U+FFFF too),
    before its operations (the kept offsets, into its bytes, are not its characters')."""
    doc = _casebook()
    warm = _project(tmp_path / "warm", doc)
    if wide:
        doc["info"]["description"] = "Café ☕ — Λίστα 😀 " + doc["info"].get("description", "")
        text = json.dumps(doc, indent=1, ensure_ascii=False)
        (warm / "casebook.json").write_bytes(codecs.BOM_UTF8 + text.encode("utf-8"))
        (target,), root = select_targets(["casebook"], warm)
        pipeline.generate(target, root, full=True)
    else:
        _generate(warm, doc, full=True)
    (target,), _ = select_targets(["casebook"], warm)
    args = (str(Path(target.spec)), target.spec, target.digest())
    return _snapshot(warm), args, (warm / "casebook.json").read_text(encoding="utf-8-sig")


def _bytes(text: str, wide: bool) -> bytes:
    """The spec file's bytes of `text` (`_warm`'s: with a BOM when `wide`)."""
    return (codecs.BOM_UTF8 if wide else b"") + text.encode("utf-8")


@pytest.mark.slow  # a full run of Casebook and a dozen scans of its text: ~2 s each
@pytest.mark.parametrize("wide", [False, True], ids=["ascii", "outside ascii"])
def test_what_edited_accepts_the_scan_agrees_with(tmp_path: Path, wide: bool) -> None:
    """Whatever `edited` finds of the spec's bytes (compared as bytes, only the tokens read
    decoded: `edit.Utf8`), the scan of the decoded text agrees with; with a BOM and characters
    beyond ASCII before the token too (the kept spans are offsets into the bytes)."""
    path, args, text = _warm(tmp_path, wide)
    before = stage_cache.scan(text, *args)
    assert before is not None
    for label, change, served in [*TEXTS, *([_WIDE] if wide else [])]:
        new = change(text)
        found = edit.edited(path, _bytes(new, wide), *args)
        assert (found is not None) is served, label
        if found is None:
            continue
        json.loads(new)  # (every served text is JSON)
        now = stage_cache.scan(new, *args)
        assert now is not None and now.key == found.key == before.key, label
        expected = list(before.tokens)
        if found.index >= 0:
            assert expected[found.index] == found.old, label
            expected[found.index] = found.new
        assert now.tokens == expected and now.offsets == before.offsets, label
        assert (found.index == -1) == (new == text), label
    assert edit.edited(path, "openapi: 3.0.0\n", *args) is None  # YAML: scanned
    assert edit.edited(path, _bytes(text, wide), args[0], args[1], "another config") is None
    # bytes that are not UTF-8 where the texts differ: neither a prose edit nor a structural one
    # (the full path reports them)
    from generator.stage import region

    at = _bytes(text, wide).index(b'"List people"') + 1
    for bad in (b"\xff", b"\xc3", b"\xe2\x82"):
        broken = _bytes(text, wide)[:at] + bad + _bytes(text, wide)[at:]
        assert edit.edited(path, broken, *args) is None
        assert region.locate(path, broken, *args) is None


# a summary with characters outside ASCII (`_warm(wide=True)`'s text only: served, a prose edit)
_WIDE = (
    "a summary in Greek",
    lambda t: _replace(t, _op_summary(t), '"List people"', '"Λίστα 😀"'),
    True,
)


@pytest.mark.slow  # a full run of Casebook, damaged snapshots: ~1 s
def test_a_damaged_or_missing_kept_text_is_scanned(tmp_path: Path) -> None:
    path, args, text = _warm(tmp_path)
    assert edit.edited(path, text, *args) is not None
    head = snapshot.peek(path)
    assert head is not None and head.text_size == len(text.encode())
    blob = path.read_bytes()
    for at in (head.at + 10, head.at + head.text_size + 3):  # a byte of the text, of the spans
        path.write_bytes(blob[:at] + bytes([blob[at] ^ 0x01]) + blob[at + 1 :])
        assert edit.edited(path, text, *args) is None
    path.write_bytes(blob[:40])
    assert snapshot.peek(path) is None and edit.edited(path, text, *args) is None


def _with_text(folder: Path, text: str) -> pipeline.TargetResult:
    (folder / "casebook.json").write_text(text, encoding="utf-8")
    (target,), root = select_targets(["casebook"], folder)
    return pipeline.generate(target, root)


@pytest.mark.slow  # full runs of Casebook beside two replays: ~3 s
def test_an_edit_found_without_a_scan_equals_a_full_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A summary with escapes and a key's text inside is replayed without scanning the text; two
    summaries edited at once are scanned and replayed; both equal a full run byte for byte."""
    doc = _casebook()
    warm = _project(tmp_path / "warm", doc)
    _generate(warm, doc, full=True)
    _snapshot(warm)
    text = (warm / "casebook.json").read_text(encoding="utf-8")
    scanned: list[int] = []
    real_scan = stage_cache.scan

    def counting(*a: Any) -> Any:
        scanned.append(1)
        return real_scan(*a)

    monkeypatch.setattr(stage_cache, "scan", counting)
    for label, change, served in TEXTS[2:3] + TEXTS[-1:]:
        scanned.clear()
        new = change(text)
        result = _with_text(warm, new)
        assert result.replayed, label
        assert scanned == ([] if served else [1]), label
        cold_doc: dict[str, Any] = json.loads(new)
        assert read_tree(warm / "generated" / "casebook") == _full_tree(
            tmp_path / label.replace(" ", "_"), cold_doc, monkeypatch
        ), label


@pytest.mark.slow  # a full run of Casebook and a replay: ~2 s
def test_a_replays_texts_formatted_as_they_are_staged_equal_a_full_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`Staging.format_early` (a replay): every text at least `EARLY` characters long is formatted
    as soon as it is staged, in a folder of its own, while the rest is rendered; with `EARLY` at
    one character, all of them are (the resource module, api.md, README.md: rendered whole, not made
    from the full run's pieces, `render/splice.py`), and the package is a full run's byte for byte."""
    from generator import format as fmt
    from generator import staging

    from generator.render import splice

    monkeypatch.setattr(staging, "EARLY", 1)
    monkeypatch.setattr(splice, "UP_TO", 0)  # (every file rendered whole)
    started: list[str] = []
    real_start = fmt.Formatting.start

    def start(self: fmt.Formatting, path: str, rel: str) -> None:
        assert Path(path).is_file()  # staged, not yet formatted
        started.append(rel)
        real_start(self, path, rel)

    monkeypatch.setattr(fmt.Formatting, "start", start)
    doc = _casebook()
    warm = _project(tmp_path / "warm", doc)
    _generate(warm, doc, full=True)
    assert started == []  # (a full run formats its tree once)
    _snapshot(warm)
    doc["paths"]["/people/people"]["get"]["summary"] = "List the people, formatted early"
    result = _generate(warm, doc)
    assert result.replayed
    assert {"README.md", "api.md"} <= set(started) and any(r.endswith(".py") for r in started)
    assert read_tree(warm / "generated" / "casebook") == _full_tree(tmp_path, doc, monkeypatch)


@pytest.mark.slow  # a full run of Casebook and three replays: ~3 s
def test_a_replay_leaves_the_module_cache_as_the_full_run_saved_it(tmp_path: Path) -> None:
    """Every entry a replay takes is the last full run's, so it does not rewrite the file; the
    next edits (another summary, then back to the snapshot's own text) still replay."""
    doc = _casebook()
    warm = _project(tmp_path / "warm", doc)
    _generate(warm, doc, full=True)
    _snapshot(warm)
    (cache,) = (warm / ".cache" / "clientgen" / "modules").iterdir()
    saved = cache.read_bytes()
    original = doc["paths"]["/people/people"]["get"]["summary"]
    for summary in ("List the people", "List every person", original):
        doc["paths"]["/people/people"]["get"]["summary"] = summary
        assert _generate(warm, doc).replayed, summary
        assert cache.read_bytes() == saved, summary


def test_a_call_sample_reads_of_an_operations_prose_only_whether_it_names_csv() -> None:
    """`stage.cache._touched` renders a resource's test module again only when a prose value on
    either side names CSV (`call_samples.CSV`): that is all its call samples read of the prose. A
    new read here fails this test: render the test modules again in `_touched` for it."""
    import ast

    from tests.conftest import REPO

    source = (REPO / "generator" / "render" / "call_samples.py").read_text(encoding="utf-8")
    reads = []
    for function in ast.walk(ast.parse(source)):
        if isinstance(function, ast.FunctionDef):
            for node in ast.walk(function):
                if isinstance(node, ast.Attribute) and node.attr in ("summary", "description"):
                    reads.append((function.name, ast.get_source_segment(source, node)))
    assert reads == [("_member", "op.summary"), ("_member", "op.description")]
    member = next(f for f in ast.walk(ast.parse(source)) if getattr(f, "name", None) == "_member")
    uses = [
        ast.get_source_segment(source, parent)
        for parent in ast.walk(member)
        for child in ast.iter_child_nodes(parent)
        if isinstance(child, ast.Name) and child.id == "text" and isinstance(child.ctx, ast.Load)
    ]
    assert uses == ["CSV in text"]


@pytest.mark.slow  # full runs of CaseXchange beside a replay: ~4 s
def test_a_summary_that_names_csv_renders_its_test_module_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An upload's call sample is a CSV file when its operation's prose names CSV: that edit is
    replayed with its resource's test module rendered again, equal to a full run."""
    import yaml

    from tests.conftest import REPO

    spec = yaml.safe_load((REPO / "specs" / "casexchange" / "openapi.yml").read_text("utf-8"))
    warm = _project(tmp_path / "warm", spec, "casexchange")
    _casexchange(warm, full=True)
    _snapshot(warm)
    spec["paths"]["/cases/{caseId}/documents"]["post"]["summary"] = "Attach a CSV file to a case"
    (warm / "casexchange.json").write_text(json.dumps(spec, indent=1), encoding="utf-8")
    result = _casexchange(warm)
    assert result.replayed
    changed = [rel for rel in result.diff.changed if rel.startswith("tests/")]
    assert (
        len(changed) == 1
        and "sample.csv" in (warm / "generated" / "casexchange" / changed[0]).read_text()
    )
    with monkeypatch.context() as off:
        off.setenv("CLIENTGEN_CACHE", "off")
        cold = _project(tmp_path / "cold", spec, "casexchange")
        _casexchange(cold, full=True)
    assert read_tree(warm / "generated" / "casexchange") == read_tree(
        cold / "generated" / "casexchange"
    )
