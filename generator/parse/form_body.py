"""Form and multipart request bodies: the `encoding` of each property, and the properties that only a
`oneOf`/`anyOf` member of the body schema declares (which the body's model does not type)."""

from __future__ import annotations

from typing import Any

from .. import pointer as jp
from ..ir import Encoding, Field
from ..refs import Resolver
from .schema_facts import node_doc
from .schemas import SchemaBuilder

_STYLES = frozenset({"form", "spaceDelimited", "pipeDelimited", "deepObject"})


def encodings(node: Any) -> tuple[Encoding, ...]:
    """The media type object's `encoding` entries, by property name (sorted: deterministic output)."""
    raw = node.get("encoding") if isinstance(node, dict) else None
    if not isinstance(raw, dict):
        return ()
    out = []
    for prop, entry in sorted(raw.items()):
        if not isinstance(entry, dict) or not isinstance(prop, str):
            continue
        style = entry.get("style")
        style = style if isinstance(style, str) and style in _STYLES else ""
        content_type = entry.get("contentType")
        explode = entry.get("explode")
        out.append(
            Encoding(
                property=prop,
                content_type=content_type.strip() if isinstance(content_type, str) else "",
                style=style,
                explode=explode if isinstance(explode, bool) else style in ("", "form"),
                allow_reserved=entry.get("allowReserved") is True,
            )
        )
    return tuple(out)


def member_fields(
    schemas: SchemaBuilder, resolver: Resolver, schema: Any, where: str, hint: str
) -> tuple[Field, ...]:
    """Properties declared inside the `oneOf`/`anyOf` members of the body schema or of its `allOf`
    parts, first declaration first; every one optional (a member applies or not)."""
    found: dict[str, tuple[Any, str]] = {}
    for node, at in _parts(resolver, schema, where):
        for key in ("oneOf", "anyOf"):
            members = node.get(key)
            for i, member in enumerate(members if isinstance(members, list) else []):
                for prop, sub, pointer in _properties(resolver, member, jp.join(at, key, i)):
                    found.setdefault(prop, (sub, pointer))
    fields = []
    for prop, (sub, pointer) in found.items():
        resolved = resolver.deref(sub, pointer)[1] if isinstance(sub, dict) else {}
        resolved = resolved if isinstance(resolved, dict) else {}
        fields.append(
            Field(
                wire_name=prop,
                type=schemas.type_of(sub, pointer, (f"{hint} {prop}", prop)),
                required=False,
                doc=node_doc(sub if isinstance(sub, dict) else {}) or node_doc(resolved),
                read_only=resolved.get("readOnly") is True,
            )
        )
    return tuple(fields)


def _parts(resolver: Resolver, schema: Any, where: str) -> list[tuple[dict[str, Any], str]]:
    """The body schema and its `allOf` parts (resolved, nested `allOf`s flattened), with pointers."""
    out: list[tuple[dict[str, Any], str]] = []
    stack = [(schema, where)]
    while stack and len(out) < 64:
        node, at = stack.pop(0)
        at, node = resolver.deref(node, at)
        if not isinstance(node, dict):
            continue
        out.append((node, at))
        parts = node.get("allOf")
        for i, part in enumerate(parts if isinstance(parts, list) else []):
            stack.append((part, jp.join(at, "allOf", i)))
    return out


def _properties(resolver: Resolver, member: Any, where: str) -> list[tuple[str, Any, str]]:
    """A member's properties (its `allOf` parts' too)."""
    out = []
    for node, at in _parts(resolver, member, where):
        props = node.get("properties")
        for prop, sub in props.items() if isinstance(props, dict) else ():
            if isinstance(prop, str):
                out.append((prop, sub, jp.join(at, "properties", prop)))
    return out
