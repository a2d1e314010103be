"""Typed JSON:API query builders: ``filter[<field>][<op>]=value`` conditions and ``sort=-a,b`` orders.

Generated ``<Resource>Fields`` classes hold one field object per filterable or sortable attribute::

    PersonFields.last_name.like("Doe") & PersonFields.created_at.ge(date(2025, 1, 1))
    PersonFields.created_at.desc() + PersonFields.last_name.asc()

Conditions and orders are typed by the fields class they come from, so a type checker rejects a
``NoteFields`` filter passed to ``people.list``; an unknown field is an ``AttributeError`` (and a type
error) when the filter is built, never a silently ignored query parameter. Values are formatted per
field type: dates ISO 8601, date-times in UTC with ``Z``, booleans ``true``/``false``, enums by value.
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Generic, TypeVar

__all__ = [
    "BooleanField",
    "DateField",
    "DateTimeField",
    "EnumField",
    "Filter",
    "NumberField",
    "Sort",
    "SortField",
    "TextField",
    "UuidField",
    "fields_of",
]

R = TypeVar("R")

_NULL = "null"


def format_value(value: object) -> str:
    """Wire form of a filter value."""
    if value is None:
        return _NULL
    if isinstance(value, enum.Enum):
        return format_value(value.value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:  # naive date-times are taken as UTC
            value = value.replace(tzinfo=dt.UTC)
        text = value.astimezone(dt.UTC).isoformat()
        return text.replace("+00:00", "Z")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (str, int, float, Decimal, uuid.UUID)):
        return str(value)
    raise TypeError(f"Cannot use a value of type {type(value).__name__} in a filter: {value!r}")


class Filter(Generic[R]):
    """Conditions combined with AND (``&``); sent as ``filter[field]=v`` / ``filter[field][op]=v``."""

    __slots__ = ("conditions",)

    def __init__(self, conditions: tuple[tuple[str, str, str], ...]) -> None:
        self.conditions = conditions
        """``(field, operator or "", wire value)`` triples, in the order they were combined."""

    def __and__(self, other: Filter[R]) -> Filter[R]:
        if not isinstance(other, Filter):
            return NotImplemented
        return Filter(self.conditions + other.conditions)

    def query_items(self, name: str = "filter") -> list[tuple[str, str]]:
        """The ``(key, value)`` query pairs, e.g. ``("filter[last_name][like]", "Doe")``."""
        return [
            (f"{name}[{field}][{op}]" if op else f"{name}[{field}]", value)
            for field, op, value in self.conditions
        ]

    def __clientgen_query__(self, name: str) -> list[tuple[str, str]]:
        return self.query_items(name)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Filter) and other.conditions == self.conditions

    def __hash__(self) -> int:
        return hash(self.conditions)

    def __repr__(self) -> str:
        return f"Filter({'&'.join(f'{k}={v}' for k, v in self.query_items())})"


class Sort(Generic[R]):
    """A sort order; ``+`` (or ``then``) appends keys: ``sort=-created_at,last_name``."""

    __slots__ = ("keys",)

    def __init__(self, keys: tuple[str, ...]) -> None:
        self.keys = keys

    def __add__(self, other: Sort[R]) -> Sort[R]:
        if not isinstance(other, Sort):
            return NotImplemented
        return Sort(self.keys + other.keys)

    def then(self, other: Sort[R]) -> Sort[R]:
        return self + other

    def __str__(self) -> str:
        return ",".join(self.keys)

    def __clientgen_query__(self, name: str) -> list[tuple[str, str]]:
        return [(name, str(self))]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sort) and other.keys == self.keys

    def __hash__(self) -> int:
        return hash(self.keys)

    def __repr__(self) -> str:
        return f"Sort({str(self)!r})"


_DEFAULT_OPS: Mapping[str, str] = {}


class _Field(Generic[R]):
    """One attribute of a fields class; ``ops`` maps our operator names to the API's spelling."""

    __slots__ = ("_ops", "_sortable", "name")

    def __init__(
        self, name: str, ops: Mapping[str, str] = _DEFAULT_OPS, *, sortable: bool = False
    ) -> None:
        self.name = name
        self._ops = ops
        self._sortable = sortable

    def _condition(self, op: str, value: object) -> Filter[R]:
        if op == "eq":
            return Filter(((self.name, "", format_value(value)),))
        wire = self._ops.get(op)
        if wire is None:
            supported = ", ".join(["eq", *self._ops]) or "none"
            raise ValueError(
                f"filter field {self.name!r} does not support {op!r} (supported: {supported})"
            )
        return Filter(((self.name, wire, format_value(value)),))

    def is_null(self) -> Filter[R]:
        """Only records where the field is empty (``filter[field]=null``)."""
        return Filter(((self.name, "", _NULL),))

    def not_null(self) -> Filter[R]:
        """Only records where the field is not empty (``filter[field][neq]=null``)."""
        return self._condition("neq", None)

    def asc(self) -> Sort[R]:
        return Sort((self._sort_key(),))

    def desc(self) -> Sort[R]:
        return Sort(("-" + self._sort_key(),))

    def _sort_key(self) -> str:
        if not self._sortable:
            raise ValueError(f"field {self.name!r} is not sortable")
        return self.name

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name}>"


