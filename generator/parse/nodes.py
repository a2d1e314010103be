"""Raw spec nodes are untrusted JSON: these read a node as the container it should be, or an empty one."""

from __future__ import annotations

from typing import Any


def mapping(raw: Any) -> dict[str, Any]:
    """`raw` when it is a mapping, else an empty one (a wrong type is reported by validation)."""
    return raw if isinstance(raw, dict) else {}


def sequence(raw: Any) -> list[Any]:
    """`raw` when it is a list, else an empty one."""
    return raw if isinstance(raw, list) else []


def text(raw: Any) -> str:
    """A prose value (`summary`, `description`) as parse keeps it: stripped; "" unless a string (the
    stage cache's replay patches prose with it too: `stage/prose.py`)."""
    return raw.strip() if isinstance(raw, str) else ""
