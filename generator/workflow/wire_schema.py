"""Direction-aware comparison of two schemas, as a client sees them (the rules oasdiff applies).

A request schema is what the client sends: narrowing it (new required field, removed enum value, tighter
limit) breaks callers. A response schema is what the client reads (webhook payloads too): widening it (a
field may now be absent or null, a field removed, a new union variant) breaks readers; narrowing it (an
enum value no longer returned, a free-form object now described) does not break the wire. Enum values
added to a response are not breaking because generated enums are open (unknown values still parse). What
narrowing does to the generated Python types (a removed enum member) is the Python layer's report.

A change found inside a shared schema is reported once, under every operation that reaches it
(`reached`), however deep and whether or not the schemas are recursive.
"""

from __future__ import annotations

import enum
from collections.abc import Callable

from ..ir import (
    MISSING,
    Alias,
    AnyType,
    Api,
    Constraints,
    Enum,
    Field,
    Kind,
    ListOf,
    LiteralOf,
    MapOf,
    Model,
    ModelRef,
    Primitive,
    TypeRef,
    UnionOf,
    with_nullable,
)
from ..naming.hints import schema_hints
from .changes import Change, Collector, Layer, Level


class Direction(enum.Enum):
    REQUEST = "request"
    RESPONSE = "response"


_JSON_TYPE = {
    Kind.INTEGER: "integer",
    Kind.NUMBER: "number",
    Kind.BOOLEAN: "boolean",
    Kind.NULL: "null",
}
_TIGHTER_IF_SMALLER = ("max_length", "max_items", "maximum", "exclusive_maximum")
_TIGHTER_IF_LARGER = ("min_length", "min_items", "minimum", "exclusive_minimum")
_CAMEL = {
    "max_length": "maxLength",
    "max_items": "maxItems",
    "min_length": "minLength",
    "min_items": "minItems",
    "exclusive_maximum": "exclusiveMaximum",
    "exclusive_minimum": "exclusiveMinimum",
    "multiple_of": "multipleOf",
}


def json_type(kind: Kind) -> str:
    return _JSON_TYPE.get(kind, "string")


def _level(breaking: bool) -> Level:
    return Level.BREAKING if breaking else Level.NON_BREAKING


def _values(values: list[object]) -> str:
    return ", ".join(repr(v) for v in values)


_Pair = tuple[str, str, "Direction"]


def _is_component(schema_id: str) -> bool:
    return schema_id.startswith("/components/schemas/") and schema_id.count("/") == 3


