"""A structural edit of one or a few operations served from the last full run's snapshot
(`generator/stage/structural.py`): the tree, the diagnostics and the exit code equal a cacheless full
run's byte for byte whatever serves the edit; the edits the replay takes skip the whole API's parse,
naming and types modules; everything it cannot prove falls back to the full path."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from generator import parse, pipeline
from generator.cache_files import cache_file
from generator.config import select_targets
from generator.naming import plan as naming_plan
from generator.parse import schemas as parse_schemas
from generator.render import model_views
from generator.stage import layout as stage_layout
from generator.stage import structural
from generator.stage import writer as stage_writer
from generator.write import read_tree

REPO = Path(__file__).resolve().parents[2]

PROJECT = """[tool.clientgen.targets.shop]
spec = "shop.json"
output = "out/shop"
package = "shop"
client_name = "Shop"
env_prefix = "SHOP"
"""


def _shop() -> dict[str, Any]:
    """A small API with no feature active: pets (a list, a create with a body, one by id) and
    stores."""
    pet_ref = {"$ref": "#/components/schemas/Pet"}
    ok_pet = {"description": "A pet.", "content": {"application/json": {"schema": pet_ref}}}
    error = {
        "description": "An error.",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }
    return {
        "openapi": "3.0.3",
        "info": {"title": "Shop", "version": "1.0.0"},
        "servers": [{"url": "https://shop.example.com/v1"}],
        "tags": [{"name": "pets"}, {"name": "stores"}],
        "paths": {
            "/pets": {
                "get": {
                    "operationId": "listPets",
                    "summary": "List pets",
                    "tags": ["pets"],
                    "parameters": [{"$ref": "#/components/parameters/Limit"}],
                    "responses": {
                        "200": {
                            "description": "The pets.",
                            "content": {
                                "application/json": {"schema": {"type": "array", "items": pet_ref}}
                            },
                        },
                        "default": error,
                    },
                },
                "post": {
                    "operationId": "createPet",
                    "summary": "Create a pet",
                    "tags": ["pets"],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/NewPet"}}
                        },
                    },
                    "responses": {"201": ok_pet, "default": error},
                },
            },
            "/pets/{petId}": {
                "parameters": [{"$ref": "#/components/parameters/PetId"}],
                "get": {
                    "operationId": "getPet",
                    "summary": "Get a pet",
                    "tags": ["pets"],
                    "responses": {"200": ok_pet, "default": error},
                },
                "delete": {
                    "operationId": "deletePet",
                    "summary": "Delete a pet",
                    "tags": ["pets"],
                    "responses": {"204": {"description": "Deleted."}},
                },
            },
            "/stores": {
                "get": {
                    "operationId": "listStores",
                    "summary": "List stores",
                    "tags": ["stores"],
                    "parameters": [
                        {"name": "city", "in": "query", "schema": {"type": "string"}},
                        {
                            "name": "size",
                            "in": "query",
                            "schema": {"type": "number", "maximum": 5},
                            "example": 5,
                        },
                    ],
                    "responses": {
                        "200": {
                            "description": "The stores.",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "array",
                                        "items": {"$ref": "#/components/schemas/Store"},
                                    }
                                }
                            },
                        }
                    },
                }
            },
        },
        "components": {
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "key": {"type": "apiKey", "in": "header", "name": "X-Shop-Key"},
            },
            "parameters": {
                "Limit": {
                    "name": "limit",
                    "in": "query",
                    "description": "How many at most.",
                    "schema": {"type": "integer", "maximum": 100},
                },
                "PetId": {
                    "name": "petId",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string"},
                },
            },
            "schemas": {
                "Pet": {
                    "type": "object",
                    "required": ["id", "name"],
                    "properties": {
                        "id": {"type": "string"},
                        "name": {"type": "string"},
                        "tag": {"type": "string"},
                    },
                },
                "NewPet": {
                    "type": "object",
                    "required": ["name"],
                    "properties": {"name": {"type": "string"}, "tag": {"type": "string"}},
                },
                "Store": {
                    "type": "object",
                    "properties": {"id": {"type": "string"}, "city": {"type": "string"}},
                },
                "Error": {
                    "type": "object",
                    "properties": {"code": {"type": "integer"}, "message": {"type": "string"}},
                },
            },
        },
    }


def _params(doc: dict[str, Any], path: str, method: str) -> list[Any]:
    params: list[Any] = doc["paths"][path][method].setdefault("parameters", [])
    return params


def _query(name: str, schema: Any = None, **more: Any) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "schema": {"type": "string"} if schema is None else schema,
        **more,
    }


def _new_query(doc: dict[str, Any]) -> None:
    _params(doc, "/pets", "get").append(_query("species", description="Only these."))


def _type_changed(doc: dict[str, Any]) -> None:
    _params(doc, "/stores", "get")[0]["schema"] = {"type": "integer"}


def _array_query(doc: dict[str, Any]) -> None:
    _params(doc, "/stores", "get").append(
        _query("ids", {"type": "array", "items": {"type": "string"}})
    )


def _removed_query(doc: dict[str, Any]) -> None:
    del _params(doc, "/stores", "get")[0]


def _page(doc: dict[str, Any]) -> None:
    _params(doc, "/stores", "get").append(_query("page", {"type": "integer"}))
    _params(doc, "/stores", "get").append(_query("limit", {"type": "integer"}))


def _body_collision(doc: dict[str, Any]) -> None:
    _params(doc, "/pets", "post").append(_query("name"))


def _option_collision(doc: dict[str, Any]) -> None:
    _params(doc, "/pets", "get").append(_query("timeout"))


def _bad_location(doc: dict[str, Any]) -> None:
    _params(doc, "/pets", "get").append({"name": "q", "in": "querry", "schema": {"type": "string"}})


def _no_schema(doc: dict[str, Any]) -> None:
    _params(doc, "/pets", "get").append({"name": "q", "in": "query"})


def _dangling(doc: dict[str, Any]) -> None:
    _params(doc, "/pets", "get").append({"$ref": "#/components/parameters/Nowhere"})


def _duplicate_id(doc: dict[str, Any]) -> None:
    doc["paths"]["/stores"]["get"]["operationId"] = "listPets"


def _inline_enum(doc: dict[str, Any]) -> None:
    _params(doc, "/pets", "get").append(_query("kind", {"type": "string", "enum": ["cat", "dog"]}))


def _in_components(doc: dict[str, Any]) -> None:
    doc["components"]["schemas"]["Pet"]["properties"]["age"] = {"type": "integer"}


def _new_operation(doc: dict[str, Any]) -> None:
    op = copy.deepcopy(doc["paths"]["/pets/{petId}"]["get"])
    op["operationId"] = "replacePet"
    doc["paths"]["/pets/{petId}"]["put"] = op


def _removed_operation(doc: dict[str, Any]) -> None:
    del doc["paths"]["/pets/{petId}"]["delete"]


def _removed_tag(doc: dict[str, Any]) -> None:
    del doc["paths"]["/stores"]
    doc["tags"] = [t for t in doc["tags"] if t["name"] != "stores"]


def _summary(doc: dict[str, Any], text: str = "Get one pet") -> None:
    doc["paths"]["/pets/{petId}"]["get"]["summary"] = text


def _respelled(doc: dict[str, Any]) -> None:
    """`5` → `5.0` (equal in Python, printed apart), beside a change of another operation."""
    _new_query(doc)
    _params(doc, "/stores", "get")[1]["example"] = 5.0


def _security(doc: dict[str, Any]) -> None:
    """One operation names a scheme: the others are no longer used (the client's credentials)."""
    doc["paths"]["/stores"]["get"]["security"] = [{"bearer": []}]


def _two_operations(doc: dict[str, Any]) -> None:
    _params(doc, "/pets/{petId}", "delete").append(_query("force", {"type": "boolean"}))
    doc["paths"]["/stores"]["get"]["summary"] = "List every store"


STRUCTURAL, PROSE, FULL = "structural replay", "prose replay", "full path"

# (label, edit, what serves it after a full run)
EDITS: list[tuple[str, Callable[[dict[str, Any]], None], str]] = [
    ("a new optional query parameter", _new_query, STRUCTURAL),
    ("a parameter's schema type changed", _type_changed, STRUCTURAL),
    ("an array query parameter", _array_query, STRUCTURAL),
    ("a query parameter removed", _removed_query, STRUCTURAL),
    ("page and limit parameters (pagination)", _page, STRUCTURAL),
    ("a parameter named as a body field (a warning)", _body_collision, STRUCTURAL),
    ("a parameter named as a per-call option", _option_collision, STRUCTURAL),
    ("an invalid location", _bad_location, FULL),
    ("a parameter without a schema (valid: typed Any)", _no_schema, STRUCTURAL),
    ("a $ref that does not resolve", _dangling, FULL),
    ("a duplicate operationId", _duplicate_id, STRUCTURAL),
    ("an inline enum", _inline_enum, FULL),
    ("an edit in components", _in_components, FULL),
    ("a new operation", _new_operation, STRUCTURAL),
    ("a removed operation", _removed_operation, STRUCTURAL),
    ("a removed tag", _removed_tag, FULL),
    ("a summary", _summary, PROSE),
    ("two operations of two path items", _two_operations, STRUCTURAL),
    ("an operation's security (the client's credentials)", _security, FULL),
    ("a number respelled beside another change", _respelled, STRUCTURAL),
]

# one after another: each structural edit served (the snapshot re-keyed to its text:
# `stage/rekey.py`), then a summary (a prose replay), a fallback, and one served again
ROW: list[tuple[str, Callable[[dict[str, Any]], None], str]] = [
    ("a new optional query parameter", _new_query, STRUCTURAL),
    ("a parameter's schema type changed", _type_changed, STRUCTURAL),
    ("page and limit parameters (pagination)", _page, STRUCTURAL),
    ("a summary after structural edits", _summary, PROSE),
    ("two operations of two path items", _two_operations, STRUCTURAL),
    ("an edit in components", _in_components, FULL),
    ("a summary after a full run", lambda d: _summary(d, "Get that pet"), PROSE),
    ("a query parameter removed", _removed_query, STRUCTURAL),
]


def _write(folder: Path, doc: dict[str, Any]) -> None:
    (folder / "shop.json").write_text(json.dumps(doc, indent=1), encoding="utf-8")


def _project(folder: Path, doc: dict[str, Any]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pyproject.toml").write_text(PROJECT, encoding="utf-8")
    _write(folder, doc)
    return folder


def _generate(folder: Path, full: bool = False) -> pipeline.TargetResult:
    (target,), root = select_targets(["shop"], folder)
    result = pipeline.generate(target, root, full=full)
    stage_writer.wait()  # a full run's snapshot, in place before the next run
    return result


def _cold(folder: Path, doc: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> Any:
    with monkeypatch.context() as off:
        off.setenv("CLIENTGEN_CACHE", "off")
        cold = _project(folder, doc)
        result = _generate(cold, full=True)
    return read_tree(cold / "out" / "shop"), _said(result)


def _said(result: pipeline.TargetResult) -> list[tuple[str, str, str, str, str]]:
    """The diagnostics as the command prints them, but for the spec's path (another folder)."""
    return [(d.severity.value, d.code, d.pointer, d.message, d.hint) for d in result.diagnostics]


def _served(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    served: list[bool] = []
    real = structural.structural

    def spy(*args: Any, **kwargs: Any) -> Any:
        found = real(*args, **kwargs)
        served.append(found is not None)
        return found

    monkeypatch.setattr(structural, "structural", spy)
    return served


# the fast tier takes a served edit, a fallback with a warning and a summary; the slow tier all
FAST = {
    "a new optional query parameter",
    "a parameter named as a body field (a warning)",
    "a summary",
}


@pytest.mark.parametrize(
    ("label", "edit", "served"),
    [pytest.param(*e, marks=() if e[0] in FAST else pytest.mark.slow, id=e[0]) for e in EDITS],
)
def test_a_structural_edit_equals_a_full_run(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    label: str,
    edit: Callable[[dict[str, Any]], None],
    served: str,
) -> None:
    """Each edit alone after a full run: the structural replay serves exactly the edits it can
    prove, and the tree and diagnostics are a cacheless full run's whatever serves it."""
    doc = _shop()
    warm = _project(tmp_path / "warm", doc)
    _generate(warm, full=True)
    _edited(tmp_path, warm, doc, edit, served, label, monkeypatch)


def _counting(
    monkeypatch: pytest.MonkeyPatch, counted: dict[str, int], owner: Any, name: str
) -> None:
    """`owner.name` made to count its calls in `counted` (by name)."""
    real = getattr(owner, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        counted[name] = counted.get(name, 0) + 1
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, wrapper)


def _served_by(result: pipeline.TargetResult, calls: list[bool], served: str, label: str) -> None:
    """The run was served as `served` says (`calls`: the structural replay's answers, `_served`)."""
    assert (result.replayed, any(calls)) == {
        STRUCTURAL: (True, True),
        PROSE: (True, False),
        FULL: (False, False),
    }[served], label


def _edited(
    tmp_path: Path,
    warm: Path,
    doc: dict[str, Any],
    edit: Callable[[dict[str, Any]], None],
    served: str,
    label: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls = _served(monkeypatch)
    edit(doc)
    _write(warm, doc)
    result = _generate(warm)
    assert result.diff.stale, label
    _served_by(result, calls, served, label)
    tree, diagnostics = _cold(tmp_path / "cold", doc, monkeypatch)
    assert read_tree(warm / "out" / "shop") == tree, label
    assert _said(result) == diagnostics, label


@pytest.mark.slow  # 17 generations of a small spec
def test_structural_edits_in_a_row_each_equal_a_full_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One edit after another, compared with the latest snapshot (a served structural edit
    re-keys it, a full run writes a new one): each tree is a full run's, and a summary edit after
    structural ones is a prose replay."""
    doc = _shop()
    warm = _project(tmp_path / "warm", doc)
    _generate(warm, full=True)
    for label, edit, served in ROW:
        with monkeypatch.context() as patch:
            _edited(tmp_path / label, warm, doc, edit, served, label, patch)


@pytest.mark.parametrize(
    ("edit", "builds", "passes"),
    [(_new_query, 2, 0), (_new_operation, 1, 1)],
    ids=["a changed operation", "a new operation"],
)
def test_the_structural_replay_parses_names_and_renders_only_the_changed_operation(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    edit: Callable[[dict[str, Any]], None],
    builds: int,
    passes: int,
) -> None:
    """Not the full path under another name: no document parse, no schema built, no naming pass
    (schemas, fields, members), no types module rendered; only the changed operations parsed (a
    changed one as it was, checked against the snapshot, and as it is); the operation half of the
    naming pass only when an operation is added or removed, on the new API only (what it says of
    the old one the full run's writer noted: `.naming`)."""
    from generator.naming import operations as naming_operations
    from generator.parse import operations as parse_operations

    doc = _shop()
    warm = _project(tmp_path / "warm", doc)
    _generate(warm, full=True)
    counted: dict[str, int] = {}
    counting = partial(_counting, monkeypatch, counted)
    counting(parse, "build_api")
    counting(naming_plan, "plan_names")
    counting(naming_operations, "operation_names")
    counting(model_views, "types_module_view")
    counting(parse_schemas.SchemaBuilder, "_build_named")
    counting(parse_operations.OperationBuilder, "build")
    edit(doc)
    _write(warm, doc)
    result = _generate(warm)
    assert result.replayed
    assert counted == {"build": builds, **({"operation_names": passes} if passes else {})}


@pytest.mark.parametrize(
    ("edit", "served"), [(_new_query, STRUCTURAL), (_new_operation, STRUCTURAL), (_summary, PROSE)]
)
def test_the_kept_text_is_read_and_compared_once(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    edit: Callable[[dict[str, Any]], None],
    served: str,
) -> None:
    """Whether the edit is one prose token (`edit.edit_of`) or inside some operations
    (`region.located`), the snapshot's kept text is read, checked and compared with the new one
    once (`edit.against`): not once for each question."""
    from generator.stage import edit as stage_edit

    doc = _shop()
    warm = _project(tmp_path / "warm", doc)
    _generate(warm, full=True)
    counted: dict[str, int] = {}
    counting = partial(_counting, monkeypatch, counted)
    counting(stage_edit, "text_of")
    counting(stage_edit, "common_head")
    counting(stage_edit, "common_tail")
    calls = _served(monkeypatch)
    edit(doc)
    _write(warm, doc)
    result = _generate(warm)
    _served_by(result, calls, served, edit.__name__)
    assert counted == {"text_of": 1, "common_head": 1, "common_tail": 1}


@pytest.mark.parametrize("wide", [False, True], ids=["ascii", "outside ascii"])
def test_a_spec_is_compared_as_bytes_never_decoded_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, wide: bool
) -> None:
    """A structural edit, then a summary, are found by comparing the spec's bytes with the kept
    ones (`edit.Utf8`: only the path items, components and token read are decoded), whether the
    spec is ASCII or has a BOM and characters outside ASCII before the edit (written as they are:
    the offsets kept are into the bytes): each served, and the tree and diagnostics equal a
    cacheless full run's."""
    import sys

    from generator.stage import edit as stage_edit

    def written(folder: Path, doc: dict[str, Any]) -> None:
        text = json.dumps(doc, indent=1, ensure_ascii=False)
        (folder / "shop.json").write_text(text, encoding="utf-8-sig" if wide else "utf-8")

    monkeypatch.setattr(sys.modules[__name__], "_write", written)
    doc = _shop()
    doc["info"]["title"] = "Shop 😀 — Läden" if wide else "Shop"
    warm = _project(tmp_path / "warm", doc)
    _generate(warm, full=True)
    compared: list[type] = []
    real = stage_edit.against

    def spy(*args: Any) -> Any:
        found = real(*args)
        compared.append(type(found.old))
        return found

    monkeypatch.setattr(stage_edit, "against", spy)
    _edited(tmp_path, warm, doc, _new_query, STRUCTURAL, "a new query parameter", monkeypatch)
    _edited(tmp_path / "prose", warm, doc, _summary, PROSE, "then a summary", monkeypatch)
    assert compared == [stage_edit.Utf8, stage_edit.Utf8]
    assert (warm / "shop.json").read_bytes().isascii() is not wide


def _body_query(doc: dict[str, Any]) -> None:
    _params(doc, "/pets", "post").append(_query("dry_run", {"type": "boolean"}))


def _with_owner(doc: dict[str, Any]) -> dict[str, Any]:
    """The shop with a `NewPet` that holds an `Owner` (a `…Param` model a body reaches, whose key
    `full-name` is renamed: what `createPet`'s body annotation reads the fields for)."""
    schemas = doc["components"]["schemas"]
    schemas["Owner"] = {"type": "object", "properties": {"full-name": {"type": "string"}}}
    schemas["NewPet"]["properties"]["owner"] = {"$ref": "#/components/schemas/Owner"}
    return doc


@pytest.mark.parametrize(
    ("edit", "used"), [(_new_query, False), (_new_operation, False), (_body_query, True)]
)
def test_the_names_fields_are_unpickled_only_when_a_changed_method_reads_them(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    edit: Callable[[dict[str, Any]], None],
    used: bool,
) -> None:
    """The snapshot's fields and enum members (`snapshot.LAZY_NAMES`: what types modules read) are
    unpickled only when a method the replay drafts again reads them (`createPet`'s body, which
    reaches `OwnerParam`); read or not, the tree and diagnostics equal a cacheless full run's."""
    from generator.stage import snapshot

    doc = _with_owner(_shop())
    warm = _project(tmp_path / "warm", doc)
    _generate(warm, full=True)
    loaded: list[Any] = []
    real = structural.load

    def spy(*args: Any, **kwargs: Any) -> Any:
        found = real(*args, **kwargs)
        loaded.append(found)
        return found

    monkeypatch.setattr(structural, "load", spy)
    _edited(tmp_path, warm, doc, edit, STRUCTURAL, edit.__name__, monkeypatch)
    (names,) = (found.names for found in loaded)
    assert isinstance(names.fields, snapshot.LazyTable)
    assert isinstance(names.members, snapshot.LazyTable)
    assert (names.fields.raw() is None) is used
    assert names.members.raw() is not None


def test_a_served_edit_rekeys_the_snapshot_and_an_undone_edit_is_served(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A served edit rewrites the snapshot for its text (`stage/rekey.py`): the next edit is
    compared with that text, so an edit undone is a structural edit again, served, and equals a
    full run."""
    doc = _shop()
    warm = _project(tmp_path / "warm", doc)
    _generate(warm, full=True)
    stages = warm / ".cache" / "clientgen" / "stages"
    (snapshot,) = (p for p in stages.iterdir() if p.suffix == ".bin")
    before = snapshot.read_bytes()
    edited = copy.deepcopy(doc)
    _new_query(edited)
    _write(warm, edited)
    assert _generate(warm).replayed
    assert snapshot.read_bytes() != before
    assert (warm / "shop.json").read_bytes() in snapshot.read_bytes()  # (its kept text)
    calls = _served(monkeypatch)
    _write(warm, doc)  # undone
    result = _generate(warm)
    _served_by(result, calls, STRUCTURAL, "undone")
    tree, diagnostics = _cold(tmp_path / "cold", doc, monkeypatch)
    assert read_tree(warm / "out" / "shop") == tree
    assert _said(result) == diagnostics


@pytest.mark.slow  # 8 commands
def test_the_cli_serves_a_structural_edit_with_the_full_runs_output(tmp_path: Path) -> None:
    """Through the command line (the configuration's cached reading first): the same exit code,
    standard error and tree as a cacheless `generate --full`, with and without a warning."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("CLIENTGEN_CACHE", None)
    for label, edit in (("served", _new_query), ("a warning", _body_collision)):
        doc = _shop()
        warm = _project(tmp_path / label / "warm", doc)
        cold = _project(tmp_path / label / "cold", doc)
        gen = [sys.executable, "-m", "generator", "generate"]
        subprocess.run(gen, cwd=warm, env=env, check=True, capture_output=True)
        edit(doc)
        _write(warm, doc)
        _write(cold, doc)
        snapshot = cache_file(warm, warm / "out" / "shop", "stages", ".bin")
        assert snapshot is not None
        stage_writer.settle(snapshot)
        _cli_equals_a_full_run(env, warm, cold, label)


def _cli_equals_a_full_run(env: dict[str, str], warm: Path, cold: Path, label: str) -> int:
    """`generate --strict` in `warm` against a cacheless `generate --full --strict` in `cold` (the
    same spec): the same exit code (returned), standard error and tree."""
    gen = [sys.executable, "-m", "generator", "generate", "--strict"]
    got = subprocess.run(gen, check=False, cwd=warm, env=env, capture_output=True, text=True)
    want = subprocess.run(
        [*gen, "--full"],
        check=False,
        cwd=cold,
        env={**env, "CLIENTGEN_CACHE": "off"},
        capture_output=True,
        text=True,
    )
    assert got.returncode == want.returncode, label
    assert got.stderr.replace(str(warm), "P") == want.stderr.replace(str(cold), "P"), label
    assert read_tree(warm / "out" / "shop") == read_tree(cold / "out" / "shop"), label
    return got.returncode


def test_layout_finds_each_member_and_refuses_a_key_given_twice() -> None:
    text = json.dumps(_shop(), indent=1)
    found = stage_layout.layout_of(text)
    assert found is not None
    for path, (key, start, end) in found.paths:
        assert json.loads(text[start:end]) == _shop()["paths"][path]
        assert text[key:start].startswith(json.dumps(path))
    for (kind, name), (_, start, end) in found.components.items():
        assert json.loads(text[start:end]) == _shop()["components"][kind][name]
    twice = text.replace('"/stores":', '"/pets":', 1)
    assert stage_layout.layout_of(twice) is None
    assert stage_layout.members('"a": 1, "a": 2') is None
    assert stage_layout.members('"a": 1, "b": [2]') == {"a": 1, "b": [2]}


GITHUB = REPO / ".cache/corpora/node_modules/@octokit/openapi/generated/api.github.com.json"
GITHUB_PROJECT = """[tool.clientgen.targets.github]
spec = "github.json"
output = "out/github"
package = "github"
client_name = "GitHub"
env_prefix = "GITHUB"
"""
_REPO = "/repos/{owner}/{repo}"


def _gh_query(doc: dict[str, Any]) -> None:
    _params(doc, _REPO, "get").append(_query("bench_q", description="A query parameter."))


def _gh_query_again(doc: dict[str, Any]) -> None:
    _params(doc, _REPO, "get").append(_query("bench_r"))


def _gh_type(doc: dict[str, Any]) -> None:
    sha = next(p for p in _params(doc, f"{_REPO}/commits", "get") if p.get("name") == "sha")
    sha["schema"] = {"type": "integer"}


def _gh_page(doc: dict[str, Any]) -> None:
    """`repos/get` takes `per_page` and `page`: its method would paginate, were it a list."""
    _params(doc, _REPO, "get").extend(
        [{"$ref": "#/components/parameters/per-page"}, {"$ref": "#/components/parameters/page"}]
    )


def _gh_operation(doc: dict[str, Any]) -> None:
    op = copy.deepcopy(doc["paths"][_REPO]["get"])
    op["operationId"] = "repos/get-bench"
    op["parameters"] = [p for p in op.get("parameters", []) if "$ref" in p]
    doc["paths"][f"{_REPO}/bench"] = {"get": op}


def _gh_removed(doc: dict[str, Any]) -> None:
    del doc["paths"][f"{_REPO}/subscription"]["delete"]


def _gh_removed_inline(doc: dict[str, Any]) -> None:
    """`repos/replace-all-topics`: its request body is an inline object (a class of its own)."""
    del doc["paths"][f"{_REPO}/topics"]["put"]


def _gh_summary(doc: dict[str, Any]) -> None:
    doc["paths"][_REPO]["get"]["summary"] = "Get a repository (edited)"


def _summary_again(doc: dict[str, Any]) -> None:
    doc["paths"][_REPO]["get"]["summary"] = "Get a repository (edited again)"


def _gh_shared_schema(doc: dict[str, Any]) -> None:
    doc["components"]["schemas"]["simple-user"]["properties"]["bench"] = {"type": "string"}


def _gh_removed_tag(doc: dict[str, Any]) -> None:
    for path, item in list(doc["paths"].items()):
        for method in [m for m, op in item.items() if isinstance(op, dict)]:
            if "codespaces" in item[method].get("tags", ()):
                del item[method]
        if not any(isinstance(op, dict) and "responses" in op for op in item.values()):
            del doc["paths"][path]
    doc["tags"] = [t for t in doc.get("tags", []) if t.get("name") != "codespaces"]


# one after another on GitHub's spec: the structural edits, a summary after them, then the four
# kinds issue 18 names (a summary, a new operation, a schema many operations use, a removed tag)
GITHUB_ROW: list[tuple[str, Callable[[dict[str, Any]], None], str]] = [
    ("a new optional query parameter", _gh_query, STRUCTURAL),
    ("a parameter's schema type changed", _gh_type, STRUCTURAL),
    ("per_page and page", _gh_page, STRUCTURAL),
    ("a new operation", _gh_operation, STRUCTURAL),
    ("a removed operation", _gh_removed, STRUCTURAL),
    ("a removed operation with an inline body schema", _gh_removed_inline, FULL),
    ("a summary", _gh_summary, PROSE),
    ("a new optional query parameter again", _gh_query_again, STRUCTURAL),
    ("a summary after a structural edit", _summary_again, PROSE),
    ("a schema many operations use", _gh_shared_schema, FULL),
    ("a summary after a full run", _gh_summary, PROSE),
    ("a removed tag", _gh_removed_tag, FULL),
]


@pytest.mark.slow  # 25 generations of GitHub's spec: ≈ 2 min
def test_structural_edits_of_githubs_spec_equal_full_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not GITHUB.is_file():
        pytest.skip("the corpus is not installed (bash scripts/setup)")
    doc = json.loads(GITHUB.read_text(encoding="utf-8"))
    warm = tmp_path / "warm"
    warm.mkdir()
    (warm / "pyproject.toml").write_text(GITHUB_PROJECT, encoding="utf-8")

    def write(folder: Path, doc: dict[str, Any]) -> None:
        (folder / "github.json").write_text(json.dumps(doc), encoding="utf-8")

    def generate(folder: Path, full: bool = False) -> pipeline.TargetResult:
        (target,), root = select_targets(["github"], folder)
        result = pipeline.generate(target, root, full=full)
        stage_writer.wait()
        return result

    write(warm, doc)
    generate(warm, full=True)
    for n, (label, edit, served) in enumerate(GITHUB_ROW):
        calls = _served(monkeypatch)
        edit(doc)
        write(warm, doc)
        result = generate(warm)
        assert result.diff.stale, label
        _served_by(result, calls, served, label)
        with monkeypatch.context() as off:
            off.setenv("CLIENTGEN_CACHE", "off")
            cold = tmp_path / f"cold{n}"
            cold.mkdir()
            (cold / "pyproject.toml").write_text(GITHUB_PROJECT, encoding="utf-8")
            write(cold, doc)
            full = generate(cold, full=True)
        assert read_tree(warm / "out" / "github") == read_tree(cold / "out" / "github"), label
        assert _said(result) == _said(full), label


def _list_summary(doc: dict[str, Any]) -> None:
    doc["paths"]["/pets"]["get"]["summary"] = "List the pets"


def test_an_edit_beside_an_operation_with_a_warning_is_served(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The full run warned of `createPet` (an argument's collision); an edit of `listPets`, in the
    same path item, is served (the warning stays `createPet`'s); an edit of `createPet` itself
    takes the full path, which says it again."""
    doc = _shop()
    _body_collision(doc)
    warm = _project(tmp_path / "warm", doc)
    _generate(warm, full=True)
    steps: list[tuple[str, Callable[[dict[str, Any]], None], str]] = [
        ("the other operation of the path item", _new_query, STRUCTURAL),
        (
            "the operation warned of",
            lambda d: _params(d, "/pets", "post").append(_query("x")),
            FULL,
        ),
    ]
    for n, (label, edit, served) in enumerate(steps):
        with monkeypatch.context() as patch:
            _edited(tmp_path / str(n), warm, doc, edit, served, label, patch)


def test_a_path_item_is_validated_once_and_prose_never(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """openapi-pydantic validates a changed path item in a child once: not again when the next
    edit leaves it as the last replay validated it, never when it differs from the full run's in
    prose only; a path item changed again is validated again, and what it finds is the full
    path's to say."""
    from generator import validate

    started: list[list[str]] = []
    real = validate.Validation.__init__

    def counting(self: Any, document: dict[str, Any], *args: Any, **kwargs: Any) -> None:
        started.append(sorted(document.get("paths", {})))
        real(self, document, *args, **kwargs)

    monkeypatch.setattr(validate.Validation, "__init__", counting)
    doc = _shop()
    warm = _project(tmp_path / "warm", doc)
    _generate(warm, full=True)
    started.clear()
    steps: list[tuple[Callable[[dict[str, Any]], None], list[list[str]], bool]] = [
        (_new_query, [["/pets"]], True),  # validated
        (lambda d: _summary(d, "Get a pet, edited"), [], True),  # /pets as validated; prose
        (_list_summary, [], True),  # /pets: in prose only, from what was validated
        (_type_changed, [["/stores"]], True),  # only the path item changed now
        (_bad_location, [["/pets"]], False),  # changed again: validated, and the full path
    ]
    for n, (edit, validated, served) in enumerate(steps):
        started.clear()
        edit(doc)
        _write(warm, doc)
        result = _generate(warm)
        assert result.replayed is served, n
        # (after the replay's own, a full path validates the whole document)
        assert started[: len(validated)] == validated and (len(started) > len(validated)) is (
            not served
        ), n
        tree, diagnostics = _cold(tmp_path / f"cold{n}", doc, monkeypatch)
        assert read_tree(warm / "out" / "shop") == tree
        assert _said(result) == diagnostics


def test_check_serves_a_structural_edit_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`check` renders a structural edit from the snapshot as `check --full` renders it (the same
    files stale, the same bytes) and leaves the project's caches as they were."""
    doc = _shop()
    warm = _project(tmp_path / "warm", doc)
    _generate(warm, full=True)
    _new_operation(doc)
    _write(warm, doc)
    (target,), root = select_targets(["shop"], warm)
    caches = warm / ".cache"
    before = {p: p.read_bytes() for p in caches.rglob("*") if p.is_file()}
    calls = _served(monkeypatch)
    got = pipeline.check(target, root)
    assert got.replayed and any(calls)
    assert {p: p.read_bytes() for p in caches.rglob("*") if p.is_file()} == before
    want = pipeline.check(target, root, full=True)
    assert (got.diff.changed, got.diff.added, got.diff.removed) == (
        want.diff.changed,
        want.diff.added,
        want.diff.removed,
    )
    assert got.diff.stale
    assert {k: got.rendered[k] for k in got.rendered} == {
        k: want.rendered[k] for k in want.rendered
    }
    assert _said(got) == _said(want)


def test_the_old_apis_operation_pass_runs_once_a_snapshot(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An operation added to a snapshot without its `.naming` note (the full run's writer notes it;
    removed here): the operation pass runs on the old API (checked against the snapshot's names)
    and the new one; what it said of the old API is noted beside the snapshot, so the next such
    edit runs it on the new API only — the same output as a full run each time."""
    from generator.naming import operations as naming_operations

    doc = _shop()
    warm = _project(tmp_path / "warm", doc)
    _generate(warm, full=True)
    (said,) = (warm / ".cache" / "clientgen" / "stages").glob("*.bin.naming")
    said.unlink()
    passes: list[int] = []
    real = naming_operations.operation_names

    def counting(*args: Any, **kwargs: Any) -> Any:
        passes.append(len(args[0].operations))
        return real(*args, **kwargs)

    monkeypatch.setattr(naming_operations, "operation_names", counting)
    for n, (edit, runs) in enumerate(((_new_operation, 2), (_removed_operation, 1))):
        passes.clear()
        edit(doc)
        _write(warm, doc)
        result = _generate(warm)
        assert result.replayed and len(passes) == runs, n
        tree, diagnostics = _cold(tmp_path / f"cold{n}", doc, monkeypatch)
        assert read_tree(warm / "out" / "shop") == tree
        assert _said(result) == diagnostics


def test_the_operation_pass_names_only_the_arguments_asked_for(tmp_path: Path) -> None:
    """`operation_names(argued=)`: the resources and methods of the whole pass, the arguments (and
    their warnings) of the operations asked for only, each as the whole pass names them — and
    `_arguments` says nothing but `ARGUMENT_CODES` (else the replay would drop a warning)."""
    from generator.diagnostics import DiagnosticSink
    from generator.load import load_spec
    from generator.naming.names import Names, op_key
    from generator.naming.operations import operation_names

    doc = _shop()
    _body_collision(doc)  # an `argument-name-collision` warning of POST /pets
    spec = tmp_path / "shop.json"
    spec.write_text(json.dumps(doc), encoding="utf-8")
    sink = DiagnosticSink()
    api = parse.build_api(load_spec(spec, sink), sink)
    whole, heard = Names(), DiagnosticSink()
    operation_names(api, whole, heard)
    warned = [d for d in heard.sorted() if d.code in structural.ARGUMENT_CODES]
    assert warned
    pointer = {op_key(op): op.pointer for op in api.operations}
    keys = list(pointer)
    posted = next(k for k in keys if pointer[k] == warned[0].pointer)
    for argued in ({posted}, {keys[0]}, set(), set(keys)):
        part, said = Names(), DiagnosticSink()
        _, scopes = operation_names(api, part, said, argued)
        for table in ("resources", "op_resource", "op_method"):
            assert getattr(part, table) == getattr(whole, table)
        for table in ("params", "body_fields"):
            mine = getattr(part, table)
            assert mine == {k: v for k, v in getattr(whole, table).items() if k[0] in argued}
        assert set(scopes) == argued
        args = {pointer[k] for k in argued}
        assert said.sorted() == [
            d
            for d in heard.sorted()
            if d.code not in structural.ARGUMENT_CODES or d.pointer in args
        ]


def test_a_new_operation_beside_an_argument_warning_keeps_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An operation added and one removed beside an untouched operation whose arguments collide:
    served (only the touched operations' arguments named), the warning kept, equal to full runs."""
    doc = _shop()
    _body_collision(doc)
    warm = _project(tmp_path / "warm", doc)
    _generate(warm, full=True)
    for n, edit in enumerate((_new_operation, _removed_operation)):
        edit(doc)
        _write(warm, doc)
        result = _generate(warm)
        assert result.replayed, n
        tree, diagnostics = _cold(tmp_path / f"cold{n}", doc, monkeypatch)
        assert read_tree(warm / "out" / "shop") == tree
        assert _said(result) == diagnostics
        assert any(d[1] == "argument-name-collision" for d in diagnostics), n
