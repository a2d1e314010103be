"""What each JSON result returns once the configuration is applied: the envelope field it is
unwrapped from, and its pagination (`pagination/`; JSON:API documents are the JSON:API feature's, the
configuration can still declare or switch off theirs)."""

from __future__ import annotations

from collections.abc import Mapping

from ..config import TargetConfig
from ..ir import Operation, Result, ResultKind, Schema
from ..ir.quick_init import quick_replace
from .envelopes import unwrap
from .pagination import Pages


def shape_results(
    op: Operation, schemas: Mapping[str, Schema], config: TargetConfig, pages: Pages
) -> Operation:
    results = tuple(_result(op, r, schemas, config, pages) for r in op.results)
    return op if results == op.results else quick_replace(op, results=results)


def _result(
    op: Operation, r: Result, schemas: Mapping[str, Schema], config: TargetConfig, pages: Pages
) -> Result:
    if r.kind is not ResultKind.JSON or r.body is None:
        return r
    if r.jsonapi:  # features/jsonapi.py shaped it
        pagination, item = pages.decide(op, r.body, schemas, owned=(r.pagination, r.item))
        return quick_replace(r, pagination=pagination, item=item)
    body = r.body
    field, returns = unwrap(body, schemas, config.envelope_field, config.envelope_meta)
    pagination, item = pages.decide(op, body, schemas)
    return quick_replace(r, unwrap=field, returns=returns, pagination=pagination, item=item)
