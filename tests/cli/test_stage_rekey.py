"""The stage snapshot re-keyed after a served structural edit (`generator/stage/rekey.py`): what it
holds is what a full run of the same text writes, and the next edit is compared with the latest
text — a summary after a structural edit is a prose replay again, a second structural edit finds
only its own path item changed — each output equal to a cacheless full run's."""

from __future__ import annotations

import copy
import dataclasses
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from generator.cache_files import cache_file
from generator.diagnostics import DiagnosticSink
from generator.naming import operations as naming_operations
from generator.naming.names import Names
from generator.stage import notes, structural
from generator.stage import writer as stage_writer
from generator.stage.snapshot import Kept, Snapshot, load, peek, text_of
from tests.cli.test_stage_structural import (
    FULL,
    PROSE,
    REPO,
    STRUCTURAL,
    _cli_equals_a_full_run,
    _edited,
    _generate,
    _new_operation,
    _new_query,
    _params,
    _project,
    _query,
    _removed_operation,
    _shop,
    _summary,
    _two_operations,
    _type_changed,
    _write,
)


def _snapshot_file(warm: Path) -> Path:
    (found,) = (
        p for p in (warm / ".cache" / "clientgen" / "stages").iterdir() if p.suffix == ".bin"
    )
    return found


def _read(path: Path) -> tuple[bytes, Snapshot, Kept]:
    """The snapshot's key, contents (its schemas read when asked) and kept text, spans, layout."""
    head = peek(path)
    assert head is not None
    snapshot = load(path, head.key)
    kept = text_of(path, head)
    assert snapshot is not None and kept is not None
    return head.key, snapshot, kept


def _ordered(names: Names) -> dict[str, list[Any]]:
    """Every table of the names, in its order."""
    return {f: list(getattr(names, f).items()) for f in Names.__dataclass_fields__}


def _same_snapshot(rekeyed: Path, full: Path) -> None:
    """The pieces a replay reads, compared (the bytes differ: equal values unpickled from
    several pieces are not one object, so pickle writes them again)."""
    (key, got, kept), (want_key, want, want_kept) = _read(rekeyed), _read(full)
    assert key == want_key and kept.text == want_kept.text
    assert list(kept.spans) == list(want_kept.spans) and kept.layout == want_kept.layout
    assert (got.places, got.aliased, got.offsets, got.tokens) == (
        want.places,
        want.aliased,
        want.offsets,
        want.tokens,
    )
    assert got.api == want.api
    assert list(got.api.schemas) == list(want.api.schemas)
    assert _ordered(got.names) == _ordered(want.names)
    assert got.diagnostics == want.diagnostics
    assert list(got.files) == list(want.files)  # (their stubs and bytes: `_held`)
    assert list(got.docs.items()) == list(want.docs.items())
    assert list(got.examples.items()) == list(want.examples.items())
    assert (got.spec_file, got.features) == (want.spec_file, want.features)


def _held(warm: Path, snapshot: Path) -> list[tuple[str, str | None, bytes | None]]:
    """Each module the snapshot names: its stub and the module cache's bytes for its key (a file
    made from the full run's pieces is keyed by its finished bytes, not as a full run keys it)."""
    from generator.memo import Memo

    memo = Memo.for_output(warm, warm / "out" / "shop")
    assert memo is not None
    try:
        files = _read(snapshot)[1].files
        return [(rel, stub, memo.get(key)) for rel, (stub, key) in files.items()]
    finally:
        memo.close()


def _argument_warning(doc: dict[str, Any]) -> None:
    """`createPet`'s query parameter named as its body's field (an argument's collision)."""
    _params(doc, "/pets", "post").append(_query("name"))


EDITS: list[tuple[str, Callable[[dict[str, Any]], None]]] = [
    ("a new optional query parameter", _new_query),
    ("a new operation", _new_operation),
    ("a removed operation", _removed_operation),
    ("two operations of two path items", _two_operations),
]


