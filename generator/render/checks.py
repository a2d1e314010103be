"""What strict response validation checks beyond the field types: the `__clientgen_checks__` table of a
model (`pattern`, the standard string formats, length, range and item-count limits), applied by the
runtime's `_checks.py` only when a client is built with `strict_response_validation=True`, so lenient
parsing costs nothing more."""

from __future__ import annotations

import math

from ..ir import Constraints, Model
from ..ir.models import NO_CONSTRAINTS
from ..naming.names import Names
from .annotations import py_literal
from .safe import Code, code

# JSON Schema and OpenAPI formats the runtime checks (date, date-time, time and uuid are field types:
# pydantic checks them); other names (`url`, `base64`, …) are annotations, as JSON Schema says
CHECKED_FORMATS = frozenset(
    {
        "email",
        "idn-email",
        "uri",
        "iri",
        "ipv4",
        "ipv6",
        "hostname",
        "byte",
        "int32",
        "int64",
    }
)


def strict_checks(model: Model, names: Names) -> Code:
    """`{attribute: {check: value, ...}, ...}` as Python source, or "" when there is nothing to check."""
    entries = []
    for f in model.fields:
        if f.constraints is NO_CONSTRAINTS and f.format not in CHECKED_FORMATS:
            continue  # (most fields) nothing to check
        items = _constraint_items(f.constraints)
        if f.format in CHECKED_FORMATS:
            items.append(("format", py_literal(f.format)))
        if items:
            body = ", ".join(f"{_KEYS[k]}: {v}" for k, v in items)
            entries.append(f"{py_literal(names.fields[(model.id, f.wire_name)])}: {{{body}}}")
    return code("{" + ", ".join(entries) + "}" if entries else "")


_LIMITS = (
    "min_length",
    "max_length",
    "minimum",
    "maximum",
    "exclusive_minimum",
    "exclusive_maximum",
    "multiple_of",
    "min_items",
    "max_items",
)
_KEYS = {key: py_literal(key) for key in ("pattern", "format", *_LIMITS)}  # each written once


def _constraint_items(c: Constraints) -> list[tuple[str, str]]:
    if c is NO_CONSTRAINTS:  # (most fields: parse shares one object for "no constraints")
        return []
    out: list[tuple[str, str]] = []
    if c.pattern:
        out.append(("pattern", py_literal(c.pattern)))
    for key in _LIMITS:
        value = getattr(c, key)
        if isinstance(value, (int, float)) and math.isfinite(value):
            out.append((key, repr(value)))
    return out
