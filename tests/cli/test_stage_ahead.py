"""The stage snapshot loaded ahead by `clientgen watch` (`generator/stage/ahead.py`, issue 18): handed
out once, only for the file it was loaded from as that file is now and with the key asked for; a
structural replay that takes it regenerates exactly what one that reads the file does."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator import pipeline, watch
from generator.config import select_targets
from generator.stage import ahead, snapshot
from generator.stage import writer as stage_writer
from generator.stage.snapshot import peek, stage_file
from generator.write import read_tree
from tests.conftest import FIXTURES

PROJECT = """[tool.clientgen.targets.pets]
spec = "pets.json"
output = "out/pets"
package = "pets"
client_name = "Pets"
env_prefix = "PETS"
"""


def _project(folder: Path, doc: dict[str, Any]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pyproject.toml").write_text(PROJECT, encoding="utf-8")
    (folder / "pets.json").write_text(json.dumps(doc, indent=1), encoding="utf-8")
    return folder


def _generate(folder: Path, full: bool) -> pipeline.TargetResult:
    (target,), root = select_targets(["pets"], folder)
    result = pipeline.generate(target, root, full=full)
    stage_writer.wait()  # (the snapshot in place before anything reads it)
    return result


def _doc() -> dict[str, Any]:
    return dict(yaml.safe_load((FIXTURES / "specs" / "petstore_31.yml").read_text("utf-8")))


@pytest.fixture
def warm(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    monkeypatch.setenv("CLIENTGEN_PARALLEL", "off")
    folder = _project(tmp_path / "warm", _doc())
    _generate(folder, full=True)
    path = stage_file(folder, folder / "out" / "pets")
    assert path is not None and path.is_file()
    yield folder, path
    ahead.forget()


def test_handed_out_once_for_the_same_file_and_key(warm: tuple[Path, Path]) -> None:
    _, path = warm
    head = peek(path)
    assert head is not None
    assert watch.load_ahead(path)
    assert ahead.taken(path, b"\0" * 32) is None  # another key: not this one (and it is let go)
    assert watch.load_ahead(path)
    got = ahead.taken(path, head.key)
    assert got is not None
    assert ahead.taken(path, head.key) is None  # once
    fresh = snapshot.load(path, head.key, with_prose=False)
    assert fresh is not None and fresh is not got
    assert fresh.api.operations == got.api.operations
    assert dict(fresh.api.schemas) == dict(got.api.schemas)


def test_a_replaced_or_rewritten_file_is_read_again(warm: tuple[Path, Path]) -> None:
    _, path = warm
    head = peek(path)
    assert head is not None
    assert watch.load_ahead(path)
    copy = path.with_suffix(".copy")
    shutil.copyfile(path, copy)
    os.replace(copy, path)  # the same bytes, another inode (as the snapshot writer renames)
    assert ahead.taken(path, head.key) is None
    assert watch.load_ahead(path)
    data = path.read_bytes()
    path.write_bytes(data)  # rewritten in place: its ctime moves
    assert ahead.taken(path, head.key) is None


def test_a_file_that_does_not_load_is_read_once_not_at_every_look(
    warm: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, path = warm
    data = bytearray(path.read_bytes())
    data[-40] ^= 0xFF  # a flipped byte: its CRC fails
    path.write_bytes(bytes(data))
    loads: list[Path] = []
    real = snapshot.load

    def counted(at: Path, *args: Any, **kwargs: Any) -> Any:
        loads.append(at)
        return real(at, *args, **kwargs)

    monkeypatch.setattr(snapshot, "load", counted)
    assert not any(watch.load_ahead(path) for _ in range(5))
    assert loads == [path]  # once for this file as it is
    path.write_bytes(bytes(data))  # written again: its stat data change, so it is tried again
    assert not watch.load_ahead(path)
    assert loads == [path, path]


def test_a_large_snapshot_is_not_kept(
    warm: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, path = warm
    monkeypatch.setattr(ahead, "LIMIT", 100)
    assert not watch.load_ahead(path)
    assert ahead._kept == {}


def test_a_structural_replay_that_takes_it_equals_a_full_run(
    warm: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, path = warm
    doc = _doc()
    doc["paths"]["/pets"]["get"]["parameters"].append(
        {"name": "sort", "in": "query", "schema": {"type": "string"}}
    )
    (folder / "pets.json").write_text(json.dumps(doc, indent=1), encoding="utf-8")
    assert watch.load_ahead(path)
    handed: list[bool] = []
    real = snapshot.taken

    def spy(at: Path, key: bytes) -> Any:
        got = real(at, key)
        handed.append(got is not None)
        return got

    monkeypatch.setattr(snapshot, "taken", spy)
    result = _generate(folder, full=False)
    assert handed == [True], result  # served from the snapshot loaded ahead
    cold = _project(tmp_path / "cold", doc)
    monkeypatch.setenv("CLIENTGEN_CACHE", "off")
    _generate(cold, full=True)
    assert read_tree(folder / "out" / "pets") == read_tree(cold / "out" / "pets")
