"""What a correct client puts on the wire, written from the OpenAPI rules (not from the runtime's code).

Used by the wire-conformance harness (tests/support/wire.py) for what Prism does not check, and to tell a
client defect from a Prism limitation:

- `expected_path(op, values)`: the path of the request, each `{name}` expanded per its parameter's
  `style`/`explode` (RFC 6570: `simple` by default, `label`, `matrix`), every character outside the
  unreserved set percent-encoded;
- `missing_on_wire(request, samples, op)`: query, header and cookie arguments that were passed but are
  not on the wire at all;
- `strip_read_only(builder, schema, value)`: a request body without the `readOnly` properties a client
  must not send (OpenAPI 3.0: a required `readOnly` property is required in responses only);
- `json_equal` / `first_difference`: JSON equality (1 == 1.0, one instant however spelled);
- `missing_body_fields(request, samples, encoding)`: form fields and multipart parts passed but not sent;
- `multipart_parts(request)`: the parts of a sent multipart body (name, Content-Type).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any
from urllib.parse import parse_qsl, quote

import httpx

from .openapi import Operation
from .samples import OperationSamples, SampleBuilder

_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")


def one_line(text: object, limit: int = 300) -> str:
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _text(value: Any) -> str:
    """A primitive as RFC 6570 / OpenAPI write it: booleans lower case, numbers as in JSON."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, (int, float)):
        return json.dumps(value)
    return str(value)


def _enc(value: Any) -> str:
    return quote(_text(value), safe="")


def expand(name: str, value: Any, style: str, explode: bool) -> str:
    """RFC 6570 expansion of one path parameter (`simple`, `label` or `matrix`)."""
    if isinstance(value, dict):
        if explode:
            items = [f"{_enc(k)}={_enc(v)}" for k, v in value.items()]
        else:
            items = [part for k, v in value.items() for part in (_enc(k), _enc(v))]
    elif isinstance(value, list):
        items = [_enc(v) for v in value]
    else:
        items = [_enc(value)]
    if style == "label":
        return "." + ("." if explode else ",").join(items)
    if style == "matrix":
        if isinstance(value, list) and explode:
            return "".join(f";{name}={item}" for item in items)
        if isinstance(value, dict) and explode:
            return "".join(f";{item}" for item in items)
        return f";{name}=" + ",".join(items) if items != [""] else f";{name}"
    return ",".join(items)


def expected_path(op: Operation, values: dict[str, Any]) -> str | None:
    """The request path for these path values (None when a value is missing)."""
    params = {p["name"]: p for p in op.parameters if p["in"] == "path"}
    template = op.path.split("#", 1)[0].split("?", 1)[0]
    out: list[str] = []
    last = 0
    for match in _PLACEHOLDER.finditer(template):
        name = match.group(1)
        if name not in values:
            return None
        param = params.get(name, {})
        style = param.get("style", "simple")
        out += [
            template[last : match.start()],
            expand(name, values[name], style, param.get("explode", False)),
        ]
        last = match.end()
    out.append(template[last:])
    return "".join(out)


def same_path(sent: str, expected: str) -> bool:
    """Equal up to the case of percent-escapes."""
    upper = re.compile(r"%[0-9a-fA-F]{2}")
    return upper.sub(lambda m: m.group(0).upper(), sent) == upper.sub(
        lambda m: m.group(0).upper(), expected
    )


def _flat(prefix: str, value: Any, out: list[tuple[str, str]]) -> None:
    """deepObject pairs of `value` under `prefix`: nested objects as `a[b][c]`, array entries indexed
    (`a[b][0]`). OpenAPI defines deepObject for objects of primitives only; this is the convention of
    Prism's own deepObject parser (it reads arrays only as `[0]`, `[1]`…), Stripe, Rack and PHP."""
    if isinstance(value, dict):
        for k, v in value.items():
            if v is not None:
                _flat(f"{prefix}[{k}]", v, out)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _flat(f"{prefix}[{i}]", v, out)
    else:
        out.append((prefix, _text(value)))


def bracket_pairs(name: str, value: Any) -> list[tuple[str, str]]:
    """`value` under `name` in bracket notation (`filters[0][name]=x`): what the client sends where
    OpenAPI leaves a style undefined (an array of objects in a `form` query)."""
    out: list[tuple[str, str]] = []
    _flat(name, value, out)
    return out


