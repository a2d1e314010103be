"""What a structural replay's snapshot load skips (`stage/snapshot.py`): the prose, which only the
prose replay compares, and a second look-up of each class name the unpickler admitted."""

from __future__ import annotations

import io
import pickle
from pathlib import Path
from typing import Any

import pytest

from generator.ir import Field, Primitive
from generator.stage import cache as stage_cache
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


def _saved_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Any]:
    """A full run of Casebook (its writer inline) and the names it handed to `snapshot.save`."""
    path, made = _saved(tmp_path, monkeypatch, _casebook())
    return path, made.names


def _saved(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, doc: dict[str, Any]
) -> tuple[Path, snapshot.Snapshot]:
    """A full run of `doc` (its writer inline) and the snapshot it handed to `snapshot.save`."""
    given: list[snapshot.Snapshot] = []
    real = snapshot.save

    def spy(path: Path, key: bytes, made: snapshot.Snapshot, *args: Any, **kwargs: Any) -> bool:
        given.append(made)
        return real(path, key, made, *args, **kwargs)

    monkeypatch.setenv("CLIENTGEN_STAGE_WRITER", "inline")
    monkeypatch.setattr(stage_cache, "save", spy)  # (as `Recorder.keep` calls it)
    warm = _project(tmp_path / "warm", doc)
    _generate(warm, doc, full=True)
    (made,) = given
    return _snapshot(warm), made


def test_the_names_fields_and_members_are_unpickled_when_first_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A load leaves `LAZY_NAMES` in their pieces until one is used; then each is the table the full
    run saved, and a damaged piece raises `Damaged` (the replay's failure: the full path) when it
    is first used, not before, and leaves the other tables as they are."""
    path, names = _saved_names(tmp_path, monkeypatch)
    assert names.fields and names.members  # (Casebook has models and enums)
    head = snapshot.peek(path)
    assert head is not None
    loaded = snapshot.load(path, head.key, with_prose=False)
    assert loaded is not None
    tables = [getattr(loaded.names, name) for name in snapshot.LAZY_NAMES]
    assert all(isinstance(t, snapshot.LazyTable) and t.raw() is not None for t in tables)
    for name, table in zip(snapshot.LAZY_NAMES, tables, strict=True):
        assert list(table.items()) == list(getattr(names, name).items()), name
        assert table.raw() is None  # (unpickled: a dict from now on)
    for name in ("schema_class", "schema_module", "module_members", "op_method", "params"):
        assert getattr(loaded.names, name) == getattr(names, name), name
    blob = path.read_bytes()
    fields = snapshot.load(path, head.key, with_prose=False)
    assert fields is not None and isinstance(fields.names.fields, snapshot.LazyTable)
    raw = fields.names.fields.raw()
    assert raw is not None
    at = blob.index(bytes(raw[0])) + len(raw[0]) // 2
    path.write_bytes(blob[:at] + bytes([blob[at] ^ 0x01]) + blob[at + 1 :])
    damaged = snapshot.load(path, head.key, with_prose=False)
    assert damaged is not None  # (a piece is checked when it is read)
    with pytest.raises(snapshot.Damaged):
        damaged.names.fields.get(("x", "y"))
    assert list(damaged.names.members.items()) == list(names.members.items())


def test_a_loaded_snapshots_tables_are_written_as_they_are(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`save` of a loaded snapshot (the re-key's) copies a table of `LAZY_NAMES` not yet used as
    its piece's bytes, checked (not unpickled), one used as its table; read back, both equal the
    full run's."""
    path, names = _saved_names(tmp_path, monkeypatch)
    head = snapshot.peek(path)
    assert head is not None
    loaded = snapshot.load(path, head.key)
    kept = snapshot.text_of(path, head)
    assert loaded is not None and kept is not None
    assert isinstance(loaded.names.members, snapshot.LazyTable)
    loaded.names.members.get("")  # used: unpickled
    copy_path = tmp_path / "copy.bin"
    assert snapshot.save(copy_path, head.key, loaded, text=kept.text, layout=kept.layout)
    assert isinstance(loaded.names.fields, snapshot.LazyTable)
    assert loaded.names.fields.raw() is not None  # (copied, not unpickled)
    again = snapshot.load(copy_path, head.key)
    assert again is not None
    for name in snapshot.LAZY_NAMES:
        assert list(getattr(again.names, name).items()) == list(getattr(names, name).items())
    assert again.names.resources == names.resources


def test_the_index_names_the_aliases_and_the_naming_pass_reads_no_other_schema_for_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A loaded snapshot's schemas say which are `Alias`es without reading a piece (the index keeps
    their ids, carried over when a loaded snapshot is saved again); whether an operation returns a
    list (`naming.operations._returns_list`, asked for every method of a resource a structural
    edit names again) reads only those: the same answers as the full run's schemas give."""
    from generator.ir import Alias, ModelRef
    from generator.naming.operations import _returns_list

    doc = _casebook()
    doc["components"]["schemas"]["CaseList"] = {
        "type": "array",
        "items": {"$ref": "#/components/schemas/Case"},
    }
    first = next(iter(doc["paths"].values()))
    op = next(v for k, v in first.items() if k == "get")
    op["responses"]["200"] = {
        "description": "ok",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/CaseList"}}},
    }
    path, made = _saved(tmp_path, monkeypatch, doc)
    api = made.api
    head = snapshot.peek(path)
    assert head is not None
    loaded = snapshot.load(path, head.key, with_prose=False)
    assert loaded is not None and isinstance(loaded.api.schemas, snapshot.LazySchemas)
    expected = {sid for sid, s in api.schemas.items() if isinstance(s, Alias)}
    assert expected and loaded.api.schemas.aliases == expected
    answers = [_returns_list(loaded.api, op) for op in loaded.api.operations]
    assert answers == [_returns_list(api, op) for op in api.operations] and any(answers)
    returned = {
        r.returns.id
        for op in api.operations
        for r in op.results
        if isinstance(r.returns, ModelRef) and r.returns.id not in expected
    }
    assert returned and not returned & set(loaded.api.schemas._loaded)  # (never read)
    kept = snapshot.text_of(path, head)
    assert kept is not None
    again = tmp_path / "again.bin"
    assert snapshot.save(again, head.key, loaded, text=kept.text, layout=kept.layout)
    reread = snapshot.load(again, head.key, with_prose=False)
    assert reread is not None and reread.api.schemas.aliases == expected  # type: ignore[attr-defined]
