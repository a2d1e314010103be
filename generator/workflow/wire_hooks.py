"""Webhook deliveries on the wire, compared from the client's side: the client receives them, so their
payloads are compared like response bodies (`Direction.RESPONSE`).

Two sources, matched by event name: the vendor extension `x-webhook-events` (each event's typed delivery
model, built by the parser) and OpenAPI 3.1 `webhooks` (each operation's request body).
"""

from __future__ import annotations

from typing import Any

from .. import pointer as jp
from ..ir import AnyType, Api, ModelRef, TypeRef
from ..refs import Resolver
from .changes import Collector, Layer, Level
from .sides import SpecSide
from .wire_schema import Direction, SchemaComparer

_METHODS = ("post", "put", "get", "patch", "delete", "options", "head", "trace")


def webhook_payloads(side: SpecSide) -> dict[str, TypeRef]:
    """Label (`webhook case.created`) → the type of what is delivered."""
    return payloads(side.api, hook_targets(side.document))


def payloads(api: Api, targets: list[tuple[str, str | None]]) -> dict[str, TypeRef]:
    """The payload types: the vendor extension's events, then `webhooks` (`hook_targets`) as the
    parser typed them."""
    out: dict[str, TypeRef] = {f"webhook {e.name}": ModelRef(e.schema_id) for e in api.webhooks}
    for label, target in targets:
        body: TypeRef = (
            ModelRef(target) if target is not None and target in api.schemas else AnyType()
        )
        out.setdefault(label, body)
    return out


def hook_targets(document: dict[str, Any]) -> list[tuple[str, str | None]]:
    """What the document's `webhooks` deliver, read from the document alone: (label, where the
    payload's schema is defined, or None when there is no schema)."""
    out: list[tuple[str, str | None]] = []
    hooks = document.get("webhooks")
    refs = Resolver(document)
    for name, item in hooks.items() if isinstance(hooks, dict) else ():
        where, item = _deref(refs, item, jp.join("/webhooks", name))
        methods = [m for m in _METHODS if isinstance(item, dict) and isinstance(item.get(m), dict)]
        for method in methods:
            label = f"webhook {name}" + (f" ({method.upper()})" if method != "post" else "")
            out.append((label, _body_target(refs, item[method], jp.join(where, method))))
    return out


def _deref(refs: Resolver, node: Any, where: str) -> tuple[str, Any]:
    try:
        return refs.deref(node, where)
    except Exception:  # noqa: BLE001 - a broken reference: nothing to compare
        return where, None


def _body_target(refs: Resolver, op: dict[str, Any], where: str) -> str | None:
    """Where the payload's schema is defined (the parser names it by that place)."""
    at, body = _deref(refs, op.get("requestBody"), jp.join(where, "requestBody"))
    content = body.get("content") if isinstance(body, dict) else None
    for media, entry in content.items() if isinstance(content, dict) else ():
        if isinstance(entry, dict) and "schema" in entry:
            target, _ = _deref(refs, entry["schema"], jp.join(at, "content", media, "schema"))
            return target
    return None


class WebhookComparer:
    def __init__(
        self,
        old: dict[str, TypeRef],
        new: dict[str, TypeRef],
        schemas: SchemaComparer,
        out: Collector,
    ) -> None:
        """`old`, `new`: each side's `webhook_payloads`."""
        self.old, self.new = old, new
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
