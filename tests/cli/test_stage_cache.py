"""The stage cache (`generator/stage/cache.py`): a prose-only edit regenerated from the last full run's
snapshot. What it may reuse is proved from the spec text and a pinned audit of the code reading the
operations' prose; whatever it cannot prove (another generator, a damaged or forged file, a `$ref` into
`/paths`, an invalid token) is the full path, and the output is a full run's byte for byte."""

from __future__ import annotations

import ast
import io
import json
import os
import pickle
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator import pipeline, provenance
from generator.config import select_targets
from generator.diagnostics import SpecError
from generator.features import NAMES
from generator.ir.models import MISSING, Field
from generator.ir.types import Kind, Primitive
from generator.render import apidoc_views, drafts, gather, plan, splice
from generator.stage import cache as stage_cache
from generator.stage import snapshot
from generator.stage import writer as stage_writer
from generator.write import read_tree
from tests.cli.test_incremental import _project
from tests.conftest import REPO

GENERATOR = REPO / "generator"


def _casebook() -> dict[str, Any]:
    doc = yaml.safe_load((REPO / "specs" / "casebook" / "openapi.yml").read_text(encoding="utf-8"))
    assert isinstance(doc, dict)
    return doc


def _generate(folder: Path, doc: dict[str, Any], full: bool = False) -> pipeline.TargetResult:
    (folder / "casebook.json").write_text(json.dumps(doc, indent=1), encoding="utf-8")
    (target,), root = select_targets(["casebook"], folder)
    return pipeline.generate(target, root, full=full)


