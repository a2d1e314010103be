"""Regeneration with the module cache (`generator/memo.py`) and the stage cache
(`generator/stage/cache.py`) gives exactly the bytes of a full run, and formats only the files whose
text changed. Casebook's spec, edited nine ways one after another: an operation's summary (also in a
resource shared with other operations, and once more after the structural edits), an operation's
description, a property description of a schema many operations use, a parameter's description, a new
operation, a schema many operations use, a tag removed with its operations; the edits of an
operation's or a parameter's prose are regenerated without parsing or naming, the others by the full
path.
Between the edits a no-op `generate` answers from provenance through the configuration's cached reading
and the tree index (`generator/target_cache.py`, `generator/tree_index.py`), which must never answer for
a changed spec or a changed tree."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator import parse, pipeline, staging, target_cache, tree_index, write
from generator.config import select_targets
from generator.render import model_views
from generator.write import read_tree
from tests.conftest import REPO


def _table(target: str) -> str:
    """The target's table in the repository's pyproject.toml, with the sub-tables right after it."""
    found = re.search(
        rf"^\[tool\.clientgen\.targets\.{target}\]\n"
        rf"(?:(?!\n\[(?!tool\.clientgen\.targets\.{target}\.)).)*",
        (REPO / "pyproject.toml").read_text(encoding="utf-8"),
        re.MULTILINE | re.DOTALL,
    )
    assert found is not None
    return found.group(0)


def _project(folder: Path, doc: dict[str, Any], target: str = "casebook") -> Path:
    """A project folder with one target of the repository, its spec `doc` as `<target>.json`."""
    folder.mkdir(parents=True, exist_ok=True)
    table = re.sub(
        r'^spec = ".*"$', f'spec = "{target}.json"', _table(target), count=1, flags=re.MULTILINE
    )
    (folder / "pyproject.toml").write_text(table + "\n", encoding="utf-8")
    (folder / f"{target}.json").write_text(json.dumps(doc, indent=1), encoding="utf-8")
    return folder


def _generate(folder: Path, full: bool = True) -> pipeline.TargetResult:
    (target,), root = select_targets(["casebook"], folder)
    return pipeline.generate(target, root, full=full)


def _answer(folder: Path) -> pipeline.TargetResult | None:
    """The no-op answer as the CLI asks it (cached configuration, tree index), or None."""
    found = target_cache.recall(["casebook"], folder)
    assert found is not None, "generate keeps the configuration's reading"
    (target,), root = found
    return pipeline.answer_generate(target, root)


def _summary(doc: dict[str, Any]) -> None:
    op = doc["paths"]["/people/people"]["get"]
    op["summary"] = op.get("summary", "") + " (edited)"


def _new_operation(doc: dict[str, Any]) -> None:
    source = next(
        o for o in doc["paths"]["/people/people"].values() if isinstance(o, dict) and "tags" in o
    )
    op = copy.deepcopy(source)
    op["operationId"] = "countPeople"
    op["summary"] = "Count people"
    doc["paths"]["/people/people/count"] = {"get": op}


def _shared_schema(doc: dict[str, Any]) -> None:
    meta = doc["components"]["schemas"]["Meta"]
    meta.setdefault("properties", {})["request_id"] = {"type": "string", "description": "Trace id."}


def _removed_tag(doc: dict[str, Any]) -> None:
    for path, item in list(doc["paths"].items()):
        for method, op in list(item.items()):
            if isinstance(op, dict) and "Memberships" in op.get("tags", ()):
                del item[method]
        if not any(isinstance(op, dict) and "responses" in op for op in item.values()):
            del doc["paths"][path]
    doc["tags"] = [t for t in doc.get("tags", []) if t.get("name") != "Memberships"]


def _shared_resource_summary(doc: dict[str, Any]) -> None:
    """An operation of `Providers`, a resource that also holds the locations' operations."""
    doc["paths"]["/providers/locations"]["get"]["summary"] = "List the locations of providers"


def _operation_description(doc: dict[str, Any]) -> None:
    doc["paths"]["/providers/providers/{id}"]["delete"]["description"] = "Deletes it for good."


def _shared_property_description(doc: dict[str, Any]) -> None:
    """A property of `JsonApi`, which 19 operations' documents use."""
    doc["components"]["schemas"]["JsonApi"]["properties"]["version"]["description"] = "The version."