def expected_query_pairs(
    name: str, value: Any, style: str, explode: bool
) -> list[tuple[str, str]] | None:
    """The query pairs a correct client sends for one parameter (unencoded), per its style; None where
    OpenAPI does not define them (arrays of objects, nested objects outside deepObject)."""
    if value is None:
        return []
    if style == "deepObject":
        return bracket_pairs(name, value)
    if isinstance(value, dict):
        if any(isinstance(v, (dict, list)) for v in value.values()):
            return None
        items = [(str(k), _text(v)) for k, v in value.items() if v is not None]
        if style == "form" and explode:
            return items
        return [(name, ",".join(part for pair in items for part in pair))]
    if isinstance(value, list):
        if any(isinstance(v, (dict, list)) for v in value):
            return None
        texts = [_text(v) for v in value]
        if style == "spaceDelimited":
            return [(name, " ".join(texts))] if texts else []
        if style == "pipeDelimited":
            return [(name, "|".join(texts))] if texts else []
        if explode:
            return [(name, t) for t in texts]
        return [(name, ",".join(texts))] if texts else []
    return [(name, _text(value))]


def query_pairs(request: httpx.Request) -> list[tuple[str, str]]:
    """The request's query pairs, percent-decoded as RFC 3986 says: a `+` is a plus sign, not a space
    (that is HTML form decoding, which servers and validators that follow RFC 3986 — Prism — do not
    apply; RFC 6570, which OpenAPI's styles are defined by, writes a space as `%20`)."""
    return parse_qsl(request.url.query.decode().replace("+", "%2B"), keep_blank_values=True)


def sent_query_pairs(request: httpx.Request, keys: set[str], prefix: str) -> list[tuple[str, str]]:
    """The request's query pairs whose key is in `keys` or starts with `prefix[`."""
    pairs = query_pairs(request)
    return [(k, v) for k, v in pairs if k in keys or k.startswith(prefix + "[")]


def _expected_keys(name: str, value: Any, style: str, explode: bool) -> list[str]:
    """Query keys a correct client sends for this argument."""
    if value is None or value == [] or value == {}:
        return []
    if style == "deepObject" and isinstance(value, (dict, list)):
        return [f"{name}["]
    if isinstance(value, list) and any(isinstance(v, (dict, list)) for v in value):
        return [f"{name}["]  # undefined by OpenAPI: the client's bracket notation
    if isinstance(value, dict) and style == "form" and explode:
        # a list or object property is undefined by OpenAPI: the client's bracket notation (`k[0][0]`)
        return [
            f"{k}[" if isinstance(v, (dict, list)) else str(k)
            for k, v in value.items()
            if v not in (None, [], {})
        ]
    return [name]


def missing_on_wire(request: httpx.Request, samples: OperationSamples, op: Operation) -> list[str]:
    """The query/header/cookie arguments passed that are not on the wire at all."""
    sent_query = [k for k, _ in query_pairs(request)]
    styles = {p["name"]: p for p in op.parameters if p["in"] == "query"}
    missing: list[str] = []
    for name, value in samples.query.items():
        param = styles.get(name, {})
        style = param.get("style", "form")
        explode = param.get("explode", style == "form")
        keys = [name] if "content" in param else _expected_keys(name, value, style, explode)
        for key in keys:
            if not any(k == key or (key.endswith("[") and k.startswith(key)) for k in sent_query):
                missing.append(f"query {key!r}")
    for name, value in samples.header.items():
        if value not in (None, [], {}) and request.headers.get(name) is None:
            missing.append(f"header {name!r}")
    cookie_header = request.headers.get("cookie", "")
    sent_cookies = {part.split("=", 1)[0].strip() for part in cookie_header.split(";")}
    for name, value in samples.cookie.items():
        if value not in (None, [], {}) and name not in sent_cookies:
            missing.append(f"cookie {name!r}")
    return missing


