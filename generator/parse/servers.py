"""`servers` lists (document, path item or operation level) → IR `Server`s."""

from __future__ import annotations

from typing import Any

from ..ir import Server


def servers(raw: Any) -> tuple[Server, ...]:
    out = []
    for s in raw if isinstance(raw, list) else []:
        if isinstance(s, dict) and isinstance(s.get("url"), str):
            variables = tuple(
                (name, str(v.get("default", "")), tuple(str(e) for e in v.get("enum") or []))
                for name, v in _mapping(s.get("variables")).items() if isinstance(v, dict)
            )
            out.append(Server(s["url"], str(s.get("description") or ""), variables))
    return tuple(out)


def _mapping(raw: Any) -> dict[str, Any]:
    return raw if isinstance(raw, dict) else {}

