"""What a structural replay's snapshot load skips (`stage/snapshot.py`): the prose, which only the
prose replay compares, and a second look-up of each class name the unpickler admitted."""

from __future__ import annotations

import io
import pickle
from pathlib import Path
from typing import Any

import pytest

from generator.ir import Field, Primitive
from generator.stage import snapshot
from tests.cli.test_incremental import _project
from tests.cli.test_stage_cache import _Boom, _casebook, _generate, _snapshot


def test_a_load_without_prose_reads_none_of_it_and_the_rest_as_ever(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = _casebook()
    warm = _project(tmp_path / "warm", doc)
    _generate(warm, doc, full=True)
    path = _snapshot(warm)
    head = snapshot.peek(path)
    assert head is not None
    whole = snapshot.load(path, head.key)
    assert whole is not None and whole.tokens  # (the prose is there to skip)

    def no_prose(*args: Any) -> bool:
        raise AssertionError("the prose was read")

    monkeypatch.setattr(snapshot, "_prose", no_prose)
    alone = snapshot.load(path, head.key, with_prose=False)
    assert alone is not None
    assert (alone.places, alone.offsets, alone.tokens) == ([], [], [])
    assert alone.api.operations == whole.api.operations
    assert dict(alone.api.schemas) == dict(whole.api.schemas)
    for name in ("names", "diagnostics", "files", "docs", "examples", "features"):
        assert getattr(alone, name) == getattr(whole, name), name
    assert snapshot.load(path, b"\0" * 32, with_prose=False) is None  # (another key: none)


def test_the_unpickler_looks_each_admitted_name_up_once_and_refuses_every_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(snapshot, "_FOUND", {})
    asked: list[tuple[str, str]] = []
    real = snapshot._Unpickler._admitted

    def admitted(self: Any, module: str, name: str) -> Any:
        asked.append((module, name))
        return real(self, module, name)

    monkeypatch.setattr(snapshot._Unpickler, "_admitted", admitted)
    buffer = io.BytesIO()
    snapshot._Pickler(buffer).dump([Field("a", Primitive("str"), False)])  # type: ignore[arg-type]
    first = snapshot._Unpickler(io.BytesIO(buffer.getvalue())).load()
    names = list(asked)
    assert names and len(names) == len(set(names))
    again = snapshot._Unpickler(io.BytesIO(buffer.getvalue())).load()
    assert asked == names and again == first  # (no name looked up twice)
    for _ in range(2):  # a refused name is refused again, never remembered
        with pytest.raises(pickle.UnpicklingError):
            snapshot._Unpickler(io.BytesIO(pickle.dumps(_Boom()))).load()
    assert ("posix", "system") not in snapshot._FOUND
