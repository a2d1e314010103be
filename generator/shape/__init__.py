"""The shape stage: the one place the target's configuration is read.

Between parse (the spec alone) and naming: `shape(api, config, sink)` turns the configuration into IR
facts — envelope unwrapping and pagination of each result (`results.py`, `envelopes.py`,
`pagination.py`), per-operation overrides and the package's identity and settings (`target.py`) — so
that everything after it reads the IR only."""

from __future__ import annotations

from dataclasses import replace

from ..config import TargetConfig
from ..diagnostics import DiagnosticSink
from ..ir import Api
from .results import shape_results
from .target import target_facts, with_overrides


def shape(api: Api, config: TargetConfig, sink: DiagnosticSink) -> Api:
    operations = tuple(
        with_overrides(shape_results(op, api.schemas, config), config) for op in api.operations
    )
    return replace(
        api,
        title=api.title or config.client_name,
        operations=operations,
        target=target_facts(api, config),
    )
