"""Realistic argument values for an operation, built from the IR: what the generated tests and the
usage examples of `api.md` pass.

A value is the spec's own example where it has one that fits (a parameter's or media type's `example`
/ `examples`, a property's or schema's `example`), else a default, else a value built from the type:
strings honour their format (uuid, date, date-time, email, uri, …), `pattern` and length limits;
numbers their range and `multipleOf`; arrays `minItems`/`maxItems`; objects carry every required
property that may be sent (never a read-only one), the optional ones that have an example, and enough
others to reach `minProperties`; enums take their first value; unions their first variant that gives
a value (a discriminated member gets its tag). Values are JSON as it goes over the wire; files are
`FileSample`s. Nothing here is printed as it stands: `literals.py` turns a value into Python source
through the escapers.

The same IR always gives the same values (no clock, no randomness: a uuid is derived from the name).
"""

from __future__ import annotations

import base64
import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from ..ir import (
    MISSING,
    Alias,
    AnyType,
    Constraints,
    Enum,
    JsonValue,
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
)
from ..ir.models import NO_CONSTRAINTS, _Missing
from .patterns import string_for

UUID_NAMESPACE = "7c0ba5a6-7b3c-4f1a-9a57-3f1f54c0d9d1"  # of `sample_uuid`'s uuid5
DATE = "2024-05-06"
DATE_TIME = "2024-05-06T07:08:09Z"
TIME = "07:08:09"
MAX_DEPTH = 8


@dataclass(frozen=True, slots=True)
class FileSample:
    """A small file a test uploads (the literal is `(filename, bytes, content type)` or bytes)."""

    filename: str = "sample.pdf"
    content_type: str = "application/pdf"


Sample = JsonValue | FileSample | list[FileSample]


def sample_uuid(name: str) -> str:
    import uuid  # (where a sample is a uuid: `uuid` imports `platform`, not a summary edit's cost)

    return str(uuid.uuid5(uuid.UUID(UUID_NAMESPACE), name or "value"))


def _uuid(text: str) -> object:
    import uuid

    return uuid.UUID(text)


