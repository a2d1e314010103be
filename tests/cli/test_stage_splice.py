"""A regeneration's resource module and test module made from the full run's pieces, only the
changed methods drafted (`generator/render/splice.py`): the spliced files equal what the full path
renders byte for byte, and a served edit drafts the touched methods and no other."""

from __future__ import annotations

import copy
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from generator.cache_files import cache_file
from generator.diagnostics import DiagnosticSink
from generator.features import features
from generator.naming.names import op_key
from generator.render import manifest, resource_views, splice
from generator.render.gather import Suite
from generator.render.plan import Reuse, plan_files
from generator.stage import snapshot as stage_snapshot
from generator.write import read_tree
from tests.cli.test_stage_structural import (
    _cold,
    _generate,
    _params,
    _project,
    _query,
    _served,
    _shop,
    _write,
)

REPO = Path(__file__).resolve().parents[2]


def _spliced(monkeypatch: pytest.MonkeyPatch) -> list[set[str]]:
    """What each `splice.remade` call made (the paths; none when it gave up), as the runs call it."""
    made: list[set[str]] = []
    real = splice.remade

    def spy(*args: Any, **kwargs: Any) -> Any:
        found = real(*args, **kwargs)
        if found is None:
            made.append(set())
            return None
        result = found.result

        def spied() -> Any:
            texts = result()
            made.append(set(texts or ()))
            return texts

        found.result = spied
        return found

    monkeypatch.setattr("generator.render.plan.remade", spy)
    return made


def _api_md(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Whether each api.md made from the full run's pieces was (`splice.ApiMd.result`)."""
    made: list[bool] = []
    real = splice.ApiMd.result

    def spy(self: splice.ApiMd) -> Any:
        text = real(self)
        made.append(text is not None)
        return text

    monkeypatch.setattr(splice.ApiMd, "result", spy)
    return made


def _drafted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The operation ids of the methods drafted (`resource_views._method`), in order."""
    ids: list[str] = []
    real = resource_views._method

    def spy(api: Any, annotator: Any, names: Any, op: Any, *rest: Any) -> Any:
        ids.append(op.id)
        return real(api, annotator, names, op, *rest)

    monkeypatch.setattr(resource_views, "_method", spy)
    return ids


def _first(doc: dict[str, Any]) -> None:
    """`listPets`, the first method of `pets`: a new query parameter."""
    _params(doc, "/pets", "get").append(_query("species", description="Only these."))


def _middle(doc: dict[str, Any]) -> None:
    """`getPet`, between `createPet` and `deletePet`: a new query parameter."""
    _params(doc, "/pets/{petId}", "get").append(_query("fields", description="Which ones."))


def _last(doc: dict[str, Any]) -> None:
    """`deletePet`, the last method of `pets`: a new boolean parameter (a new import: none)."""
    _params(doc, "/pets/{petId}", "delete").append(_query("force", {"type": "boolean"}))


def _between(doc: dict[str, Any]) -> None:
    """A new method sorted between `getPet` and `deletePet` (PUT comes after GET)."""
    op = copy.deepcopy(doc["paths"]["/pets/{petId}"]["get"])
    op["operationId"] = "replacePet"
    doc["paths"]["/pets/{petId}"]["put"] = op


def _two(doc: dict[str, Any]) -> None:
    """The first and the last method of `pets` at once."""
    _first(doc)
    _last(doc)


def _dated(doc: dict[str, Any]) -> None:
    """`getPet` takes a date-time (`import datetime as _dt`, no other method of `pets` does)."""
    _params(doc, "/pets/{petId}", "get").append(
        _query("since", {"type": "string", "format": "date-time"})
    )


def _import_goes(doc: dict[str, Any]) -> None:
    """`getPet` loses its date-time: an import only its old version needed (the module's must go:
    drafted whole)."""
    params = _params(doc, "/pets/{petId}", "get")
    params[:] = [p for p in params if p.get("name") != "since"]


def _none(doc: dict[str, Any]) -> None:
    pass


def _removed(doc: dict[str, Any]) -> None:
    """`deletePet` removed: no method to draft, the module is drafted whole."""
    del doc["paths"]["/pets/{petId}"]["delete"]


PETS = {"src/shop/resources/pets.py", "tests/api_resources/test_pets.py"}

# (label, edit, the methods drafted: their new versions, then their old ones)
EDITS: list[tuple[str, Callable[[dict[str, Any]], None], list[str]]] = [
    ("the first method", _first, ["listPets", "listPets"]),
    ("a middle method", _middle, ["getPet", "getPet"]),
    ("the last method", _last, ["deletePet", "deletePet"]),
    ("a new method between two others", _between, ["replacePet"]),
    (
        "the first and the last method",
        _two,
        ["listPets", "deletePet", "listPets", "deletePet"],
    ),
]


@dataclass
class _Spied:
    """What a served edit did (`_replayed`)."""

    made: list[set[str]]  # `splice.remade`'s files, per call
    drafted: list[str]  # the methods drafted (operation ids)
    md: list[bool]  # api.md made from pieces, per try


def _replayed(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    edit: Callable[[dict[str, Any]], None],
    setup: Callable[[dict[str, Any]], None] = lambda doc: None,
    limit: int | None = None,
) -> _Spied:
    """`edit` served by the structural replay after a full run of the shop (`setup` first; `limit`:
    `splice.UP_TO`), spied on; its tree must equal a cacheless full run's."""
    doc = _shop()
    setup(doc)
    warm = _project(tmp_path / "warm", doc)
    _generate(warm, full=True)
    if limit is not None:
        monkeypatch.setattr(splice, "UP_TO", limit)
    calls = _served(monkeypatch)
    spied = _Spied(_spliced(monkeypatch), _drafted(monkeypatch), _api_md(monkeypatch))
    edit(doc)
    _write(warm, doc)
    result = _generate(warm)
    assert result.replayed and any(calls)
    monkeypatch.undo()
    tree, _ = _cold(tmp_path / "cold", doc, monkeypatch)
    assert read_tree(warm / "out" / "shop") == tree
    return spied


@pytest.mark.parametrize(("label", "edit", "drafted"), [pytest.param(*e, id=e[0]) for e in EDITS])
def test_a_served_edit_drafts_only_the_touched_methods(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    label: str,
    edit: Callable[[dict[str, Any]], None],
    drafted: list[str],
) -> None:
    """A structural edit of `pets` served: its module, its test module and api.md are made from the
    full run's pieces with only the touched methods drafted (their new and their old versions: the
    imports), and the tree equals a cacheless full run's."""
    spied = _replayed(tmp_path, monkeypatch, edit)
    assert spied.made == [PETS], label
    assert spied.drafted == drafted, label
    assert spied.md == [True], label  # api.md: the changed methods' sections made, the rest kept


@pytest.mark.parametrize(
    ("label", "setup", "edit"),
    [
        ("an import only the old version needed", _dated, _import_goes),
        ("a removed method", _none, _removed),
    ],
)
def test_what_cannot_be_spliced_is_drafted_whole(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    label: str,
    setup: Callable[[dict[str, Any]], None],
    edit: Callable[[dict[str, Any]], None],
) -> None:
    """A served edit the pieces cannot make (an import that may go; no method left to draft)
    drafts the resource whole, and the tree still equals a cacheless full run's."""
    spied = _replayed(tmp_path, monkeypatch, edit, setup)
    assert spied.made == [set()], label  # tried, and not made: drafted whole


def test_a_file_over_the_limit_is_rendered_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The full run's text larger than `splice.UP_TO` is not read into pieces (graph-beta's
    api.md): the module, its test module and api.md are rendered whole, the tree a full run's."""
    spied = _replayed(tmp_path, monkeypatch, _middle, limit=100)
    assert spied.made == [set()] and spied.md == []
    assert spied.drafted.count("listPets") == 1  # (pets drafted whole: each of its methods once)


