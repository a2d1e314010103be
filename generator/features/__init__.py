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

`FEATURES` is the registry, in the order their sections appear where several share a place.
"""

from __future__ import annotations

from typing import Any

from . import error_codes, helpers, jsonapi, oauth, regions, session, sse, vendor_docs, webhooks
from .base import Context, Contribution, Feature, Preparation

FEATURES: tuple[Feature[Any], ...] = (
    jsonapi.FEATURE,
    helpers.FEATURE,
    oauth.FEATURE,
    regions.FEATURE,
    session.FEATURE,
    error_codes.FEATURE,
    webhooks.FEATURE,
    sse.FEATURE,
    vendor_docs.FEATURE,
)

__all__ = ["FEATURES", "Context", "Contribution", "Feature", "Preparation"]
