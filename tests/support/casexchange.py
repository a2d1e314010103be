"""Where the CaseXchange spec, its generated client and the vendor's upstream files live; how to import it.

The committed client is `generated/casexchange/` (package source in `generated/casexchange/src`), generated
from `specs/casexchange/openapi.yml`. For local development before those are committed, two environment
variables point elsewhere:

- `CASEXCHANGE_GENERATED_DIR`: a generated package root (the folder holding `operations.json` and `src/`).
- `CASEXCHANGE_SPEC`: the OpenAPI document that package was generated from.
"""

from __future__ import annotations

import functools
import importlib
import json
import os
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"
UPSTREAM = SHARED / "upstream" / "casexchange"
POSTMAN_COLLECTION = UPSTREAM / "postman-collection-4e3e8ea.json"
POSTMAN_ENVIRONMENT = UPSTREAM / "postman-environment-production-4e3e8ea.json"

PACKAGE = "casexchange"
PUBLIC_BASE_PATH = "/api/public/v1"


def spec_path() -> Path:
    override = os.environ.get("CASEXCHANGE_SPEC")
    return Path(override) if override else REPO / "specs" / "casexchange" / "openapi.yml"


def generated_dir() -> Path:
    override = os.environ.get("CASEXCHANGE_GENERATED_DIR")
    return Path(override) if override else REPO / "generated" / "casexchange"


def require_generated() -> Path:
    """The generated package root; skips the calling test when it has not been generated yet."""
    root = generated_dir()
    if not (root / "operations.json").is_file() or not (root / "src" / PACKAGE).is_dir():
        pytest.skip(f"{root} has no generated client yet (run scripts/generate)")
    return root


def require_spec() -> Path:
    path = spec_path()
    if not path.is_file():
        pytest.skip(f"{path} does not exist yet")
    return path


def require_shared(path: Path) -> Path:
    if not path.is_file():
        pytest.skip(f"{path} is missing (../shared is not beside the repository)")
    return path


@functools.cache
def load_spec(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as fh:  # libyaml's safe loader where there is one (5× faster)
        doc = yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    assert isinstance(doc, dict)
    return doc


@functools.cache
def load_manifest(root: Path) -> dict[str, Any]:
    doc = json.loads((root / "operations.json").read_text(encoding="utf-8"))
    assert isinstance(doc, dict)
    return doc


def import_client(root: Path) -> ModuleType:
    """Import the generated package from `root/src` (put first on sys.path)."""
    src = str(root / "src")
    if src not in sys.path:
        sys.path.insert(0, src)
    module = importlib.import_module(PACKAGE)
    origin = Path(module.__file__ or "").resolve()
    assert origin.is_relative_to((root / "src").resolve()), (
        f"`{PACKAGE}` was imported from {origin}, not from {root / 'src'}"
    )
    return module


def manifest_operations() -> list[dict[str, Any]]:
    """The manifest's operations, or [] when there is no generated client (for parametrization)."""
    root = generated_dir()
    if not (root / "operations.json").is_file():
        return []
    return list(load_manifest(root)["operations"])


def bound_method(client: Any, call: str) -> Any:
    """`referrals.send` → client.referrals.send."""
    target = client
    for part in call.split("."):
        target = getattr(target, part)
    return target