@pytest.mark.parametrize(
    ("label", "edit", "writer"),
    [(*e, "forked") for e in EDITS]
    + [("a new operation, written inline", _new_operation, "inline")],
    ids=[e[0] for e in EDITS] + ["inline"],
)
def test_the_rekeyed_snapshot_is_the_one_a_full_run_writes(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    label: str,
    edit: Callable[[dict[str, Any]], None],
    writer: str,
) -> None:
    """After a served structural edit the snapshot holds what `generate --full` of the same text
    writes: its key, kept text, spans and layout, prose, IR, names (in order), diagnostics, module
    stubs, api.md docs and README parts; every module-cache entry it names is in the module cache
    the replay left, with the bytes the full run's entry has (a file made from the full run's
    pieces, `render.splice`, is keyed by its finished bytes). Forked (the module cache saved by the
    child) or inline (`CLIENTGEN_STAGE_WRITER=inline`: after the package is written)."""
    if writer == "inline":
        monkeypatch.setenv("CLIENTGEN_STAGE_WRITER", "inline")

    doc = _shop()
    _argument_warning(doc)  # (a diagnostic the snapshot holds)
    warm = _project(tmp_path / "warm", doc)
    _generate(warm, full=True)
    path = _snapshot_file(warm)
    old_key = _read(path)[0]
    edit(doc)
    _write(warm, doc)
    assert _generate(warm).replayed, label
    rekeyed = tmp_path / "rekeyed.bin"
    rekeyed.write_bytes(path.read_bytes())
    assert _read(rekeyed)[0] != old_key, label
    held = _held(warm, rekeyed)
    assert all(data is not None for _, _, data in held), label
    _generate(warm, full=True)
    _same_snapshot(rekeyed, path)
    assert held == _held(warm, path), label


def test_the_rekeyed_notes_are_the_new_snapshots(tmp_path: Path) -> None:
    """`.valid` carries the validated path items over to the new key; `.naming` (noted by a replay
    that added an operation) is written for the new key with what the operation pass says of the
    new API — so the next such edit runs the pass once, on the new API only."""
    doc = _shop()
    _argument_warning(doc)
    warm = _project(tmp_path / "warm", doc)
    _generate(warm, full=True)
    path = _snapshot_file(warm)
    _new_operation(doc)
    _write(warm, doc)
    assert _generate(warm).replayed
    key, snapshot, _ = _read(path)
    assert notes.validated(path, key)  # (the new path item, validated clean)
    said = notes.said_before(path, key)
    fresh = dataclasses.replace(
        snapshot.names, resources={}, op_resource={}, op_method={}, params={}, body_fields={}
    )
    heard = DiagnosticSink(file=str(warm / "shop.json"))
    naming_operations.operation_names(snapshot.api, fresh, heard)
    assert said is not None and [(d.code, d.pointer) for d in said] == [
        (d.code, d.pointer) for d in heard.sorted()
    ]
    assert any(d.code == "argument-name-collision" for d in said)


