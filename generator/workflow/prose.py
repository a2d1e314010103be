"""Documentation-only changes: descriptions, summaries, titles, examples, contact details.

`strip_prose` gives the document without prose, so two specs that differ only in wording compare equal;
`prose_changes` lists where the wording changed (list members matched by name, a `$ref` compared with the
schema it points to). Keys inside name maps (`properties`, `paths`, …) are names, never prose: a
property called `description` is data.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from .. import pointer as jp
from ..refs import Resolver
from .members import by_identity

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
    walker = _ProseWalk(old, new)
    walker.walk(old, new, "", False)
    return walker.out


class _ProseWalk:
    def __init__(self, old: Any, new: Any) -> None:
        self.refs = (
            Resolver(old if isinstance(old, dict) else {}),
            Resolver(new if isinstance(new, dict) else {}),
        )
        self.out: list[tuple[str, str]] = []
        self.seen: set[tuple[str, str]] = set()

    def walk(self, o: Any, n: Any, ptr: str, in_name_map: bool) -> None:
        if _is_ref(o) != _is_ref(n) or (_is_ref(o) and o != n):
            # an inline schema against a reference: compare with what the reference points to (the
            # wording of the referenced schema itself is compared where it is defined)
            try:
                o_at, o = self.refs[0].deref(o, ptr)
                n_at, n = self.refs[1].deref(n, ptr)
            except Exception:  # noqa: BLE001 - a reference that does not resolve has no wording
                return
            if (o_at, n_at) in self.seen or (o_at != ptr and n_at != ptr and o_at == n_at):
                return
            self.seen.add((o_at, n_at))
        _walk(self, o, n, ptr, in_name_map)


def _is_ref(node: Any) -> bool:
    return isinstance(node, dict) and isinstance(node.get("$ref"), str)


def _walk(w: _ProseWalk, o: Any, n: Any, ptr: str, in_name_map: bool) -> None:
    out = w.out
    if ptr == "/paths" and isinstance(o, dict) and isinstance(n, dict):
        by_template = {_template(k): k for k in o}
        for key, value in n.items():  # /orders/{orderId} and /orders/{id} are the same path
            old_key = key if key in o else by_template.get(_template(key))
            if old_key is not None:
                w.walk(o[old_key], value, jp.join(ptr, key), False)
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
                w.walk(ov, nv, jp.join(ptr, key), _child_map(key, nv, in_name_map))
    elif isinstance(o, list) and isinstance(n, list):
        for i, (a, b) in _pairs(o, n):
            w.walk(a, b, jp.join(ptr, i), False)


def _template(path: str) -> str:
    return re.sub(r"{[^{}]*}", "{}", path)


def _pairs(o: list[Any], n: list[Any]) -> list[tuple[int, tuple[Any, Any]]]:
    """Match list members by what names them (parameters, tags, servers, webhook events), else by index."""
    ids_o, ids_n = by_identity(o), by_identity(n)
    if ids_o is not None and ids_n is not None:
        return [(i, (o[ids_o[key]], n[i])) for key, i in ids_n.items() if key in ids_o]
    return list(enumerate(zip(o, n, strict=False)))


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