class Sampler:
    """Values for the types of one API (`schemas`: the IR's named schemas)."""

    def __init__(self, schemas: Mapping[str, Schema]) -> None:
        self.schemas = schemas

    # -- building ------------------------------------------------------------------------------

    def value(
        self,
        t: TypeRef,
        name: str = "value",
        *,
        example: JsonValue | _Missing = MISSING,
        default: JsonValue | _Missing = MISSING,
        limits: Constraints = NO_CONSTRAINTS,
        depth: int = 0,
    ) -> Sample:
        """A value of `t`: the example or default when it fits, else one built from the type."""
        for candidate in (example, default):
            if not isinstance(candidate, _Missing) and self.fits(t, candidate, limits):
                return self.sendable(t, candidate)
        return self._build(t, name, limits, depth)

    def _build(self, t: TypeRef, name: str, limits: Constraints, depth: int) -> Sample:
        if depth > MAX_DEPTH:
            return None if t.nullable else {}
        if isinstance(t, Primitive):
            return _primitive(t.kind, name, limits)
        if isinstance(t, ListOf):
            count = max(limits.min_items or 0, 1)
            if limits.max_items is not None:
                count = min(count, limits.max_items)
            return [self._item(t.item, name, depth, i) for i in range(count)]
        if isinstance(t, MapOf):
            return {"key": self._sample_json(self.value(t.value, name, depth=depth + 1))}
        if isinstance(t, LiteralOf):
            return next((v for v in t.values if v is not None), None)
        if isinstance(t, UnionOf):
            return self._union(t, name, depth)
        if isinstance(t, ModelRef):
            return self._schema(self.schemas[t.id], name, depth)
        assert isinstance(t, AnyType)
        return f"sample-{name}"

    def _item(self, t: TypeRef, name: str, depth: int, index: int) -> JsonValue:
        """The `index`-th item of an array: enum items differ (`uniqueItems`)."""
        if isinstance(t, ModelRef) and isinstance(self.schemas[t.id], Enum):
            members = [m.value for m in self._enum(t).members if m.value is not None]
            if members:
                return members[index % len(members)]
        return self._sample_json(self.value(t, name, depth=depth + 1))

    def _union(self, t: UnionOf, name: str, depth: int) -> Sample:
        variants = sorted(
            t.variants, key=lambda v: isinstance(v, Primitive) and v.kind is Kind.NULL
        )
        for variant in variants:
            value = self.value(variant, name, depth=depth + 1)
            if t.discriminator is not None and isinstance(variant, ModelRef):
                tag = next((w for w, sid in t.discriminator.mapping if sid == variant.id), None)
                if isinstance(value, dict) and tag is not None:
                    value = {**value, t.discriminator.property: tag}
            return value
        return None

    def _schema(self, schema: Schema, name: str, depth: int) -> Sample:
        if isinstance(schema, Enum):
            return next((m.value for m in schema.members if m.value is not None), None)
        if isinstance(schema, Alias):
            if not isinstance(schema.example, _Missing) and self.fits(
                schema.target, schema.example
            ):
                return self.sendable(schema.target, schema.example)
            return self.value(schema.target, name, depth=depth + 1)
        if not isinstance(schema.example, _Missing) and self.fits(
            ModelRef(schema.id), schema.example
        ):
            return self.sendable(ModelRef(schema.id), schema.example)
        out: dict[str, JsonValue] = {}
        sendable = [f for f in schema.fields if not f.read_only and not f.deprecated]
        wanted = [f for f in sendable if f.required or not isinstance(f.example, _Missing)]
        missing = max(schema.min_properties or 0, 1) - len(wanted)  # an empty object says little
        wanted += [f for f in sendable if f not in wanted][: max(missing, 0)]
        for f in sendable:
            if f in wanted:
                out[f.wire_name] = self._sample_json(
                    self.value(
                        f.type,
                        f.wire_name,
                        example=f.example,
                        default=f.default,
                        limits=f.constraints,
                        depth=depth + 1,
                    )
                )
        return out

    def _enum(self, t: ModelRef) -> Enum:
        schema = self.schemas[t.id]
        assert isinstance(schema, Enum)
        return schema

    @staticmethod
    def _sample_json(value: Sample) -> JsonValue:
        """Inside a JSON document a file is its name (binary JSON fields are rare and ill-defined)."""
        if isinstance(value, FileSample):
            return value.filename
        if isinstance(value, list):
            return [Sampler._sample_json(v) for v in value]
        return value

    # -- checking ------------------------------------------------------------------------------

    def fits(self, t: TypeRef, value: object, limits: Constraints = NO_CONSTRAINTS) -> bool:
        """Whether `value` (JSON) is an instance of `t` within `limits` (not its `pattern`: a spec's
        regular expression is never run by the generator)."""
        return self._fits(t, value, limits, 0)

    def _fits(self, t: TypeRef, value: object, limits: Constraints, depth: int) -> bool:
        if depth > MAX_DEPTH:
            return False
        if value is None:
            return t.nullable or (isinstance(t, Primitive) and t.kind is Kind.NULL)
        if isinstance(t, Primitive):
            return _primitive_fits(t.kind, value, limits)
        if isinstance(t, ListOf):
            return (
                isinstance(value, list)
                and (limits.min_items or 0) <= len(value) <= (limits.max_items or len(value))
                and all(self._fits(t.item, v, NO_CONSTRAINTS, depth + 1) for v in value)
            )
        if isinstance(t, MapOf):
            return isinstance(value, dict) and all(
                self._fits(t.value, v, NO_CONSTRAINTS, depth + 1) for v in value.values()
            )
        if isinstance(t, LiteralOf):
            return value in t.values
        if isinstance(t, UnionOf):
            return any(self._fits(v, value, limits, depth + 1) for v in t.variants)
        if isinstance(t, AnyType):
            return True
        schema = self.schemas[t.id]
        if isinstance(schema, Enum):
            return any(m.value == value and type(m.value) is type(value) for m in schema.members)
        if isinstance(schema, Alias):
            return self._fits(schema.target, value, limits, depth + 1)
        if not isinstance(value, dict):
            return False
        known = {f.wire_name: f for f in schema.fields}
        if schema.closed and any(k not in known for k in value):
            return False
        if any(f.required and f.wire_name not in value for f in schema.fields):
            return False
        return all(
            self._fits(known[k].type, v, known[k].constraints, depth + 1)
            if k in known
            else schema.extra is None or self._fits(schema.extra, v, NO_CONSTRAINTS, depth + 1)
            for k, v in value.items()
        )

    def sendable(self, t: TypeRef, value: JsonValue) -> JsonValue:
        """An example as a request carries it: without the read-only properties a response has."""
        return self._sendable(t, value, 0)

    def _sendable(self, t: TypeRef, value: JsonValue, depth: int) -> JsonValue:
        if depth > MAX_DEPTH:
            return value
        if isinstance(t, ListOf) and isinstance(value, list):
            return [self._sendable(t.item, v, depth + 1) for v in value]
        if isinstance(t, UnionOf):
            fitting = next((v for v in t.variants if self.fits(v, value)), None)
            return value if fitting is None else self._sendable(fitting, value, depth + 1)
        if not isinstance(t, ModelRef) or not isinstance(value, dict):
            return value
        schema = self.schemas[t.id]
        if isinstance(schema, Alias):
            return self._sendable(schema.target, value, depth + 1)
        if not isinstance(schema, Model):
            return value
        fields = {f.wire_name: f for f in schema.fields}
        return {
            k: self._sendable(fields[k].type, v, depth + 1) if k in fields else v
            for k, v in value.items()
            if k not in fields or not fields[k].read_only
        }