def test_edits_in_a_row_are_compared_with_the_latest_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Structural, summary, structural, another structural edit of the same path item, the
    original text again, a removed operation: each served as said (the summary by the prose
    replay), each the full run's tree, diagnostics and exit code; a structural edit after another
    finds only the path item it changed (not those of the edits before it)."""
    doc = _shop()
    original = copy.deepcopy(doc)
    warm = _project(tmp_path / "warm", doc)
    _generate(warm, full=True)
    path = _snapshot_file(warm)
    changed: list[list[tuple[str, str]]] = []
    real = structural.structural

    def spy(path: Path, located: Any, *args: Any, **kwargs: Any) -> Any:
        changed.append(sorted((c.path, c.method) for c in located.region.changed))
        return real(path, located, *args, **kwargs)

    monkeypatch.setattr(structural, "structural", spy)

    def revert(d: dict[str, Any]) -> None:
        d.clear()
        d.update(copy.deepcopy(original))

    steps: list[tuple[str, Callable[[dict[str, Any]], None], str, list[tuple[str, str]]]] = [
        ("a new query parameter", _new_query, STRUCTURAL, [("/pets", "get")]),
        ("a summary after it", _summary, PROSE, []),
        (  # (the summary is a prose replay's: not re-keyed, so in this edit's region too)
            "a parameter's type",
            _type_changed,
            STRUCTURAL,
            [("/pets/{petId}", "get"), ("/stores", "get")],
        ),
        (
            "the same path item again",
            lambda d: _params(d, "/stores", "get").append(_query("near")),
            STRUCTURAL,
            [("/stores", "get")],
        ),
        (
            "the original text",
            revert,
            STRUCTURAL,
            [("/pets", "get"), ("/pets/{petId}", "get"), ("/stores", "get")],
        ),
        ("a removed operation", _removed_operation, STRUCTURAL, [("/pets/{petId}", "delete")]),
    ]
    for n, (label, edit, served, region) in enumerate(steps):
        changed.clear()
        with monkeypatch.context() as patch:
            _edited(tmp_path / str(n), warm, doc, edit, served, label, patch)
        assert changed[-1:] == ([region] if region else []), label
        if served == STRUCTURAL:  # (a prose replay leaves the snapshot as it is)
            assert _read(path)[2].text == (warm / "shop.json").read_bytes(), label


def test_a_rekey_that_fails_leaves_no_wrong_snapshot(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The re-keyed names not what the operation pass gives (forced here): the writer removes
    the snapshot, and the next edit takes the full path — the full run's output."""
    doc = _shop()
    warm = _project(tmp_path / "warm", doc)
    _generate(warm, full=True)
    path = _snapshot_file(warm)
    assert notes.said_before(path, _read(path)[0]) is not None  # (the full run's writer noted it)
    _new_operation(doc)  # (the re-keyed snapshot's `.naming`: its names are checked)
    _write(warm, doc)
    real = naming_operations.operation_names

    def wrong(
        api: Any, names: Any, sink: Any, argued: Any = None, settled: Any = None, kept: Any = None
    ) -> None:
        real(api, names, sink, argued, settled=settled, kept=kept)
        if argued is None and settled is None:  # (the writer's: the replay's pass is restricted)
            names.op_method[next(iter(names.op_method))] = "renamed"

    monkeypatch.setattr(naming_operations, "operation_names", wrong)
    assert _generate(warm).replayed
    assert not path.exists()
    monkeypatch.setattr(naming_operations, "operation_names", real)
    _edited(
        tmp_path / "next", warm, doc, _removed_operation, FULL, "after a failed rekey", monkeypatch
    )


