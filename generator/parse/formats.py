"""The one table from OpenAPI (type, format) to an IR primitive kind."""

from __future__ import annotations

from ..ir import Kind

_STRING_FORMATS: dict[str, Kind] = {
    "date": Kind.DATE,
    "date-time": Kind.DATETIME,
    "time": Kind.TIME,
    "duration": Kind.DURATION,
    "uuid": Kind.UUID,
    "email": Kind.EMAIL,
    "idn-email": Kind.EMAIL,
    "uri": Kind.URI,
    "url": Kind.URI,
    "uri-reference": Kind.URI,
    "iri": Kind.URI,
    "byte": Kind.BYTE,
    "base64": Kind.BYTE,
    "binary": Kind.BINARY,
    "decimal": Kind.DECIMAL,
    "number": Kind.DECIMAL,
    "double": Kind.DECIMAL,
    "float": Kind.DECIMAL,
    "int64": Kind.DECIMAL,
    "int32": Kind.DECIMAL,
    "integer": Kind.DECIMAL,
}

# the standard formats whose values become Python objects other than `str` (dates, times, UUIDs, bytes)
_TYPED_FORMATS: dict[str, Kind] = {
    "date": Kind.DATE,
    "date-time": Kind.DATETIME,
    "time": Kind.TIME,
    "uuid": Kind.UUID,
    "binary": Kind.BINARY,
}

_TYPES: dict[str, Kind] = {
    "string": Kind.STRING,
    "integer": Kind.INTEGER,
    "number": Kind.NUMBER,
    "boolean": Kind.BOOLEAN,
    "null": Kind.NULL,
}


def primitive_kind(type_name: str, fmt: object) -> Kind | None:
    """Kind for a JSON type name and format; None for 'object'/'array'/unknown type names."""
    kind = _TYPES.get(type_name)
    if kind is None:
        return None
    if kind is Kind.STRING and isinstance(fmt, str):
        # JSON Schema formats are case-sensitive: a format that only looks like one that becomes a Python
        # type (`dateTime`, `datetime`, `UUID`) is an annotation, and the value stays a `str`
        typed = _TYPED_FORMATS.get(fmt)
        if typed is not None:
            return typed
        found = _STRING_FORMATS.get(fmt.lower(), Kind.STRING)
        return Kind.STRING if found in _TYPED_FORMATS.values() else found
    if kind is Kind.NUMBER and isinstance(fmt, str) and fmt.lower() in _INTEGRAL_FORMATS:
        return Kind.INTEGER  # `type: number, format: int64`: the values are whole numbers
    return kind


_INTEGRAL_FORMATS = frozenset({"int32", "int64", "integer", "int8", "int16", "uint32", "uint64"})
