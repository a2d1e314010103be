"""The stage cache's recorder keeps a streamed run's stubs and docs on disk (`stage/spill.py`)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from generator import pipeline
from generator.render.safe import Code, Markdown, Name
from generator.stage import cache as stage_cache
from generator.stage import spill as spill_module
from generator.stage import writer as stage_writer
from generator.stage.spill import Spill


def test_what_is_spilled_is_read_back_in_order(tmp_path: Path) -> None:
    spill = Spill(tmp_path / "stages")
    assert not list((tmp_path / "stages").iterdir())  # unnamed: nothing to clean up
    noted = {f"src/p/types/m{i}.py": (None if i % 7 == 0 else f"import m{i}\n", bytes([i % 256]) * 32)
             for i in range(spill_module._BATCH * 2 + 5)}  # fmt: skip
    for rel, (stub, key) in noted.items():
        spill.note(rel, stub, key)
    docs = {f"op{i}": (Name("client.pets.list"), Markdown("`x`"), Code(f"list({i})"))
            for i in range(spill_module._BATCH + 1)}  # fmt: skip
    examples = {"op0": None, "op1": 1}
    spill.docs(docs, examples)
    spill.note("operations.json", "", b"k" * 32)  # after the docs, as a late text is
    back, kept = spill.read()
    assert list(back) == [*noted, "operations.json"] and back["operations.json"] == ("", b"k" * 32)
    assert all(back[rel] == value for rel, value in noted.items())
    assert kept == (docs, examples) and list(kept[0]) == list(docs)
    assert type(kept[0]["op0"][0]) is Name and type(kept[0]["op0"][2]) is Code
    assert not spill.failed and spill.fileno() == -1  # closed once read


def test_a_spill_that_cannot_be_written_says_so(tmp_path: Path) -> None:
    spill = Spill(tmp_path)
    spill.note("a.py", (n for n in ()), b"")  # type: ignore[arg-type]
    spill.flush()  # the batch (a generator: not picklable) goes nowhere
    assert spill.failed
    spill.docs({}, {})
    assert spill.read() == ({}, None) and spill.failed  # (`begin` then leaves no snapshot)


def test_a_streamed_run_holds_no_stub_or_doc_while_rendering(
    pets_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the project's caches, what the recorder takes is on disk when the snapshot is begun
    (nothing in memory), and the snapshot the forked child makes from it serves a prose edit with
    the same stubs and docs as a run that kept them in memory."""
    from generator.config import select_targets
    from generator.stage import snapshot

    (target,), root = select_targets(["pets"], pets_project)
    seen: list[tuple[Any, ...]] = []
    real_begin = stage_cache.Recorder.begin

    def begin(self: stage_cache.Recorder, *args: Any) -> Any:
        spill = self.spill
        if spill is not None:
            spill.flush()  # (as `begin` does: a small spill may still be in the buffer)
            seen.append((dict(self._noted), self.docs, os.fstat(spill.fileno()).st_size))
        return real_begin(self, *args)

    monkeypatch.setattr(stage_cache.Recorder, "begin", begin)
    pipeline.generate(target, root, full=True)
    stage_writer.wait()
    [(noted, docs, size)] = seen
    assert noted == {} and docs is None and size > 0
    [path] = (pets_project / ".cache" / "clientgen" / "stages").glob("*.bin")
    spilled = snapshot.load(path, path.read_bytes()[len(snapshot.MAGIC) :][:32])
    monkeypatch.setattr(stage_cache.Recorder, "spill_to_disk", lambda self: None)
    pipeline.generate(target, root, full=True)  # the recorder keeps them in memory
    stage_writer.wait()
    held = snapshot.load(path, path.read_bytes()[len(snapshot.MAGIC) :][:32])
    assert spilled is not None and held is not None
    assert spilled.files == held.files and spilled.docs == held.docs and spilled.files
    assert spilled.examples == held.examples
    spec = pets_project / "pets.yml"
    spec.write_text(spec.read_text().replace("summary: List pets", "summary: List the pets"))
    monkeypatch.undo()
    edited = pipeline.generate(target, root)
    assert edited.replayed and edited.diff.changed
