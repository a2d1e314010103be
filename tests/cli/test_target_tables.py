"""The configuration's cached reading keeps the targets' tables (`target_cache.configured`, issue 18,
imp24): a structural replay takes its target's configuration from them instead of parsing the
pyproject.toml again — the same `TargetConfig` `select_targets` reads, and None (the proper reading)
whenever the cache cannot answer for certain."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator import target_cache
from generator.config import select_targets
from tests.conftest import PETS_PROJECT

PROJECT = (
    PETS_PROJECT
    + """method_names = { listPets = "pets.all" }

[tool.clientgen.targets.pets.pagination]
detect = false
exclude = ["listPets"]

[tool.clientgen.targets.other]
spec = "other.yml"
output = "generated/other"
package = "other"
client_name = "Other"
env_prefix = "OTHER"
"""
)


def _project(folder: Path, text: str = PROJECT) -> Path:
    (folder / "pyproject.toml").write_text(text, encoding="utf-8")
    target_cache.remember(folder)
    return folder


def test_the_kept_tables_give_what_select_targets_reads(tmp_path: Path) -> None:
    root = _project(tmp_path)
    for name in ("pets", "other"):
        (expected,), _ = select_targets([name], root)
        assert target_cache.configured(name, root) == expected
    assert target_cache.configured("missing", root) is None


def test_another_pyproject_is_read_properly(tmp_path: Path) -> None:
    root = _project(tmp_path)
    (root / "pyproject.toml").write_text(PROJECT.replace('"pets.all"', '"pets.every"'))
    assert target_cache.configured("pets", root) is None  # the key is of the old bytes


@pytest.mark.parametrize("damage", ["no tables", "an older version", "garbage", "bad tables"])
def test_a_cache_without_usable_tables_is_none(tmp_path: Path, damage: str) -> None:
    root = _project(tmp_path)
    path = root / target_cache.FILE
    data = json.loads(path.read_text())
    if damage == "no tables":
        del data["tables"]
    elif damage == "an older version":
        data["version"] = 1
    elif damage == "bad tables":
        data["tables"]["pets"]["package"] = 7  # (validated as the command would: refused)
    path.write_text("\x00 not json" if damage == "garbage" else json.dumps(data))
    assert target_cache.configured("pets", root) is None


def test_cache_off_answers_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _project(tmp_path)
    monkeypatch.setenv("CLIENTGEN_CACHE", "off")
    assert target_cache.configured("pets", root) is None