def missing_body_fields(
    request: httpx.Request, samples: OperationSamples, encoding: dict[str, Any]
) -> list[str]:
    """Form (`application/x-www-form-urlencoded`) fields and multipart parts that were passed but are not
    in the sent body; form fields follow their `encoding` style (default `form`, exploded)."""
    if not isinstance(samples.body, dict):
        return []
    media = (samples.media_type or "").split(";")[0].strip()
    if media == "application/x-www-form-urlencoded":
        sent = [k for k, _ in parse_qsl(request.content.decode("latin-1"), keep_blank_values=True)]
    elif media.startswith("multipart/"):
        sent = [name for name, _ in multipart_parts_of(request.content)]
    else:
        return []
    missing = []
    for name, value in samples.body.items():
        rule = encoding.get(name) or {}
        style = rule.get("style", "form")
        keys = (
            [name]
            if media.startswith("multipart/") and "style" not in rule
            else _expected_keys(name, value, style, rule.get("explode", style == "form"))
        )
        if value in ([], {}) or value is None:
            continue
        for key in keys:
            if not any(k == key or (key.endswith("[") and k.startswith(key)) for k in sent):
                missing.append(f"body field {key!r}")
    return missing


def strip_read_only(builder: SampleBuilder, schema: Any, value: Any, depth: int = 0) -> Any:
    """`value` without the properties its schema marks `readOnly` (recursively through objects and
    arrays; union members are not guessed)."""
    if depth > 20:
        return value
    resolved, _ = builder._norm(schema, frozenset())
    if isinstance(value, dict):
        props = resolved.get("properties") or {}
        out = {}
        for key, item in value.items():
            sub = props.get(key)
            if sub is not None:
                sub_resolved, _ = builder._norm(sub, frozenset())
                if sub_resolved.get("readOnly"):
                    continue
                item = strip_read_only(builder, sub, item, depth + 1)
            out[key] = item
        return out
    if isinstance(value, list) and isinstance(resolved.get("items"), dict):
        return [strip_read_only(builder, resolved["items"], item, depth + 1) for item in value]
    return value


def _same_instant(a: str, b: str) -> bool:
    """Two spellings of one RFC 3339 date-time (`.925Z` and `.925000Z`, `Z` and `+00:00`)."""
    if "T" not in a.upper() or "T" not in b.upper():
        return False
    try:
        x = dt.datetime.fromisoformat(a.replace("z", "Z"))
        y = dt.datetime.fromisoformat(b.replace("z", "Z"))
    except ValueError:
        return False
    return x.tzinfo is not None and y.tzinfo is not None and x == y


def json_equal(a: Any, b: Any) -> bool:
    """JSON equality where 1 == 1.0, True != 1 and equal date-times compare equal however spelled."""
    if isinstance(a, str) and isinstance(b, str) and a != b:
        return _same_instant(a, b)
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a is b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(json_equal(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(json_equal(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def first_difference(sent: Any, expected: Any, where: str = "") -> str:
    """Where two JSON values first differ, for a message."""
    if isinstance(sent, dict) and isinstance(expected, dict):
        for key in expected:
            if key not in sent:
                return f"{where}/{key} missing"
        for key in sent:
            if key not in expected:
                return f"{where}/{key} added ({one_line(json.dumps(sent[key]), 80)})"
            if not json_equal(sent[key], expected[key]):
                return first_difference(sent[key], expected[key], f"{where}/{key}")
    if isinstance(sent, list) and isinstance(expected, list) and len(sent) == len(expected):
        for index, (x, y) in enumerate(zip(sent, expected, strict=True)):
            if not json_equal(x, y):
                return first_difference(x, y, f"{where}/{index}")
    return (
        f"{where or '<root>'}: sent {one_line(json.dumps(sent), 100)}, "
        f"passed {one_line(json.dumps(expected), 100)}"
    )


_PART = re.compile(
    rb'Content-Disposition: form-data; name="([^"]*)"[^\r\n]*\r\n((?:[^\r\n]+\r\n)*)\r\n',
    re.IGNORECASE,
)


def multipart_parts(request: httpx.Request) -> list[tuple[str, str]]:
    """(name, Content-Type or "") of each part of a sent multipart body, in order."""
    return multipart_parts_of(request.content)


def multipart_parts_of(body: bytes) -> list[tuple[str, str]]:
    """(name, Content-Type or "") of each part of a multipart body, in order."""
    parts = []
    for match in _PART.finditer(body):
        headers = match.group(2).decode("latin-1")
        found = re.search(r"^Content-Type:\s*([^\r\n;]+)", headers, re.IGNORECASE | re.MULTILINE)
        parts.append((match.group(1).decode("utf-8", "replace"), found.group(1) if found else ""))
    return parts
