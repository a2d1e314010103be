"""Encoding of path, query, header and JSON body values."""

from __future__ import annotations

import datetime as dt
import enum
import re
import uuid
from collections.abc import Callable, Container, Iterable, Mapping
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
    "encode",
    "encode_reserved",
    "form_pairs",
    "format_path",
    "header_value",
    "join_query",
    "json_body",
    "json_text",
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


# -- percent-encoding (RFC 3986 / RFC 6570) ------------------------------------------------------------

_UNRESERVED = re.compile(r"[A-Za-z0-9._~-]*")
# `allowReserved`: RFC 3986's reserved characters pass unchanged, except those a query cannot carry
# literally or that would split it (`[`, `]`, `#`, `&`, `+`); percent-encoded triples stay as they are.
_RESERVED_SAFE = ":/?@!$'()*,;="
_TRIPLE = re.compile(r"(%[0-9A-Fa-f]{2})")


def encode(text: str) -> str:
    """Percent-encode everything but RFC 3986's unreserved characters (a space is ``%20``, never ``+``)."""
    return text if _UNRESERVED.fullmatch(text) else quote(text, safe="")


def encode_reserved(text: str) -> str:
    """``encode`` for ``allowReserved`` values (RFC 6570 reserved expansion, query-safe)."""
    parts = _TRIPLE.split(text)
    return "".join(
        part if index % 2 else quote(part, safe=_RESERVED_SAFE) for index, part in enumerate(parts)
    )


def _same(text: str) -> str:
    return text


def _is_nested(value: object) -> bool:
    return isinstance(value, (Mapping, list, tuple, set, frozenset, pydantic.BaseModel))


def _text(value: object) -> str:
    """A scalar's wire form; a nested value (which the style does not define) as compact JSON."""
    if _is_nested(value):
        return json_text(value)
    return scalar_to_str(value)


def json_text(value: object) -> str:
    """A value as compact JSON text (``content: application/json`` parameters, JSON form fields)."""
    try:
        return pydantic_core.to_json(to_jsonable(value)).decode()
    except pydantic_core.PydanticSerializationError as exc:
        raise TypeError(f"Cannot send a value as JSON: {exc}") from None


Style = tuple[str, bool]
_SIMPLE: Style = ("simple", False)


def _given(value: object) -> bool:
    return value is not None and not isinstance(value, NotGiven)


def _expand(name: str, value: object, style: Style) -> str:
    """RFC 6570 expansion of one path parameter: ``simple`` (``{id}``), ``label`` (``{.id}``) or
    ``matrix`` (``{;id}``), exploded or not; ``json`` for a parameter with a JSON ``content``."""
    kind, explode = style
    if kind == "json":
        return encode(json_text(value))
    value = _dump(value)
    keyed = False
    if isinstance(value, Mapping):
        keyed = True
        pairs = [(encode(str(k)), encode(_text(v))) for k, v in value.items() if _given(v)]
        parts = [f"{k}={v}" for k, v in pairs] if explode else [p for kv in pairs for p in kv]
    elif isinstance(value, (list, tuple, set, frozenset)):
        parts = [encode(_text(v)) for v in value if _given(v)]
    else:
        parts = [encode(scalar_to_str(value))]
    if kind == "label":
        return "." + ("." if explode else ",").join(parts)
    if kind == "matrix":
        key = encode(name)
        if explode and keyed:
            return "".join(f";{part}" for part in parts)
        if explode and len(parts) > 1:
            return "".join(f";{key}={part}" for part in parts)
        joined = ",".join(parts)
        return f";{key}={joined}" if joined else f";{key}"
    return ",".join(parts)


def format_path(
    template: str, params: Mapping[str, object] | None, styles: Mapping[str, Style] | None = None
) -> str:
    """Fill ``{name}`` placeholders with percent-encoded values (``/`` and dot segments too), per each
    parameter's style (``simple`` when ``styles`` does not name it)."""
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
        style = styles.get(part) if styles else None
        if style is None and (type(value) is str or not _is_nested(value)):
            encoded = encode(value if type(value) is str else scalar_to_str(value))
        else:
            encoded = _expand(part, value, style or _SIMPLE)
        if encoded == "":
            raise ValueError(f"Expected a non-empty value for path parameter {part!r}")
        if encoded.strip(".") == "":  # "." / ".." would be resolved as dot segments
            encoded = encoded.replace(".", "%2E")
        out.append(encoded)
    return "".join(out)


def _dump(value: object) -> object:
    if isinstance(value, pydantic.BaseModel):
        return to_jsonable(value)
    return value


Pairs = list[tuple[str, str]]


def _flatten_deep(prefix: str, value: object, out: Pairs, enc: Callable[[str], str]) -> None:
    """Bracket notation: ``f[a][b]=1``, list entries indexed (``f[tags][0]=x``: what Prism, Stripe, Rack
    and PHP read as an array); ``prefix`` is not encoded yet."""
    value = _dump(value)
    if value is None or isinstance(value, NotGiven):
        return
    if isinstance(value, Mapping):
        for key, item in value.items():
            _flatten_deep(f"{prefix}[{key}]", item, out, enc)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for index, item in enumerate(value):
            _flatten_deep(f"{prefix}[{index}]", item, out, enc)
    else:
        out.append((enc(prefix), enc(scalar_to_str(value))))


