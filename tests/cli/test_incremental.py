"""Regeneration with the module cache (`generator/memo.py`) gives exactly the bytes of a full run, and
formats only the files whose text changed. Casebook's spec, edited four ways one after another: an
operation's summary, a new operation, a schema many operations use, a tag removed with its operations."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator import pipeline, write
from generator.config import select_targets
from generator.write import read_tree
from tests.conftest import REPO

TABLE = re.search(
    r"^\[tool\.clientgen\.targets\.casebook\]\n(?:(?!\n\[).)*",
    (REPO / "pyproject.toml").read_text(encoding="utf-8"),
    re.MULTILINE | re.DOTALL,
)
assert TABLE is not None


def _project(folder: Path, doc: dict[str, Any]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    table = TABLE.group(0).replace('spec = "specs/casebook/openapi.yml"', 'spec = "casebook.json"')
    (folder / "pyproject.toml").write_text(table + "\n", encoding="utf-8")
    (folder / "casebook.json").write_text(json.dumps(doc, indent=1), encoding="utf-8")
    return folder


def _generate(folder: Path) -> pipeline.TargetResult:
    (target,), root = select_targets(["casebook"], folder)
    return pipeline.generate(target, root, full=True)


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


EDITS: list[tuple[str, Callable[[dict[str, Any]], None]]] = [
    ("summary", _summary),
    ("new operation", _new_operation),
    ("shared schema", _shared_schema),
    ("removed tag", _removed_tag),
]


@pytest.mark.slow
def test_incremental_regeneration_equals_a_full_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = yaml.safe_load((REPO / "specs" / "casebook" / "openapi.yml").read_text(encoding="utf-8"))
    formatted: list[int] = []
    real_format = write.format_tree

    def counting(root: Path) -> None:
        formatted.append(sum(1 for _ in root.rglob("*.py")))
        real_format(root)

    monkeypatch.setattr(write, "format_tree", counting)
    warm = _project(tmp_path / "warm", doc)
    first = _generate(warm)
    total = sum(1 for rel in first.diff.added if rel.endswith(".py"))
    assert formatted == [total] and total > 50
    assert list((warm / ".cache" / "clientgen" / "modules").iterdir())

    for n, (label, edit) in enumerate(EDITS):
        edit(doc)
        (warm / "casebook.json").write_text(json.dumps(doc, indent=1), encoding="utf-8")
        formatted.clear()
        result = _generate(warm)
        assert result.diff.stale, label  # the edit changed something
        # only the files whose rendered text changed went through ruff
        assert formatted and 0 < formatted[0] < total / 4, (label, formatted)

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