def _full_tree(tmp_path: Path, doc: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> Any:
    with monkeypatch.context() as off:
        off.setenv("CLIENTGEN_CACHE", "off")
        cold = _project(tmp_path / "cold", doc)
        _generate(cold, doc, full=True)
    return read_tree(cold / "generated" / "casebook")


def _snapshot(folder: Path) -> Path:
    stage_writer.wait()  # the last full run's child has renamed it into place (or given up)
    stages = folder / ".cache" / "clientgen" / "stages"
    (found,) = (p for p in stages.iterdir() if p.suffix == ".bin")  # beside it: its lock file
    return found


def _edit_summary(doc: dict[str, Any], text: str = "List the people (edited)") -> None:
    doc["paths"]["/people/people"]["get"]["summary"] = text


@pytest.mark.slow  # two generations of Casebook: ~1 s
def test_a_full_run_leaves_the_snapshot_to_a_forked_child(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The snapshot costs the run only a fork (`stage/writer.py`); the next run waits for it."""
    if stage_writer.inline():
        pytest.skip("no fork here")
    rendered: list[bool] = []
    monkeypatch.setattr(stage_cache.Recorder, "_read", lambda *a: rendered.append(True))
    doc = _casebook()
    warm = _project(tmp_path / "warm", doc)
    result = _generate(warm, doc, full=True)
    assert result.snapshot is not None and result.snapshot.pid not in (None, os.getpid())
    assert not rendered  # a JSON spec's prose is read by the child, not by the run
    stage_writer.wait()


@pytest.mark.slow  # a few generations of Casebook: 1–2 s
def test_a_summary_edit_renders_only_what_reads_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = _casebook()
    warm = _project(tmp_path / "warm", doc)
    _generate(warm, doc, full=True)
    rendered: list[str] = []
    real = plan.render

    def recording(template: str, **context: Any) -> str:
        rendered.append(template)
        return real(template, **context)

    real_pieces = plan.render_pieces

    def recording_pieces(template: str, **context: Any) -> list[str]:
        rendered.append(template)
        return real_pieces(template, **context)

    monkeypatch.setattr(plan, "render", recording)
    monkeypatch.setattr(plan, "render_pieces", recording_pieces)  # api.md, staged in pieces
    monkeypatch.setattr(gather, "render", recording)  # the test modules
    monkeypatch.setattr(splice, "render", recording)  # the changed methods' (`render/splice.py`)
    _edit_summary(doc)
    result = _generate(warm, doc)
    assert result.replayed
    # one resource module (the edited operation's) — Casebook's JSON:API resources carry
    # features' extras and are rendered again too; no types module, no manifest, and no test
    # module: its call samples read no prose but whether it names CSV (`call_samples.CSV`)
    assert "package/types_module.py.jinja" not in rendered
    assert "package/types_init.py.jinja" not in rendered
    assert rendered.count("package/tests/test_resource.py.jinja") == 0
    assert "package/api.md.jinja" in rendered and "package/README.md.jinja" in rendered
    assert sorted(result.diff.changed) == sorted(
        [
            "GENERATION.toml",
            "README.md",
            "api.md",
            "openapi.json",
            "src/casebook/resources/people.py",
        ]
    )
    assert read_tree(warm / "generated" / "casebook") == _full_tree(tmp_path, doc, monkeypatch)
    # a summary that names CSV: its resource's test module too; then one that does not, as
    # the snapshot's did not: the snapshot's test module again (changes are taken against it)
    for summary, tests in (("Export the people as CSV", 1), ("List the people", 0)):
        rendered.clear()
        _edit_summary(doc, summary)
        assert _generate(warm, doc).replayed
        assert rendered.count("package/tests/test_resource.py.jinja") == tests, summary
        assert read_tree(warm / "generated" / "casebook") == _full_tree(
            tmp_path / str(tests), doc, monkeypatch
        ), summary


def test_the_replay_takes_the_spec_bytes_the_noop_answer_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`generate` first tries the no-op answer, which reads and hashes the edited spec; the replay
    that follows takes those bytes and their SHA-256 (`tree_index.read_again`) instead of reading
    the file again, and lets them go."""
    import hashlib

    from generator import spec_bytes, tree_index

    doc = _casebook()
    warm = _project(tmp_path / "warm", doc)
    _generate(warm, doc, full=True)
    reads: list[Path] = []
    real = spec_bytes.read_bytes
    monkeypatch.setattr(spec_bytes, "read_bytes", lambda p, *a: reads.append(p) or real(p, *a))
    _edit_summary(doc)
    result = _generate(warm, doc)
    assert result.replayed and reads == [] and not tree_index._kept
    recorded = provenance.read(warm / "generated" / "casebook")
    assert recorded is not None
    spec = (warm / "casebook.json").read_bytes()
    assert recorded.spec_sha256 == hashlib.sha256(spec).hexdigest()


def test_kept_spec_bytes_serve_only_while_the_file_is_unchanged(tmp_path: Path) -> None:
    from generator import tree_index

    spec = tmp_path / "spec.json"
    spec.write_bytes(b'{"a": 1}')
    index = tree_index.TreeIndex(None)
    digest = index.digest(spec)
    assert digest is not None
    assert tree_index.read_again(spec) == (b'{"a": 1}', digest)
    assert tree_index.read_again(spec) is None  # taken once
    index.digest(spec)
    spec.write_bytes(b'{"a": 2}')  # another size: other stat data
    assert tree_index.read_again(spec) is None
    index.digest(spec)
    assert tree_index.read_again(tmp_path / "other.json") is None and not tree_index._kept
    index.digest(spec)
    tree_index.forget()
    assert tree_index.read_again(spec) is None


@pytest.mark.slow  # three generations of Casebook: 1–2 s
def test_api_md_takes_the_unedited_operations_docs_from_the_snapshot(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only the edited operation's api.md doc (call sample, signature, links) is made again; every
    other one is the full run's, kept in the snapshot — and api.md and the README are still what a
    full run writes."""
    doc = _casebook()
    warm = _project(tmp_path / "warm", doc)
    _generate(warm, doc, full=True)
    kept = stage_cache.load(_snapshot(warm), _key_of(warm))
    assert kept is not None and len(kept.docs) == len(kept.api.operations)
    made: list[str] = []
    real = apidoc_views._method_doc

    def recording(api: Any, names: Any, literals: Any, call: str, *rest: Any) -> Any:
        made.append(call)
        return real(api, names, literals, call, *rest)

    monkeypatch.setattr(apidoc_views, "_method_doc", recording)
    _edit_summary(doc)
    result = _generate(warm, doc)
    assert result.replayed
    assert made == ["client.people.list"]
    assert read_tree(warm / "generated" / "casebook") == _full_tree(tmp_path, doc, monkeypatch)


def _key_of(folder: Path) -> bytes:
    """The snapshot key of the project's spec as it is now."""
    (target,), _ = select_targets(["casebook"], folder)
    spec = Path(target.spec)
    read = stage_cache.read_spec(spec)
    assert read is not None
    now = stage_cache.scan(read[1], str(spec), target.spec, target.digest())
    assert now is not None
    return now.key


@pytest.mark.slow  # three generations of Casebook: 1–2 s
def test_a_project_run_takes_the_sorted_decode(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the caches on, a JSON spec is decoded straight into parse's key-sorted form
    (`load.open_spec(canonical=True)`) too: the recorder reads the prose from the text the run read
    (`Recorder.document`), so the snapshot holds what the document as written gives, and a prose
    edit replays to a full run's bytes."""
    from generator import load

    sorted_form: list[bool] = []
    real = load.open_spec

    def spied(*args: Any, **kwargs: Any) -> Any:
        loaded, validation = real(*args, **kwargs)
        sorted_form.append(loaded.canonical is not None)
        return loaded, validation

    monkeypatch.setattr(load, "open_spec", spied)
    doc = _casebook()
    warm = _project(tmp_path / "warm", doc)
    snapshots = []
    for sortable in (False, True):  # the document as written (as before), then the sorted form
        with monkeypatch.context() as m:
            if not sortable:
                m.setattr(load, "_sortable", lambda text: False)
            assert not _generate(warm, doc, full=True).replayed
        snapshots.append(stage_cache.load(_snapshot(warm), _key_of(warm)))
    assert sorted_form == [False, True]
    assert snapshots[0] is not None and snapshots[0] == snapshots[1]
    _edit_summary(doc)
    assert _generate(warm, doc).replayed
    assert read_tree(warm / "generated" / "casebook") == _full_tree(tmp_path, doc, monkeypatch)


@pytest.mark.slow  # a few generations of Casebook: 1–2 s
def test_generate_full_and_a_structural_edit_take_the_full_path(tmp_path: Path) -> None:
    doc = _casebook()
    warm = _project(tmp_path / "warm", doc)
    _generate(warm, doc, full=True)
    _edit_summary(doc)
    assert not _generate(warm, doc, full=True).replayed  # `--full` always renders
    doc["paths"]["/people/people"]["get"]["deprecated"] = True
    assert not _generate(warm, doc).replayed
    _edit_summary(doc, "Again")
    assert _generate(warm, doc).replayed  # the full run left a snapshot of the new structure
    _edit_summary(doc)  # back to the snapshot's own text: nothing to patch, still no parse
    assert _generate(warm, doc).replayed


@pytest.mark.slow  # a few generations of Casebook: 1–2 s
def test_a_snapshot_of_another_generator_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = _casebook()
    warm = _project(tmp_path / "warm", doc)
    _generate(warm, doc, full=True)
    real = provenance.generator_fingerprint
    monkeypatch.setattr(provenance, "generator_fingerprint", lambda: "another build " + real())
    _edit_summary(doc)
    assert not _generate(warm, doc).replayed
    monkeypatch.undo()
    assert read_tree(warm / "generated" / "casebook") == _full_tree(tmp_path, doc, monkeypatch)


@pytest.mark.slow  # three generations of Casebook: 1–2 s
def test_a_summary_edit_stages_the_unchanged_modules_unread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`generate`'s replay stages only what it renders again (`streamed.write_replayed`): the
    modules it takes from the module cache are known by their keys and digests, and an unchanged
    one is never read (graph-beta's are ≈ 320 MB); the package is a full run's byte for byte."""
    from generator.memo import Memo

    doc = _casebook()
    warm = _project(tmp_path / "warm", doc)
    _generate(warm, doc, full=True)
    reads: list[bytes] = []  # (the keys whose bytes were read: a `get` that found none read none)
    real_read = Memo.read
    monkeypatch.setattr(Memo, "read", lambda self, key: reads.append(key) or real_read(self, key))
    pieces: list[str] = []  # the files made again from the full run's pieces (`render/splice.py`)
    real_text = splice.Before.text
    monkeypatch.setattr(
        splice.Before, "text", lambda self, rel: pieces.append(rel) or real_text(self, rel)
    )
    _edit_summary(doc)
    result = _generate(warm, doc)
    assert result.replayed and "src/casebook/resources/people.py" in result.diff.changed
    assert "api.md" in pieces and set(pieces) <= {"api.md", "src/casebook/resources/people.py"}
    assert len(reads) == len(pieces)  # those alone were read
    monkeypatch.undo()
    assert read_tree(warm / "generated" / "casebook") == _full_tree(tmp_path, doc, monkeypatch)


def test_a_reused_stub_is_read_once_and_counts_as_its_text(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`Planned.add(..., reused=True)` (a replay's stubs, `Reuse.files`: most modules share one of a
    few) reads each distinct stub once, and what it records — the `_` modules imported, whether
    a checked file imports typing_extensions — is what reading every file gives."""
    stub = stage_cache.import_stub(
        "from .._fields import X\nfrom typing_extensions import Self\nfrom ._models import Y\n"
    )
    other = stage_cache.import_stub("from .._errors import E\n")
    assert stub is not None and other is not None
    files = [("a.py", stub, False), ("b.py", other, True), ("c.py", stub, True)]
    files += [("d.py", "from ._paginator import P\n", True), ("e.py", other, True)]
    reads: list[str] = []
    real = plan._imported
    monkeypatch.setattr(plan, "_imported", lambda text: reads.append(text) or real(text))
    reused, plain = plan.Planned(), plan.Planned()
    for rel, text, checked in files:
        plain.add(rel, text, checked=checked)
    assert len(reads) == 5
    reads.clear()
    for rel, text, checked in files:
        reused.add(rel, text, checked=checked, reused=rel != "d.py")
    assert reads == [stub, other, files[3][1]]  # each stub once; a text not reused, as before
    assert reused.imported == plain.imported == {"_fields", "_models", "_errors", "_paginator"}
    assert reused.typing_extensions and plain.typing_extensions  # c.py, checked
    unchecked = plan.Planned()
    unchecked.add("a.py", stub, checked=False, reused=True)
    unchecked.add("c.py", stub, reused=True)  # the same stub, now checked
    assert unchecked.typing_extensions and unchecked.texts == {"a.py": stub, "c.py": stub}
    first = plan.Planned()
    first.add("a.py", stub, checked=False, reused=True)
    assert not first.typing_extensions  # an unchecked file does not count


@pytest.mark.slow  # a few generations of Casebook: 1–2 s
@pytest.mark.parametrize(
    "damage",
    ["truncated", "flipped", "flipped pieces", "forged", "not a snapshot", "inconsistent"],
)
def test_a_damaged_snapshot_is_no_snapshot(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: str
) -> None:
    """The index is checked when the file is read, each piece of schemas when it is first needed
    (`snapshot.LazySchemas`): either way the run takes the full path."""
    doc = _casebook()
    warm = _project(tmp_path / "warm", doc)
    _generate(warm, doc, full=True)
    path = _snapshot(warm)
    blob = path.read_bytes()
    kept = snapshot.peek(path)  # the key, then the spec's text and its spans (`stage/edit.py`)
    assert kept is not None
    key, head = kept.key, kept.at + kept.text_size + kept.spans_size
    loaded = stage_cache.load(path, key)
    assert loaded is not None
    spans = loaded.api.schemas.spans  # type: ignore[attr-defined]
    index = (spans[-1][0] + spans[-1][1], len(blob) - 12)  # between the pieces and its tail

    def framed(pickled: bytes) -> bytes:  # an index as `save` frames it: length and CRC-32
        return blob[:head] + pickled + len(pickled).to_bytes(8, "big") + _crc(pickled)

    if damage == "truncated":
        path.write_bytes(blob[: len(blob) // 2])
    elif damage == "flipped":  # a byte of the index
        middle = sum(index) // 2
        path.write_bytes(blob[:middle] + bytes([blob[middle] ^ 0xFF]) + blob[middle + 1 :])
    elif damage == "flipped pieces":  # a byte of every piece: the index is sound, no piece is
        data = bytearray(blob)
        for at, size in spans:
            data[at + size // 2] ^= 0xFF
        path.write_bytes(bytes(data))
        assert stage_cache.load(path, key) is not None
    elif damage == "forged":  # a pickle that would run a command: refused, never run
        path.write_bytes(framed(pickle.dumps(_Boom())))
    elif damage == "not a snapshot":
        path.write_bytes(framed(pickle.dumps({"api": None})))
    else:  # admissible classes, the right key, contents that do not fit: the replay fails
        from generator.naming.names import Names

        loaded.names = Names()
        assert stage_cache.save(path, key, loaded)
    _edit_summary(doc)
    result = _generate(warm, doc)
    assert not result.replayed
    assert read_tree(warm / "generated" / "casebook") == _full_tree(tmp_path, doc, monkeypatch)
    _edit_summary(doc, "Once more")
    assert _generate(warm, doc).replayed  # the full run wrote a sound snapshot again


def _crc(data: bytes) -> bytes:
    import zlib

    return zlib.crc32(data).to_bytes(4, "big")


class _Boom:
    def __reduce__(self) -> Any:
        return (os.system, ("echo forged > /dev/null",))


def test_the_unpickler_admits_only_the_generators_classes() -> None:
    for forged in (pickle.dumps(_Boom()), pickle.dumps(stage_cache.save)):
        with pytest.raises(pickle.UnpicklingError):
            snapshot._Unpickler(io.BytesIO(forged)).load()


def test_the_ir_round_trips_with_its_sentinels() -> None:
    field = Field("a", Primitive("str"), False)
    buffer = io.BytesIO()
    snapshot._Pickler(buffer).dump([field])
    (again,) = snapshot._Unpickler(io.BytesIO(buffer.getvalue())).load()
    assert again == field and again.default is MISSING and again.example is MISSING


def _round_trip(values: list[Any]) -> list[Any]:
    buffer = io.BytesIO()
    snapshot._Pickler(buffer).dump(values)  # type: ignore[arg-type]
    loaded: list[Any] = snapshot._Unpickler(io.BytesIO(buffer.getvalue())).load()
    return loaded


def test_equal_ir_values_are_unpickled_as_one() -> None:
    """The snapshot writes an IR value equal to one written before as a reference to it
    (`stage/sharing.py`): the operations that take the same parameter, response or type share one
    object when loaded, and every value reads as it was written."""
    from generator.ir import Location, ModelRef, Parameter

    def owner() -> Parameter:  # a new object each time, as parse makes one per operation
        return Parameter("owner", Location.PATH, ModelRef("#/c/owner"), True, doc="The owner.")

    values = [owner(), owner(), Primitive(Kind.STRING), Primitive(Kind.STRING), owner()]
    assert len({id(v) for v in values}) == 5
    again = _round_trip(values)
    assert again == values
    assert again[0] is again[1] is again[4] and again[2] is again[3]
    assert again[0].type is again[4].type


def test_ir_values_equal_but_printed_otherwise_are_not_shared() -> None:
    """`==` takes `True` for `1`, `0.0` for `-0.0` and a `Name` for the `str` it spells: such values
    stay apart, each read back with its own classes (a default printed `1` stays `1`)."""
    from generator.ir import Location, Parameter
    from generator.render.safe import Name

    def limit(default: Any, doc: str = "At most.") -> Parameter:
        return Parameter(
            "limit", Location.QUERY, Primitive(Kind.INTEGER), False, doc=doc, default=default
        )

    values = [limit(1), limit(True), limit(1.0), limit(0.0), limit(-0.0), limit(0)]
    values += [limit(0, Name("At_most")), limit(0, "At_most"), limit(True)]
    again = _round_trip(values)
    assert [(type(p.default), repr(p.default)) for p in again] == [
        (type(p.default), repr(p.default)) for p in values
    ]
    assert type(again[6].doc) is Name and type(again[7].doc) is str
    # the second `limit(True)` is equal to `limit(1)`, seen first, and not identical: kept apart too
    assert len({id(p) for p in again}) == len(values)


def test_the_values_shared_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    """A pickler remembers at most `sharing.MOST` distinct values (the writer's memory on
    graph-beta); values past that are written as ever and read back equal."""
    from generator.stage import sharing

    monkeypatch.setattr(sharing, "MOST", 2)
    values = [Primitive(kind) for kind in (Kind.STRING, Kind.INTEGER, Kind.BOOLEAN)] * 2
    again = _round_trip([Primitive(v.kind) for v in values])
    assert again == values
    assert again[0] is again[3] and again[1] is again[4] and again[2] is not again[5]


def test_an_ir_value_holding_a_dict_is_pickled_as_ever() -> None:
    """A value that cannot be a dict key (an example object) is not shared, and reads back equal."""
    from generator.ir import Location, Parameter

    def with_example() -> Parameter:
        return Parameter("q", Location.QUERY, Primitive(Kind.STRING), False, example={"a": [1]})

    first, second = _round_trip([with_example(), with_example()])
    assert first == second == with_example() and first is not second


def test_an_invalid_token_is_reported_as_without_the_cache(tmp_path: Path) -> None:
    """A prose edit that makes the JSON invalid: the snapshot proves nothing, the full path says so."""
    doc = _casebook()
    warm = _project(tmp_path / "warm", doc)
    _generate(warm, doc, full=True)
    _edit_summary(doc, "MARK")
    text = json.dumps(doc, indent=1).replace('"MARK"', '"bad \\q escape"')
    (warm / "casebook.json").write_text(text, encoding="utf-8")
    (target,), root = select_targets(["casebook"], warm)
    with pytest.raises(SpecError, match="invalid JSON"):
        pipeline.generate(target, root)


def test_refs_into_paths_or_out_of_the_document_leave_no_snapshot() -> None:
    doc: dict[str, Any] = {"paths": {"/a": {"get": {"summary": "s"}}}}
    prose, alone, aliased = stage_cache.prose_of(doc)
    assert prose == [("/paths/~1a/get", "summary", "s")] and alone and not aliased
    doc["paths"]["/b"] = {"$ref": "#/paths/~1a"}
    assert not stage_cache.prose_of(doc)[1]
    doc["paths"]["/b"] = {"$ref": "other.json#/paths/~1a"}
    assert not stage_cache.prose_of(doc)[1]
    doc["paths"]["/b"] = {"$ref": "#/components/pathItems/b"}
    assert stage_cache.prose_of(doc)[1]


def test_a_parameter_reached_from_elsewhere_is_aliased() -> None:
    """A component parameter used from `parameters` lists is not aliased; one a header (or anything
    else) `$ref`s, or whose parent is `$ref`ed, is: its description could be read as something else."""
    doc: dict[str, Any] = {
        "paths": {"/a": {"parameters": [{"$ref": "#/components/parameters/P"}]}},
        "components": {"parameters": {"P": {"name": "p", "in": "query"}}},
    }
    doc["paths"]["/a"]["get"] = {"parameters": [{"$ref": "#/components/parameters/P"}]}
    assert stage_cache.prose_of(doc)[2] == set()
    doc["paths"]["/a"]["get"]["responses"] = {
        "200": {"headers": {"X": {"$ref": "#/components/parameters/P"}}}
    }
    assert stage_cache.prose_of(doc)[2] == {"/components/parameters/P"}


def _api_with_a_parameter() -> Any:
    from generator.ir import Api, Location, Operation, Parameter

    param = Parameter(
        "q", Location.QUERY, Primitive("str"), False, doc="old", pointer="/components/parameters/Q"
    )
    op = Operation(
        id="x",
        method="get",
        path="/a",
        tags=(),
        summary="old",
        description="",
        parameters=(param,),
        body=None,
        responses=(),
        results=(),
        requires_auth=False,
        security=(),
        deprecated=False,
        pointer="/paths/~1a/get",
    )
    return Api("t", "1", "", (), (), {}, (op,), "3.1")


def test_only_an_operations_or_a_parameters_prose_is_patched() -> None:
    api = _api_with_a_parameter()
    change = stage_cache.Change
    done = stage_cache.patched(api, [change("/paths/~1a/get", "summary", "old", "  new \n")])
    assert done is not None and done.operations[0].summary == "new"  # as parse's `_text` makes it
    for where in ("/paths/~1a/get/parameters/0", "/components/schemas/A"):  # no such parameter
        assert stage_cache.patched(api, [change(where, "description", "", "d")]) is None
    assert stage_cache.patched(api, [change("/paths/~1b/get", "summary", "", "unknown")]) is None
    param = "/components/parameters/Q"
    done = stage_cache.patched(api, [change(param, "description", "old", " The query. ")])
    assert done is not None and done.operations[0].parameters[0].doc == "The query."
    for old, new in (("old", "The UUID"), ("A uuid", "Gone"), ("old", " ")):  # type or fallback
        assert stage_cache.patched(api, [change(param, "description", old, new)]) is None
    assert stage_cache.patched(api, [change(param, "summary", "", "not read by parse")]) is None
    for aliased in ({param}, {"/components/parameters"}, {"/components"}):
        assert stage_cache.patched(api, [change(param, "description", "a", "b")], aliased) is None
    assert stage_cache.patched(api, [change(param, "description", "a", "b")], {param + "x"})


# ---- the audit the stage cache rests on ---------------------------------------------------------------
READERS = {
    "render/apidoc_views.py",  # the edited operations' api.md docs (`Replay.docs`): made again
    "render/call_samples.py",  # the resource's test module, the edited operations' api.md docs
    "render/resource_views.py",  # the resource module's docstrings: rendered again
}


def _reads(rel: str, attrs: tuple[str, ...]) -> list[str]:
    """The attribute reads of `attrs` in generator module `rel`, as source text."""
    source = (GENERATOR / rel).read_text(encoding="utf-8")
    return sorted(
        ast.unparse(node)
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Attribute) and node.attr in attrs and isinstance(node.ctx, ast.Load)
    )


def test_no_stage_after_parse_reads_a_parameters_doc() -> None:
    """Shape, naming and the features read only model fields' `doc` (a cursor named in a field's
    description makes a paginator; JSON:API query fields keep theirs), never a parameter's: the
    parameter's description patched into the IR changes no structure, no name, no feature's facts."""
    found = {
        path.relative_to(GENERATOR).as_posix(): _reads(
            path.relative_to(GENERATOR).as_posix(), ("doc",)
        )
        for part in ("shape", "naming", "features")
        for path in sorted((GENERATOR / part).rglob("*.py"))
    }
    assert {rel: reads for rel, reads in found.items() if reads} == {
        "features/jsonapi.py": ["f.doc"],  # QueryField: from the model's field (jsonapi_analysis)
        "features/jsonapi_analysis.py": ["f.doc"],  # a Model's Field
        "shape/pagination/body.py": ["f.doc"],  # a Model's Field
    }


def test_types_modules_and_the_manifest_read_no_operation() -> None:
    """The modules a prose-only run takes from the module cache: the types modules' view code (the
    render modules `model_views` imports) never reaches an operation or a parameter, and the
    manifest (`operations.json`) reads no prose."""
    todo, seen = ["model_views"], set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        tree = ast.parse((GENERATOR / "render" / f"{name}.py").read_text(encoding="utf-8"))
        todo += [
            n.module
            for n in ast.walk(tree)
            if isinstance(n, ast.ImportFrom) and n.level == 1 and n.module
        ]
        assert _reads(f"render/{name}.py", ("operations", "parameters")) == [], name
    assert "model_views" in seen and "field_views" in seen
    assert _reads("render/manifest.py", ("doc", "summary", "description")) == []


def test_only_the_audited_modules_read_an_operations_prose() -> None:
    """`stage/cache.py` patches `Operation.summary`/`description` into the snapshot's IR and renders
    again only the files these modules feed; it reuses the names and the shape stage's result, so
    naming, shape and the features must not read the fields. A new reader fails here: check whether
    the files it feeds are rendered again in `stage.cache._touched`/`render.plan.Reuse` (and, for
    api.md's docs, left out of `Replay.docs`), then list it. (`getattr` with these names and `dataclasses.asdict` would escape the audit: none is used.)"""
    found = set()
    for path in sorted(GENERATOR.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        rel = path.relative_to(GENERATOR).as_posix()
        for node in ast.walk(ast.parse(source)):
            if (
                isinstance(node, ast.Attribute)
                and node.attr in ("summary", "description")
                and isinstance(node.ctx, ast.Load)
            ):
                found.add(rel)
            if rel.split("/")[0] in ("render", "naming", "shape", "features"):
                assert not (isinstance(node, ast.Name) and node.id in ("asdict", "astuple")), rel
                assert not (
                    isinstance(node, ast.Constant) and node.value in ("summary", "description")
                ), rel
    assert found == READERS


@pytest.mark.slow  # five generations of Casebook
def test_a_parameters_description_is_patched_unless_it_decides_the_type(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`PageSize` is a component parameter many operations share; "UUID" in a string parameter's
    description types it as a UUID, and a blank one falls back to its schema's: the full path."""
    doc = _casebook()
    warm = _project(tmp_path / "warm", doc)
    _generate(warm, doc, full=True)
    page_size = doc["components"]["parameters"]["PageSize"]
    page_size["description"] = "Up to 100 per page."
    result = _generate(warm, doc)
    assert result.replayed and len(result.diff.changed) > 3  # several resources use it
    assert read_tree(warm / "generated" / "casebook") == _full_tree(tmp_path, doc, monkeypatch)
    for text in ("A page of UUIDs.", "  "):
        page_size["description"] = text
        assert not _generate(warm, doc).replayed, text
    page_size["description"] = "Back to words."
    assert _generate(warm, doc).replayed


def test_only_the_api_holds_operations() -> None:
    """The patch replaces operations in `Api.operations`; an IR field elsewhere holding the same
    objects would keep the old prose. (Distinct copies are caught when the snapshot is written: it
    counts the operations it pickles.)"""
    import dataclasses

    from generator import ir

    holders = sorted(
        f"{cls.__name__}.{f.name}"
        for cls in vars(ir).values()
        if isinstance(cls, type) and dataclasses.is_dataclass(cls)
        for f in dataclasses.fields(cls)
        if "Operation" in str(f.type)
    )
    assert holders == ["Api.operations"]


@pytest.mark.slow  # four generations of Casebook
def test_a_yaml_spec_is_served_from_its_parsed_document(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """YAML has no text scan: the document is parsed and compared with its prose emptied."""
    text = (REPO / "specs" / "casebook" / "openapi.yml").read_text(encoding="utf-8")
    assert text.count("summary: List people\n") == 1

    def project(name: str, spec_text: str) -> tuple[Any, Path | None, Path]:
        folder = _project(tmp_path / name, {})
        pyproject = folder / "pyproject.toml"
        pyproject.write_text(
            pyproject.read_text(encoding="utf-8").replace("casebook.json", "casebook.yml"),
            encoding="utf-8",
        )
        (folder / "casebook.yml").write_text(spec_text, encoding="utf-8")
        (target,), root = select_targets(["casebook"], folder)
        return target, root, folder

    target, root, warm = project("warm", text)
    assert not pipeline.generate(target, root, full=True).replayed
    edited = text.replace("summary: List people\n", "summary: List all people\n")
    (warm / "casebook.yml").write_text(edited, encoding="utf-8")
    assert pipeline.generate(target, root).replayed
    with monkeypatch.context() as off:
        off.setenv("CLIENTGEN_CACHE", "off")
        cold_target, cold_root, cold = project("cold", edited)
        pipeline.generate(cold_target, cold_root, full=True)
    assert read_tree(warm / "generated" / "casebook") == read_tree(cold / "generated" / "casebook")
    structural = text.replace(
        "summary: List people\n", "summary: List people\n      deprecated: true\n"
    )
    (warm / "casebook.yml").write_text(structural, encoding="utf-8")
    assert not pipeline.generate(target, root).replayed  # structure: the full path


@pytest.mark.slow  # three generations of Casebook
def test_check_after_a_prose_edit_renders_from_the_snapshot(tmp_path: Path) -> None:
    """`check` answers what the spec produces from the stage cache too (reading, never writing it):
    the same files, by bytes, as its full rendering, and the same stale list."""
    doc = _casebook()
    warm = _project(tmp_path / "warm", doc)
    _generate(warm, doc, full=True)
    snapshot = _snapshot(warm).read_bytes()
    _edit_summary(doc)
    (warm / "casebook.json").write_text(json.dumps(doc, indent=1), encoding="utf-8")
    (target,), root = select_targets(["casebook"], warm)
    fast = pipeline.check(target, root)
    full = pipeline.check(target, root, full=True)
    assert fast.replayed and not full.replayed
    assert fast.rendered == full.rendered and fast.diff.stale == full.diff.stale != []
    assert _snapshot(warm).read_bytes() == snapshot  # check writes nothing


@pytest.mark.slow  # three generations of CaseXchange: ~3 s
def test_a_summary_edit_drafts_only_the_edited_resource(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """README.md and api.md take every other operation's parts from the snapshot (api.md's doc,
    the README's example part): no other resource's methods are drafted, and the snapshot's pieces
    of schemas they would reach are not read. (Casebook's JSON:API feature looks at every method,
    so CaseXchange, whose features do not.)"""
    spec = yaml.safe_load((REPO / "specs" / "casexchange" / "openapi.yml").read_text("utf-8"))

    def generate(folder: Path, full: bool = False) -> pipeline.TargetResult:
        (target,), root = select_targets(["casexchange"], folder)
        return pipeline.generate(target, root, full=full)

    warm = _project(tmp_path / "warm", spec, "casexchange")
    generate(warm, full=True)
    drafted: list[str] = []
    real = drafts.draft_resource

    def recording(api: Any, names: Any, resource: Any, *rest: Any) -> Any:
        drafted.append(resource.access)
        return real(api, names, resource, *rest)

    monkeypatch.setattr(drafts, "draft_resource", recording)
    loaded: list[Any] = []
    real_load = stage_cache.load
    monkeypatch.setattr(stage_cache, "load", lambda *a: loaded.append(real_load(*a)) or loaded[-1])
    spec["paths"]["/referrals/{id}"]["get"]["summary"] = "Fetch one referral (edited)"
    (warm / "casexchange.json").write_text(json.dumps(spec, indent=1), encoding="utf-8")
    result = generate(warm)
    assert result.replayed
    assert drafted == ["referrals"]
    # and of the IR's schemas only the pieces that resource's operations reach were read
    schemas = loaded[0].api.schemas
    assert 0 < len(schemas.read) < len(schemas.spans) / 4
    assert {"README.md", "api.md", "src/casexchange/resources/referrals.py"} <= set(
        result.diff.changed
    )
    monkeypatch.setattr(drafts, "draft_resource", real)
    with monkeypatch.context() as off:
        off.setenv("CLIENTGEN_CACHE", "off")
        cold = _project(tmp_path / "cold", spec, "casexchange")
        generate(cold, full=True)
    assert read_tree(warm / "generated" / "casexchange") == read_tree(
        cold / "generated" / "casexchange"
    )


def test_a_summary_edit_imports_neither_pydantic_nor_the_parser(pets_project: Path) -> None:
    """The CLI regenerates a prose-only edit from the snapshot through the configuration's cached
    reading (`pipeline.generate_replayed`): without the configuration's pydantic models, the
    loader (yaml) and the validation (openapi-pydantic), the shape stage or importlib.metadata;
    without click (`quick.py` answers before the commands) and the features that do not apply."""
    from tests.cli.test_fast_answers import _run

    spec = yaml.safe_load((pets_project / "pets.yml").read_text(encoding="utf-8"))
    (pets_project / "pets.json").write_text(json.dumps(spec, indent=1), encoding="utf-8")
    project = pets_project / "pyproject.toml"
    project.write_text(project.read_text().replace('"pets.yml"', '"pets.json"'))
    code, first = _run(pets_project, "generate")
    assert code == 0 and "generator.render.plan" in first  # it rendered
    path, method = next(
        (p, m) for p, item in spec["paths"].items() for m in item if m in ("get", "post")
    )
    spec["paths"][path][method]["summary"] = "Edited, and only that."
    (pets_project / "pets.json").write_text(json.dumps(spec, indent=1), encoding="utf-8")
    code, modules = _run(pets_project, "generate")
    assert code == 0 and "generator.stage.replay" in modules and "generator.render.plan" in modules
    heavy = {
        m for m in modules if m.startswith(("pydantic", "openapi_pydantic", "importlib.metadata"))
    }
    heavy |= {
        m for m in modules if m.startswith(("generator.config", "generator.shape.pagination"))
    }
    heavy |= {"generator.shape.stage", "generator.validate", "generator.load", "yaml"} & modules
    # `quick.py` answers: neither click nor the commands
    heavy |= {m for m in modules if m == "click" or m.startswith("generator.commands")}
    assert not heavy, sorted(heavy)
    assert "Edited, and only that." in (pets_project / "generated" / "pets" / "api.md").read_text()
    # of the feature modules, only those the full run found active (`features.active`, kept in
    # the snapshot), and what they import
    features = {m.rsplit(".", 1)[1] for m in first if m.startswith("generator.features.")}
    assert set(NAMES) <= features  # the full run asked every feature
    path = _snapshot(pets_project)
    key = path.read_bytes()[len(stage_cache.MAGIC) : len(stage_cache.MAGIC) + 32]
    snapshot = stage_cache.load(path, key)
    assert snapshot is not None
    imported = {m.rsplit(".", 1)[1] for m in modules if m.startswith("generator.features.")}
    assert imported & set(NAMES) == set(snapshot.features), sorted(imported)
    assert set(NAMES) - set(snapshot.features)  # (the pets spec leaves some inactive)


@pytest.mark.parametrize("entry", ["commands", "console script"])
def test_a_prose_edit_and_a_structural_one_in_one_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, entry: str
) -> None:
    """Two targets: the first's summary edit is regenerated from its snapshot before the
    configuration is read properly, the second's structural edit then needs the full command —
    which writes the second and does not redo the first; both are reported. The console script
    (`cli.main`) first asks `quick.answer`, which hands what it wrote to the commands."""
    import contextlib
    import io

    from click.testing import CliRunner

    from generator import commands, quick
    from generator.cli import cli
    from tests.conftest import FIXTURES, PETS_PROJECT

    spec = yaml.safe_load((FIXTURES / "specs" / "petstore_31.yml").read_text(encoding="utf-8"))
    other = PETS_PROJECT.replace("pets]", "zoo]").replace('"pets.yml"', '"zoo.json"')
    other = other.replace('"generated/pets"', '"generated/zoo"').replace('"pets"', '"zoo"')
    table = PETS_PROJECT.replace('"pets.yml"', '"pets.json"') + other
    (tmp_path / "pyproject.toml").write_text(table, encoding="utf-8")
    monkeypatch.chdir(tmp_path)

    def write(name: str, doc: dict[str, Any]) -> None:
        (tmp_path / f"{name}.json").write_text(json.dumps(doc, indent=1), encoding="utf-8")

    def generate() -> str:
        if entry == "commands":
            result = CliRunner().invoke(cli, ["generate"], catch_exceptions=False)
            assert result.exit_code == 0, result.output
            stage_writer.wait()
            return result.output
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):  # `cli.main` without its `quick.leave`
            done: dict[str, Any] = {}
            if quick.answer(["generate"], done) is None:
                commands.run(done, ["generate"])
        stage_writer.wait()
        return printed.getvalue()

    write("pets", spec)
    write("zoo", spec)
    generate()
    path, method = next(
        (p, m) for p, item in spec["paths"].items() for m in item if m in ("get", "post")
    )
    spec["paths"][path][method]["summary"] = "Edited prose."
    write("pets", spec)
    zoo = json.loads(json.dumps(spec))
    zoo["paths"]["/added"] = {"get": {"operationId": "addedOne", "responses": {"204": {}}}}
    write("zoo", zoo)
    replays: list[str] = []
    real = pipeline.generate_replayed

    def recording(target: Any, root: Any) -> Any:
        result = real(target, root)
        replays.append(f"{target.name}: {'replayed' if result is not None else 'not replayed'}")
        return result

    monkeypatch.setattr(pipeline, "generate_replayed", recording)
    output = generate()
    assert replays == ["pets: replayed", "zoo: not replayed"]
    assert output.count("files written") == 2 and "pets: generated" in output
    assert "fast path" not in output  # pets reported as replayed, not answered again as unchanged
    assert "Edited prose." in (tmp_path / "generated" / "pets" / "api.md").read_text()
    assert "GET /added" in (tmp_path / "generated" / "zoo" / "api.md").read_text()
    assert "fast path" in generate()  # both written as the spec says: nothing to do
