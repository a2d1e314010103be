"""What full generation leaves off its critical path (issue 18, fast18c): work whose result nothing
would use is not done."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator import load
from generator.diagnostics import DiagnosticSink
from generator.validation_cache import FindingsCache
from tests.conftest import REPO

PETS = REPO / "tests" / "fixtures" / "specs" / "petstore_31.yml"


def _json_spec(tmp_path: Path) -> Path:
    spec = tmp_path / "pets.json"
    spec.write_text(json.dumps(yaml.safe_load(PETS.read_text())))
    return spec


def _keys_counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    made: list[str] = []
    real = load.prose_free_key

    def counted(text: str, version: str) -> str:
        made.append(version)
        return real(text, version)

    monkeypatch.setattr(load, "prose_free_key", counted)
    return made


def test_no_validation_key_without_a_findings_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = _keys_counted(monkeypatch)
    spec = _json_spec(tmp_path)
    for known in (FindingsCache(None), None):
        _, validation = load.open_spec(spec, DiagnosticSink(), background=False, known=known)
        validation.wait(DiagnosticSink())
    assert made == []


def test_the_validation_key_is_made_where_it_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = _keys_counted(monkeypatch)
    known = FindingsCache(tmp_path / "findings.json")
    _, validation = load.open_spec(
        _json_spec(tmp_path), DiagnosticSink(), background=False, known=known
    )
    validation.wait(DiagnosticSink())
    known.save()
    assert made == ["3.1"]
    saved: dict[str, Any] = json.loads((tmp_path / "findings.json").read_text())
    assert len(saved["key"]) == 64