_V = TypeVar("_V")


class _EqField(_Field[R], Generic[R, _V]):
    __slots__ = ()

    def eq(self, value: _V) -> Filter[R]:
        """Exact match (``filter[field]=value``)."""
        return self._condition("eq", value)

    def neq(self, value: _V) -> Filter[R]:
        """Not equal (``filter[field][neq]=value``)."""
        return self._condition("neq", value)


class _OrderedField(_EqField[R, _V]):
    __slots__ = ()

    def gt(self, value: _V) -> Filter[R]:
        """Greater than."""
        return self._condition("gt", value)

    def ge(self, value: _V) -> Filter[R]:
        """Greater than or equal."""
        return self._condition("ge", value)

    def lt(self, value: _V) -> Filter[R]:
        """Less than."""
        return self._condition("lt", value)

    def le(self, value: _V) -> Filter[R]:
        """Less than or equal."""
        return self._condition("le", value)

    def between(self, low: _V, high: _V) -> Filter[R]:
        """``ge(low) & le(high)``."""
        return self.ge(low) & self.le(high)


class TextField(_EqField[R, str]):
    """A text attribute: ``eq``, ``neq``, ``like``, null checks."""

    __slots__ = ()

    def like(self, pattern: str) -> Filter[R]:
        """Pattern match (``filter[field][like]=pattern``)."""
        return self._condition("like", pattern)


class UuidField(_EqField[R, str | uuid.UUID]):
    """An id attribute."""

    __slots__ = ()


class NumberField(_OrderedField[R, int | float | Decimal]):
    """A number attribute."""

    __slots__ = ()


class DateField(_OrderedField[R, dt.date | str]):
    """A date attribute (``YYYY-MM-DD``)."""

    __slots__ = ()


class DateTimeField(_OrderedField[R, dt.datetime | dt.date | str]):
    """A date-time attribute (sent in UTC, ``...Z``; naive values are taken as UTC)."""

    __slots__ = ()


class BooleanField(_EqField[R, bool]):
    """A boolean attribute (``true`` / ``false``)."""

    __slots__ = ()


class EnumField(_EqField[R, str | enum.Enum]):
    """An attribute with a fixed set of values."""

    __slots__ = ()


class SortField(_Field[R]):
    """An attribute that can be sorted on but not filtered."""

    __slots__ = ()


def fields_of(fields_class: type[Any]) -> dict[str, _Field[Any]]:
    """The field objects of a generated fields class, by wire name."""
    return {f.name: f for f in vars(fields_class).values() if isinstance(f, _Field)}