def _parameter_description(doc: dict[str, Any]) -> None:
    doc["components"]["parameters"]["PageSize"]["description"] = "How many per page (at most 100)."


def _late_summary(doc: dict[str, Any]) -> None:
    """After the structural edits: the snapshot the last full run left serves again."""
    doc["paths"]["/people/people"]["get"]["summary"] = "List every person"


# (label, edit, regenerated from the stage cache: an operation's summary/description, a parameter's
# description)
EDITS: list[tuple[str, Callable[[dict[str, Any]], None], bool]] = [
    ("summary", _summary, True),
    ("summary in a shared resource", _shared_resource_summary, True),
    ("operation description", _operation_description, True),
    ("property description of a shared schema", _shared_property_description, False),
    ("parameter description", _parameter_description, True),
    ("new operation", _new_operation, False),
    ("shared schema", _shared_schema, False),
    ("removed tag", _removed_tag, False),
    ("summary after structural edits", _late_summary, True),
]


@pytest.mark.slow
def test_incremental_regeneration_equals_a_full_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = yaml.safe_load((REPO / "specs" / "casebook" / "openapi.yml").read_text(encoding="utf-8"))
    # one process: the types modules are counted where they are rendered (a forked render child
    # renders them all, out of this process's sight: `render/plan.CHILD_SHARE`)
    monkeypatch.setenv("CLIENTGEN_PARALLEL", "off")
    formatted: list[int] = []
    real_format = write.format_tree

    def counting(root: Path) -> None:
        formatted.append(sum(1 for _ in root.rglob("*.py")))
        real_format(root)

    monkeypatch.setattr(write, "format_tree", counting)  # a replay's, into a dict
    monkeypatch.setattr(staging, "format_tree", counting)  # a full run's, staged as rendered
    later = tree_index.now_ns() + 10 * tree_index.RACY_NS  # every file counts as settled: indexed
    monkeypatch.setattr(tree_index, "now_ns", lambda: later)
    warm = _project(tmp_path / "warm", doc)
    first = _generate(warm)
    total = sum(1 for rel in first.diff.added if rel.endswith(".py"))
    assert formatted == [total] and total > 50
    assert list((warm / ".cache" / "clientgen" / "modules").iterdir())
    target_cache.remember(warm)  # as `clientgen generate` does after a run
    noop = _answer(warm)
    assert noop is not None and noop.diff.unchanged == len(first.diff.added)

    parsed: list[int] = []
    real_parse = parse.build_api

    def counting_parse(*args: Any, **kwargs: Any) -> Any:
        parsed.append(1)
        return real_parse(*args, **kwargs)

    monkeypatch.setattr(parse, "build_api", counting_parse)
    typed: list[str] = []
    real_types = model_views.types_module_view  # (`plan_files` imports it when it renders any)

    def counting_types(api: Any, names: Any, module: str, bases: Any) -> Any:
        typed.append(module)
        return real_types(api, names, module, bases)

    monkeypatch.setattr(model_views, "types_module_view", counting_types)
    for n, (label, edit, replayed) in enumerate(EDITS):
        edit(doc)
        (warm / "casebook.json").write_text(json.dumps(doc, indent=1), encoding="utf-8")
        assert _answer(warm) is None, label  # a changed spec is never answered from provenance
        formatted.clear()
        parsed.clear()
        typed.clear()
        result = _generate(warm, full=False)
        assert result.diff.stale and not result.fast_path, label  # the edit changed something
        # prose of an operation: nothing parsed, no types module rendered; anything else: in full
        assert result.replayed is replayed, label
        assert (parsed, typed == []) == (([], True) if replayed else ([1], False)), label
        again = _answer(warm)  # the tree index re-reads the rewritten files and agrees
        assert again is not None and again.diff.unchanged == result.diff.unchanged + len(
            result.diff.changed + result.diff.added
        ), label
        # only the files whose rendered text changed went through ruff (a replay makes a resource's
        # modules from the full run's formatted pieces: `render/splice.py`, maybe none of them)
        assert formatted and formatted[0] < total / 4, (label, formatted)
        assert formatted[0] > 0 or replayed, (label, formatted)

        monkeypatch.setenv("CLIENTGEN_CACHE", "off")
        cold = _project(tmp_path / f"cold{n}", doc)
        _generate(cold)
        monkeypatch.delenv("CLIENTGEN_CACHE")
        assert not (cold / ".cache" / "clientgen" / "modules").exists()
        incremental = read_tree(warm / "generated" / "casebook")
        full = read_tree(cold / "generated" / "casebook")
        assert sorted(incremental) == sorted(full), label
        assert [rel for rel in full if incremental[rel] != full[rel]] == [], label


