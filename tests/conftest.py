"""Shared fixtures: build IR from inline specs, generate packages into tmp folders and import them."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.config import TargetConfig, adhoc_target
from generator.diagnostics import DiagnosticSink
from generator.ir import Api
from generator.load import load_spec
from generator.parse import build_api
from generator.shape.stage import shape
from tests.support.packages import imported_package

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

pytest_plugins = ("tests.support.fixtures",)  # fixtures every folder shares (`server`)


def spec_doc(
    paths: dict[str, Any] | None = None,
    schemas: dict[str, Any] | None = None,
    version: str = "3.1.0",
    **extra: Any,
) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "openapi": version,
        "info": {"title": "Test API", "version": "1.0.0"},
        "servers": [{"url": "https://api.example.test/v1"}],
        "paths": paths or {},
    }
    if schemas:
        doc["components"] = {"schemas": schemas}
    doc.update(extra)
    return doc


@pytest.fixture
def build(tmp_path: Path) -> Callable[..., tuple[Api, DiagnosticSink]]:
    """build(doc) → (Api, sink): the IR of an inline spec."""

    def _build(
        doc: dict[str, Any], config: TargetConfig | None = None
    ) -> tuple[Api, DiagnosticSink]:
        path = tmp_path / "spec.json"
        path.write_text(json.dumps(doc))
        sink = DiagnosticSink(file=str(path))
        cfg = config or adhoc_target(str(path), str(tmp_path / "out"), "testapi", None)
        return shape(build_api(load_spec(path, sink), sink), cfg, sink), sink

    return _build


_counter = 0


@pytest.fixture
def generate_package(tmp_path: Path) -> Iterator[Callable[..., tuple[Any, Path]]]:
    """generate_package(doc) → (imported module, package root): generate into tmp and import it."""
    with ExitStack() as imported:

        def _gen(doc: dict[str, Any] | str, **cfg: Any) -> tuple[Any, Path]:
            global _counter
            _counter += 1
            name = cfg.pop("package", f"genpkg{_counter}")
            spec = tmp_path / f"{name}.yml"
            spec.write_text(doc if isinstance(doc, str) else yaml.safe_dump(doc, sort_keys=False))
            target = adhoc_target(
                str(spec), str(tmp_path / name), name, cfg.pop("client_name", "Client")
            )
            if cfg:
                target = replace(target, **cfg)
            return imported.enter_context(imported_package(target)), tmp_path / name

        yield _gen


PETS_PROJECT = """
[tool.clientgen.targets.pets]
spec = "pets.yml"
output = "generated/pets"
package = "pets"
client_name = "Pets"
env_prefix = "PETS"
"""


@pytest.fixture
def pets_project(tmp_path: Path) -> Path:
    """A project folder: pyproject.toml with one target, `pets`, whose spec pets.yml is the petstore fixture."""
    (tmp_path / "pyproject.toml").write_text(PETS_PROJECT)
    (tmp_path / "pets.yml").write_text((FIXTURES / "specs" / "petstore_31.yml").read_text())
    return tmp_path
