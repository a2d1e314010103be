"""Streaming render (issue 18, graph-beta's memory): each file is staged as soon as it is rendered,
and the finished package is read back one file at a time. These tests assert the mechanism (what is
held, in what order things happen), never memory figures or timings."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from generator import pipeline, staging
from generator.config import adhoc_target
from generator.diagnostics import SpecError, fatal
from generator.features import FEATURES
from generator.render import environment, plan
from generator.write import read_tree
from tests.conftest import FIXTURES

PETS = FIXTURES / "specs" / "petstore_31.yml"


def _target(tmp_path: Path, out: str = "out") -> Any:
    spec = tmp_path / "pets.yml"
    spec.write_text(PETS.read_text())
    return adhoc_target(str(spec), str(tmp_path / out), "pets", "Pets")


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
    reads: list[str] = []
    real_get = staging._get

    def get(path: str) -> bytes:
        reads.append(path)
        return real_get(path)

    monkeypatch.setattr(staging, "_get", get)
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
    again = pipeline.prepare(_target(tmp_path))[1]  # the non-streaming path: the same bytes
    assert again == out


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
