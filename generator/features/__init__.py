"""Optional capabilities of a generated client, each one module behind one small contract (`Feature`).

The core knows OpenAPI: models, resources, methods, pages, errors, plain api-key / bearer / basic auth.
Everything a target or a spec family adds on top lives in one module here, with its templates under
`templates/features/<name>/` and its runtime modules under `templates/runtime/features/<name>/`:

- `shape()`: what its configuration says, as IR facts (the shape stage calls it);
- `analyse()`: whether it applies to this API (None: it does not) and the facts it works from;
- `names()`: the names it needs, claimed by the naming pass;
- `prepare()`: its changes to the core's methods and models (before the views are built);
- `contribute()`: what it adds to the package — methods, files, README sections, client parts — and
  the runtime modules it ships.

`FEATURES` is the registry, in the order their sections appear where several share a place
(`NAMES`; `features(names)` imports only those named).
"""

from __future__ import annotations

from collections.abc import Iterable
from importlib import import_module
from typing import TYPE_CHECKING, Any

from .base import Context, Contribution, Feature, Preparation

if TYPE_CHECKING:
    from ..diagnostics import DiagnosticSink
    from ..ir import Api

# the registry's modules, in order; each is imported when asked for (a prose-only replay imports
# only the features the last full run found active: `active`, `stage/snapshot.py`)
NAMES: tuple[str, ...] = (
    "jsonapi",
    "helpers",
    "oauth",
    "regions",
    "session",
    "error_codes",
    "webhooks",
    "sse",
    "vendor_docs",
)


_LOADED: dict[str, Feature[Any]] = {}


def features(names: Iterable[str] = NAMES) -> tuple[Feature[Any], ...]:
    """The features of `names` (which must be registry names), in the registry's order; each
    module is imported when first asked for."""
    wanted = set(names)
    unknown = wanted - set(NAMES)
    if unknown:
        raise KeyError(f"no such feature: {sorted(unknown)}")
    for n in NAMES:
        if n in wanted and n not in _LOADED:
            _LOADED[n] = import_module(f"{__name__}.{n}").FEATURE
    return tuple(_LOADED[n] for n in NAMES if n in wanted)


def active(api: Api, sink: DiagnosticSink) -> tuple[str, ...]:
    """The names of the features that apply to `api` (`Feature.analyse` is not None)."""
    return tuple(
        n for n, f in zip(NAMES, features(), strict=True) if f.analyse(api, sink) is not None
    )


def __getattr__(name: str) -> Any:  # (typed Any: mypy 2.4 cannot cache a tuple type here)
    if name == "FEATURES":  # every feature, imported on first use (`features()` is typed)
        return features()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "FEATURES",
    "NAMES",
    "Context",
    "Contribution",
    "Feature",
    "Preparation",
    "active",
    "features",
]
