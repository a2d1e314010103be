"""openapi-pydantic's `OpenAPI` model of one OpenAPI version, loaded without the other's (issue 18).

`import openapi_pydantic.v3.v3_0` first runs the package's `__init__` and `openapi_pydantic.v3`'s,
which import the models of both 3.0 and 3.1 and the parser choosing between them: 64 pydantic models
completed, ≈ 0.1 s of CPU, half of it for the version the spec does not use. The version subpackages
import nothing of their parents but `openapi_pydantic.compat` (pydantic's version), so in a process
that has imported nothing of openapi-pydantic and will import nothing else of it — the validation
child, which validates and ends (`validate.Validation`) — the two parents are registered as the
packages they are (their spec and `__path__`) without running their `__init__`, and only the one
version subpackage is imported: the same modules, the same classes, the same validation.

What this rests on is openapi-pydantic's layout, so it is taken only with the version it was checked
against (`PINNED`, the pin in pyproject.toml); `tests/unit/test_openapi_models.py` fails if the
shortcut loads other modules than the ordinary import's version subpackage, or if its models
describe or validate anything differently. Anywhere else (another version installed, openapi-pydantic
already imported, a process that goes on) the ordinary import is used.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

PINNED = "0.6.0"  # the openapi-pydantic whose layout `_parents_alone` relies on
PACKAGE = "openapi_pydantic"
PARENTS = (PACKAGE, f"{PACKAGE}.v3")


def subpackage(version: str) -> str:
    """The module of openapi-pydantic's models for an OpenAPI version ("3.0"; "3.1" otherwise)."""
    return f"{PACKAGE}.v3.v3_0" if version == "3.0" else f"{PACKAGE}.v3.v3_1"


def openapi_model(version: str) -> Any:
    """The `OpenAPI` model for the version, imported as `validate.findings` always has."""
    return importlib.import_module(subpackage(version)).OpenAPI


def load_alone(version: str) -> bool:
    """(Only in a process that ends after validating.) Import the version's models without the
    parents' `__init__`, when that is known to be the same; say whether it was done."""
    if any(name in sys.modules for name in PARENTS) or not _pinned():
        return False
    try:
        _parents_alone()
        importlib.import_module(subpackage(version))
    except ImportError:  # (undo, and let the ordinary import run or fail as ever; anything else
        # fails the child, whose parent then validates in-process: `validate.Validation.wait`)
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
            del sys.modules[name]
        return False
    return True


def _pinned() -> bool:
    from .provenance import dist_version

    try:
        return dist_version(PACKAGE, "openapi_pydantic") == PINNED
    except (OSError, ImportError, ValueError):  # (the ordinary import says what is wrong)
        return False


def _parents_alone() -> None:
    """Register `openapi_pydantic` and `openapi_pydantic.v3` as packages, their `__init__` not run."""
    import importlib.util

    parent = None
    for name in PARENTS:
        spec = importlib.util.find_spec(name)
        if spec is None or spec.submodule_search_locations is None:
            raise ImportError(name)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        if parent is not None:
            setattr(parent, name.rpartition(".")[2], module)
        parent = module
