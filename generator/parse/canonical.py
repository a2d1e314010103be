"""The document in a canonical form, so nothing the generator decides depends on key order.

Every mapping of an OpenAPI document is a set of named members: `paths`, operations, `properties`,
`components`, `responses`, `content`, … Reordering them does not change what the API means, so the parser
reads a copy whose mappings are sorted by key (lists keep their order: `parameters`, `enum`, `allOf`,
`required`, `tags` are sequences). Sorting once here makes operation order, field order, which schema is met
first and therefore every collision suffix a function of the document's meaning only.

The copy is a tree (no object appears twice), so `origins` can tell, for any node the parser holds, the one
place in the document it comes from: inline schemas are identified by that place, never by their shape.
"""

from __future__ import annotations

from typing import Any

from .. import pointer as jp


class Canonical:
    """A key-sorted copy of a document and the JSON pointer of each of its mappings and lists."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.origins: dict[int, str] = {}
        self.document: dict[str, Any] = self._copy(document)

    def origin(self, node: object) -> str | None:
        """Where `node` sits in the document, when it is one of the document's own nodes."""
        return self.origins.get(id(node))

    def _copy(self, root: dict[str, Any]) -> dict[str, Any]:
        # iterative: a JSON document may nest deeper than Python's recursion limit; pointers are made
        # for mappings and lists only (most values are scalars)
        out: dict[str, Any] = {}
        origins = self.origins
        stack: list[tuple[Any, Any, str]] = [(root, out, "")]
        escape = jp.escape
        while stack:
            source, target, where = stack.pop()
            origins[id(target)] = where
            items = (
                ((k, source[k]) for k in sorted(source))  # keys are strings (load.py makes them so)
                if isinstance(source, dict)
                else enumerate(source)
            )
            for key, value in items:
                if isinstance(value, (dict, list)):
                    made: Any = {} if isinstance(value, dict) else []
                    stack.append(
                        (value, made, f"{where}/{escape(key) if isinstance(key, str) else key}")
                    )
                    value = made
                if isinstance(target, dict):
                    target[key] = value
                else:
                    target.append(value)
        return out
