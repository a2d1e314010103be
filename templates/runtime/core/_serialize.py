"""Encoding of path, query, header and JSON body values."""

from __future__ import annotations

import datetime as dt
import enum
import re
import uuid
from collections.abc import Iterable, Mapping
from decimal import Decimal
from functools import lru_cache
from typing import Any
from urllib.parse import quote

import pydantic
import pydantic_core

from ._models import complete_dump
from ._types import NotGiven

__all__ = [
    "check_header",
    "format_path",
    "header_value",
    "json_body",
    "query_items",
    "scalar_to_str",
    "to_jsonable",
]

_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")


def scalar_to_str(value: object) -> str:
    """Wire form of a scalar: booleans lower case, dates ISO 8601, enums by value."""
    if isinstance(value, enum.Enum):  # before str: a str-valued enum member is also a str
        return scalar_to_str(value.value)
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (int, float, Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, bytes):
        return value.decode("utf-8")
    raise TypeError(f"Cannot send a value of type {type(value).__name__} as a string: {value!r}")


@lru_cache(maxsize=512)
def _split_template(template: str) -> tuple[str, ...]:
    return tuple(_PLACEHOLDER.split(template))


def format_path(template: str, params: Mapping[str, object] | None) -> str:
    """Fill ``{name}`` placeholders with percent-encoded values (``/`` and dot segments too)."""
    if "{" not in template:
        return template
    parts = _split_template(template)
    out = []
    for index, part in enumerate(parts):
        if index % 2 == 0:
            out.append(part)
            continue
        value = None if params is None else params.get(part)
        if value is None or isinstance(value, NotGiven):
            raise ValueError(f"Missing value for path parameter {part!r}")
        text = scalar_to_str(value)
        if text == "":
            raise ValueError(f"Expected a non-empty value for path parameter {part!r}")
        encoded = quote(text, safe="")
        if encoded.strip(".") == "":  # "." / ".." would be resolved as dot segments
            encoded = encoded.replace(".", "%2E")
        out.append(encoded)
    return "".join(out)


def _dump(value: object) -> object:
    if isinstance(value, pydantic.BaseModel):
        return to_jsonable(value)
    return value


def _flatten_deep(prefix: str, value: object, out: list[tuple[str, str]]) -> None:
    value = _dump(value)
    if value is None or isinstance(value, NotGiven):
        return
    if isinstance(value, Mapping):
        for key, item in value.items():
            _flatten_deep(f"{prefix}[{key}]", item, out)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            _flatten_deep(prefix, item, out)
    else:
        out.append((prefix, scalar_to_str(value)))


def _scalars(values: Iterable[object]) -> list[str]:
    return [scalar_to_str(v) for v in values if v is not None and not isinstance(v, NotGiven)]


def _add_query(
    name: str, value: object, style: tuple[str, bool], out: list[tuple[str, str]]
) -> None:
    hook = getattr(value, "__clientgen_query__", None)
    if hook is not None:  # typed query builders (``_query.Filter`` / ``Sort``) encode themselves
        out.extend(hook(name))
        return
    value = _dump(value)
    kind, explode = style
    if kind == "deepObject":
        _flatten_deep(name, value, out)
        return
    if isinstance(value, Mapping):
        pairs = [
            (str(k), scalar_to_str(v))
            for k, v in value.items()
            if v is not None and not isinstance(v, NotGiven)
        ]
        if explode and kind == "form":
            out.extend(pairs)
        else:
            out.append((name, ",".join(part for pair in pairs for part in pair)))
        return
    if isinstance(value, (list, tuple, set, frozenset)):
        items = _scalars(value)
        if kind == "spaceDelimited":
            out.append((name, " ".join(items)))
        elif kind == "pipeDelimited":
            out.append((name, "|".join(items)))
        elif explode:
            out.extend((name, item) for item in items)
        else:
            out.append((name, ",".join(items)))
        return
    out.append((name, scalar_to_str(value)))


_FORM: tuple[str, bool] = ("form", True)


def query_items(
    query: Mapping[str, object] | None,
    styles: Mapping[str, tuple[str, bool]],
    extra: Mapping[str, object] | None = None,
    nulls: frozenset[tuple[str, str]] = frozenset(),
) -> list[tuple[str, str]]:
    """Query parameters as ordered ``(name, value)`` pairs; ``extra`` replaces same-named ones.

    ``None`` is left out, except for the parameters in ``nulls`` (nullable in the spec): those send the
    null form of their style (OpenAPI's "undefined" column: ``form`` → ``name=``; the other styles
    define none, so nothing is sent)."""
    out: list[tuple[str, str]] = []
    if query:
        for name, value in query.items():
            if value is None and ("query", name) in nulls:
                if styles.get(name, _FORM)[0] == "form":
                    out.append((name, ""))
                continue
            if value is None or isinstance(value, NotGiven):
                continue
            _add_query(name, value, styles.get(name, _FORM), out)
    if extra:
        names = set(extra)
        out = [pair for pair in out if pair[0] not in names]
        for name, value in extra.items():
            if value is None or isinstance(value, NotGiven):
                continue
            _add_query(name, value, styles.get(name, _FORM), out)
    return out


def header_value(value: object) -> str:
    """Wire form of a header parameter (lists comma-joined, simple style)."""
    if isinstance(value, (list, tuple)):
        return ",".join(_scalars(value))
    return scalar_to_str(value)


# RFC 9110 token characters: what a header field name may contain
_TOKEN = frozenset("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")


def check_header(name: str, value: str) -> None:
    """Reject header values that could split or smuggle headers (CR, LF, NUL) and names that are not
    RFC 9110 tokens (a spec's ``"X Api Key"``): a clear ``ValueError`` before anything is sent."""
    if "\r" in value or "\n" in value or "\x00" in value:
        raise ValueError(f"Header {name!r} contains a CR, LF or NUL character")
    if not name or not _TOKEN.issuperset(name):
        raise ValueError(
            f"Invalid header name {name!r}: a header name is a token (letters, digits and "
            "!#$%&'*+-.^_`|~; no spaces or separators), so it cannot be sent. Nothing was sent."
        )


def to_jsonable(value: object) -> Any:
    """Drop ``NOT_GIVEN`` entries and dump models (by alias: the fields set and the constant fields,
    without the read-only fields), recursively."""
    if isinstance(value, pydantic.BaseModel):
        data = value.model_dump(mode="json", by_alias=True, exclude_unset=True)
        complete_dump(value, data, request=True)
        return data
    if isinstance(value, Mapping):
        return {
            key: to_jsonable(item) for key, item in value.items() if not isinstance(item, NotGiven)
        }
    if isinstance(value, (list, tuple)):
        return [to_jsonable(item) for item in value if not isinstance(item, NotGiven)]
    return value


def json_body(body: object, extra_body: Mapping[str, object] | None) -> bytes:
    """Serialize a JSON request body, merging ``extra_body`` into an object body."""
    data = to_jsonable(body)
    if extra_body:
        if isinstance(data, NotGiven):
            data = {}
        if not isinstance(data, dict):
            raise TypeError("extra_body can only be merged into a JSON object body")
        data.update(to_jsonable(extra_body))
    try:
        return pydantic_core.to_json(data)
    except pydantic_core.PydanticSerializationError as exc:
        raise TypeError(f"Request body is not JSON serializable: {exc}") from None
