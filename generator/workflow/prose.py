"""Documentation-only changes: descriptions, summaries, titles, examples, contact details.

`strip_prose` gives the document without prose, so two specs that differ only in wording compare equal;
`prose_changes` lists where the wording changed. Keys inside name maps (`properties`, `paths`, …) are
names, never prose: a property called `description` is data.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from .. import pointer as jp

PROSE_KEYS = frozenset(
    {
        "description",
        "summary",
        "title",
        "example",
        "examples",
        "x-description",
        "externalDocs",
        "contact",
        "license",
        "termsOfService",
        "x-enum-descriptions",
        "x-enumDescriptions",
    }
)
_TEXT_ONLY = frozenset({"description", "summary", "title"})  # prose only when the value is a string
NAME_MAPS = frozenset(
    {
        "properties",
        "patternProperties",
        "paths",
        "responses",
        "content",
        "headers",
        "schemas",
        "securitySchemes",
        "requestBodies",
        "links",
        "callbacks",
        "encoding",
        "mapping",
        "variables",
        "$defs",
        "definitions",
        "scopes",
        "webhooks",
        "pathItems",
        "parameters",
    }
)
_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def _is_prose(key: str, value: Any, in_name_map: bool) -> bool:
    if in_name_map or key not in PROSE_KEYS:
        return False
    return key not in _TEXT_ONLY or isinstance(value, str)


def _child_map(key: str, value: Any, in_name_map: bool) -> bool:
    return not in_name_map and key in NAME_MAPS and isinstance(value, dict)


def strip_prose(node: Any, in_name_map: bool = False) -> Any:
    if isinstance(node, dict):
        return {
            k: strip_prose(v, _child_map(k, v, in_name_map))
            for k, v in node.items()
            if not _is_prose(k, v, in_name_map)
        }
    if isinstance(node, list):
        return [strip_prose(v) for v in node]
    return node


def prose_changes(old: Any, new: Any) -> list[tuple[str, str]]:
    """[(JSON pointer, "changed" | "added" | "removed")] for prose in parts both documents share."""
    out: list[tuple[str, str]] = []
    _walk(old, new, "", False, out)
    return out


def _walk(o: Any, n: Any, ptr: str, in_name_map: bool, out: list[tuple[str, str]]) -> None:
    if ptr == "/paths" and isinstance(o, dict) and isinstance(n, dict):
        by_template = {_template(k): k for k in o}
        for key, value in n.items():  # /orders/{orderId} and /orders/{id} are the same path
            old_key = key if key in o else by_template.get(_template(key))
            if old_key is not None:
                _walk(o[old_key], value, jp.join(ptr, key), False, out)
        return
    if isinstance(o, dict) and isinstance(n, dict):
        for key in list(o) + [k for k in n if k not in o]:
            ov, nv = o.get(key), n.get(key)
            if _is_prose(key, ov if key in o else nv, in_name_map) or _is_prose(
                key, nv, in_name_map
            ):
                if ov != nv:
                    out.append(
                        (
                            jp.join(ptr, key),
                            "added" if key not in o else "removed" if key not in n else "changed",
                        )
                    )
            elif key in o and key in n:
                _walk(ov, nv, jp.join(ptr, key), _child_map(key, nv, in_name_map), out)
    elif isinstance(o, list) and isinstance(n, list):
        for i, (a, b) in _pairs(o, n):
            _walk(a, b, jp.join(ptr, i), False, out)


def _template(path: str) -> str:
    return re.sub(r"{[^{}]*}", "{}", path)


def _pairs(o: list[Any], n: list[Any]) -> list[tuple[int, tuple[Any, Any]]]:
    """Match list items by (name, in) when they are named objects (parameters, tags), else by index."""

    def ident(x: Any) -> Any:
        return (
            (x.get("name"), x.get("in"))
            if isinstance(x, dict) and isinstance(x.get("name"), str)
            else None
        )

    if all(ident(x) is not None for x in o + n):
        by = {ident(x): x for x in o}
        return [(i, (by[ident(x)], x)) for i, x in enumerate(n) if ident(x) in by]
    return list(enumerate(zip(o, n, strict=False)))


def semantic_differences(old: Any, new: Any, limit: int = 5) -> list[str]:
    """JSON pointers where the prose-free documents differ (for changes no rule itemises)."""
    out: list[str] = []
    _diff(strip_prose(old), strip_prose(new), "", out, limit)
    return out


def _diff(o: Any, n: Any, ptr: str, out: list[str], limit: int) -> None:
    if len(out) >= limit or o == n:
        return
    if isinstance(o, dict) and isinstance(n, dict):
        for key in list(o) + [k for k in n if k not in o]:
            if key not in o or key not in n:
                out.append(jp.join(ptr, key))
            else:
                _diff(o[key], n[key], jp.join(ptr, key), out, limit)
            if len(out) >= limit:
                return
    elif isinstance(o, list) and isinstance(n, list) and len(o) == len(n):
        for i, (a, b) in enumerate(zip(o, n, strict=True)):
            _diff(a, b, jp.join(ptr, i), out, limit)
    else:
        out.append(ptr or "/")


def humanize(pointer: str) -> str:
    """`/paths/~1referrals/get/parameters/0/description` → `GET /referrals parameters/0/description`."""
    parts = jp.split(pointer)
    label: str
    rest: Sequence[str]
    if len(parts) >= 2 and parts[0] == "paths":
        if len(parts) >= 3 and parts[2] in _METHODS:
            label, rest = f"{parts[2].upper()} {parts[1]}", parts[3:]
        else:
            label, rest = parts[1], parts[2:]
    elif len(parts) >= 3 and parts[:2] == ("components", "schemas"):
        label, rest = parts[2], parts[3:]
    else:
        label, rest = (parts[0], parts[1:]) if parts else ("document", [])
    kept = [p for p in rest if p not in ("properties", "content", "schema", "application/json")]
    return f"{label}: {'/'.join(kept)}" if kept else label
