"""Spec `default`s checked against their own schema once every schema is built: a default of the wrong
type, outside its enum or in a bad format is a warning and is dropped (never the Python default, never
shown as one), so a generated client cannot start from a value its own API rejects."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import math
from collections.abc import Callable, Iterable, Mapping

from .. import pointer as jp
from ..diagnostics import DiagnosticSink
from ..ir import (
    MISSING,
    AnyType,
    Enum,
    Kind,
    ListOf,
    LiteralOf,
    MapOf,
    Model,
    ModelRef,
    Operation,
    Primitive,
    Schema,
    TypeRef,
    UnionOf,
)
from ..ir.quick_init import quick_replace
from ..ir.types import JsonValue

_MAX_DEPTH = 32


def checked_schemas(schemas: Mapping[str, Schema], sink: DiagnosticSink) -> dict[str, Schema]:
    """`schemas` with every invalid field default dropped (and reported)."""
    out: dict[str, Schema] = {}
    for sid, schema in schemas.items():
        if isinstance(schema, Model) and any(f.default is not MISSING for f in schema.fields):
            fields = []
            dropped = False
            for f in schema.fields:
                problem = (
                    None if f.default is MISSING else default_problem(f.default, f.type, schemas)
                )
                if problem is not None:
                    _warn(
                        sink, jp.join(sid, "properties", f.wire_name, "default"), f.default, problem
                    )
                    f = quick_replace(f, default=MISSING)
                    dropped = True
                fields.append(f)
            if dropped:  # (else the model as it is)
                schema = quick_replace(schema, fields=tuple(fields))
        out[sid] = schema
    return out


def checked_operation(
    op: Operation, schemas: Mapping[str, Schema], sink: DiagnosticSink
) -> Operation:
    """`op` with every invalid parameter default dropped (and reported)."""
    if all(p.default is MISSING for p in op.parameters):
        return op
    params = []
    for p in op.parameters:
        problem = None if p.default is MISSING else default_problem(p.default, p.type, schemas)
        if problem is not None:
            _warn(sink, jp.join(p.pointer, "schema", "default"), p.default, problem)
            p = quick_replace(p, default=MISSING)
        params.append(p)
    return quick_replace(op, parameters=tuple(params))


def _warn(sink: DiagnosticSink, where: str, value: object, problem: str) -> None:
    shown = repr(value)
    shown = shown if len(shown) <= 80 else shown[:79] + "…"
    sink.warn(
        "invalid-default",
        where,
        f"default {shown} does not fit its schema ({problem}); it is not used",
        "fix the default, or remove it",
    )


def default_problem(
    value: object, t: TypeRef, schemas: Mapping[str, Schema], depth: int = 0
) -> str | None:
    """Why `value` is not a valid value of `t`, or None when it is."""
    if depth > _MAX_DEPTH or isinstance(t, AnyType):
        return None
    if value is None:
        return None if t.nullable or _accepts_null(t, schemas) else "null is not allowed"
    if isinstance(t, Primitive):
        return _primitive_problem(value, t.kind)
    if isinstance(t, LiteralOf):
        return None if any(_same(value, v) for v in t.values) else f"not one of {list(t.values)!r}"
    if isinstance(t, ListOf):
        return _list_problem(value, t, schemas, depth)
    if isinstance(t, MapOf):
        if not isinstance(value, dict):
            return "not an object"
        return _first(default_problem(v, t.value, schemas, depth + 1) for v in value.values())
    if isinstance(t, UnionOf):
        problems = [default_problem(value, v, schemas, depth + 1) for v in t.variants]
        return None if any(p is None for p in problems) else "fits none of its alternatives"
    return _named_problem(value, t, schemas, depth)


def _named_problem(
    value: object, t: ModelRef, schemas: Mapping[str, Schema], depth: int
) -> str | None:
    schema = schemas.get(t.id)
    if isinstance(schema, Enum):
        if any(_same(value, m.value) for m in schema.members):
            return None
        return f"not one of the enum's values {[m.value for m in schema.members]!r}"
    if isinstance(schema, Model):
        if not isinstance(value, dict):
            return "not an object"
        fields = {f.wire_name: f for f in schema.fields}
        return _first(
            default_problem(v, fields[k].type, schemas, depth + 1)
            for k, v in value.items()
            if k in fields
        )
    if schema is not None:  # an alias
        return default_problem(value, schema.target, schemas, depth + 1)
    return None


def _list_problem(
    value: object, t: ListOf, schemas: Mapping[str, Schema], depth: int
) -> str | None:
    if not isinstance(value, list):
        return "not an array"
    if t.closed and len(value) > len(t.prefix):
        return f"more than {len(t.prefix)} items"
    types = [*t.prefix, *[t.item] * max(0, len(value) - len(t.prefix))]
    return _first(default_problem(v, it, schemas, depth + 1) for v, it in zip(value, types))


def _accepts_null(t: TypeRef, schemas: Mapping[str, Schema]) -> bool:
    if isinstance(t, Primitive):
        return t.kind is Kind.NULL
    if isinstance(t, LiteralOf):
        return None in t.values
    if isinstance(t, UnionOf):
        return any(v.nullable or _accepts_null(v, schemas) for v in t.variants)
    if isinstance(t, ModelRef):
        schema = schemas.get(t.id)
        return isinstance(schema, Enum) and schema.nullable
    return False


def _first(problems: Iterable[str | None]) -> str | None:
    return next((p for p in problems if p is not None), None)


def _same(a: object, b: JsonValue) -> bool:
    """JSON equality: `true` is not `1`."""
    return a == b and isinstance(a, bool) == isinstance(b, bool)


def _primitive_problem(value: object, kind: Kind) -> str | None:
    if kind is Kind.BOOLEAN:
        return None if isinstance(value, bool) else "not a boolean"
    if kind is Kind.INTEGER:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return "not an integer"
        return None if isinstance(value, int) or value.is_integer() else "not an integer"
    if kind is Kind.NUMBER:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return "not a number"
        return None if math.isfinite(value) else "not a finite number"
    if kind is Kind.NULL:
        return "not null"
    if not isinstance(value, str):
        return "not a string"
    check = _FORMATS.get(kind)
    return None if check is None or check(value) else f"not a valid {kind.value}"


def _parses(parse: Callable[[str], object]) -> Callable[[str], bool]:
    def check(text: str) -> bool:
        try:
            parse(text)
        except (ValueError, TypeError, binascii.Error):
            return False
        return True

    return check


def _uuid(text: str) -> object:
    import uuid  # (here: with `platform`, which it imports, ≈ 2 ms that only a UUID default needs)

    return uuid.UUID(text)


def _datetime(text: str) -> object:
    if "t" not in text.lower():
        raise ValueError(text)
    return dt.datetime.fromisoformat(text[:-1] + "+00:00" if text[-1:] in "zZ" else text)


_FORMATS: dict[Kind, Callable[[str], bool]] = {
    Kind.DATE: _parses(dt.date.fromisoformat),
    Kind.DATETIME: _parses(_datetime),
    Kind.TIME: _parses(lambda t: dt.time.fromisoformat(t[:-1] if t[-1:] in "zZ" else t)),
    Kind.UUID: _parses(_uuid),
    Kind.BYTE: _parses(lambda t: base64.b64decode(t, validate=True)),
}
