"""Validation limits of a parameter (`minimum`, `maxLength`, `pattern`, …), read from where the spec
defines it: the IR keeps a parameter's type, not its limits."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .. import pointer as jp
from ..ir import Constraints, Parameter
from ..parse.schema_facts import node_constraints
from ..refs import Resolver


class ParameterLimits:
    def __init__(
        self,
        document: dict[str, Any],
        first_media: Callable[[str, dict[str, Any]], Any] | None = None,
    ) -> None:
        """`first_media(pointer, content)`: the media type object a parameter given by `content`
        is typed by, when `document`'s mappings are not in the spec's order (a key-sorted copy);
        else the first one."""
        self.document = document
        self.refs = Resolver(document)
        self.first_media = first_media or _first

    def of(self, p: Parameter) -> tuple[Constraints, Constraints]:
        """(limits of the value, limits of each item when it is an array)."""
        schema = self._schema(p)
        items = schema.get("items") if isinstance(schema.get("items"), dict) else {}
        return node_constraints(schema), node_constraints(self._deref(items, p.pointer))

    def _schema(self, p: Parameter) -> dict[str, Any]:
        try:
            node = jp.walk(self.document, jp.split(p.pointer))
        except (KeyError, IndexError, ValueError):
            return {}
        if not isinstance(node, dict):
            return {}
        schema = node.get("schema")
        content = node.get("content")
        if schema is None and isinstance(content, dict) and content:
            media = self.first_media(p.pointer, content)
            schema = media.get("schema") if isinstance(media, dict) else None
        return self._deref(schema, p.pointer)

    def _deref(self, node: Any, where: str) -> dict[str, Any]:
        try:
            _, found = self.refs.deref(node, where)
        except Exception:  # noqa: BLE001 - a broken reference has no limits to compare
            return {}
        return found if isinstance(found, dict) else {}


def _first(pointer: str, content: dict[str, Any]) -> Any:
    return next(iter(content.values()))
