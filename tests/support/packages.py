"""Generate a client package from a spec and import it: the set-up of every test that calls a client
generated in the test run (fixture specs, real servers' specs)."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType

from generator import generate
from generator.config import TargetConfig


@contextmanager
def imported_package(target: TargetConfig) -> Iterator[ModuleType]:
    """Generate `target` into its output folder and import its package; `<output>/src` is on
    `sys.path` while the block runs (a module imported later from the package still resolves)."""
    generate(target)
    src = str(Path(target.output) / "src")
    sys.path.insert(0, src)
    try:
        yield importlib.import_module(target.package)
    finally:
        sys.path.remove(src)