def _scalars(values: Iterable[object]) -> list[str]:
    return [scalar_to_str(v) for v in values if v is not None and not isinstance(v, NotGiven)]


def _add_query(
    name: str, value: object, style: Style, out: Pairs, enc: Callable[[str], str] = encode
) -> None:
    """Append the encoded ``(name, value)`` pairs of one parameter (or form field) per its style.

    What OpenAPI leaves undefined (arrays of objects, objects inside objects outside ``deepObject``) is
    sent in bracket notation rather than refused: ``filters[0][name]=x``."""
    hook = getattr(value, "__clientgen_query__", None)
    if hook is not None:  # typed query builders (``_query.Filter`` / ``Sort``) encode themselves
        out.extend((enc(k), enc(v)) for k, v in hook(name))
        return
    kind, explode = style
    if kind == "json":
        out.append((enc(name), enc(json_text(value))))
        return
    value = _dump(value)
    if kind == "deepObject":
        _flatten_deep(name, value, out, enc)
        return
    if isinstance(value, Mapping):
        items = [(str(k), v) for k, v in value.items() if _given(v)]
        if kind == "form" and explode:
            for key, item in items:
                if _is_nested(item):
                    _flatten_deep(key, item, out, enc)
                else:
                    out.append((enc(key), enc(scalar_to_str(item))))
        elif any(_is_nested(item) for _, item in items):
            _flatten_deep(name, value, out, enc)
        elif items:  # an empty object is undefined (RFC 6570), like an empty list
            joined = ",".join(enc(p) for key, item in items for p in (key, scalar_to_str(item)))
            out.append((enc(name), joined))
        return
    if isinstance(value, (list, tuple, set, frozenset)):
        if any(_is_nested(item) for item in value):
            _flatten_deep(name, value, out, enc)
            return
        texts = [enc(item) for item in _scalars(value)]
        key = enc(name)
        if not texts:  # RFC 6570: an empty list is undefined, so nothing is sent
            return
        if kind == "spaceDelimited":
            out.append((key, enc(" ").join(texts)))
        elif kind == "pipeDelimited":
            out.append((key, enc("|").join(texts)))
        elif explode:
            out.extend((key, text) for text in texts)
        else:
            out.append((key, ",".join(texts)))
        return
    out.append((enc(name), enc(scalar_to_str(value))))


_FORM: Style = ("form", True)


def query_items(
    query: Mapping[str, object] | None,
    styles: Mapping[str, Style],
    extra: Mapping[str, object] | None = None,
    reserved: Container[str] = (),
    nulls: frozenset[tuple[str, str]] = frozenset(),
) -> Pairs:
    """Query parameters as ordered, percent-encoded ``(name, value)`` pairs (join them with ``=`` and
    ``&``); ``extra`` replaces same-named ones; names in ``reserved`` (``allowReserved``) keep RFC 3986's
    reserved characters.

    ``None`` is left out, except for the parameters in ``nulls`` (nullable in the spec): those send the
    null form of their style (OpenAPI's "undefined" column: ``form`` → ``name=``; the other styles
    define none, so nothing is sent)."""
    out: Pairs = []
    if query:
        for name, value in query.items():
            if value is None and ("query", name) in nulls:
                if styles.get(name, _FORM)[0] == "form":
                    out.append((encode(name), ""))
                continue
            if value is None or isinstance(value, NotGiven):
                continue
            enc = encode_reserved if name in reserved else encode
            _add_query(name, value, styles.get(name, _FORM), out, enc)
    if extra:
        names = {encode(name) for name in extra}
        out = [pair for pair in out if pair[0] not in names]
        for name, value in extra.items():
            if value is None or isinstance(value, NotGiven):
                continue
            _add_query(name, value, styles.get(name, _FORM), out)
    return out


def form_pairs(
    data: Mapping[str, object],
    styles: Mapping[str, Style],
    reserved: Container[str] = (),
    *,
    encoded: bool = True,
) -> Pairs:
    """The ``(name, value)`` pairs of a form body per its ``encoding`` (``styles``: property → style;
    ``form``/explode by default); percent-encoded for ``application/x-www-form-urlencoded``, as they are
    (``encoded=False``) for the fields of a multipart body."""
    out: Pairs = []
    for name, value in data.items():
        if value is None or isinstance(value, NotGiven):
            continue
        if not encoded:
            enc: Callable[[str], str] = _same
        else:
            enc = encode_reserved if name in reserved else encode
        _add_query(name, value, styles.get(name, _FORM), out, enc)
    return out


def join_query(pairs: Pairs) -> str:
    """``a=1&b=2`` from encoded pairs."""
    return "&".join([f"{name}={value}" for name, value in pairs])


def header_value(value: object, style: Style = _SIMPLE) -> str:
    """Wire form of a header parameter: ``simple`` style (lists and objects comma-joined, an exploded
    object as ``k=v,k=v``), or JSON text for a parameter with a JSON ``content``."""
    kind, explode = style
    if kind == "json":
        return json_text(value)
    value = _dump(value)
    if isinstance(value, Mapping):
        pairs = [(str(k), _text(v)) for k, v in value.items() if _given(v)]
        if explode:
            return ",".join(f"{k}={v}" for k, v in pairs)
        return ",".join(part for pair in pairs for part in pair)
    if isinstance(value, (list, tuple, set, frozenset)):
        return ",".join(_text(v) for v in value if _given(v))
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
