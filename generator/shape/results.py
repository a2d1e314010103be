"""What each JSON result returns once the configuration is applied: the envelope field it is
unwrapped from, and its pagination (JSON:API documents are the JSON:API feature's)."""

from __future__ import annotations

from dataclasses import replace

from ..config import TargetConfig
from ..ir import Operation, Result, ResultKind, Schema
from .envelopes import unwrap
from .pagination import page_number


def shape_results(op: Operation, schemas: dict[str, Schema], config: TargetConfig) -> Operation:
    results = tuple(_result(op, r, schemas, config) for r in op.results)
    return op if results == op.results else replace(op, results=results)


def _result(op: Operation, r: Result, schemas: dict[str, Schema], config: TargetConfig) -> Result:
    if r.kind is not ResultKind.JSON or r.body is None or r.jsonapi:
        return r  # not JSON, or a JSON:API document (features/jsonapi.py shaped it)
    body = r.body
    field, returns = unwrap(body, schemas, config.envelope_field, config.envelope_meta)
    cfg = config.pagination
    pagination, item = (
        (None, None)
        if op.id in cfg.exclude
        else page_number(
            op,
            returns,
            body,
            schemas,
            page_param=cfg.page_param,
            limit_param=cfg.limit_param,
            items_field=config.envelope_field,
            pagination_field=cfg.pagination_field,
            include=op.id in cfg.include,
        )
    )
    return replace(r, unwrap=field, returns=returns, pagination=pagination, item=item)
