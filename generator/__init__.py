"""clientgen: OpenAPI 3.0/3.1 → a typed Python client package.

The public API (what `bench/` and tests use; the command line is `generator.cli`):

    from generator import generate, check
    from generator.config import adhoc_target, load_targets

    result = generate(adhoc_target("openapi.yaml", "out/acme", "acme", "Acme"))
    result.diagnostics, result.diff.added, result.operations

    check(target).diff.stale   # what differs from what the spec produces (nothing written)

Both are imported lazily: `import generator` stays as cheap as the `clientgen check` fast path needs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import dataclass_code
from .version import __version__

dataclass_code.install()  # before the first of the generator's dataclasses is made

if TYPE_CHECKING:
    from .config import TargetConfig
    from .pipeline import TargetResult

__all__ = ["__version__", "check", "generate"]


def generate(target: TargetConfig, root: Any = None, **options: Any) -> TargetResult:
    """Generate `target`'s package into its output folder (`pipeline.generate`): load, parse, shape,
    name, render, format, write. Raises `diagnostics.SpecError` for a spec that cannot be used."""
    from .pipeline import generate as run

    return run(target, root, **options)


def check(target: TargetConfig, root: Any = None, **options: Any) -> TargetResult:
    """Compare `target`'s output folder with what its spec produces (`pipeline.check`); `full=True`
    always re-renders instead of trusting the provenance fast path."""
    from .pipeline import check as run

    return run(target, root, **options)