def _primitive(kind: Kind, name: str, limits: Constraints) -> Sample:
    if kind is Kind.BINARY:
        return FileSample()
    if kind in (Kind.INTEGER, Kind.NUMBER):
        return _number(kind, limits)
    if kind is Kind.BOOLEAN:
        return True
    if kind is Kind.NULL:
        return None
    fixed: dict[Kind, Callable[[], str]] = {
        Kind.UUID: lambda: sample_uuid(name),
        Kind.DATE: lambda: DATE,
        Kind.DATETIME: lambda: DATE_TIME,
        Kind.TIME: lambda: TIME,
        Kind.DURATION: lambda: "P1D",
        Kind.EMAIL: lambda: "user@example.com",
        Kind.URI: lambda: f"https://example.com/{_slug(name)}",
        Kind.BYTE: lambda: base64.b64encode(b"sample").decode(),
        Kind.DECIMAL: lambda: "1.00",
    }
    if kind in fixed:
        return fixed[kind]()
    text = string_for(limits.pattern) if limits.pattern else None
    if text is None:
        text = f"sample-{_slug(name)}"
        if limits.min_length is not None and len(text) < limits.min_length:
            text += "x" * (limits.min_length - len(text))
        if limits.max_length is not None and len(text) > limits.max_length:
            text = text[: limits.max_length]
    return text


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", name).strip("-").lower() or "value"


def _number(kind: Kind, limits: Constraints) -> int | float:
    step = limits.multiple_of or (1 if kind is Kind.INTEGER else None)
    value: float = 1
    if limits.minimum is not None:
        value = max(value, limits.minimum)
    if limits.exclusive_minimum is not None and value <= limits.exclusive_minimum:
        value = limits.exclusive_minimum + (step or 0.5)
    if limits.maximum is not None and value > limits.maximum:
        value = limits.maximum
    if limits.exclusive_maximum is not None and value >= limits.exclusive_maximum:
        value = limits.exclusive_maximum - (step or 0.5)
    if step:
        value = -(-value // step) * step  # the next multiple up
    if kind is Kind.INTEGER or float(value).is_integer():
        return int(value)
    return float(value)


def _primitive_fits(kind: Kind, value: object, limits: Constraints) -> bool:
    if kind is Kind.BOOLEAN:
        return isinstance(value, bool)
    if kind in (Kind.INTEGER, Kind.NUMBER):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return False
        if kind is Kind.INTEGER and not float(value).is_integer():
            return False
        return _in_range(float(value), limits)
    if kind is Kind.NULL:
        return value is None
    if kind is Kind.BINARY:
        return False  # a file is never taken from an example
    if not isinstance(value, str):
        return False
    if limits.min_length is not None and len(value) < limits.min_length:
        return False
    if limits.max_length is not None and len(value) > limits.max_length:
        return False
    parse = _PARSERS.get(kind)
    if parse is None:
        return True
    try:
        parse(value)
    except ValueError:
        return False
    return True


def _in_range(value: float, limits: Constraints) -> bool:
    return not (
        (limits.minimum is not None and value < limits.minimum)
        or (limits.maximum is not None and value > limits.maximum)
        or (limits.exclusive_minimum is not None and value <= limits.exclusive_minimum)
        or (limits.exclusive_maximum is not None and value >= limits.exclusive_maximum)
    )


def parse_datetime(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))


def _checked(shape: str, parse: Callable[[str], object]) -> Callable[[str], object]:
    """A parser that first insists on the RFC 3339 / RFC 4122 spelling (Python's parsers accept more)."""
    regex = re.compile(shape)

    def check(text: str) -> object:
        if not regex.fullmatch(text):
            raise ValueError(text)
        return parse(text)

    return check


_OFFSET = r"(?:[Zz]|[+-]\d{2}:\d{2})"
_PARSERS: dict[Kind, Callable[[str], object]] = {
    Kind.DATE: _checked(r"\d{4}-\d{2}-\d{2}", dt.date.fromisoformat),
    Kind.DATETIME: _checked(
        rf"\d{{4}}-\d{{2}}-\d{{2}}[Tt]\d{{2}}:\d{{2}}:\d{{2}}(?:\.\d+)?{_OFFSET}", parse_datetime
    ),
    Kind.TIME: _checked(
        rf"\d{{2}}:\d{{2}}:\d{{2}}(?:\.\d+)?{_OFFSET}?",
        lambda t: dt.time.fromisoformat(t.upper().replace("Z", "+00:00")),
    ),
    Kind.UUID: _checked(r"[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}", _uuid),
}
