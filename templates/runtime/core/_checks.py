"""Strict response validation beyond the types: `null` where the spec does not allow it, and the limits,
patterns and formats a spec gives.

Generated models list them in ``__clientgen_checks__`` (attribute → checks). ``constraint_errors`` walks a
validated result and reports every value that breaks one, and every open-enum value the spec does not
list, as pydantic-style error dicts. Only a client built with ``strict_response_validation=True`` calls
it: lenient parsing never pays for it.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import enum
import ipaddress
import math
import operator
import re
import typing
import uuid
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

import pydantic

from ._fields import is_omittable

__all__ = ["constraint_errors"]

_MAX_DEPTH = 128
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+")
_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:\S*")
_HOSTNAME = re.compile(
    r"(?=.{1,253}\.?$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?"
)
_Fail = Callable[[str, str], None]
MAX_PATTERN_INPUT = 1000
_RISKY_INPUT = 16
_NESTED_QUANTIFIER = re.compile(r"\((?:[^()\\]|\\.)*[*+}](?:[^()\\]|\\.)*\)(?:[*+]|\{\d*,)")
_INT_RANGES = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}


def constraint_errors(value: object) -> list[dict[str, Any]]:
    """Every broken limit, pattern or format in ``value`` (a parsed result), in document order."""
    errors: list[dict[str, Any]] = []
    _walk(value, (), errors, 0)
    return errors


def _walk(
    value: object, loc: tuple[str | int, ...], errors: list[dict[str, Any]], depth: int
) -> None:
    if depth > _MAX_DEPTH:
        return
    if isinstance(value, enum.Enum):
        if value.name == "UNKNOWN" and type(value).__members__.get("UNKNOWN") is not value:
            errors.append(
                _error("enum", loc, "Value is not one of the values the spec lists", value)
            )
        return
    if isinstance(value, pydantic.BaseModel):
        values = value.__dict__
        for name, key, checks, omittable, descend in _plan(type(value)):
            item = values.get(name)
            if item is None:
                if omittable and name in value.model_fields_set:
                    errors.append(
                        _error("none_forbidden", (*loc, key), "Field may not be null", None)
                    )
                continue
            if checks is not None:
                _check(item, checks, (*loc, key), errors)
            if descend:
                _walk(item, (*loc, key), errors, depth + 1)
        for key, item in (value.__pydantic_extra__ or {}).items():
            _walk(item, (*loc, key), errors, depth + 1)
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            _walk(item, (*loc, index), errors, depth + 1)
    elif isinstance(value, dict):
        for key, item in value.items():
            _walk(item, (*loc, str(key)), errors, depth + 1)


_Step = tuple[str, str, "Mapping[str, object] | None", bool, bool]


@lru_cache(maxsize=4096)
def _plan(cls: type[pydantic.BaseModel]) -> tuple[_Step, ...]:
    """Per field of a model class: attribute, wire name, its checks, whether it is `Omittable`, and
    whether its value can hold anything to walk into (a model, an enum, a list or map of those); the
    fields with none of these are left out."""
    checks: Mapping[str, Mapping[str, object]] = getattr(cls, "__clientgen_checks__", {})
    steps = (
        (
            name,
            info.serialization_alias or name,
            checks.get(name),
            is_omittable(info),
            _may_hold(info.annotation, 0),
        )
        for name, info in cls.model_fields.items()
    )
    return tuple(step for step in steps if step[2] is not None or step[3] or step[4])


_LEAVES = (str, int, float, bool, bytes, type(None), dt.date, dt.time, dt.timedelta, uuid.UUID)


def _may_hold(annotation: Any, depth: int) -> bool:
    """Whether a value of this annotation can contain a model or an enum (else it is not walked)."""
    if depth > 16 or annotation is Any:
        return True
    if isinstance(annotation, type):
        return not issubclass(annotation, _LEAVES) or issubclass(annotation, enum.Enum)
    if typing.get_origin(annotation) is typing.Literal:
        return False
    args = typing.get_args(annotation)
    return not args or any(_may_hold(a, depth + 1) for a in args if a is not Ellipsis)


def _check(
    value: object,
    checks: Mapping[str, object],
    loc: tuple[str | int, ...],
    errors: list[dict[str, Any]],
) -> None:
    def fail(kind: str, message: str) -> None:
        errors.append(_error(kind, loc, message, value))

    if isinstance(value, str):
        pattern = checks.get("pattern")
        compiled = _compiled(pattern) if isinstance(pattern, str) else None
        if compiled is not None and _bounded(compiled, value) and compiled.search(value) is None:
            fail("string_pattern_mismatch", f"String should match pattern '{pattern}'")
        _bounds(len(value), checks, "min_length", "max_length", "string", fail)
        fmt = checks.get("format")
        if isinstance(fmt, str) and not _format_ok(fmt, value):
            fail("format", f"String is not a valid {fmt}")
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        _numbers(value, checks, fail)
        fmt = checks.get("format")
        if isinstance(fmt, str) and fmt in _INT_RANGES:
            low, high = _INT_RANGES[fmt]
            if not low <= value <= high:
                fail("format", f"Number is outside the {fmt} range")
    elif isinstance(value, (list, tuple)):
        _bounds(len(value), checks, "min_items", "max_items", "list", fail)


def _bounds(
    size: int, checks: Mapping[str, object], low: str, high: str, what: str, fail: Any
) -> None:
    minimum, maximum = checks.get(low), checks.get(high)
    unit = "characters" if what == "string" else "items"
    if isinstance(minimum, int) and size < minimum:
        fail(f"{what}_too_short", f"Should have at least {minimum} {unit}")
    if isinstance(maximum, int) and size > maximum:
        fail(f"{what}_too_long", f"Should have at most {maximum} {unit}")


_RULES: tuple[tuple[str, str, Callable[[float, float], bool], str], ...] = (
    ("minimum", "greater_than_equal", operator.ge, ">="),
    ("maximum", "less_than_equal", operator.le, "<="),
    ("exclusive_minimum", "greater_than", operator.gt, ">"),
    ("exclusive_maximum", "less_than", operator.lt, "<"),
)


def _numbers(value: float, checks: Mapping[str, object], fail: _Fail) -> None:
    for key, kind, ok, sign in _RULES:
        bound = checks.get(key)
        if isinstance(bound, (int, float)) and not ok(value, bound):
            fail(kind, f"Input should be {sign} {bound}")
    step = checks.get("multiple_of")
    if isinstance(step, (int, float)) and step > 0:
        if isinstance(value, int) and isinstance(step, int):
            fits = value % step == 0
        else:
            ratio = value / step
            fits = math.isfinite(ratio) and math.isclose(ratio, round(ratio), abs_tol=1e-9)
        if not fits:
            fail("multiple_of", f"Input should be a multiple of {step}")


def _bounded(compiled: re.Pattern[str], value: str) -> bool:
    """Whether matching `value` takes bounded time: Python's `re` backtracks, and both the pattern (the
    spec) and the value (the server) are untrusted. A pattern with a quantified group that holds a
    quantifier (`(a+)+`, exponential on a near miss) is checked on short values only, any other on values
    up to `MAX_PATTERN_INPUT` characters; longer values are not pattern-checked."""
    limit = _RISKY_INPUT if _NESTED_QUANTIFIER.search(compiled.pattern) else MAX_PATTERN_INPUT
    return len(value) <= limit


@lru_cache(maxsize=512)
def _compiled(pattern: str) -> re.Pattern[str] | None:
    """The spec's ECMA-262 pattern as a Python regex (None when Python cannot read it: not checked)."""
    try:
        return re.compile(pattern)
    except (re.error, RecursionError, OverflowError):
        return None


def _format_ok(fmt: str, value: str) -> bool:
    if fmt in ("email", "idn-email"):
        return _EMAIL.fullmatch(value) is not None
    if fmt in ("uri", "url", "iri"):
        return _URI.fullmatch(value) is not None
    if fmt == "hostname":
        return _HOSTNAME.fullmatch(value) is not None
    if fmt in ("ipv4", "ipv6"):
        kind = ipaddress.IPv4Address if fmt == "ipv4" else ipaddress.IPv6Address
        try:
            kind(value)
        except ValueError:
            return False
        return True
    if fmt in ("byte", "base64"):
        try:
            base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            return False
        return True
    return True


def _error(kind: str, loc: tuple[str | int, ...], message: str, value: object) -> dict[str, Any]:
    shown = value.value if isinstance(value, enum.Enum) else value
    return {"type": kind, "loc": loc, "msg": message, "input": shown}
