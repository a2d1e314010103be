"""`shape(api, config, sink)`: each feature shapes its part, then the core's results and overrides."""

from __future__ import annotations

from collections.abc import Mapping

from ..config import TargetConfig
from ..diagnostics import DiagnosticSink
from ..features import features
from ..ir import Api, Operation, Schema
from ..ir.quick_init import quick_replace
from .pagination import Pages
from .results import shape_results
from .servers import resolve_servers
from .target import target_of, with_overrides


def shape(api: Api, config: TargetConfig, sink: DiagnosticSink) -> Api:
    api = resolve_servers(api, config)
    for feature in features():
        api = feature.shape(api, config, sink)
    pages = Pages(config.pagination, dict(api.extensions), sink)
    pages.unknown_operations({op.id for op in api.operations})
    operations = tuple(shape_operation(op, api.schemas, config, pages) for op in api.operations)
    return quick_replace(
        api,
        title=api.title or config.client_name,
        operations=operations,
        target=target_of(api.target, config),
    )


def shape_operation(
    op: Operation, schemas: Mapping[str, Schema], config: TargetConfig, pages: Pages
) -> Operation:
    """One operation's results and overrides, after the features have shaped the API (the stage
    cache's structural replay shapes a changed operation alone with this: `stage/structural.py`)."""
    return with_overrides(shape_results(op, schemas, config, pages), config)
