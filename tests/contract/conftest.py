"""Fixtures for the CaseXchange contract tests: the spec, the generated client, and a Prism mock server."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/, for `support`

from support.casexchange import import_client, load_spec, require_generated, require_spec
from support.prism import prism_executable, running_prism


@pytest.fixture(scope="session")
def cx_spec() -> dict[str, Any]:
    return load_spec(require_spec())


@pytest.fixture(scope="session")
def cx_generated() -> Path:
    return require_generated()


@pytest.fixture(scope="session")
def cx_module(cx_generated: Path) -> ModuleType:
    return import_client(cx_generated)


@pytest.fixture(scope="session")
def prism_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of a Prism mock server for specs/casexchange/openapi.yml (no path: Prism serves at `/`)."""
    spec = require_spec()
    executable = prism_executable()
    if executable is None:
        pytest.skip(
            "Prism is not installed: CLIENTGEN_PRISM is unset and `prism` is not on PATH "
            "(run `bash scripts/setup --with-prism`)"
        )
    if not Path(executable).exists() and "/" in executable:
        pytest.fail(f"CLIENTGEN_PRISM points to {executable}, which does not exist")
    log = tmp_path_factory.mktemp("prism") / "prism.log"
    with running_prism(executable, spec, log) as url:
        yield url
