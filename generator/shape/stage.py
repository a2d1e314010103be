"""`shape(api, config, sink)`: each feature shapes its part, then the core's results and overrides."""

from __future__ import annotations

from dataclasses import replace

from ..config import TargetConfig
from ..diagnostics import DiagnosticSink
from ..features import features
from ..ir import Api
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
    operations = tuple(
        with_overrides(shape_results(op, api.schemas, config, pages), config)
        for op in api.operations
    )
    return replace(
        api,
        title=api.title or config.client_name,
        operations=operations,
        target=target_of(api.target, config),
    )
