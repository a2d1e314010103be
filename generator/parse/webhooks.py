"""Webhook events → IR: typed envelope models per event.

Two sources: the vendor extension `x-webhook-events` (a list of {event, envelopeSchema, dataSchema,
maskedDataSchema?}) and OpenAPI 3.1 `webhooks` (each POST request body is the payload). Each event gets a
model of its own: the envelope's fields with `event` fixed to that name and `data` typed by the event.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import pointer as jp
from ..diagnostics import DiagnosticSink
from ..ir import LiteralOf, Model, ModelRef, Schema, TypeRef, UnionOf, WebhookEvent
from ..ir.quick_init import quick_replace
from .nodes import mapping
from .schemas import SchemaBuilder

SYNTHETIC = "/x-clientgen/webhook-events/"


def register_webhook_payloads(
    doc: dict[str, Any], schemas: SchemaBuilder
) -> list[tuple[str, TypeRef, str]]:
    """Register payload schemas of 3.1 `webhooks` and of `callbacks`; returns (name, type, doc) per webhook."""
    out = []
    hooks = mapping(doc.get("webhooks"))
    for name, item in hooks.items():
        _, item = schemas.resolver.deref(item, jp.join("/webhooks", name))
        for method, op in item.items() if isinstance(item, dict) else []:
            body = op.get("requestBody") if isinstance(op, dict) else None
            where = jp.join("/webhooks", name, method, "requestBody")
            _, body = schemas.resolver.deref(body, where) if body else ("", None)
            for media, content in (
                ((body or {}).get("content") or {}).items() if isinstance(body, dict) else []
            ):
                if isinstance(content, dict) and "schema" in content:
                    t = schemas.type_of(
                        content["schema"],
                        jp.join(where, "content", media, "schema"),
                        (f"{name} webhook", None),
                    )
                    out.append((name, t, str(op.get("summary") or op.get("description") or "")))
                    break
    for path, item in (doc.get("paths") or {}).items():
        for method, op in item.items() if isinstance(item, dict) else []:
            for cb_name, cb in (op.get("callbacks") or {}).items() if isinstance(op, dict) else []:
                where = jp.join("/paths", path, method, "callbacks", cb_name)
                _, cb = schemas.resolver.deref(cb, where)
                for expr, cb_item in cb.items() if isinstance(cb, dict) else []:
                    for cb_method, cb_op in cb_item.items() if isinstance(cb_item, dict) else []:
                        body = cb_op.get("requestBody") if isinstance(cb_op, dict) else None
                        bwhere = jp.join(where, expr, cb_method, "requestBody")
                        _, body = schemas.resolver.deref(body, bwhere) if body else ("", None)
                        for media, content in (
                            ((body or {}).get("content") or {}).items()
                            if isinstance(body, dict)
                            else []
                        ):
                            if isinstance(content, dict) and "schema" in content:
                                schemas.type_of(
                                    content["schema"],
                                    jp.join(bwhere, "content", media, "schema"),
                                    (f"{cb_name} callback", None),
                                )
    return out


def vendor_events(
    doc: dict[str, Any], schemas: SchemaBuilder, sink: DiagnosticSink
) -> list[dict[str, Any]]:
    """Resolve `x-webhook-events` refs; returns entries with 'envelope'/'data' TypeRefs."""
    raw = doc.get("x-webhook-events")
    if not isinstance(raw, list):
        return []
    out = []
    for i, entry in enumerate(raw):
        where = jp.join("/x-webhook-events", i)
        if not isinstance(entry, dict) or not isinstance(entry.get("event"), str):
            sink.warn(
                "bad-webhook-event", where, "x-webhook-events entry without an event name; skipped"
            )
            continue
        refs = {k: entry.get(k) for k in ("envelopeSchema", "dataSchema", "maskedDataSchema")}
        types = {
            k: schemas.type_of({"$ref": v}, jp.join(where, k), (entry["event"], None))
            for k, v in refs.items()
            if isinstance(v, str)
        }
        out.append({"event": entry["event"], "doc": str(entry.get("description") or ""), **types})
    return out


def build_events(
    entries: list[dict[str, Any]], built: Mapping[str, Schema], sink: DiagnosticSink
) -> tuple[dict[str, Schema], tuple[WebhookEvent, ...]]:
    """Synthesise one model per event from its envelope model; returns (new schemas, events)."""
    new: dict[str, Schema] = {}
    events = []
    for entry in entries:
        envelope = entry.get("envelopeSchema")
        base = built.get(envelope.id) if isinstance(envelope, ModelRef) else None
        if not isinstance(base, Model):
            sink.warn(
                "webhook-no-envelope",
                "/x-webhook-events",
                f"event {entry['event']!r} has no envelope "
                "object schema; it is parsed as plain JSON",
            )
            continue
        data: TypeRef | None = entry.get("dataSchema")
        if data is not None and entry.get("maskedDataSchema") is not None:
            data = UnionOf((data, entry["maskedDataSchema"]))
        fields = []
        for f in base.fields:
            if f.wire_name == "event":
                f = quick_replace(f, type=LiteralOf((entry["event"],)))
            elif f.wire_name == "data" and data is not None:
                f = quick_replace(f, type=data)
            fields.append(f)
        sid = SYNTHETIC + entry["event"]
        new[sid] = quick_replace(
            base,
            id=sid,
            name_hint=f"{entry['event']} event",
            hints=None,  # named by its event, not by the envelope's places
            doc=entry["doc"] or f"The `{entry['event']}` webhook delivery.",
            fields=tuple(fields),
        )
        events.append(WebhookEvent(entry["event"], sid, envelope.id))  # type: ignore[union-attr]
    return new, tuple(events)
