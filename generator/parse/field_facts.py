"""Facts about one property schema that decide how its model field behaves: a constant (discriminator
tag), a secret (`format: password`), its string format. Pure reads of the spec: no diagnostics."""

from __future__ import annotations

from typing import Any

from ..refs import Resolver

_SCALARS = (str, int, bool)
_MAX_SCAN = 8  # levels of anyOf/items/additionalProperties looked into for `format: password`
_NESTING = ("anyOf", "oneOf", "allOf", "prefixItems")


def property_node(own: dict[str, Any], resolved: dict[str, Any]) -> dict[str, Any]:
    """What the property says about itself: the `$ref` target's keywords, overridden by the property's own
    (OpenAPI 3.1 and common practice put `default` or `description` beside a `$ref`)."""
    return {**resolved, **{k: v for k, v in own.items() if k != "$ref"}}


def constant_value(node: dict[str, Any], resolver: Resolver, where: str) -> tuple[bool, Any]:
    """`(True, value)` for a property that can only have one value: `const`, or a one-value `enum` whose
    value is also the `default` (pydantic/FastAPI write `Literal["x"] = "x"` tags like that). A
    `allOf: [$ref]` wrapper (pydantic v1 style) is looked through."""
    parts = node.get("allOf")
    if "const" not in node and "enum" not in node and isinstance(parts, list) and len(parts) == 1:
        inner = resolver.deref(parts[0], where)[1]
        if isinstance(inner, dict):
            node = {**inner, **{k: v for k, v in node.items() if k != "allOf"}}
    if "const" in node:
        value = node["const"]
        return (True, value) if _is_scalar(value) else (False, None)
    values = node.get("enum")
    if isinstance(values, list) and len(values) == 1 and "default" in node:
        value = values[0]
        if _is_scalar(value) and node["default"] == value and type(node["default"]) is type(value):
            return True, value
    return False, None


def _is_scalar(value: Any) -> bool:
    return isinstance(value, _SCALARS)


def mentions_format(node: Any, fmt: str, resolver: Resolver, where: str, depth: int = 0) -> bool:
    """Whether `format: <fmt>` appears in the schema or in the schemas its values are made of (union
    members, array items, map values): a `dict[str, str]` of passwords is as secret as one password."""
    if depth > _MAX_SCAN or not isinstance(node, dict):
        return False
    if "$ref" in node:
        node = resolver.deref(node, where)[1]
        if not isinstance(node, dict):
            return False
    if node.get("format") == fmt:
        return True
    children: list[Any] = []
    for key in _NESTING:
        if isinstance(node.get(key), list):
            children.extend(node[key])
    for key in ("items", "additionalProperties"):
        if isinstance(node.get(key), dict):
            children.append(node[key])
    return any(mentions_format(c, fmt, resolver, where, depth + 1) for c in children)


def string_format(node: dict[str, Any]) -> str:
    fmt = node.get("format")
    return fmt.lower() if isinstance(fmt, str) else ""