class SchemaComparer:
    def __init__(
        self,
        old: Api,
        new: Api,
        out: Collector,
        hints: tuple[dict[str, str], dict[str, str]] | None = None,
    ) -> None:
        self.old, self.new, self.out = old, new, out
        # per pair of models: what was found in it directly, and the pairs its fields lead to
        self._own: dict[_Pair, list[Change]] = {}
        self._edges: dict[_Pair, set[_Pair]] = {}
        self._stack: list[_Pair] = []
        # the words each schema's class name is made from (an inline schema's: the naming pass's choice)
        old_hints, new_hints = hints or (schema_hints(old.schemas), schema_hints(new.schemas))
        self._hints = {id(old): old_hints, id(new): new_hints}

    # ---- helpers -----------------------------------------------------------------------------
    def _add(
        self,
        found: list[Change],
        breaking: bool | Level,
        d: Direction,
        code: str,
        subject: str,
        message: str,
    ) -> None:
        level = breaking if isinstance(breaking, Level) else _level(breaking)
        found.append(self.out.add(Layer.WIRE, level, f"{d.value}-{code}", subject, message))

    def _resolve(self, api: Api, t: TypeRef) -> TypeRef:
        """Follow aliases (named unions, arrays, primitives) to the type they stand for."""
        seen: set[str] = set()
        while isinstance(t, ModelRef) and t.id not in seen:
            schema = api.schemas.get(t.id)
            if not isinstance(schema, Alias):
                break
            seen.add(t.id)
            t = with_nullable(schema.target, True) if t.nullable else schema.target
        return t

    def describe(self, api: Api, t: TypeRef) -> str:
        t = self._resolve(api, t)
        if isinstance(t, Primitive):
            base = json_type(t.kind)
            return base if base != "string" or t.kind is Kind.STRING else f"string ({t.kind.value})"
        if isinstance(t, ListOf):
            return f"array of {self.describe(api, t.item)}"
        if isinstance(t, MapOf):
            return f"map of {self.describe(api, t.value)}"
        if isinstance(t, LiteralOf):
            return f"const {_values(list(t.values))}"
        if isinstance(t, UnionOf):
            return "one of (" + ", ".join(self.describe(api, v) for v in t.variants) + ")"
        if isinstance(t, ModelRef):
            schema = api.schemas.get(t.id)
            if isinstance(schema, Enum):
                hint = self._hints[id(api)].get(t.id, schema.name_hint)
                return f"enum {hint} ({schema.value_kind})"
            if isinstance(schema, Model):
                return f"object {schema.name_hint}" if _is_component(t.id) else "object"
        return "any"

    def _nullable(self, api: Api, t: TypeRef) -> bool:
        if isinstance(t, ModelRef):
            schema = api.schemas.get(t.id)
            return t.nullable or (isinstance(schema, Enum) and schema.nullable)
        return bool(t.nullable) and not isinstance(t, AnyType)

    # ---- types -------------------------------------------------------------------------------
    def compare(self, o: TypeRef, n: TypeRef, d: Direction, where: str) -> list[Change]:
        found: list[Change] = []
        o, n = self._resolve(self.old, o), self._resolve(self.new, n)
        on, nn = self._nullable(self.old, o), self._nullable(self.new, n)
        if on != nn:
            if d is Direction.RESPONSE:
                msg = "may now be null" if nn else "is no longer null"
            else:
                msg = "now accepts null" if nn else "no longer accepts null"
            self._add(found, (d is Direction.RESPONSE) == nn, d, "nullable-changed", where, msg)
        os_, ns = self._schema(self.old, o), self._schema(self.new, n)
        if isinstance(os_, Model) and isinstance(ns, Model):
            assert isinstance(o, ModelRef) and isinstance(n, ModelRef)
            return found + self._models(os_, ns, d, where)
        if (
            isinstance(os_, Enum)
            or isinstance(ns, Enum)
            or isinstance(o, LiteralOf)
            or isinstance(n, LiteralOf)
        ):
            enum_found = self._enums(o, n, d, where)
            if enum_found is not None:
                return found + enum_found
        if isinstance(o, ListOf) and isinstance(n, ListOf):
            return found + self.compare(o.item, n.item, d, where + "[]")
        if isinstance(o, MapOf) and isinstance(n, MapOf):
            return found + self.compare(o.value, n.value, d, where + "{}")
        if isinstance(o, Primitive) and isinstance(n, Primitive):
            self._primitives(found, o.kind, n.kind, d, where)
            return found
        if isinstance(o, UnionOf) or isinstance(n, UnionOf):
            return found + self._unions(o, n, d, where)
        od, nd = self.describe(self.old, o), self.describe(self.new, n)
        free_o, free_n = self._free_form(self.old, o), self._free_form(self.new, n)
        if free_o != free_n and self._objects(o, n):
            # `type: object` without properties ↔ a described object: the set of accepted (request)
            # or possible (response) values shrinks or grows
            narrowed = free_o
            self._add(
                found,
                narrowed == (d is Direction.REQUEST),
                d,
                "type-changed",
                where,
                f"type {od} → {nd}" + (" (now described)" if narrowed else " (now free-form)"),
            )
        elif isinstance(o, AnyType) != isinstance(n, AnyType):
            self._add(
                found,
                isinstance(o, AnyType) == (d is Direction.REQUEST),
                d,
                "type-changed",
                where,
                f"type {od} → {nd}",
            )
        elif od != nd:
            self._add(found, True, d, "type-changed", where, f"type {od} → {nd}")
        return found

    def _free_form(self, api: Api, t: TypeRef) -> bool:
        return isinstance(t, AnyType) or (isinstance(t, MapOf) and isinstance(t.value, AnyType))

    def _objects(self, o: TypeRef, n: TypeRef) -> bool:
        """Both sides are JSON objects (or any value): a map, a model, or free-form."""

        def obj(api: Api, t: TypeRef) -> bool:
            return isinstance(t, (AnyType, MapOf)) or isinstance(self._schema(api, t), Model)

        return obj(self.old, o) and obj(self.new, n)

    def _schema(self, api: Api, t: TypeRef) -> object:
        return api.schemas.get(t.id) if isinstance(t, ModelRef) else None

    def _primitives(
        self, found: list[Change], ok: Kind, nk: Kind, d: Direction, where: str
    ) -> None:
        if ok is nk:
            return
        same = json_type(ok) == json_type(nk)
        if d is Direction.REQUEST:
            fine = (nk is Kind.STRING and json_type(ok) == "string") or (ok, nk) == (
                Kind.INTEGER,
                Kind.NUMBER,
            )
        else:
            fine = (ok is Kind.STRING and json_type(nk) == "string") or (ok, nk) == (
                Kind.NUMBER,
                Kind.INTEGER,
            )
        od = self.describe(self.old, Primitive(ok))
        nd = self.describe(self.new, Primitive(nk))
        self._add(
            found,
            not fine,
            d,
            "format-changed" if same else "type-changed",
            where,
            f"type {od} → {nd}",
        )

    def _enum_values(self, api: Api, t: TypeRef) -> tuple[str, list[object]] | None:
        schema = self._schema(api, t)
        if isinstance(schema, Enum):
            return schema.value_kind, [m.value for m in schema.members]
        if isinstance(t, LiteralOf):
            return "literal", list(t.values)
        return None

    def _enums(self, o: TypeRef, n: TypeRef, d: Direction, where: str) -> list[Change] | None:
        found: list[Change] = []
        ov, nv = self._enum_values(self.old, o), self._enum_values(self.new, n)
        if ov is not None and nv is not None:
            removed = [v for v in ov[1] if v not in nv[1]]
            added = [v for v in nv[1] if v not in ov[1]]
            if removed:
                note = "" if d is Direction.REQUEST else " (no longer returned)"
                self._add(
                    found,
                    d is Direction.REQUEST,
                    d,
                    "enum-values-removed",
                    where,
                    f"enum values removed: {_values(removed)}{note}",
                )
            if added:
                note = "" if d is Direction.REQUEST else " (generated enums are open: still parsed)"
                self._add(
                    found,
                    False,
                    d,
                    "enum-values-added",
                    where,
                    f"enum values added: {_values(added)}{note}",
                )
            return found
        plain, values = (n, ov) if ov is not None else (o, nv)
        if (
            values is None
            or not isinstance(plain, Primitive)
            or json_type(plain.kind) != _value_kind(values)
        ):
            return None
        if ov is None:  # plain → enum
            breaking = d is Direction.REQUEST
            self._add(
                found,
                breaking,
                d,
                "enum-introduced",
                where,
                f"now limited to enum values {_values(values[1])}",
            )
        else:
            note = "" if d is Direction.REQUEST else " (any string may now be returned)"
            self._add(
                found, False, d, "enum-dropped", where, f"no longer limited to enum values{note}"
            )
        return found

    def _unions(self, o: TypeRef, n: TypeRef, d: Direction, where: str) -> list[Change]:
        found: list[Change] = []
        ovars = o.variants if isinstance(o, UnionOf) else (o,)
        nvars = n.variants if isinstance(n, UnionOf) else (n,)
        od = {self.describe(self.old, v): v for v in ovars}
        nd = {self.describe(self.new, v): v for v in nvars}
        removed, added = [k for k in od if k not in nd], [k for k in nd if k not in od]
        if removed:
            self._add(
                found,
                d is Direction.REQUEST,
                d,
                "variants-removed",
                where,
                "no longer accepts " + " | ".join(removed)
                if d is Direction.REQUEST
                else "no longer returns " + " | ".join(removed),
            )
        if added:
            self._add(
                found,
                d is Direction.RESPONSE,
                d,
                "variants-added",
                where,
                "may now return " + " | ".join(added)
                if d is Direction.RESPONSE
                else "now also accepts " + " | ".join(added),
            )
        for key in [k for k in od if k in nd]:
            found += self.compare(od[key], nd[key], d, where)
        return found

    # ---- objects -----------------------------------------------------------------------------
    def _models(self, om: Model, nm: Model, d: Direction, where: str) -> list[Change]:
        key = (om.id, nm.id, d)
        if self._stack:
            self._edges[self._stack[-1]].add(key)
        if key not in self._own and key not in self._stack:
            self._edges[key] = set()
            self._stack.append(key)
            self._own[key] = self._model_fields(om, nm, d, where)
            self._stack.pop()
        return self._reached(key)

    def _reached(self, key: _Pair) -> list[Change]:
        """Every change in the model pair `key` and in the pairs reachable from it."""
        out: dict[int, Change] = {}
        seen, todo = {key}, [key]
        while todo:
            pair = todo.pop()
            out.update((id(c), c) for c in self._own.get(pair, ()))
            for nxt in self._edges.get(pair, ()):
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return list(out.values())

    def _model_fields(self, om: Model, nm: Model, d: Direction, where: str) -> list[Change]:
        base = om.name_hint if _is_component(om.id) else where
        found: list[Change] = []
        skip: Callable[[Field], bool] = (
            (lambda f: f.read_only) if d is Direction.REQUEST else (lambda f: f.write_only)
        )
        of = {f.wire_name: f for f in om.fields if not skip(f)}
        nf = {f.wire_name: f for f in nm.fields if not skip(f)}
        renamed = self._renames(
            [f for w, f in of.items() if w not in nf], [f for w, f in nf.items() if w not in of]
        )
        for wire, f in of.items():
            if wire not in nf:
                hint = f" (possibly renamed to `{renamed[wire]}`)" if wire in renamed else ""
                self._add(found, True, d, "field-removed", f"{base}.{wire}", "field removed" + hint)
        was = {new: old for old, new in renamed.items()}
        for wire, f in nf.items():
            if wire not in of:
                required = f.required and d is Direction.REQUEST
                hint = f" (possibly `{was[wire]}` renamed)" if wire in was else ""
                self._add(
                    found,
                    required,
                    d,
                    "field-added",
                    f"{base}.{wire}",
                    ("new required field" if required else "field added")
                    + (" (optional)" if d is Direction.REQUEST and not required else "")
                    + hint,
                )
        for wire in [w for w in of if w in nf]:
            found += self._field(of[wire], nf[wire], d, f"{base}.{wire}")
        if d is Direction.REQUEST and om.closed != nm.closed:
            self._add(
                found,
                nm.closed,
                d,
                "object-closed" if nm.closed else "object-opened",
                base,
                "unknown fields are now rejected (additionalProperties: false)"
                if nm.closed
                else "unknown fields are now allowed",
            )
        if om.extra is not None and nm.extra is not None:
            found += self.compare(om.extra, nm.extra, d, base + ".*")
        return found

    def _renames(self, removed: list[Field], added: list[Field]) -> dict[str, str]:
        """old wire name → new one, for a removed field and an added field of the same type that are
        each other's only match: a likely rename (still reported as a removal and an addition)."""
        old_types = {f.wire_name: self.describe(self.old, f.type) for f in removed}
        new_types = {f.wire_name: self.describe(self.new, f.type) for f in added}
        out = {}
        for old, t in old_types.items():
            matches = [new for new, u in new_types.items() if u == t]
            if len(matches) == 1 and list(old_types.values()).count(t) == 1:
                out[old] = matches[0]
        return out

    def _field(self, of: Field, nf: Field, d: Direction, subject: str) -> list[Change]:
        found: list[Change] = []
        if of.required != nf.required:
            if d is Direction.REQUEST:
                self._add(
                    found,
                    nf.required,
                    d,
                    "field-required" if nf.required else "field-optional",
                    subject,
                    "became required" if nf.required else "became optional",
                )
            else:
                self._add(
                    found,
                    not nf.required,
                    d,
                    "field-optional" if not nf.required else "field-required",
                    subject,
                    "may now be absent (no longer required)"
                    if not nf.required
                    else "now always present (became required)",
                )
        if nf.deprecated and not of.deprecated:
            self._add(found, False, d, "field-deprecated", subject, "deprecated")
        if d is Direction.REQUEST:
            self.constraints(found, of.constraints, nf.constraints, subject)
            if of.default != nf.default and MISSING not in (of.default, nf.default):
                self._add(
                    found,
                    False,
                    d,
                    "default-changed",
                    subject,
                    f"default {of.default!r} → {nf.default!r}",
                )
        return found + self.compare(of.type, nf.type, d, subject)

    def constraints(
        self, found: list[Change], oc: Constraints, nc: Constraints, subject: str
    ) -> None:
        """Limits of a value the client sends: tighter ones break callers, looser ones do not."""
        d = Direction.REQUEST
        for name in _TIGHTER_IF_SMALLER + _TIGHTER_IF_LARGER:
            a, b = getattr(oc, name), getattr(nc, name)
            if a == b:
                continue
            if a is None or b is None:
                tighter = a is None
            else:
                tighter = b < a if name in _TIGHTER_IF_SMALLER else b > a
            self._add(
                found,
                tighter,
                d,
                "constraint-changed",
                subject,
                f"{_CAMEL.get(name, name)} {_fmt(a)} → {_fmt(b)}",
            )
        if oc.pattern != nc.pattern:
            self._add(
                found,
                nc.pattern is not None,
                d,
                "constraint-changed",
                subject,
                f"pattern {oc.pattern or 'none'} → {nc.pattern or 'none'}",
            )
        if oc.multiple_of != nc.multiple_of:
            a, b = (
                oc.multiple_of,
                nc.multiple_of,
            )  # every multiple of 4 is one of 2: 4 → 2 is looser
            self._add(
                found,
                b is not None and (a is None or b == 0 or (a / b) % 1 != 0),
                d,
                "constraint-changed",
                subject,
                f"multipleOf {_fmt(oc.multiple_of)} → {_fmt(nc.multiple_of)}",
            )


def _value_kind(values: tuple[str, list[object]]) -> str:
    kind, listed = values
    if kind != "literal":
        return kind
    first = listed[0] if listed else None
    if isinstance(first, bool):
        return "boolean"
    return {int: "integer", float: "number", str: "string"}.get(type(first), "mixed")


def _fmt(value: float | None) -> str:
    if value is None:
        return "none"
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
