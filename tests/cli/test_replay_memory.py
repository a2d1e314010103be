"""A prose-only replay's memory (issue 18, graph-beta): `generate`'s replay hands each file to the
staging folder as it is rendered (the spec's copy before the snapshot is loaded) and holds none of
them after; the snapshot's prose is compared a piece at a time and let go; the modules' import stubs
are shared; `check` stages as `generate` does and compares a file at a time; `fetch --update`
(`pipeline.take`) stages too. The output is a full run's byte for byte."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from generator import checked, pipeline, staging
from generator.config import select_targets
from generator.ownership import ownership
from generator.render import plan
from generator.stage import cache as stage_cache
from generator.stage import replay, snapshot
from generator.write import compare, read_tree
from tests.cli.test_incremental import _project
from tests.cli.test_stage_cache import (
    _casebook,
    _edit_summary,
    _full_tree,
    _generate,
    _key_of,
    _snapshot,
)


@pytest.mark.slow  # three generations of Casebook: 1–2 s
def test_the_replay_stages_each_file_as_it_is_rendered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`plan_files` hands every file to the staging folder (`emit`): api.md is staged before the
    README is rendered, and what the replay returns holds no file."""
    doc = _casebook()
    warm = _project(tmp_path / "warm", doc)
    _generate(warm, doc, full=True)
    events: list[str] = []
    returned: list[Any] = []
    real_add, real_known = staging.Staging.add, staging.Staging.add_known
    real_render, real_replay, real_load = plan.render, replay._replay, stage_cache.load

    def add(self: Any, rel: str, text: Any) -> None:
        events.append(f"staged {rel}")
        real_add(self, rel, text)

    def add_known(self: Any, rel: str, key: bytes) -> None:
        events.append(f"known {rel}")
        real_known(self, rel, key)

    def render(template: str, **context: Any) -> str:
        events.append(f"rendered {template}")
        return real_render(template, **context)

    def load(*args: Any) -> Any:
        events.append("loaded the snapshot")
        return real_load(*args)

    def replayed(*args: Any) -> Any:
        again = real_replay(*args)
        returned.append(again)
        return again

    monkeypatch.setattr(staging.Staging, "add", add)
    monkeypatch.setattr(staging.Staging, "add_known", add_known)
    monkeypatch.setattr(plan, "render", render)
    monkeypatch.setattr(replay, "_replay", replayed)
    monkeypatch.setattr(stage_cache, "load", load)
    _edit_summary(doc)
    result = _generate(warm, doc)
    assert result.replayed
    (again,) = returned  # every file staged: what the replay returns has no field for any
    assert sorted(vars(again)) == ["api", "classes", "diagnostics", "prov", "rekey"]
    assert again.rekey is None  # (a prose replay leaves the snapshot as it is)
    assert events.index("staged api.md") < events.index("rendered package/README.md.jinja")
    assert events.index("known src/casebook/types/__init__.py") < events.index(
        "rendered package/README.md.jinja"
    )
    # the spec's copy staged (and its bytes let go) before the snapshot is loaded
    assert events.index("staged openapi.json") < events.index("loaded the snapshot")
    staged = [e.split(" ", 1)[1] for e in events if e.startswith(("staged", "known"))]
    assert len(staged) == len(set(staged))
    monkeypatch.undo()
    assert read_tree(warm / "generated" / "casebook") == _full_tree(tmp_path, doc, monkeypatch)