def _every_other(folder: Path, out: Path) -> None:
    """Each resource module and test module of the full run in `out`, and api.md, made again with
    every other method drafted (each parity in turn) and the rest taken from the full run's text,
    equals it (`splice.py`'s claim, on every module of a spec)."""
    path = cache_file(folder, out, "stages", ".bin")
    assert path is not None
    key = path.read_bytes()[len(stage_snapshot.MAGIC) :][:32]
    snap = stage_snapshot.load(path, key)
    assert snap is not None
    api, names = snap.api, snap.names
    package = api.target.package.name
    for parity in (0, 1):
        touched = {op_key(op) for i, op in enumerate(api.operations) if i % 2 == parity}
        before = splice.Before(
            api,
            names,
            frozenset(touched),
            {rel: rel.encode() for rel in read_tree(out)},
            lambda key: (out / key.decode()).read_bytes(),
        )
        texts: dict[str, Any] = {}
        plan_files(
            api,
            DiagnosticSink(),
            features=features(snap.features),
            spec_file=snap.spec_file,
            reuse=Reuse(
                names,
                {},
                {k: d for k, d in snap.docs.items() if k not in touched},
                {k: e for k, e in snap.examples.items() if k not in touched},
                before=before,
            ),
            emit=texts.__setitem__,
        )
        expected = {"api.md"}
        for tag, resource in names.resources.items():
            keys = {k for k, r in names.op_resource.items() if r == tag}
            if keys & touched:
                expected |= {
                    f"src/{package}/resources/{resource.module}.py",
                    Suite.path(names, tag),
                }
        made = {rel for rel, text in texts.items() if isinstance(text, splice.Formatted)}
        assert made == expected, parity
        for rel in made:
            assert texts[rel] == (out / rel).read_text(encoding="utf-8"), rel
            _carries_its_cut(texts[rel], names)


def _carries_its_cut(text: splice.Formatted, names: Any) -> None:
    """A made text carries the cut it was put together from: the one cutting it finds."""
    assert text.cut is not None
    signature, cut = text.cut
    assert cut.text() == text
    kind, *args = json.loads(signature)
    if kind == "resource":
        (resource,) = [r for r in names.resources.values() if r.cls == args[0]]
        assert splice._cut_resource(text, args[1], resource) == cut
    elif kind == "suite":
        assert splice._cut_suite(text, args[0]) == cut
    else:
        assert kind == "api.md"
        assert splice._cut_api_md(text, [(a, c) for a, c in args[0]]) == cut


