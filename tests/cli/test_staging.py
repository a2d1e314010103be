"""Streaming render (issue 18, graph-beta's memory): each file is staged as soon as it is rendered,
and the finished package is read back one file at a time. These tests assert the mechanism (what is
held, in what order things happen), never memory figures or timings."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from generator import pipeline, provenance, staging
from generator.config import adhoc_target
from generator.diagnostics import SpecError, fatal
from generator.features import FEATURES
from generator.progress import SILENT
from generator.render import environment, gather, plan
from generator.write import build_package, read_tree
from tests.conftest import FIXTURES

PETS = FIXTURES / "specs" / "petstore_31.yml"


def _target(tmp_path: Path, out: str = "out") -> Any:
    spec = tmp_path / "pets.yml"
    spec.write_text(PETS.read_text())
    return adhoc_target(str(spec), str(tmp_path / out), "pets", "Pets")


def _spied_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The staged files read whole (`staging._read`), in order."""
    reads: list[str] = []
    real_read = staging._read

    def read(path: str) -> bytes:
        reads.append(path)
        return real_read(path)

    monkeypatch.setattr(staging, "_read", read)
    return reads


def test_a_file_is_handed_on_before_the_next_is_rendered(
    build: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """plan_files with `emit` renders a template, hands its text on, and only then renders the next:
    at most one rendered text is pending at any time, and none is kept in the returned dict."""
    import yaml

    api, sink = build(yaml.safe_load(PETS.read_text()))
    events: list[str] = []
    real = plan.render

    def render(template: str, **kw: Any) -> str:
        events.append("render")
        return real(template, **kw)

    monkeypatch.setattr(plan, "render", render)
    monkeypatch.setattr(gather, "render", render)  # the test modules, rendered beside the resources
    monkeypatch.setattr(environment, "PIECE_CHUNKS", 5)  # api.md in many pieces
    emitted: dict[str, str] = {}
    pieces: dict[str, list[str]] = {}

    def emit(rel: str, text: str | list[str]) -> None:
        events.append("emit")
        emitted[rel] = text if isinstance(text, str) else "".join(text)
        if isinstance(text, list):
            pieces[rel] = text

    kept, _ = plan.plan_files(api, sink, features=FEATURES, emit=emit)
    assert kept == {}
    assert events.count("render") > 10
    pending = 0
    for event in events:
        pending += 1 if event == "render" else -1
        assert pending <= 1, "a second template was rendered before the first text was handed on"
    monkeypatch.undo()
    collected, _ = plan.plan_files(api, sink, features=FEATURES)
    assert collected == emitted  # the same files, with or without `emit`, in pieces or whole
    assert collected["api.md"] == environment.render("package/api.md.jinja", doc=_docs(api, sink))
    assert len(pieces["api.md"]) > 3 and len(pieces["operations.json"]) > 3
    assert all(p.endswith("\n") for p in pieces["api.md"][:-1])  # pieces end at line ends


def _docs(api: Any, sink: Any) -> Any:
    """api.md's view, as `plan_files` builds it (the spec has no features that add to it)."""
    from generator.naming.plan import op_key, plan_names
    from generator.render.apidoc_views import api_doc
    from generator.render.resource_views import draft_resource

    names = plan_names(api, sink, [])
    by_resource: dict[str, list[Any]] = {}
    for op in api.operations:
        by_resource.setdefault(names.op_resource[op_key(op)], []).append(op)
    methods = {
        op_key(op): m
        for tag, ops in by_resource.items()
        for op, m in zip(
            ops, draft_resource(api, names, names.resources[tag], ops, ()).methods, strict=True
        )
    }
    return api_doc(api, names, by_resource, methods, {}, "openapi.yml")


def test_planned_records_what_later_files_need() -> None:
    seen: list[str] = []
    files = plan.Planned(lambda rel, text: seen.append(rel))
    files.add("src/p/types/a.py", "from typing_extensions import TypeAliasType\n")
    files.add("src/p/_client.py", "from ._base_client import X\nfrom . import _http, _json\n")
    assert seen == ["src/p/types/a.py", "src/p/_client.py"] and files.texts == {}
    assert files.typing_extensions and files.imported == {"_base_client", "_http", "_json"}
    assert not plan.Planned().typing_extensions
    with pytest.raises(ValueError, match="planned twice"):
        files.add("src/p/_client.py", "")
    kept = plan.Planned()  # a text in pieces: each scanned, kept joined
    kept.add("operations.json", ["[\n", '  "from ._x import y"\n', "]\n"])
    kept.add("src/p/_y.py", ["x = 1\n", "from ._auth import A\n"])
    assert kept.texts["operations.json"] == '[\n  "from ._x import y"\n]\n'
    assert kept.imported == {"_auth"}


def test_generate_stages_each_file_while_rendering(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every file is on disk in the staging folder when `add` returns (the text is not kept), the
    package's bytes are read back lazily, and the staging folder is gone afterwards."""
    target = _target(tmp_path)
    staged: list[str] = []
    folders: list[str] = []
    real_add = staging.Staging.add

    def add(self: staging.Staging, rel: str, text: str | bytes) -> None:
        real_add(self, rel, text)
        where = self.data if isinstance(text, (bytes, tuple)) else self.tree
        assert os.path.isfile(os.path.join(where, rel))
        staged.append(rel)
        folders.append(os.path.dirname(self.tree))

    monkeypatch.setattr(staging.Staging, "add", add)
    reads = _spied_reads(monkeypatch)
    monkeypatch.setattr(staging, "HOLD_UP_TO", 0)  # a large package's: nothing held till written
    monkeypatch.setattr(staging, "DATA_HELD_UP_TO", 0)  # (its spec's copy staged too)
    trees: list[staging.StagedTree] = []
    real_finish = staging.Staging.finish

    def finish(self: staging.Staging, *args: Any) -> staging.StagedTree:
        tree = real_finish(self, *args)
        assert tree._held.keys() == {"GENERATION.toml"}  # no module cache: nothing else held
        large = tree._large  # no module cache: the large files hashed a piece at a time
        assert sorted(reads) == sorted(
            os.path.join(folders[0], "tree", rel) for rel in staged if rel not in large
        )
        reads.clear()
        trees.append(tree)
        return tree

    monkeypatch.setattr(staging.Staging, "finish", finish)
    streamed: list[str] = []
    real_chunks = staging.StagedTree.chunks

    def chunks(self: staging.StagedTree, rel: str) -> Any:
        streamed.append(rel)
        return real_chunks(self, rel)

    monkeypatch.setattr(staging.StagedTree, "chunks", chunks)
    monkeypatch.setattr(staging, "READ_CHUNK", 2000)  # larger files: staged and read in pieces
    result = pipeline.generate(target, full=True)
    assert staged and sorted([*staged, "GENERATION.toml"]) == sorted(result.diff.added)
    assert "openapi.yml" in staged and set(trees[0]) == set(staged) | {"GENERATION.toml"}
    large = trees[0]._large
    assert large and "openapi.yml" in large and set(large) < set(staged)
    assert sorted(reads) == sorted(  # written: the small files read whole, the large in pieces
        os.path.join(folders[0], "tree", rel) for rel in staged if rel not in large
    )
    assert sorted(streamed) == sorted([*staged, "GENERATION.toml"])
    assert not os.path.exists(folders[0])
    out = read_tree(tmp_path / "out")
    monkeypatch.undo()
    target = _target(tmp_path)  # the non-streaming path (a dict of texts): the same bytes
    _, files, prov = pipeline._render(target, None, SILENT)
    assert build_package(files, prov, Path(target.output)) == out


def test_a_small_package_is_read_back_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Up to `HOLD_UP_TO` characters of staged texts, `finish` keeps the formatted bytes it reads
    for their digests, and writing takes them from there: each staged file is read once (the
    large ones a piece at a time, as always), and the package is the same."""
    reads = _spied_reads(monkeypatch)
    trees: list[staging.StagedTree] = []
    real_finish = staging.Staging.finish

    def finish(self: staging.Staging, *args: Any) -> staging.StagedTree:
        trees.append(real_finish(self, *args))
        return trees[-1]

    monkeypatch.setattr(staging.Staging, "finish", finish)
    pipeline.generate(_target(tmp_path), full=True)
    texts = {rel for rel in trees[0] if rel not in trees[0]._large} - {"openapi.yml"}
    assert trees[0]._held.keys() == texts  # the texts' bytes (and GENERATION.toml)
    # each read once (GENERATION.toml is held, never read); the spec's copy is held as it was
    # given, never staged nor read back
    assert len(reads) == len(set(reads)) == len(texts) - 1
    assert not any(path.endswith("openapi.yml") for path in reads)
    assert trees[0]._parts.keys() == {"openapi.yml"} and "openapi.yml" not in trees[0]._paths
    held = read_tree(tmp_path / "out")
    monkeypatch.setattr(staging, "HOLD_UP_TO", 0)  # the same package, read again when written
    (tmp_path / "b").mkdir()
    pipeline.generate(_target(tmp_path / "b"), full=True)
    assert trees[1]._held.keys() == {"GENERATION.toml"}
    assert read_tree(tmp_path / "b" / "out") == held


def test_a_failure_while_rendering_leaves_no_staging_folder_and_no_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = _target(tmp_path)
    opened: list[str] = []
    real_add = staging.Staging.add

    def add(self: staging.Staging, rel: str, text: str | bytes) -> None:
        opened.append(os.path.dirname(self.tree))
        if len(opened) == 5:
            raise fatal("boom", "a failure half-way through rendering")
        real_add(self, rel, text)

    monkeypatch.setattr(staging.Staging, "add", add)
    with pytest.raises(SpecError):
        pipeline.generate(target, full=True)
    assert opened and not os.path.exists(opened[0])
    assert not (tmp_path / "out").exists()


def test_a_folder_not_made_by_clientgen_is_refused_before_rendering(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = _target(tmp_path)
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "notes.txt").write_text("mine")

    def fail(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("rendered into a folder it must not touch")

    monkeypatch.setattr(plan, "plan_files", fail)
    with pytest.raises(SpecError) as exc:
        pipeline.generate(target, full=True)
    assert exc.value.diagnostic.code == "output-not-generated"
    assert (tmp_path / "out" / "notes.txt").read_text() == "mine"


def test_the_naming_caches_are_emptied_before_the_views_are_built(
    build: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import yaml

    from generator import pointer
    from generator.naming import routes, rules
    from generator.render import drafts

    api, sink = build(yaml.safe_load(PETS.read_text()))
    sizes: list[int] = []
    real = drafts.draft_resource

    def draft(*args: Any) -> Any:
        caches = (rules.words, rules.singular, routes.segments, pointer.split)
        sizes.append(sum(c.cache_info().currsize for c in caches))
        return real(*args)

    monkeypatch.setattr(drafts, "draft_resource", draft)
    plan.plan_files(api, sink, features=FEATURES)
    assert sizes and sizes[0] == 0
    assert rules.words("petId") == ("pet", "id")  # still works, filled again on use


def test_the_document_is_let_go_before_the_model_is_built(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Parse reads only the document's key-sorted copy (`parse.canonical`): `generate` makes the
    copy, lets the document go (and the validation's hold on it), then builds the IR from the copy,
    which is the IR built from the document."""
    import generator.parse as parse_package
    from generator.load import load_spec
    from generator.parse.canonical import Canonical

    seen: list[tuple[dict[str, Any], Any]] = []
    real = parse_package.build_api

    def build_api(spec: Any, sink: Any, canonical: Any = None) -> Any:
        seen.append((spec.document, canonical))
        return real(spec, sink, canonical)

    monkeypatch.setattr(parse_package, "build_api", build_api)
    target = _target(tmp_path)
    pipeline.generate(target, full=True)
    assert len(seen) == 1
    document, canonical = seen[0]
    assert document == {} and canonical is not None
    loaded = load_spec(Path(target.spec), pipeline.DiagnosticSink())
    assert canonical.document == Canonical(loaded.document).document
    monkeypatch.undo()
    assert real(loaded, pipeline.DiagnosticSink(), canonical) == real(
        loaded, pipeline.DiagnosticSink()
    )


def test_with_the_projects_caches_each_file_is_staged_as_rendered_too(
    pets_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`generate` in a project (module and stage caches on) hands each file to the staging folder as
    it is rendered, as without caches; a second full run finds every text in the module cache:
    nothing but the spec's copy is staged, the bytes are read from the cache when written, and the
    stage cache's snapshot (noted as the files were staged) serves a prose-only edit."""
    from generator.config import select_targets
    from generator.stage import writer as stage_writer

    (target,), root = select_targets(["pets"], pets_project)
    emitted: list[bool] = []
    real_plan = plan.plan_files

    def plan_files(*args: Any, **kwargs: Any) -> Any:
        emitted.append(kwargs.get("emit") is not None)
        return real_plan(*args, **kwargs)

    monkeypatch.setattr(plan, "plan_files", plan_files)
    first = pipeline.generate(target, root, full=True)
    assert emitted == [True] and first.diff.added
    assert list((pets_project / ".cache" / "clientgen" / "modules").iterdir())
    stage_writer.wait()
    stagings: list[staging.Staging] = []
    real_finish = staging.Staging.finish

    def finish(self: staging.Staging, *args: Any) -> staging.StagedTree:
        stagings.append(self)
        return real_finish(self, *args)

    monkeypatch.setattr(staging.Staging, "finish", finish)
    again = pipeline.generate(target, root, full=True)
    assert emitted == [True, True] and not again.diff.changed and not again.diff.added
    [done] = stagings
    assert done.staged == 1 and list(done._data) == ["openapi.yml"]  # the texts: all known
    assert len(done._known) == len(first.diff.added) - 2  # all but the copy and GENERATION.toml
    monkeypatch.undo()
    stage_writer.wait()
    spec = pets_project / "pets.yml"
    spec.write_text(spec.read_text().replace("summary: List pets", "summary: List the pets"))
    edited = pipeline.generate(target, root)
    assert edited.replayed and edited.diff.changed


def test_the_module_cache_holds_no_entry_in_memory(tmp_path: Path) -> None:
    """Entries are read from the cache file and written to a spill file an entry at a time: what
    the cache keeps per entry is where its bytes are; saved, reloaded, the bytes are the same, a
    large entry's key is the key of its bytes whole."""
    import hashlib

    from generator.memo import Memo

    path = tmp_path / "modules" / "m.bin"
    memo = Memo(path, "salt")
    small, large = b"x = 1\n", [b"# a\n" * 1000, b"# b\n" * 1000]
    key_small = memo.text_key("a.py", small)
    memo.put(key_small, small)
    staged = tmp_path / "big.md"
    staged.write_bytes(b"".join(large))
    key_large = memo.file_key("big.md", str(staged))
    assert key_large == memo.text_key("big.md", b"".join(large))
    memo.put_parts(key_large, iter(large))
    assert all(not isinstance(where, bytes) for where in memo._new.values())
    assert memo.read(key_large) == b"".join(large)
    assert memo.sha256(key_large) == hashlib.sha256(b"".join(large)).digest()
    memo.save()
    again = Memo(path, "salt")
    assert again.get(key_small) == small and again.get(key_large) == b"".join(large)
    assert again._old is not None and not any(isinstance(v, bytes) for v in again._old.values())
    again.save()  # the same entries: nothing to write
    third = Memo(path, "salt")
    assert third.get(key_large) == b"".join(large)
    third.save()  # only the entry this run used is kept
    assert Memo(path, "salt").get(key_small) is None


def test_the_module_cache_is_saved_a_piece_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Saving copies each entry from the spill file in pieces (graph-beta's largest are ≈ 30 MB):
    no read is larger than a piece, and the saved entries read back whole; a spill file shorter
    than its index leaves the old cache and no temporary file."""
    from generator import memo as memo_module

    monkeypatch.setattr(memo_module, "_PIECE", 1000)
    reads: list[int] = []
    real_read = memo_module._read

    def read(file: Any, offset: int, size: int) -> bytes:
        reads.append(size)
        return real_read(file, offset, size)

    monkeypatch.setattr(memo_module, "_read", read)
    path = tmp_path / "modules" / "m.bin"
    memo = memo_module.Memo(path, "salt")
    large, small = b"".join(b"%06d\n" % i for i in range(1000)), b"x = 1\n"
    memo.put(key_large := memo.text_key("big.md", large), large)
    memo.put(key_small := memo.text_key("a.py", small), small)
    memo.save()
    assert reads and max(reads) <= 1000 and sum(reads) == len(large) + len(small)
    again = memo_module.Memo(path, "salt")
    assert again.get(key_large) == large and again.get(key_small) == small
    before = path.read_bytes()
    third = memo_module.Memo(path, "salt")
    third.put(third.text_key("b.py", small), small)
    third.get(key_large)
    monkeypatch.setattr(memo_module, "_read", lambda file, offset, size: real_read(file, offset, 1))
    third.save()
    assert path.read_bytes() == before and [p.name for p in path.parent.iterdir()] == ["m.bin"]


@pytest.mark.parametrize(
    ("rel", "inside"),
    [
        ("src/pkg/_client.py", True),
        ("a/./b.py", True),
        ("a//b.py", True),
        ("README.md", True),
        ("", False),
        (".", False),
        ("./", False),
        ("/etc/passwd", False),
        ("a/../../b", False),
        ("..", False),
        ("a\\b.py", False),
    ],
)
def test_only_paths_inside_the_output_folder_are_staged(rel: str, inside: bool) -> None:
    from generator.write import _check_relative

    if inside:
        _check_relative([rel])
    else:
        with pytest.raises(SpecError, match="bad-output-path|not a path inside"):
            _check_relative([rel])


def test_a_text_in_pieces_is_keyed_in_memory_up_to_a_size(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A text handed on in pieces (`operations.json`, GitHub's 1.2 M characters) is joined and
    keyed as a whole text is — the key of the bytes it stages, which `Memo.file_key` reads back
    from a file — not staged in pieces and read back for its key; above `JOINED_UP_TO` it is."""
    from generator.memo import Memo

    pieces = ['{\n  "operations": [\n    {"a": 1}', ',\n    {"b": 2}\n  ]\n}\n']
    read_back: list[str] = []
    real_file_key = Memo.file_key

    def file_key(self: Memo, rel: str, path: str) -> bytes:
        read_back.append(rel)
        return real_file_key(self, rel, path)

    monkeypatch.setattr(Memo, "file_key", file_key)
    for limit, large in ((staging.JOINED_UP_TO, False), (1, True)):
        monkeypatch.setattr(staging, "JOINED_UP_TO", limit)
        memo = Memo(tmp_path / f"m{limit}.bin", "salt")
        with staging.Staging.open(tmp_path / f"out{limit}", None, memo, 100) as st:
            st.add("operations.json", pieces)
            assert ("operations.json" in st._large) is large
            assert read_back == (["operations.json"] if large else [])
            staged = os.path.join(st.tree, "operations.json")
            assert st._texts["operations.json"] == real_file_key(memo, "operations.json", staged)
            tree = st.finish(provenance.current("x", "0" * 64, "c"))
            assert tree["operations.json"].endswith("".join(pieces).encode())
        read_back.clear()
