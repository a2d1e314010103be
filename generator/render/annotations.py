"""TypeRef → Python annotation text, plus the imports it needs. The one place types become text.

Generated modules import helper names under underscore aliases (`_t`, `_dt`), so a spec that names a
schema `Any`, `date` or `BaseModel` can never shadow them.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from .. import escape, pointer
from ..ir import (
    Alias,
    AnyType,
    Enum,
    Kind,
    ListOf,
    LiteralOf,
    MapOf,
    Model,
    ModelRef,
    Primitive,
    Schema,
    TypeRef,
    UnionOf,
    walk_refs,
)
from ..naming.names import Names
from .safe import Code

COMPONENTS = "/components/schemas/"

_PRIMITIVES = {
    Kind.STRING: "str",
    Kind.EMAIL: "str",
    Kind.URI: "str",
    Kind.UUID: "_uuid.UUID",
    Kind.DECIMAL: "str",
    Kind.BYTE: "str",
    Kind.DURATION: "str",
    Kind.INTEGER: "int",
    Kind.NUMBER: "float",
    Kind.BOOLEAN: "bool",
    Kind.DATE: "_dt.date",
    Kind.DATETIME: "_dt.datetime",
    Kind.TIME: "_dt.time",
    Kind.BINARY: "bytes",
    Kind.NULL: "None",
}


# Builtin names our annotations use; a class body that defines one of them (a field `list`, a method
# `list`) must spell the builtin `_b.list`.
BUILTIN_TYPES = frozenset({"list", "dict", "str", "int", "float", "bool", "bytes", "tuple"})


class Context(enum.Enum):
    MODEL = "model"  # a field in a response/request model
    INPUT = "input"  # an argument users pass (accepts wider types)
    # a value inside a JSON body the method builds (a keyword argument from a body property, a key of
    # a `…Param` TypedDict): as INPUT, and an object model also takes its TypedDict
    PARAM = "param"
    # what a model field also accepts when built (`_Coerced`): as INPUT, but binary stays bytes
    FIELD_INPUT = "field_input"


@dataclass
class Imports:
    """Schema ids a module needs, plus the helper modules it uses; rendered by the module views."""

    schemas: set[str] = field(default_factory=set)
    typing: bool = False
    datetime: bool = False
    file_types: bool = False
    builtins: bool = False
    unions: bool = False  # `_Tag` / `_disc` from the runtime's `_unions` (discriminated unions)
    params: set[str] = field(default_factory=set)  # schema ids whose `…Param` TypedDict is used
    lazy_types: bool = False  # `from .. import types as _types` (models resolved on first use)
    uuid: bool = False
    runtime: set[str] = field(
        default_factory=set
    )  # names from the runtime's `_types` (`_Omittable`)


@dataclass
class Annotator:
    """Writes the type annotations of the generated code, noting the imports they need."""

    schemas: Mapping[str, Schema]
    names: Names
    shadowed: frozenset[str] = frozenset()  # builtin names a class body redefines (a method `list`)
    _inlining: set[str] = field(default_factory=set)  # aliases being written out (PARAM)
    qualify: str = ""  # prefix of class names (`_types.`: looked up in the lazy types package)

    def builtin(self, name: str, imports: Imports) -> str:
        """`name` (a builtin) as the module can name it: `_b.name` where a class body redefines it."""
        if name in self.shadowed:
            imports.builtins = True
            return f"_b.{name}"
        return name

    def render(self, t: TypeRef, ctx: Context, imports: Imports) -> Code:
        """The annotation: names from the naming pass, literals from `py_literal`, fixed punctuation."""
        return Code(" | ".join(self.top_parts(t, ctx, imports)))

    def lazy(self, t: TypeRef, imports: Imports) -> Code | None:
        """`lambda: <model type>` over the lazy types package (`_types.X`) when `t` names a schema,
        else None. The schemas it names are not added to `imports` (nothing imports them eagerly)."""
        names = Imports()
        body = replace(self, qualify="_types.").render(t, Context.MODEL, names)
        imports.typing |= names.typing
        imports.datetime |= names.datetime
        imports.builtins |= names.builtins
        imports.unions |= names.unions
        imports.uuid |= names.uuid
        imports.runtime |= names.runtime
        if not names.schemas:
            return None
        imports.lazy_types = True
        return Code(f"lambda: {body}")

    def top_parts(self, t: TypeRef, ctx: Context, imports: Imports) -> list[str]:
        """The members of the top-level union `t` renders to, de-duplicated, `None` last."""
        parts = self._parts(t, ctx, imports)
        if len(parts) == 1 and parts[0] != "None":  # (most types) nothing to de-duplicate or move
            return [parts[0], "None"] if t.nullable else parts
        return union_members(parts, t.nullable)

    def _parts(self, t: TypeRef, ctx: Context, imports: Imports) -> list[str]:
        if isinstance(t, Primitive):
            if t.kind is Kind.BINARY and ctx is Context.INPUT:  # a file; in JSON (PARAM): bytes
                imports.file_types = True
                return ["FileTypes"]
            text = _PRIMITIVES[t.kind]
            if text.startswith("_dt."):
                imports.datetime = True
            if t.kind is Kind.UUID:
                imports.uuid = True
                # arguments (and model fields, through `_Coerced`) also take the text form
                return [text, self.builtin("str", imports)] if ctx is not Context.MODEL else [text]
            return [self.builtin(text, imports)]
        if isinstance(t, AnyType):
            imports.typing = True
            return ["_t.Any"]
        if isinstance(t, ListOf):
            if t.prefix:
                return self._tuple(t, ctx, imports)
            inner = self.render(t.item, ctx, imports)
            if ctx is not Context.MODEL:
                imports.typing = True
                return [f"_t.Sequence[{inner}]"]
            return [f"{self.builtin('list', imports)}[{inner}]"]
        if isinstance(t, MapOf):
            inner = self.render(t.value, ctx, imports)
            if ctx is not Context.MODEL:
                imports.typing = True
                return [f"_t.Mapping[str, {inner}]"]
            return [f"{self.builtin('dict', imports)}[{self.builtin('str', imports)}, {inner}]"]
        if isinstance(t, LiteralOf):
            if all(v is None or isinstance(v, (str, int, bool)) for v in t.values):
                imports.typing = True
                return [f"_t.Literal[{', '.join(py_literal(v) for v in t.values)}]"]
            imports.typing = True
            return ["_t.Any"]
        if isinstance(t, ModelRef):
            schema = self.schemas[t.id]
            if ctx is Context.PARAM and isinstance(schema, Alias) and self._writes_out(t.id):
                return self._inline(t.id, schema, imports)
            imports.schemas.add(t.id)
            name = self.qualify + self.names.schema_class[t.id]
            if isinstance(schema, Enum) and ctx is Context.FIELD_INPUT:
                return [name, self.builtin(_enum_fallback(schema), imports)]
            if isinstance(schema, Enum) and ctx is not Context.MODEL:
                return [name, self._enum_values(schema, imports)]
            if ctx is not Context.MODEL and names_uuid(t.id, self.schemas):
                # a named `format: uuid` (`Uuid = UUID`) takes the text form too, like a plain one
                return [name, self.builtin("str", imports)]
            param = self.names.param_class.get(t.id) if ctx is Context.PARAM else None
            if param is not None:
                if self.qualify:  # looked up in the lazy types package, like the model
                    return [self.qualify + param, name]
                imports.params.add(t.id)
                return [param, name]
            return [name]
        if isinstance(t, UnionOf):
            tagged = tagged_members(t, self.schemas)
            if tagged is not None and ctx is not Context.PARAM:
                return [self._discriminated(t, tagged, ctx, imports)]
            out: list[str] = []
            for v in t.variants:
                out.extend(self.top_parts(v, ctx, imports))
            return out
        raise TypeError(f"unknown TypeRef {t!r}")  # pragma: no cover - the union is closed

    def _writes_out(self, sid: str) -> bool:
        """PARAM: an alias whose target reaches a `…Param` TypedDict is written out (`Tags` =
        `list[Tag]` → `Sequence[TagParam | Tag]`), unless it is being written out already (recursion)."""
        if sid in self._inlining:
            return False
        schema = self.schemas[sid]
        assert isinstance(schema, Alias)
        return any(
            r in self.names.param_class
            or (isinstance(self.schemas.get(r), Alias) and r not in self._inlining and r != sid)
            for r in walk_refs(schema.target)
        )

    def _inline(self, sid: str, schema: Alias, imports: Imports) -> list[str]:
        self._inlining.add(sid)
        try:
            parts = self._parts(schema.target, Context.PARAM, imports)
        finally:
            self._inlining.discard(sid)
        return parts + (["None"] if schema.target.nullable else [])

    def _enum_values(self, schema: Enum, imports: Imports) -> str:
        """What an argument takes besides the enum's members: the `Literal` of its values (a value the
        spec does not list is a type error; responses stay open, see _enums). Values a `Literal` cannot
        hold (numbers with a fraction, objects) fall back to their plain type."""
        if schema.members and _literal_values(schema):
            imports.typing = True
            return f"_t.Literal[{', '.join(py_literal(m.value) for m in schema.members)}]"
        plain = {"string": "str", "integer": "int", "number": "float", "boolean": "bool"}
        return self.builtin(plain.get(schema.value_kind, "str"), imports)

    def _tuple(self, t: ListOf, ctx: Context, imports: Imports) -> list[str]:
        """`prefixItems`: `tuple[A, B, *tuple[R, ...]]` (rest items), `tuple[A, B]` (`items: false`),
        plus the shorter tuples JSON Schema allows when `minItems` is below the prefix length. Arguments
        take any sequence of the item types."""
        imports.typing = True
        if ctx is not Context.MODEL:
            items = [*t.prefix, *([] if t.closed else [t.item])]
            parts = list(dict.fromkeys(p for i in items for p in self.top_parts(i, ctx, imports)))
            return [f"_t.Sequence[{' | '.join(parts)}]"]
        prefix = [self.render(p, ctx, imports) for p in t.prefix]
        tuple_ = self.builtin("tuple", imports)
        full = ", ".join(prefix)
        if not t.closed:
            full += f", *{tuple_}[{self.render(t.item, ctx, imports)}, ...]"
            imports.runtime.add("Rest")
        out = [f"{tuple_}[{full}]" if t.closed else f"_t.Annotated[{tuple_}[{full}], _Rest]"]
        for n in range(min(t.min_items, len(prefix)), len(prefix)):
            out.append(f"{tuple_}[{', '.join(prefix[:n])}]" if n else f"{tuple_}[()]")
        return out

    def _discriminated(
        self, t: UnionOf, tagged: list[tuple[ModelRef, list[str]]], ctx: Context, imports: Imports
    ) -> str:
        """`Annotated[Annotated[A, Tag("A")] | …, _disc(property, {wire value: tag})]` (tag = class name)."""
        assert t.discriminator is not None
        imports.typing = imports.unions = True
        members: list[str] = []
        tags: dict[str, str] = {}
        for ref, values in tagged:
            cls = self._parts(ref, ctx, imports)[0]
            tag = self.names.schema_class[ref.id]
            members.append(f"_t.Annotated[{cls}, _Tag({py_literal(tag)})]")
            tags.update((value, tag) for value in values)
        mapping = ", ".join(f"{py_literal(k)}: {py_literal(v)}" for k, v in tags.items())
        return f"_t.Annotated[{' | '.join(members)}, _disc({py_literal(t.discriminator.property)}, {{{mapping}}})]"


def union_members(parts: list[str], nullable: bool) -> list[str]:
    """A union's members (`parts`, and `None` when `nullable`), de-duplicated, `None` last."""
    if nullable:
        parts.append("None")
    unique = list(dict.fromkeys(parts))
    return [p for p in unique if p != "None"] + (["None"] if "None" in unique else [])