def test_every_other_method_spliced_equals_the_full_module(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = _shop()
    _between(doc)  # (pets: five methods)
    warm = _project(tmp_path / "warm", doc)
    _generate(warm, full=True)
    _every_other(warm, warm / "out" / "shop")


GITHUB = REPO / ".cache/corpora/node_modules/@octokit/openapi/generated/api.github.com.json"


@pytest.mark.slow
def test_every_other_method_of_github_spliced_equals_the_full_module(tmp_path: Path) -> None:
    """GitHub's 47 resources (`repos`: 204 methods), every method drafted alone once and taken
    from the full run's text once: each module equals the full path's."""
    if not GITHUB.is_file():  # (asked when it runs: the test command installs the corpora first)
        pytest.skip("the corpus is not installed (bash scripts/setup)")
    from generator import pipeline
    from generator.config import select_targets
    from generator.stage import writer as stage_writer

    folder = tmp_path / "gh"
    folder.mkdir()
    shutil.copy(GITHUB, folder / "github.json")
    (folder / "pyproject.toml").write_text(
        '[tool.clientgen.targets.gh]\nspec = "github.json"\noutput = "out/gh"\npackage = "gh"\n'
        'client_name = "GitHub"\nenv_prefix = "GITHUB"\n',
        encoding="utf-8",
    )
    (target,), root = select_targets(["gh"], folder)
    pipeline.generate(target, root, full=True)
    stage_writer.wait()
    _every_other(folder, folder / "out" / "gh")


def _cuts(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """How often each text was cut by looking for its pieces, how many cuts were taken as they
    were kept (`kept`, of which operations.json's: `manifest`)."""
    counted = {"_cut_resource": 0, "_cut_suite": 0, "_cut_api_md": 0, "kept": 0, "manifest": 0}
    for name in ("_cut_resource", "_cut_suite", "_cut_api_md"):
        real = getattr(splice, name)

        def spy(*args: Any, _real: Any = real, _name: str = name) -> Any:
            counted[_name] += 1
            return _real(*args)

        monkeypatch.setattr(splice, name, spy)
    real_of = splice._Cut.of

    def of(text: str, data: bytes) -> Any:
        found = real_of(text, data)
        counted["kept"] += found is not None
        return found

    monkeypatch.setattr(splice._Cut, "of", of)
    real_kept = manifest._kept

    def kept_pieces(*args: Any) -> Any:
        found = real_kept(*args)
        counted["manifest"] += found is not None
        return found

    monkeypatch.setattr(manifest, "_kept", kept_pieces)
    return counted


def test_a_second_edit_takes_the_cuts_the_first_one_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A served edit cuts the full run's module, test module and api.md (and the changed methods'
    formatted texts); the texts it puts together carry their cuts, which the snapshot's writer
    keeps in the module cache: the next served edit of the same resource cuts only the changed
    methods' texts. operations.json's cut is kept by every run that staged it in pieces (the full
    run's too): each edit takes its pieces from there. Each tree equals a cacheless full run's."""
    doc = _shop()
    warm = _project(tmp_path / "warm", doc)
    _generate(warm, full=True)
    for edit, looked_for, kept in ((_middle, 2, 1), (_between, 1, 4), (_last, 1, 4)):
        with monkeypatch.context() as spying:
            calls = _served(spying)
            counted = _cuts(spying)
            made = _spliced(spying)
            edit(doc)
            _write(warm, doc)
            result = _generate(warm)
        assert result.replayed and any(calls), edit.__name__
        assert made == [PETS], edit.__name__
        assert counted == {
            "_cut_resource": looked_for,
            "_cut_suite": looked_for,
            "_cut_api_md": looked_for,
            "kept": kept,
            "manifest": 1,  # (the full run's writer kept it too)
        }, edit.__name__
        tree, _ = _cold(tmp_path / f"cold_{edit.__name__}", doc, monkeypatch)
        assert read_tree(warm / "out" / "shop") == tree, edit.__name__


def test_a_kept_cut_that_does_not_fit_the_text_is_none() -> None:
    """`_Cut.of` gives back exactly the cut `encode` wrote for the same text, and nothing for
    another text, lengths that do not add up, a separator not where it says, or no JSON."""
    cut = splice._Cut(("head\n", "mid\n", ""), (("a\n", "b\n"), ("c\n",)), ("\n", ""))
    text = cut.text()
    assert text == "head\na\n\nb\nmid\nc\n"
    data = cut.encode()
    assert splice._Cut.of(text, data) == cut
    assert splice._Cut.of(text + "x", data) is None  # longer
    assert splice._Cut.of("head\na\nXb\nmid\nc\n" + "\n", data) is None  # no separator there
    assert splice._Cut.of(text, b"not json") is None
    assert splice._Cut.of(text, b'[[1],[],["\\n"]]') is None  # leads, groups, seps that disagree
    assert splice._Cut.of(text, b'[[-1,17],[[2]],[""]]') is None  # a negative length
