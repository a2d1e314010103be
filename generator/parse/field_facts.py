"""Facts about one schema node that decide how its generated code behaves: a property that is a constant
(discriminator tag), a secret (`format: password`), its string format; enum member names; a component
that only names another. Pure reads of the spec: no diagnostics."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from ..ir import MISSING, Field, Primitive
from ..refs import Resolver
from .formats import primitive_kind
from .schema_facts import PROSE, node_constraints, node_doc, schema_example

_SCALARS = (str, int, bool)
_MAX_SCAN = 8  # levels of anyOf/items/additionalProperties looked into for `format: password`
_NESTING = ("anyOf", "oneOf", "allOf", "prefixItems")
_CHILD_KEYS = frozenset((*_NESTING, "items", "additionalProperties"))
# a plain property (`plain_field`): one of these types, none of these keywords
PLAIN_TYPES = frozenset(("string", "integer", "number", "boolean"))
NOT_PLAIN = frozenset(("$ref", "const", "enum", *_CHILD_KEYS))


def plain_field(wire: str, node: dict[str, Any], listed: bool) -> Field:
    """The field of a plain `string`/`integer`/`number`/`boolean` property (a `type` in `PLAIN_TYPES`,
    none of `NOT_PLAIN`, perhaps `nullable`: most properties, GitHub 29,000 of 37,800): what the
    general path of `SchemaBuilder._model` makes of it — no `$ref` to follow, no constant, nothing
    nested that could say `format: password`, null a value only by `nullable: true` — without its
    questions. `listed`: in the model's `required`."""
    read_only = bool(node.get("readOnly"))
    write_only = bool(node.get("writeOnly"))
    fmt = node.get("format")
    # positional, in `Field`'s order (a call by keyword costs a third more, for 29,000 of GitHub's
    # fields); the test of these fields against the general path's holds the order
    return Field(
        wire,  # wire_name
        _plain_type(node["type"], fmt, node.get("nullable") is True)  # type
        if fmt is None or type(fmt) is str
        else _make_plain_type(node["type"], fmt, node.get("nullable") is True),
        listed and not read_only and not write_only,  # required
        _doc(node),  # doc
        node.get("default", MISSING),  # default
        read_only,  # read_only
        write_only,  # write_only
        bool(node.get("deprecated")),  # deprecated
        node_constraints(node),  # constraints
        listed,  # listed_required
        False,  # constant
        fmt == "password",  # secret
        fmt.lower() if isinstance(fmt, str) else "",  # format
        schema_example(node),  # example
    )


def _doc(node: dict[str, Any]) -> str:
    """`node_doc(node)`, its commonest case (a `description` with text) without the call."""
    text = node.get("description")
    if type(text) is str and (text := text.strip()):
        return text
    return node_doc(node)


def _make_plain_type(type_name: str, fmt: object, nullable: bool) -> Primitive:
    kind = primitive_kind(type_name, fmt)
    assert kind is not None  # every plain type has one
    return Primitive(kind, nullable=nullable)


# one object per (type, format, nullable) (GitHub: 29,000 plain fields, 40 of these): IR types are
# values, equal ones interchangeable; bounded, as formats are the spec's text
_plain_type = lru_cache(maxsize=512)(_make_plain_type)


def property_node(own: dict[str, Any], resolved: dict[str, Any]) -> dict[str, Any]:
    """What the property says about itself: the `$ref` target's keywords, overridden by the property's own
    (OpenAPI 3.1 and common practice put `default` or `description` beside a `$ref`)."""
    return {**resolved, **{k: v for k, v in own.items() if k != "$ref"}}


def constant_value(node: dict[str, Any], resolver: Resolver, where: str) -> tuple[bool, Any]:
    """`(True, value)` for a property that can only have one value: `const`, or a one-value `enum` whose
    value is also the `default` (pydantic/FastAPI write `Literal["x"] = "x"` tags like that). A
    `allOf: [$ref]` wrapper (pydantic v1 style) is looked through."""
    if "const" not in node and "enum" not in node and "allOf" not in node:  # most properties
        return False, None
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
    if node.keys().isdisjoint(_CHILD_KEYS):  # most properties: nothing to look into
        return False
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


def is_ref_only(node: dict[str, Any]) -> bool:
    """A component that only names another schema (and documents it)."""
    return isinstance(node.get("$ref"), str) and all(
        k == "$ref" or k in PROSE or k.startswith("x-") for k in node
    )


def member_names(node: dict[str, Any]) -> dict[object, str]:
    """`x-enum-varnames` (openapi-generator) / `x-enumNames` (NSwag): a name per `enum` entry, by
    position; values without a usable name are named from the value."""
    for key in ("x-enum-varnames", "x-enumNames", "x-enum-names"):
        names = node.get(key)
        if isinstance(names, list):
            return {
                value_key(value): name.strip()
                for value, name in zip(node["enum"], names, strict=False)
                if value is not None and isinstance(name, str) and name.strip()
            }
    return {}


def value_key(value: object) -> object:
    """Enum values are JSON: lists and objects are keyed by their text."""
    return repr(value) if isinstance(value, (list, dict)) else (type(value).__name__, value)


def says_uuid(node: dict[str, Any], schema: Any) -> bool:
    """A `type: string` parameter without a format that holds UUIDs all the same: its description says
    so (Chroma's `collection_id`: "Collection UUID"), or its examples are UUIDs."""
    described = f"{node.get('description') or ''} {schema.get('description') or ''}"
    return _UUID_WORD.search(described) is not None or _examples_are_uuids(node, schema)


def _examples_are_uuids(node: dict[str, Any], schema: Any) -> bool:
    """The parameter's (or its schema's) examples are all UUIDs, and there is one at least."""
    found: list[Any] = []
    for holder in (node, schema if isinstance(schema, dict) else {}):
        if "example" in holder:
            found.append(holder["example"])
        examples = holder.get("examples")
        if isinstance(examples, list):
            found.extend(examples)
        elif isinstance(examples, dict):
            found.extend(e.get("value") for e in examples.values() if isinstance(e, dict))
    return bool(found) and all(isinstance(e, str) and _UUID.fullmatch(e) for e in found)


_UUID_WORD = re.compile(r"\bUUIDs?\b", re.IGNORECASE)
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def admits_null(node: Any, resolver: Resolver, where: str, depth: int = 0) -> bool:
    """Whether `null` is a valid value of the schema by JSON Schema's rules: a schema that says nothing
    about the type (only `properties`, say, or an `allOf` of such) admits it, as does a `type` list with
    `null`, `nullable: true` or an `enum` holding `null`."""
    if node is True or node == {}:
        return True
    if not isinstance(node, dict) or depth > _MAX_SCAN:
        return False
    if "$ref" in node:
        target = resolver.deref(node, where)[1]
        own = {k: v for k, v in node.items() if k != "$ref"}
        return admits_null(target, resolver, where, depth + 1) and admits_null(
            own, resolver, where, depth + 1
        )
    if node.get("nullable") is True:
        return True
    kind = node.get("type")
    if kind is not None:
        return kind == "null" or (isinstance(kind, list) and "null" in kind)
    if "const" in node:
        return node["const"] is None
    if isinstance(node.get("enum"), list):
        return None in node["enum"]
    parts = node.get("allOf")
    if isinstance(parts, list) and not all(
        admits_null(p, resolver, where, depth + 1) for p in parts
    ):
        return False
    for key in ("anyOf", "oneOf"):
        parts = node.get(key)
        if isinstance(parts, list) and parts:
            return any(admits_null(p, resolver, where, depth + 1) for p in parts)
    return True