def test_a_full_run_notes_what_the_operation_pass_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full run's snapshot writer notes what the operation half of the naming pass says of its
    API (`.naming`, keyed by the snapshot's key: an argument collision's warning among it, exactly
    what the pass says when run again), so the first structural edit that adds an operation runs
    the pass only on the new API's touched operations — and is served with a full run's output."""
    doc = _shop()
    _argument_warning(doc)
    warm = _project(tmp_path / "warm", doc)
    _generate(warm, full=True)
    path = _snapshot_file(warm)
    key = _read(path)[0]
    said = notes.said_before(path, key)
    snapshot = load(path, key)
    assert said is not None and snapshot is not None
    fresh = dataclasses.replace(
        snapshot.names, resources={}, op_resource={}, op_method={}, params={}, body_fields={}
    )
    heard = DiagnosticSink(file=said[0].file if said else None)
    naming_operations.operation_names(snapshot.api, fresh, heard)
    assert said == heard.sorted() and any("collision" in d.code for d in said)
    real = naming_operations.operation_names
    whole: list[bool] = []

    def counted(
        api: Any, names: Any, sink: Any, argued: Any = None, settled: Any = None, kept: Any = None
    ) -> None:
        whole.append(argued is None and settled is None)
        real(api, names, sink, argued, settled=settled, kept=kept)

    monkeypatch.setattr(naming_operations, "operation_names", counted)
    _edited(tmp_path / "next", warm, doc, _new_operation, STRUCTURAL, "first add", monkeypatch)
    assert whole == [False]  # (the rekey writer's whole pass runs in its forked child)


@pytest.mark.slow  # 7 commands
def test_the_cli_rekeys_and_serves_the_next_edits_with_the_full_runs_output(
    tmp_path: Path,
) -> None:
    """Through the command line (the configuration's cached reading first): a structural edit
    re-keys the snapshot to its text; a summary then leaves it (a prose replay); a structural
    edit after that re-keys it again — each with the exit code, standard error and tree of a
    cacheless `generate --full --strict` (the last with a warning: exit code 1)."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("CLIENTGEN_CACHE", None)
    doc = _shop()
    warm = _project(tmp_path / "warm", doc)
    cold = _project(tmp_path / "cold", doc)
    gen = [sys.executable, "-m", "generator", "generate"]
    subprocess.run(gen, cwd=warm, env=env, check=True, capture_output=True)
    snapshot = cache_file(warm, warm / "out" / "shop", "stages", ".bin")
    assert snapshot is not None
    steps = [(_new_query, True), (_summary, False), (_argument_warning, True)]
    for n, (edit, rekeyed) in enumerate(steps):
        stage_writer.settle(snapshot)
        before = _read(snapshot)[0]
        edit(doc)
        _write(warm, doc)
        _write(cold, doc)
        assert _cli_equals_a_full_run(env, warm, cold, str(n)) == (1 if n == 2 else 0), n
        stage_writer.settle(snapshot)
        key, _, kept = _read(snapshot)
        assert (key != before) is rekeyed, n
        assert (kept.text == (warm / "shop.json").read_bytes()) is rekeyed, n


def test_a_json_texts_import_stub_is_found_without_the_import_search() -> None:
    """`import_stub(text, json_text=True)` (the manifest's, on a replay's critical path) is the
    stub of the whole search: on the committed clients' manifests whole and cut at any line, and on
    JSON texts whose strings hold what an import looks like."""
    import json

    from generator.stage.cache import import_stub

    texts = [p.read_text(encoding="utf-8") for p in (REPO / "generated").glob("*/operations.json")]
    assert texts
    for text in list(texts):
        lines = text.splitlines(keepends=True)
        texts += ["".join(lines[: len(lines) // 2]), "".join(lines[len(lines) // 2 :])]
    said = [
        "from ._models import Pet\nfrom typing_extensions import Literal",
        "\n    from . import _x",
        "from .._errors import E",
    ]
    texts += [json.dumps({"items": [{"summary": s} for s in said]}, indent=4)]
    texts += [json.dumps({"summary": s}) for s in said]
    for text in texts:
        assert import_stub(text, json_text=True) == import_stub(text)
    assert import_stub(texts[-3], json_text=True) == "from typing_extensions import _\n"


def test_the_manifests_stub_is_each_pieces_stub_joined(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`Recorder.note` of operations.json given in pieces (as `plan_files` stages it) notes the
    stub `import_stub` gives each piece, joined — without a call per piece."""
    import json

    from generator.stage import cache as stage_cache

    said = ["from typing_extensions import Literal", "plain", "from . import _x"]
    pieces = ['{\n  "operations": [\n', *(json.dumps({"summary": s}) + ",\n" for s in said), "]}\n"]
    calls: list[str] = []
    real = stage_cache.import_stub

    def spy(text: str, json_text: bool = False) -> str | None:
        calls.append(text)
        return real(text, json_text)

    recorder = stage_cache.Recorder(tmp_path / "stages.bin")
    monkeypatch.setattr(stage_cache, "import_stub", spy)
    recorder.note("operations.json", pieces, b"k" * 32)
    expected = "".join(real(piece, json_text=True) or "" for piece in pieces)
    assert recorder.noted() == {"operations.json": (expected, b"k" * 32)}
    assert expected == "from typing_extensions import _\n" and calls == []


def test_a_loaded_snapshots_schema_pieces_are_written_as_they_are(tmp_path: Path) -> None:
    """`snapshot.save` of a loaded snapshot (the re-key's) copies its schemas' pieces, checked, as
    they are: none is unpickled, and what is read back equals the original; a piece whose bytes
    are not what was written is not copied (its schemas are loaded, and it says so)."""
    from generator.stage import snapshot as stage_snapshot

    doc = _shop()
    warm = _project(tmp_path / "warm", doc)
    _generate(warm, full=True)
    path = _snapshot_file(warm)
    key, loaded, kept = _read(path)
    lazy = loaded.api.schemas
    assert isinstance(lazy, stage_snapshot.LazySchemas)
    copy_path = tmp_path / "copy.bin"
    assert stage_snapshot.save(copy_path, key, loaded, text=kept.text, layout=kept.layout)
    assert lazy.read == set()  # (no piece unpickled)
    again = load(copy_path, key)
    assert again is not None
    assert dict(again.api.schemas) == dict(_read(path)[1].api.schemas)
    damaged = bytearray(lazy._data)
    damaged[0] ^= 0xFF
    lazy._data = memoryview(bytes(damaged))
    groups = stage_snapshot._groups(lazy, loaded.names.schema_module)
    assert stage_snapshot._pieces_as_they_are(lazy, groups) is None


def test_a_served_edits_rekey_inputs_are_held_with_its_result(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Once its writer is forked, a served structural edit's re-keying inputs are not freed
    object by object while the command line still works (GitHub's: 0.015 s): they are held
    with the target's result until the process ends (`keep.hold_with_result`); the next
    result lets them go; the library API holds nothing."""
    from generator import keep
    from generator.stage.rekey import Rekey

    doc = _shop()
    warm = _project(tmp_path / "warm", doc)
    _generate(warm, full=True)
    _new_query(doc)
    _write(warm, doc)
    monkeypatch.setattr(keep, "_held", [])
    monkeypatch.setattr(keep, "_leaving", True)  # (as `cli.main` says for the command line)
    result = _generate(warm)
    assert result.replayed and keep._held[0] is result and keep._with_result == []
    assert [type(held) for held in keep._held[1:]] == [Rekey]
    keep.hold_until_exit(held := object())  # the next target's result
    assert keep._held == [held]
    monkeypatch.setattr(keep, "_leaving", False)  # the library API
    _new_operation(doc)
    _write(warm, doc)
    result = _generate(warm)
    assert result.replayed and keep._held == [held] and keep._with_result == []


def test_a_served_edits_writer_is_forked_once_its_package_is_written_holding_what_it_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A served structural edit forks its snapshot's writer only once the package is on disk (not
    before the write, where the child took a core and made each page the write touched a copy),
    and hands it a reference to each file the write replaced — their old bytes, no longer linked
    — so that freeing them is the child's work; the run keeps none of them."""
    from generator.stage import rekey
    from generator.write import read_tree

    doc = _shop()
    warm = _project(tmp_path / "warm", doc)
    _generate(warm, full=True)
    out = warm / "out" / "shop"
    inodes = {rel: (out / rel).stat().st_ino for rel in read_tree(out)}
    _new_query(doc)
    _write(warm, doc)
    forked: list[tuple[bytes, list[os.stat_result]]] = []
    real = rekey.start

    def spy(again: Any, memo: Any, held: tuple[int, ...] = ()) -> Any:
        forked.append(((out / "GENERATION.toml").read_bytes(), [os.fstat(fd) for fd in held]))
        return real(again, memo, held) if held else real(again, memo)

    monkeypatch.setattr(rekey, "start", spy)
    result = _generate(warm)
    assert result.replayed and len(forked) == 1
    provenance, held = forked[0]
    assert provenance == (out / "GENERATION.toml").read_bytes()  # the package was written
    assert "GENERATION.toml" in result.diff.changed and len(result.diff.changed) > 1
    assert sorted(st.st_ino for st in held) == sorted(inodes[rel] for rel in result.diff.changed)
    assert all(st.st_nlink == 0 for st in held)  # each replaced: only the reference keeps it
    assert not [link for link in _open_files() if link.startswith(str(out))]  # (none kept)


def _open_files() -> list[str]:
    """What this process's descriptors name (the listing's own is gone when it is read)."""
    named = []
    for n in os.listdir("/proc/self/fd"):
        try:
            named.append(os.readlink(f"/proc/self/fd/{n}"))
        except OSError:
            pass
    return named
