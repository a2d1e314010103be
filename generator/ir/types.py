"""The closed vocabulary of types in the IR. Pure data: no Python source text anywhere."""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace
from typing import TypeAlias

from .quick_init import quick_init


class Kind(enum.Enum):
    """Primitive kinds, decided once from (type, format) in parse.schemas."""

    STRING = "string"
    INTEGER = "integer"
    NUMBER = "number"
    BOOLEAN = "boolean"
    DATE = "date"
    DATETIME = "date-time"
    TIME = "time"
    DURATION = "duration"
    UUID = "uuid"
    EMAIL = "email"
    URI = "uri"
    BYTE = "byte"  # base64 text
    DECIMAL = "decimal"  # decimal-ish strings
    BINARY = "binary"  # raw bytes: uploads and downloads
    NULL = "null"


JsonValue: TypeAlias = None | bool | int | float | str | list["JsonValue"] | dict[str, "JsonValue"]
# A JSON number as the spec wrote it: `1` stays an int, `1.5` a float. Kept a union on purpose: mypy
# counts an int as a float, and the mypyc-compiled build holds a value typed `float` as a C double,
# so a `float` annotation would turn the spec's `1` into `1.0` there (pyproject.toml's mypyc hook).
Number: TypeAlias = int | float


@quick_init
@dataclass(frozen=True, slots=True)
class Primitive:
    """A primitive type (string, integer, a date…), or null."""

    kind: Kind
    nullable: bool = False


@dataclass(frozen=True, slots=True)
class AnyType:
    """Any JSON value."""

    nullable: bool = True


@quick_init
@dataclass(frozen=True, slots=True)
class ListOf:
    """An array. With `prefix` (JSON Schema `prefixItems`) it is a tuple: the first items have their own
    types, `item` is the type of the rest (`closed`: no more items allowed), and `min_items` of them
    must be present (fewer prefix items than that are valid JSON Schema)."""

    item: TypeRef
    nullable: bool = False
    prefix: tuple[TypeRef, ...] = ()
    closed: bool = False
    min_items: int = 0


@quick_init
@dataclass(frozen=True, slots=True)
class MapOf:
    """An object whose values all have one type (`dict[str, value]`)."""

    value: TypeRef
    nullable: bool = False


@quick_init
@dataclass(frozen=True, slots=True)
class LiteralOf:
    """A const or single-valued enum inline (e.g. a discriminator tag)."""

    values: tuple[JsonValue, ...]
    nullable: bool = False


@quick_init
@dataclass(frozen=True, slots=True)
class ModelRef:
    """Points at a Model, Enum or Alias in Api.schemas by its id (a JSON pointer)."""

    id: str
    nullable: bool = False


@dataclass(frozen=True, slots=True)
class Discriminator:
    """A union's discriminating property and what each of its values maps to."""

    property: str
    mapping: tuple[tuple[str, str], ...]  # (wire value, schema id)


@quick_init
@dataclass(frozen=True, slots=True)
class UnionOf:
    """One of several types (`oneOf`/`anyOf`), perhaps told apart by a discriminator."""

    variants: tuple[TypeRef, ...]
    discriminator: Discriminator | None = None
    nullable: bool = False


TypeRef = Primitive | AnyType | ListOf | MapOf | LiteralOf | ModelRef | UnionOf


def with_nullable(t: TypeRef, nullable: bool = True) -> TypeRef:
    """Copy of `t` with the nullable flag set (frozen dataclasses are replaced, never mutated)."""
    if t.nullable == nullable:
        return t
    if type(t) is ModelRef:  # the common cases, without `replace`'s look at the fields
        return ModelRef(t.id, nullable)
    if type(t) is Primitive:
        return Primitive(t.kind, nullable)
    return replace(t, nullable=nullable)


def walk_refs(t: TypeRef) -> list[str]:
    """Every schema id a TypeRef mentions, in order of appearance."""
    if isinstance(t, ModelRef):  # the two common cases (most fields), without the stack
        return [t.id]
    if isinstance(t, (Primitive, AnyType, LiteralOf)):
        return []
    out: list[str] = []
    stack: list[TypeRef] = [t]
    while stack:
        cur = stack.pop()
        if isinstance(cur, ModelRef):
            out.append(cur.id)
        elif isinstance(cur, ListOf):
            stack.append(cur.item)
            stack.extend(reversed(cur.prefix))
        elif isinstance(cur, MapOf):
            stack.append(cur.value)
        elif isinstance(cur, UnionOf):
            stack.extend(reversed(cur.variants))
    return out
