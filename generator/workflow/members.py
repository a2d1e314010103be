"""Members of OpenAPI lists are matched by what names them, not by position."""

from __future__ import annotations

from typing import Any


def identity(item: Any) -> tuple[str, ...] | None:
    """What names a member of a list: (name, in) for parameters, the name of a tag, the URL of a server,
    the event of an `x-webhook-events` entry, the target of a `$ref`."""
    if not isinstance(item, dict):
        return None
    if isinstance(item.get("$ref"), str):
        return ("$ref", item["$ref"])
    for keys in (("name", "in"), ("event",), ("url",), ("name",)):
        values = [item.get(k) for k in keys]
        if all(isinstance(v, str) for v in values):
            return (keys[0], *(str(v) for v in values))
    return None


def by_identity(items: list[Any]) -> dict[tuple[str, ...], int] | None:
    """Position of each member by identity, when every member has a distinct one; else None."""
    out: dict[tuple[str, ...], int] = {}
    for i, item in enumerate(items):
        key = identity(item)
        if key is None or key in out:
            return None
        out[key] = i
    return out
