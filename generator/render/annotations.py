"""TypeRef → Python annotation text, plus the imports it needs. The one place types become text.

Generated modules import helper names under underscore aliases (`_t`, `_dt`), so a spec that names a
schema `Any`, `date` or `BaseModel` can never shadow them.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field

from ..ir import (
    AnyType,
    Enum,
    Kind,
    ListOf,
    LiteralOf,
    MapOf,
    ModelRef,
    Primitive,
    Schema,
    TypeRef,
    UnionOf,
)
from .names import Names

_PRIMITIVES = {
    Kind.STRING: "str", Kind.EMAIL: "str", Kind.URI: "str", Kind.UUID: "str", Kind.DECIMAL: "str",
    Kind.BYTE: "str", Kind.DURATION: "str", Kind.INTEGER: "int", Kind.NUMBER: "float", Kind.BOOLEAN: "bool",
    Kind.DATE: "_dt.date", Kind.DATETIME: "_dt.datetime", Kind.TIME: "_dt.time", Kind.BINARY: "bytes",
    Kind.NULL: "None",
}


# Builtin names our annotations use; a class body that defines one of them (a field `list`, a method
# `list`) must spell the builtin `_b.list`.
BUILTIN_TYPES = frozenset({"list", "dict", "str", "int", "float", "bool", "bytes"})


class Context(enum.Enum):
    MODEL = "model"  # a field in a response/request model
    INPUT = "input"  # an argument users pass (accepts wider types)


@dataclass
class Imports:
    """Schema ids a module needs, plus the helper modules it uses; rendered by the module views."""

    schemas: set[str] = field(default_factory=set)
    typing: bool = False
    datetime: bool = False
    file_types: bool = False
    builtins: bool = False


@dataclass
class Annotator:
    schemas: dict[str, Schema]
    names: Names
    shadowed: frozenset[str] = frozenset()  # builtin names a class body redefines (a method `list`)

    def _builtin(self, name: str, imports: Imports) -> str:
        if name in self.shadowed:
            imports.builtins = True
            return f"_b.{name}"
        return name

    def render(self, t: TypeRef, ctx: Context, imports: Imports) -> str:
        return " | ".join(self.top_parts(t, ctx, imports))

    def top_parts(self, t: TypeRef, ctx: Context, imports: Imports) -> list[str]:
        """The members of the top-level union `t` renders to, de-duplicated, `None` last."""
        parts = self._parts(t, ctx, imports)
        if t.nullable:
            parts.append("None")
        unique = list(dict.fromkeys(parts))
        return [p for p in unique if p != "None"] + (["None"] if "None" in unique else [])

    def _parts(self, t: TypeRef, ctx: Context, imports: Imports) -> list[str]:
        if isinstance(t, Primitive):
            if t.kind is Kind.BINARY and ctx is Context.INPUT:
                imports.file_types = True
                return ["FileTypes"]
            text = _PRIMITIVES[t.kind]
            if text.startswith("_dt."):
                imports.datetime = True
            return [self._builtin(text, imports)]
        if isinstance(t, AnyType):
            imports.typing = True
            return ["_t.Any"]
        if isinstance(t, ListOf):
            inner = self.render(t.item, ctx, imports)
            if ctx is Context.INPUT:
                imports.typing = True
                return [f"_t.Sequence[{inner}]"]
            return [f"{self._builtin('list', imports)}[{inner}]"]
        if isinstance(t, MapOf):
            inner = self.render(t.value, ctx, imports)
            if ctx is Context.INPUT:
                imports.typing = True
                return [f"_t.Mapping[str, {inner}]"]
            return [f"{self._builtin('dict', imports)}[{self._builtin('str', imports)}, {inner}]"]
        if isinstance(t, LiteralOf):
            if all(v is None or isinstance(v, (str, int, bool)) for v in t.values):
                imports.typing = True
                return [f"_t.Literal[{', '.join(py_literal(v) for v in t.values)}]"]
            imports.typing = True
            return ["_t.Any"]
        if isinstance(t, ModelRef):
            imports.schemas.add(t.id)
            name = self.names.schema_class[t.id]
            schema = self.schemas[t.id]
            if isinstance(schema, Enum) and ctx is Context.INPUT:
                return [name, self._builtin(_enum_fallback(schema), imports)]
            return [name]
        if isinstance(t, UnionOf):
            out: list[str] = []
            for v in t.variants:
                out.extend(self.top_parts(v, ctx, imports))
            return out
        raise TypeError(f"unknown TypeRef {t!r}")  # pragma: no cover - the union is closed


def _enum_fallback(schema: Enum) -> str:
    """Arguments accept an enum member or the plain value (responses parse unknown values, see _enums)."""
    return {"string": "str", "integer": "int", "number": "float", "boolean": "bool"}.get(schema.value_kind, "str")


def py_literal(value: object) -> str:
    """A Python literal for a JSON scalar (repr of str escapes quotes, backslashes, newlines, NUL)."""
    if value is None or isinstance(value, (bool, int, str)):
        return repr(value)
    if isinstance(value, float):
        return repr(value) if value == value and value not in (float("inf"), float("-inf")) else "None"
    return repr(value)


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def docstring(text: str) -> str:
    """Text made safe inside a triple-quoted docstring: no early close, no stray escapes."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    text = text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    text = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
    if text.endswith('"'):
        text += " "
    return text


def one_line(text: str, limit: int = 200) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"
