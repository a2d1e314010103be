"""CaseXchange's documentation extensions on operations: `x-access-tier` (the API-key tier an
operation needs) and `x-key-scope` (the key scopes that may call it). Each becomes a line of the
method's docstring; the tier is the README's "Access" column."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from ..diagnostics import DiagnosticSink
from ..ir import Api, Operation
from ..naming.names import op_key
from ..naming.requests import NameRequest
from ..render.annotations import py_literal
from ..render.extension import MethodContext, MethodExtras
from ..render.resource_views import ResourceDraft
from .base import Context, Contribution, Preparation

if TYPE_CHECKING:
    from ..config import TargetConfig

TIER, SCOPE = "x-access-tier", "x-key-scope"


def _notes(op: Operation) -> tuple[str, ...]:
    ext = dict(op.extensions)
    lines = []
    if TIER in ext:
        lines.append(f"Access tier: `{ext[TIER]}`.")
    if SCOPE in ext:
        scope = ext[SCOPE]
        shown = (
            ", ".join(map(str, scope))
            if isinstance(scope, list)
            else py_literal(scope)
            if scope is None or isinstance(scope, (str, int, float))
            else str(scope)
        )
        lines.append(f"Key scope: {shown}.")
    return tuple(lines)


def _method(ctx: MethodContext) -> MethodExtras | None:
    notes = _notes(ctx.op)
    return MethodExtras(doc_notes=notes) if notes else None


class VendorDocs:
    name = "vendor_docs"

    def shape(self, api: Api, config: TargetConfig, sink: DiagnosticSink) -> Api:
        return api  # read from the spec's own extensions

    def analyse(self, api: Api, sink: DiagnosticSink) -> bool | None:
        found = any(k in (TIER, SCOPE) for op in api.operations for k, _ in op.extensions)
        return True if found else None

    def names(self, facts: bool, api: Api) -> Iterable[NameRequest]:
        return ()

    def prepare(self, facts: bool, ctx: Context) -> Preparation:
        return Preparation(method=_method)

    def contribute(
        self, facts: bool, ctx: Context, resources: Mapping[str, ResourceDraft]
    ) -> Contribution:
        access = {
            op_key(op): str(dict(op.extensions)[TIER])
            for op in ctx.api.operations
            if TIER in dict(op.extensions) and str(dict(op.extensions)[TIER])
        }
        return Contribution(access=access)


FEATURE = VendorDocs()
