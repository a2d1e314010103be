"""Documented `error.code` values: found in the spec (`x-known-values` or `enum` on a `code` property of an
error response body) and in the target config (which adds statuses, class names and detail keys)."""

from __future__ import annotations

from typing import Any

from ..diagnostics import DiagnosticSink
from ..refs import Resolver

MAX_DEPTH = 6
_NESTED = frozenset(("$ref", "properties", "allOf", "oneOf", "anyOf"))  # what `_collect` reads


def known_error_codes(resolver: Resolver) -> tuple[str, ...]:
    found: list[str] = []
    doc = resolver.document
    # broken references are reported where the schemas are built, with their place
    resolver = Resolver(doc, resolver.file, DiagnosticSink())
    roots: list[Any] = list((doc.get("components", {}).get("schemas") or {}).values())
    for item in (doc.get("paths") or {}).values():
        for op in item.values() if isinstance(item, dict) else []:
            if not isinstance(op, dict):
                continue
            for status, resp in (op.get("responses") or {}).items():
                if str(status)[:1] in ("4", "5") or str(status) == "default":
                    _, node = resolver.deref(resp, "")
                    for media in (
                        ((node or {}).get("content") or {}).values()
                        if isinstance(node, dict)
                        else []
                    ):
                        if isinstance(media, dict):
                            roots.append(media.get("schema"))
    seen: set[int] = set()
    for root in roots:
        _collect(resolver, root, found, seen, 0)
    return tuple(dict.fromkeys(found))


def _collect(resolver: Resolver, node: Any, found: list[str], seen: set[int], depth: int) -> None:
    if depth > MAX_DEPTH or not isinstance(node, dict):
        return
    if "$ref" in node:
        try:
            _, node = resolver.deref(node, "")
        except Exception:  # noqa: BLE001 - a broken ref is reported elsewhere
            return
        if not isinstance(node, dict):
            return
    if id(node) in seen:
        return
    seen.add(id(node))
    props = node.get("properties")
    if isinstance(props, dict):
        code = props.get("code")
        if isinstance(code, dict):
            values = code.get("x-known-values") or code.get("enum") or []
            found.extend(v for v in values if isinstance(v, str))
        for sub in props.values():
            if isinstance(sub, dict) and not _NESTED.isdisjoint(sub):  # a plain property: no codes
                _collect(resolver, sub, found, seen, depth + 1)
    for key in ("allOf", "oneOf", "anyOf"):
        for sub in node.get(key) or []:
            _collect(resolver, sub, found, seen, depth + 1)