def tagged_members(
    t: UnionOf, schemas: Mapping[str, Schema]
) -> list[tuple[ModelRef, list[str]]] | None:
    """Each member with the discriminator values that select it, or None when the union cannot be
    discriminated (no discriminator, a member that is not an object model or that no value selects).

    Values: the `mapping` entries that name the member, else (implicit mapping) its component name.
    """
    disc = t.discriminator
    if disc is None:
        return None
    out: list[tuple[ModelRef, list[str]]] = []
    for v in t.variants:
        if not isinstance(v, ModelRef) or v.nullable or not isinstance(schemas.get(v.id), Model):
            return None
        values = [value for value, target in disc.mapping if target == v.id]
        if not values and v.id.startswith(COMPONENTS) and len(pointer.split(v.id)) == 3:
            implicit = pointer.split(v.id)[-1]
            if not any(value == implicit for value, _ in disc.mapping):
                values = [implicit]
        if not values:
            return None
        out.append((v, values))
    return out


def _enum_fallback(schema: Enum) -> str:
    """Model fields accept an enum member or the plain value when built (responses parse unknown
    values, see _enums)."""
    return {"string": "str", "integer": "int", "number": "float", "boolean": "bool"}.get(
        schema.value_kind, "str"
    )


def _literal_values(schema: Enum) -> bool:
    return all(m.value is None or isinstance(m.value, (str, int, bool)) for m in schema.members)


def py_literal(value: object) -> Code:
    """A Python literal for a JSON scalar (`escape.py_literal`)."""
    return Code(escape.py_literal(value))


def one_line(text: str, limit: int = 200) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def names_uuid(sid: str, schemas: Mapping[str, Schema], depth: int = 0) -> bool:
    """Whether the schema is an alias of `uuid.UUID` (directly or through other aliases)."""
    schema = schemas.get(sid)
    if depth > 16 or not isinstance(schema, Alias):
        return False
    target = schema.target
    if isinstance(target, Primitive):
        return target.kind is Kind.UUID
    return isinstance(target, ModelRef) and names_uuid(target.id, schemas, depth + 1)