@pytest.mark.slow  # one generation of Casebook: < 1 s
def test_the_snapshots_prose_is_compared_a_piece_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The prose's places, offsets and tokens are pieces of the file beside the index: a replay's
    `load` hands each to its check and keeps none; without a check they are read whole."""
    monkeypatch.setattr(snapshot, "_PROSE", 7)
    doc = _casebook()
    warm = _project(tmp_path / "warm", doc)
    _generate(warm, doc, full=True)
    path, key = _snapshot(warm), _key_of(warm)
    whole = snapshot.load(path, key)
    assert whole is not None and len(whole.tokens) > 3 * 7
    assert len(whole.places) == len(whole.offsets) == len(whole.tokens)
    seen: list[tuple[int, int]] = []

    def check(at: int, places: Any, offsets: list[int], tokens: list[str]) -> bool:
        assert places == whole.places[at : at + len(tokens)]
        assert offsets == whole.offsets[at : at + len(tokens)]
        assert tokens == whole.tokens[at : at + len(tokens)]
        seen.append((at, len(tokens)))
        return True

    lean = snapshot.load(path, key, check)
    assert lean is not None and lean.places == lean.offsets == lean.tokens == []
    assert [at for at, _ in seen] == list(range(0, len(whole.tokens), 7))
    assert all(n == 7 for _, n in seen[:-1]) and sum(n for _, n in seen) == len(whole.tokens)
    assert snapshot.load(path, key, lambda *a: False) is None  # a check that says no: no snapshot


@pytest.mark.slow  # one generation of Casebook: < 1 s
def test_the_modules_share_a_few_import_stubs(tmp_path: Path) -> None:
    """A module's stub is one line per `_` module it imports (and the typing_extensions line):
    modules that import the same share one copy in the snapshot."""
    doc = _casebook()
    warm = _project(tmp_path / "warm", doc)
    _generate(warm, doc, full=True)
    loaded = snapshot.load(_snapshot(warm), _key_of(warm))
    assert loaded is not None
    stubs = [stub for stub, _ in loaded.files.values()]
    assert len(stubs) > 100
    assert len({id(stub) for stub in stubs}) == len(set(stubs)) < len(stubs) // 10
    assert all(line.startswith("from ") for stub in stubs for line in stub.splitlines())
    text = "from ._models import BaseModel\nfrom typing_extensions import Literal\nx = 1\n"
    assert (
        stage_cache.import_stub(text) == "from ._models import _\nfrom typing_extensions import _\n"
    )


@pytest.mark.slow  # two generations of Casebook, two checks: 1–2 s
def test_check_stages_and_compares_a_file_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`check` stages what the spec produces as `generate` does (a prose-only edit replayed from
    the stage cache, else the full render), in a folder of the system's; what it rendered is kept
    in a temporary file, not in memory (`checked.Kept`), and compared with the output folder a file
    at a time: the same diff and files as a full render compared with the whole folder."""
    doc = _casebook()
    warm = _project(tmp_path / "warm", doc)
    _generate(warm, doc, full=True)
    out = warm / "generated" / "casebook"
    (out / "notes.txt").write_text("the user's\n", encoding="utf-8")
    _edit_summary(doc)
    (warm / "casebook.json").write_text(json.dumps(doc, indent=1), encoding="utf-8")
    (target,), root = select_targets(["casebook"], warm)
    opened: list[Path] = []
    real_open = staging.Staging.open
    monkeypatch.setattr(
        staging.Staging, "open", lambda *a, **k: opened.append(a[0]) or real_open(*a, **k)
    )
    result = pipeline.check(target, root)
    full = pipeline.check(target, root, full=True)
    assert result.replayed and not full.replayed and len(opened) == 2
    assert isinstance(result.rendered, checked.Kept) and isinstance(full.rendered, checked.Kept)
    assert dict(result.rendered) == dict(full.rendered)
    tree = _full_tree(tmp_path, doc, monkeypatch)  # what `generate` writes
    assert dict(result.rendered) == tree
    in_order = {rel: tree[rel] for rel in result.rendered}  # (GENERATION.toml last, as it was)
    assert result.diff == full.diff == compare(in_order, read_tree(out), ownership(out, "casebook"))
    assert "src/casebook/resources/people.py" in result.diff.changed
    assert result.diff.user == ["notes.txt"]
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".casebook.clientgen-")]


def test_compare_folder_is_compare_of_the_whole_folder(tmp_path: Path) -> None:
    """`checked.compare_folder` gives `write.compare`'s diff of the folder read whole: changed,
    added, removed, unchanged, the user's files (claimed, or without the header), caches left out."""
    from generator.paths import HEADER

    out = tmp_path / "out"
    files = {
        "same.py": f"# {HEADER}\nx = 1\n",
        "changed.py": f"# {HEADER}\nx = 2\n",
        "removed.py": f"# {HEADER}\nx = 3\n",
        "mine.txt": "no header\n",
        "custom/kept.py": f"# {HEADER}\n",
        "__pycache__/x.pyc": "bytecode",
        "pkg/.mypy_cache/y": "cache",
    }
    for rel, text in files.items():
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_text(text, encoding="utf-8")
    (out / ".clientgenignore").write_text("custom/\n", encoding="utf-8")
    new = {
        "same.py": files["same.py"].encode(),
        "changed.py": f"# {HEADER}\nx = 20\n".encode(),
        "added.py": f"# {HEADER}\n".encode(),
    }
    owner = ownership(out, "pkg")
    for who in (owner, None):
        assert checked.compare_folder(new, out, who) == compare(new, read_tree(out), who)
    diff = checked.compare_folder(new, out, owner)
    assert (diff.added, diff.changed, diff.removed, diff.unchanged) == (
        ["added.py"],
        ["changed.py"],
        ["removed.py"],
        1,
    )
    assert diff.user == [".clientgenignore", "custom/kept.py", "mine.txt"]


@pytest.mark.slow  # two generations of Casebook: ~1 s
def test_take_stages_the_live_spec_and_writes_it_before_the_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`fetch --update`'s regeneration (`pipeline.take`) renders into the staging folder (`emit`),
    formats, then lets the caller write the spec, then writes the package: a full run's bytes."""
    doc = _casebook()
    warm = _project(tmp_path / "warm", doc)
    _generate(warm, doc, full=True)
    _edit_summary(doc, "Live prose")
    body = json.dumps(doc, indent=1).encode()
    (target,), root = select_targets(["casebook"], warm)
    events: list[str] = []
    real_render, real_finish = pipeline._render, staging.Staging.finish

    def render(*args: Any, **kwargs: Any) -> Any:
        events.append("render, staged" if args[7] is not None else "render, in a dict")
        return real_render(*args, **kwargs)

    def finish(self: Any, *args: Any) -> Any:
        events.append("formatted")
        return real_finish(self, *args)

    def write_spec() -> None:
        events.append("spec written")
        Path(target.spec).write_bytes(body)

    monkeypatch.setattr(pipeline, "_render", render)
    monkeypatch.setattr(staging.Staging, "finish", finish)
    live = tmp_path / "live.json"  # fetch --update's private copy of the live spec
    live.write_bytes(body)
    result = pipeline.take(target, root, live, write_spec)
    assert events == ["render, staged", "formatted", "spec written"]
    assert "api.md" in result.diff.changed
    monkeypatch.undo()
    assert read_tree(warm / "generated" / "casebook") == _full_tree(tmp_path, doc, monkeypatch)
