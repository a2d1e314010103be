"""Named schemas in the IR: object models, enums and aliases."""

from __future__ import annotations

from dataclasses import dataclass

from .quick_init import quick_init
from .types import JsonValue, Number, TypeRef


class _Missing:
    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"

    def __reduce__(self) -> str:
        """Unpickled as the one `MISSING` (compared by identity and equality alike)."""
        return "MISSING"


MISSING = _Missing()


@dataclass(frozen=True, slots=True)
class Constraints:
    """A schema's limits: length, pattern, range, item count and multiple (None: none)."""

    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    minimum: Number | None = None
    maximum: Number | None = None
    exclusive_minimum: Number | None = None
    exclusive_maximum: Number | None = None
    min_items: int | None = None
    max_items: int | None = None
    multiple_of: Number | None = None


NO_CONSTRAINTS = Constraints()


@quick_init
@dataclass(frozen=True, slots=True)
class Field:
    """A property of an object schema: its wire name, type, requiredness, doc and limits."""

    wire_name: str
    type: TypeRef
    required: bool
    doc: str = ""
    default: JsonValue | _Missing = MISSING
    read_only: bool = False
    write_only: bool = False
    deprecated: bool = False
    constraints: Constraints = Constraints()
    listed_required: bool = (
        False  # in the schema's `required`, even if `required` is False (read/write-only)
    )
    # `const`, or a one-value `enum` whose value is the `default` (a discriminator tag): typed as that
    # literal, set automatically and always sent
    constant: bool = False
    secret: bool = False  # `format: password` somewhere in its schema: hidden from reprs
    format: str = ""  # the string `format` the spec gives (checked by strict response validation)
    example: JsonValue | _Missing = MISSING  # the property schema's `example` / first `examples`


@quick_init
@dataclass(frozen=True, slots=True)
class NameHints:
    """Where a named schema is used, as words the naming pass makes its class name from."""

    hints: tuple[
        tuple[str, str | None], ...
    ]  # (full hint, short hint) of every place that reaches it
    own: tuple[tuple[str, str | None], ...]  # those of the place that defines it
    component: bool  # a `components/schemas` entry: its key is its name
    data: str = ""  # an envelope's `data` reference (`X response`), for places that disagree


@quick_init
@dataclass(frozen=True, slots=True)
class Model:
    """An object schema: its fields and what it allows besides them."""

    id: str  # JSON pointer of the schema (or of its first use, for inline schemas)
    name_hint: str  # the spec's name: component key, or a name derived from where it is used
    doc: str
    fields: tuple[Field, ...]
    extra: TypeRef | None  # type of additionalProperties values; None = no extra typed values
    closed: bool = False  # additionalProperties: false
    title: str = ""
    hints: NameHints | None = None  # where it is used (parse); None: `name_hint` is its name
    example: JsonValue | _Missing = MISSING  # the schema's `example` / first `examples`
    min_properties: int | None = None


@quick_init
@dataclass(frozen=True, slots=True)
class EnumMember:
    """One value of an enum schema, with its doc and the spec's name for it."""

    value: JsonValue
    doc: str = ""
    name: str = ""  # the spec's name for the member (`x-enum-varnames` / `x-enumNames`), or ""


@quick_init
@dataclass(frozen=True, slots=True)
class Enum:
    """An enum schema: its members and the kind of their values."""

    id: str
    name_hint: str
    doc: str
    members: tuple[EnumMember, ...]
    value_kind: str  # "string", "integer", "number", "boolean", "mixed"
    nullable: bool = False
    hints: NameHints | None = None


@dataclass(frozen=True, slots=True)
class Alias:
    """A named schema that is not an object model or enum: a union, array, map or primitive."""

    id: str
    name_hint: str
    doc: str
    target: TypeRef
    hints: NameHints | None = None
    example: JsonValue | _Missing = MISSING  # the schema's `example` / first `examples`


Schema = Model | Enum | Alias