def test_damaged_cache_is_an_empty_cache(tmp_path: Path) -> None:
    from generator.memo import MAGIC, Memo

    path = tmp_path / "m.bin"
    memo = Memo(path, "salt")
    key = memo.text_key("a.py", b"x = 1\n")
    memo.put(key, b"x = 1\n")
    memo.save()
    assert Memo(path, "salt").get(key) == b"x = 1\n"
    assert (
        Memo(path, "other build").get(Memo(path, "other build").text_key("a.py", b"x = 1\n"))
        is None
    )
    blob = path.read_bytes()
    for damaged in (blob[:-1], b"junk" + blob, MAGIC + b"\0" * 10):
        path.write_bytes(damaged)
        assert Memo(path, "salt").get(key) is None


# ---- validation findings reused when only prose changed (generator/validation_cache.py) --------------
def _walk_blank(node: Any) -> Any:
    if isinstance(node, dict):
        return {
            k: "" if k in ("summary", "description") and isinstance(v, str) else _walk_blank(v)
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [_walk_blank(v) for v in node]
    return node


@pytest.mark.parametrize(
    "text",
    [
        '{"summary": "a", "description": "b", "x": {"summary": "c"}}',
        '{"a\\"summary": "x", "summary": "y"}',  # a key ending in an escaped quote + summary
        '{"k": "\\"description\\": \\"z\\"", "description": "v"}',  # the key's text inside a string
        '{"x": "\\\\", "description": "v\\\\\\"w"}',  # escaped backslashes before quotes
        '{"description": {"summary": 5, "description": ["d"]}, "summary" :\n "s\\u0041"}',
        '{"properties": {"description": {"type": "string"}}}',
        '{"examples": [{"summary": "e", "value": {"description": "v"}}]}',
    ],
)
def test_blank_prose_empties_exactly_the_prose_strings(text: str) -> None:
    from generator.validation_cache import blank_prose

    assert json.loads(blank_prose(text)) == _walk_blank(json.loads(text))


def test_a_key_spelled_with_escapes_keeps_its_value() -> None:
    """Conservative: a different text is a different key, so the spec is validated again."""
    from generator.validation_cache import blank_prose

    text = '{"summ\\u0061ry": "kept"}'
    assert blank_prose(text) == text


def test_blank_prose_on_casebook() -> None:
    from generator.validation_cache import blank_prose

    doc = yaml.safe_load((REPO / "specs" / "casebook" / "openapi.yml").read_text(encoding="utf-8"))
    text = json.dumps(doc, indent=1)
    assert json.loads(blank_prose(text)) == _walk_blank(doc)


def test_validation_findings_are_reused_only_when_only_prose_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator import validate
    from generator.validation_cache import FOLDER

    doc = yaml.safe_load((REPO / "tests" / "fixtures" / "specs" / "petstore_31.yml").read_text())
    doc["info"]["contact"] = {"url": 7}  # one finding of openapi-pydantic
    project = tmp_path / "p"
    project.mkdir()
    (project / "pyproject.toml").write_text(
        '[tool.clientgen.targets.pets]\nspec = "pets.json"\noutput = "out/pets"\n'
        'package = "pets"\nclient_name = "Pets"\nenv_prefix = "PETS"\n'
    )
    spec = project / "pets.json"

    def run() -> list[str]:
        spec.write_text(json.dumps(doc, indent=1))
        (target,), root = select_targets(["pets"], project)
        result = pipeline.generate(target, root)
        return [f"{d.code} {d.pointer}" for d in result.diagnostics if d.code == "spec-invalid"]

    assert run() == ["spec-invalid /info/contact/url"]
    assert list((project / FOLDER).iterdir())

    def no_validation(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("validated although only prose changed")

    with monkeypatch.context() as patched:
        patched.setattr(validate, "findings", no_validation)
        patched.setattr(validate.Validation, "_fork", no_validation)
        doc["paths"]["/pets"]["get"]["summary"] = 'List "all" pets \\ now'
        doc["paths"]["/pets"]["get"]["responses"]["200"]["description"] = "The pets, paged."
        assert run() == ["spec-invalid /info/contact/url"]  # reused, not validated
    out = read_tree(project / "out" / "pets")
    assert any(b'List "all" pets' in data for data in out.values())

    monkeypatch.setenv("CLIENTGEN_CACHE", "off")
    cold = tmp_path / "cold"
    (cold / "out").mkdir(parents=True)
    cold_spec = cold / "pets.json"
    cold_spec.write_text(json.dumps(doc, indent=1))
    from generator.config import adhoc_target

    full = pipeline.generate(
        adhoc_target(str(cold_spec), str(cold / "out" / "pets"), "pets", "Pets")
    )
    assert [d.pointer for d in full.diagnostics if d.code == "spec-invalid"] == [
        "/info/contact/url"
    ]
    monkeypatch.delenv("CLIENTGEN_CACHE")

    doc["paths"]["/pets"]["get"]["responses"]["200"]["description"] = 5  # prose that is no string
    assert "spec-invalid /paths/~1pets/get/responses/200/description" in run()
    doc["paths"]["/pets"]["get"]["responses"]["200"]["description"] = "ok"
    doc["info"]["description"] = "A new key is a change of structure, too."
    del doc["info"]["contact"]  # a structural change: validated again, the finding is gone
    assert run() == []


def test_check_keeps_no_validation_findings(pets_project: Path) -> None:
    import shutil

    from generator.validation_cache import FOLDER

    spec = pets_project / "pets.yml"
    (pets_project / "pets.json").write_text(json.dumps(yaml.safe_load(spec.read_text())))
    project = pets_project / "pyproject.toml"
    project.write_text(project.read_text().replace('"pets.yml"', '"pets.json"'))
    (target,), root = select_targets(["pets"], pets_project)
    pipeline.generate(target, root)
    assert list((pets_project / FOLDER).iterdir())
    shutil.rmtree(pets_project / FOLDER)
    assert pipeline.check(target, root, full=True).diff.stale == []
    assert not (pets_project / FOLDER).exists()


def test_a_markdown_file_alone_is_still_formatted(tmp_path: Path) -> None:
    """ruff formats the Python code blocks of api.md and the README too: when every module is known
    to the module cache and only a Markdown file is new (a prose edit back to an earlier text), it
    is formatted all the same — the bytes a run without the cache writes."""
    from generator import provenance
    from generator.memo import Memo

    long_call = (
        "client.things.create(" + ", ".join(f"argument_{i}='value {i}'" for i in range(12)) + ")"
    )
    files = {"pkg/mod.py": "x = 1\n", "api.md": f"# API\n\n```python\n{long_call}\n```\n"}
    prov = provenance.current("spec.json", "0" * 64, "0" * 64)
    memo = Memo(None, "salt")
    cold = write.build_tree(dict(files), prov, tmp_path / "cold")
    assert cold["api.md"] != write.with_header("api.md", files["api.md"])  # ruff changed it
    memo.put(
        memo.text_key("pkg/mod.py", write.with_header("pkg/mod.py", "x = 1\n")), cold["pkg/mod.py"]
    )
    warm = write.build_tree(dict(files), prov, tmp_path / "warm", memo)
    assert memo.hits == 1 and warm == cold


def test_a_finished_tree_knows_its_digests_until_it_changes(tmp_path: Path) -> None:
    """`build_tree` hashes every file once (the tree hash needs it) and `apply_package` compares by
    those digests; a tree changed afterwards forgets them (and is hashed again)."""
    import hashlib

    from generator import provenance

    prov = provenance.current("spec.json", "0" * 64, "0" * 64)
    tree = write.build_tree({"pkg/mod.py": "x = 1\n", "README.md": "# R\n"}, prov, tmp_path / "s")
    assert isinstance(tree, write.Hashed) and tree.digests is not None
    assert tree.digests == {rel: hashlib.sha256(data).digest() for rel, data in tree.items()}
    tree["pkg/mod.py"] = b"changed\n"
    assert tree.digests is None
    assert write._digests(tree)["pkg/mod.py"] == hashlib.sha256(b"changed\n").digest()
    tree.digests = {}
    assert tree.pop("README.md").endswith(b"# R\n") and tree.digests is None
    tree.digests = {}
    tree |= {"README.md": b"again"}
    assert tree.digests is None and tree["README.md"] == b"again"
