"""Webhook deliveries on the wire, compared from the client's side: the client receives them, so their
payloads are compared like response bodies (`Direction.RESPONSE`).

Two sources, matched by event name: the vendor extension `x-webhook-events` (each event's typed delivery
model, built by the parser) and OpenAPI 3.1 `webhooks` (each operation's request body).
"""

from __future__ import annotations

from typing import Any

from .. import pointer as jp
from ..ir import AnyType, ModelRef, TypeRef
from ..refs import Resolver
from .changes import Collector, Layer, Level
from .sides import SpecSide
from .wire_schema import Direction, SchemaComparer

_METHODS = ("post", "put", "get", "patch", "delete", "options", "head", "trace")


def webhook_payloads(side: SpecSide) -> dict[str, TypeRef]:
    """Label (`webhook case.created`) → the type of what is delivered."""
    out: dict[str, TypeRef] = {
        f"webhook {e.name}": ModelRef(e.schema_id) for e in side.api.webhooks
    }
    hooks = side.document.get("webhooks")
    refs = Resolver(side.document)
    for name, item in hooks.items() if isinstance(hooks, dict) else ():
        where, item = _deref(refs, item, jp.join("/webhooks", name))
        methods = [m for m in _METHODS if isinstance(item, dict) and isinstance(item.get(m), dict)]
        for method in methods:
            label = f"webhook {name}" + (f" ({method.upper()})" if method != "post" else "")
            body = _body_type(refs, item[method], jp.join(where, method), side)
            out.setdefault(label, body)
    return out


def _deref(refs: Resolver, node: Any, where: str) -> tuple[str, Any]:
    try:
        return refs.deref(node, where)
    except Exception:  # noqa: BLE001 - a broken reference: nothing to compare
        return where, None


def _body_type(refs: Resolver, op: dict[str, Any], where: str, side: SpecSide) -> TypeRef:
    """The payload's schema id: where its schema is defined (the parser names it by that place)."""
    at, body = _deref(refs, op.get("requestBody"), jp.join(where, "requestBody"))
    content = body.get("content") if isinstance(body, dict) else None
    for media, entry in content.items() if isinstance(content, dict) else ():
        if isinstance(entry, dict) and "schema" in entry:
            target, _ = _deref(refs, entry["schema"], jp.join(at, "content", media, "schema"))
            return ModelRef(target) if target in side.api.schemas else AnyType()
    return AnyType()


class WebhookComparer:
    def __init__(
        self, old: SpecSide, new: SpecSide, schemas: SchemaComparer, out: Collector
    ) -> None:
        self.old, self.new = webhook_payloads(old), webhook_payloads(new)
        self.schemas, self.out = schemas, out

    def run(self) -> None:
        for label in self.old:
            if label not in self.new:
                self.out.add(
                    Layer.WIRE,
                    Level.BREAKING,
                    "webhook-removed",
                    label,
                    "no longer delivered (code handling it stops receiving it)",
                    label,
                )
        for label in self.new:
            if label not in self.old:
                self.out.add(
                    Layer.WIRE, Level.NON_BREAKING, "webhook-added", label, "new webhook", label
                )
        for label, payload in self.old.items():
            if label in self.new:
                for change in self.schemas.compare(
                    payload, self.new[label], Direction.RESPONSE, label
                ):
                    change.operations.add(label)
