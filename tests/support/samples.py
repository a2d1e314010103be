"""Valid sample arguments for OpenAPI operations, built from their schemas.

`SampleBuilder(doc).value(schema)` returns a deterministic instance of `schema`:

- an example of the schema when it has one that validates (`examples[0]`, 3.0 `example`), else `const`,
  the first `enum` value, or `default`;
- otherwise a value built from the type: strings honour `format` (uuid, date, date-time, time, email, uri,
  hostname, ipv4, byte, binary), `pattern`, `minLength`/`maxLength`; numbers honour `minimum`/`maximum`
  (inclusive and exclusive) and `multipleOf`; arrays `minItems`/`maxItems`/`uniqueItems`; objects carry every
  required property, fill up to `minProperties` (with optional properties, then additional ones when the
  schema allows them), never add properties `additionalProperties: false` forbids, and skip `readOnly` ones;
- `allOf` is merged, and `oneOf`/`anyOf` take the first (non-null) variant that gives a valid value;
- nullable types (`type: [T, "null"]`, 3.0 `nullable`) use T.

`full=True` also fills every optional property (one level of recursion into self-referencing schemas).
Every returned value is checked with `SchemaValidator`; `SampleError` says what could not be satisfied.

`SampleBuilder.arguments(operation)` gives `OperationSamples`: path, query and header values by wire name
(optional parameters too, except deprecated ones) and the request body (JSON value, or multipart fields with files as `(filename, bytes, content type)`).
"""

from __future__ import annotations

import base64
import copy
import re
import re._parser as sre_parse  # type: ignore[import-not-found]
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from .openapi import Operation, SchemaValidator, resolve

UUID_NAMESPACE = uuid.UUID("7c0ba5a6-7b3c-4f1a-9a57-3f1f54c0d9d1")
DATE = "2024-05-06"
DATE_TIME = "2024-05-06T07:08:09Z"
TIME = "07:08:09"
MAX_DEPTH = 12

# The small files used for multipart uploads, by content type.
SAMPLE_FILES: dict[str, tuple[str, bytes]] = {
    "text/csv": ("sample.csv", b"clientFirstName,clientLastName\nJane,Doe\n"),
    "application/pdf": ("sample.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"),
    "text/plain": ("sample.txt", b"sample file\n"),
    "image/png": (
        "sample.png",
        base64.b64decode(
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="
        ),
    ),
    "application/json": ("sample.json", b'{"sample": true}\n'),
    "application/octet-stream": ("sample.bin", b"\x00\x01sample"),
}


# Header parameters left out of the samples: the client sets them itself (credentials, media types, the
# framing of the body).
TRANSPORT_HEADERS = frozenset(
    {"accept", "content-type", "authorization", "content-length", "transfer-encoding", "host"}
)


class SampleError(AssertionError):
    pass


def sample_uuid(name: str) -> str:
    return str(uuid.uuid5(UUID_NAMESPACE, name or "value"))


def merge_all_of(parts: list[dict[str, Any]]) -> dict[str, Any]:
    """Merge resolved `allOf` members into one schema (properties and required united)."""
    merged: dict[str, Any] = {}
    for part in parts:
        for key, value in part.items():
            if key == "properties":
                merged.setdefault("properties", {}).update(value)
            elif key == "required":
                merged["required"] = list(dict.fromkeys([*merged.get("required", []), *value]))
            elif key in ("minimum", "minLength", "minItems", "minProperties") and key in merged:
                merged[key] = max(merged[key], value)
            elif key in ("maximum", "maxLength", "maxItems", "maxProperties") and key in merged:
                merged[key] = min(merged[key], value)
            elif key == "additionalProperties" and key in merged:
                merged[key] = value if value is False else merged[key]
            else:
                merged[key] = value
    return merged


def string_from_pattern(pattern: str, min_length: int = 0) -> str:
    """A short string matching `pattern` (searched, as JSON Schema does), from its parse tree."""

    def gen(items: Any) -> str:
        out = []
        for op, arg in items:
            name = str(op)
            if name == "LITERAL":
                out.append(chr(arg))
            elif name == "NOT_LITERAL":
                out.append("a" if chr(arg) != "a" else "b")
            elif name == "ANY":
                out.append("a")
            elif name == "IN":
                out.append(in_class(arg))
            elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
                low, high, sub = arg
                count = low if low > 0 else (1 if high != 0 else 0)
                out.append("".join(gen(sub) for _ in range(count)))
            elif name == "SUBPATTERN":
                out.append(gen(arg[-1]))
            elif name == "ATOMIC_GROUP":
                out.append(gen(arg))
            elif name == "BRANCH":
                out.append(gen(arg[1][0]))
            elif name in ("AT", "ASSERT", "ASSERT_NOT", "GROUPREF"):
                continue
            elif name == "CATEGORY":
                out.append(category(arg))
            else:
                raise SampleError(f"unsupported regex construct {name} in {pattern!r}")
        return "".join(out)

    def category(cat: Any) -> str:
        return {
            "CATEGORY_DIGIT": "0",
            "CATEGORY_WORD": "a",
            "CATEGORY_SPACE": " ",
            "CATEGORY_NOT_DIGIT": "a",
            "CATEGORY_NOT_WORD": "-",
            "CATEGORY_NOT_SPACE": "a",
        }[str(cat)]

    def in_class(items: Any) -> str:
        if items and str(items[0][0]) == "NEGATE":
            excluded = set()
            for op, arg in items[1:]:
                if str(op) == "LITERAL":
                    excluded.add(chr(arg))
                elif str(op) == "RANGE":
                    excluded.update(chr(c) for c in range(arg[0], arg[1] + 1))
            return next(c for c in "aZ0_-" if c not in excluded)
        op, arg = items[0]
        if str(op) == "LITERAL":
            return chr(arg)
        if str(op) == "RANGE":
            return chr(arg[0])
        if str(op) == "CATEGORY":
            return category(arg)
        raise SampleError(f"unsupported character class {items!r} in {pattern!r}")

    text = gen(sre_parse.parse(pattern))
    if not re.search(pattern, text):
        raise SampleError(f"could not build a string for pattern {pattern!r} (got {text!r})")
    return text


@dataclass
class OperationSamples:
    path: dict[str, Any] = field(default_factory=dict)
    query: dict[str, Any] = field(default_factory=dict)
    header: dict[str, Any] = field(default_factory=dict)
    cookie: dict[str, Any] = field(default_factory=dict)
    body: Any = None
    has_body: bool = False
    media_type: str | None = None


def _file_as_text(value: Any) -> Any:
    """A form field as its schema sees it: a file `(name, bytes, type)` is a (binary) string."""
    if isinstance(value, tuple):
        return ""
    if isinstance(value, list) and value and all(isinstance(v, tuple) for v in value):
        return ["" for _ in value]
    return value


class SampleBuilder:
    def __init__(
        self, doc: dict[str, Any], *, full: bool = False, time_budget: float | None = None
    ) -> None:
        self.doc = doc
        self.full = full
        self.validator = SchemaValidator(doc)
        self.time_budget = time_budget  # seconds per `arguments()` call (SampleError beyond it)
        self._deadline: float | None = None
        self.array_items = 1  # items per array (at least; `minItems`/`maxItems` still apply)

    # -- schemas ------------------------------------------------------------------------------------------

    def value(self, schema: Any, name: str = "value", *, full: bool | None = None) -> Any:
        """A value of `schema` that validates against it (raises SampleError otherwise)."""
        full = self.full if full is None else full
        result = self._value(schema, name, full, 0, frozenset(), 0)
        errors = self.validator.errors(schema, result)
        if errors and full:
            result = self._value(schema, name, False, 0, frozenset(), 0)
            errors = self.validator.errors(schema, result)
        if errors:
            raise SampleError(f"sample for {name!r} is invalid: {result!r}: {errors}")
        return result

    def _norm(self, schema: Any, seen: frozenset[str]) -> tuple[dict[str, Any], frozenset[str]]:
        if schema is True or schema is None:
            return {}, seen
        if schema is False:
            raise SampleError("schema `false` has no instance")
        while isinstance(schema, dict) and "$ref" in schema:
            seen = seen | {schema["$ref"]}
            schema = resolve(self.doc, schema)
        if "allOf" in schema:
            parts = []
            for part in schema["allOf"]:
                resolved, seen = self._norm(part, seen)
                parts.append(resolved)
            rest = {k: v for k, v in schema.items() if k != "allOf"}
            schema = merge_all_of([*parts, rest])
        return schema, seen

    def _example(self, schema: dict[str, Any]) -> tuple[bool, Any]:
        candidates: list[Any] = []
        if isinstance(schema.get("examples"), list):
            candidates.extend(schema["examples"])
        if "example" in schema:
            candidates.append(schema["example"])
        if "const" in schema:
            candidates.append(schema["const"])
        candidates.extend(v for v in schema.get("enum", []) if v is not None)
        if "default" in schema:
            candidates.append(schema["default"])
        for candidate in candidates:
            if self.validator.is_valid(schema, candidate):
                return True, copy.deepcopy(candidate)
        return False, None

    def _value(
        self, schema: Any, name: str, full: bool, depth: int, seen: frozenset[str], variant: int
    ) -> Any:
        if depth > MAX_DEPTH:
            raise SampleError(f"schema nesting too deep at {name!r}")
        if self._deadline is not None and time.monotonic() > self._deadline:
            raise SampleError(f"building the sample took over {self.time_budget} s (at {name!r})")
        # Entering a schema already entered higher up (recursion): stop filling optional properties.
        if full and isinstance(schema, dict) and schema.get("$ref") in seen:
            full = False
        schema, seen = self._norm(schema, seen)
        found, example = self._example(schema)
        if found and variant == 0:
            return example
        enum = [v for v in schema.get("enum", []) if v is not None]
        if variant and enum:  # another item of an array: the next enum value
            candidate = enum[variant % len(enum)]
            if self.validator.is_valid(schema, candidate):
                return copy.deepcopy(candidate)
        for key in ("oneOf", "anyOf"):
            if key in schema:
                rest = {k: v for k, v in schema.items() if k not in ("oneOf", "anyOf")}
                variants = schema[key]
                ordered = [v for v in variants if not self._is_null(v)] + [
                    v for v in variants if self._is_null(v)
                ]
                last: Exception | None = None
                for option in ordered:
                    option_schema, option_seen = self._norm(option, seen)
                    combined = merge_all_of([rest, option_schema]) if rest else option_schema
                    try:
                        candidate = self._value(
                            combined, name, full, depth + 1, option_seen, variant
                        )
                    except SampleError as exc:
                        last = exc
                        continue
                    if self.validator.is_valid(schema, candidate):
                        return candidate
                raise SampleError(f"no {key} variant of {name!r} gave a valid value ({last})")
        types = schema.get("type")
        if isinstance(types, list):
            non_null = [t for t in types if t != "null"]
            kind = non_null[0] if non_null else "null"
        elif types is not None:
            kind = types
        elif "properties" in schema or "additionalProperties" in schema or "required" in schema:
            kind = "object"
        elif "items" in schema:
            kind = "array"
        else:
            kind = "string"
        if kind == "null":
            return None
        if kind == "object":
            return self._object(schema, name, full, depth, seen)
        if kind == "array":
            return self._array(schema, name, full, depth, seen)
        if kind == "boolean":
            return variant % 2 == 0
        if kind in ("integer", "number"):
            return self._number(schema, kind, variant)
        if kind == "string":
            return self._string(schema, name, variant)
        raise SampleError(f"unknown type {kind!r} at {name!r}")

    @staticmethod
    def _is_null(schema: Any) -> bool:
        return isinstance(schema, dict) and (
            schema.get("type") == "null" or schema.get("enum") == [None]
        )

    def _object(
        self, schema: dict[str, Any], name: str, full: bool, depth: int, seen: frozenset[str]
    ) -> Any:
        props: dict[str, Any] = schema.get("properties") or {}
        required = list(schema.get("required") or [])
        out: dict[str, Any] = {}
        wanted = list(required)
        optional = [p for p in props if p not in required and not self._skipped(props[p], seen)]
        if full:
            wanted += optional
        else:
            missing = max(0, int(schema.get("minProperties", 0)) - len(wanted))
            wanted += optional[:missing]
        for prop in wanted:
            sub = props.get(prop)
            if sub is None:
                sub = schema.get("additionalProperties", True)
                sub = {} if sub is True else sub
            out[prop] = self._value(sub, prop, full, depth + 1, seen, 0)
        extra = schema.get("additionalProperties", True)
        need = int(schema.get("minProperties", 0)) - len(out)
        if need > 0 or (full and isinstance(extra, dict) and not props):
            if extra is False:
                raise SampleError(f"{name!r} needs {need} more properties than it declares")
            extra_schema = {} if extra is True else extra
            for index in range(max(need, 1)):
                out[f"key{index + 1}"] = self._value(
                    extra_schema, f"{name}.key{index + 1}", full, depth + 1, seen, index
                )
        if "maxProperties" in schema and len(out) > schema["maxProperties"]:
            for prop in [p for p in list(out) if p not in required][
                : len(out) - schema["maxProperties"]
            ]:
                del out[prop]
        return out

    def _skipped(self, schema: Any, seen: frozenset[str]) -> bool:
        """Optional properties never sent: read-only and deprecated ones."""
        resolved, _ = self._norm(schema, seen)
        return bool(resolved.get("readOnly") or resolved.get("deprecated"))

    def _array(
        self, schema: dict[str, Any], name: str, full: bool, depth: int, seen: frozenset[str]
    ) -> Any:
        count = max(int(schema.get("minItems", 0)), self.array_items)
        if "maxItems" in schema:
            count = min(count, int(schema["maxItems"]))
        items = schema.get("items", {})
        out = [self._value(items, name, full, depth + 1, seen, i) for i in range(count)]
        if schema.get("uniqueItems") and len({repr(v) for v in out}) != len(out):
            raise SampleError(f"could not build {count} distinct items for {name!r}")
        return out

    @staticmethod
    def _number(schema: dict[str, Any], kind: str, variant: int) -> int | float:
        low = schema.get("minimum")
        high = schema.get("maximum")
        ex_low = schema.get("exclusiveMinimum")
        ex_high = schema.get("exclusiveMaximum")
        if ex_low is True:  # OpenAPI 3.0 boolean form
            ex_low, low = low, None
        if ex_high is True:
            ex_high, high = high, None
        step = schema.get("multipleOf") or (1 if kind == "integer" else None)
        candidate: float = 1 + variant
        if low is not None:
            candidate = max(candidate, low)
        if (
            isinstance(ex_low, (int, float))
            and not isinstance(ex_low, bool)
            and candidate <= ex_low
        ):
            candidate = ex_low + (step or 0.5)
        if high is not None and candidate > high:
            candidate = high
        if (
            isinstance(ex_high, (int, float))
            and not isinstance(ex_high, bool)
            and candidate >= ex_high
        ):
            candidate = ex_high - (step or 0.5)
        if step:
            import math

            candidate = math.ceil(candidate / step) * step
        if kind == "integer":
            return int(candidate)
        return int(candidate) if float(candidate).is_integer() else float(candidate)

    def _string(self, schema: dict[str, Any], name: str, variant: int) -> Any:
        fmt = schema.get("format")
        suffix = f"-{variant}" if variant else ""
        min_len = int(schema.get("minLength", 0))
        max_len = schema.get("maxLength")
        if fmt == "binary":
            return SAMPLE_FILES["application/octet-stream"][1]
        by_format = {
            "uuid": lambda: sample_uuid(f"{name}{suffix}"),
            "date": lambda: DATE if not variant else f"2024-05-{6 + variant:02d}",
            "date-time": lambda: (
                DATE_TIME if not variant else f"2024-05-{6 + variant:02d}T07:08:09Z"
            ),
            "time": lambda: TIME,
            "email": lambda: f"sample{variant or ''}@example.com",
            "uri": lambda: f"https://example.com/{name}{suffix}",
            "url": lambda: f"https://example.com/{name}{suffix}",
            "hostname": lambda: "example.com",
            "ipv4": lambda: "192.0.2.1",
            "ipv6": lambda: "2001:db8::1",
            "byte": lambda: base64.b64encode(f"sample{suffix}".encode()).decode(),
            "duration": lambda: f"P{1 + variant}D",
            "uri-reference": lambda: f"https://example.com/{name}{suffix}",
            "iri": lambda: f"https://example.com/{name}{suffix}",
            "iri-reference": lambda: f"https://example.com/{name}{suffix}",
            "json-pointer": lambda: f"/{name}{suffix}",
            "idn-email": lambda: f"sample{variant or ''}@example.com",
            "idn-hostname": lambda: "example.com",
        }
        if fmt in by_format:
            text = by_format[fmt]()
        elif "pattern" in schema:
            text = string_from_pattern(schema["pattern"])
            if variant and re.search(schema["pattern"], text + str(variant)):
                text += str(variant)
        else:
            text = f"sample-{name}{suffix}"
        if len(text) < min_len:
            filler = "x" * (min_len - len(text))
            text = text + filler if fmt is None and "pattern" not in schema else text
        if (
            max_len is not None
            and len(text) > int(max_len)
            and fmt is None
            and "pattern" not in schema
        ):
            text = text[: int(max_len)] if int(max_len) >= len(suffix) + 1 else "x" * int(max_len)
            if variant and int(max_len) > len(str(variant)):
                text = text[: int(max_len) - len(str(variant))] + str(variant)
        return text

    # -- operations ---------------------------------------------------------------------------------------

    def parameter(self, param: dict[str, Any]) -> Any:
        """The parameter's example (`example`, else its first `examples` entry) when it fits its schema,
        else a value built from the schema."""
        param = resolve(self.doc, param)
        candidates = [param["example"]] if "example" in param else []
        examples = param.get("examples")
        if isinstance(examples, dict) and examples:
            first = resolve(self.doc, next(iter(examples.values())))
            if isinstance(first, dict) and "value" in first:
                candidates.append(first["value"])
        if param.get("in") == "path":  # an empty path segment is no value at all
            candidates = [c for c in candidates if c not in ("", None)]
            schema = resolve(self.doc, param.get("schema") or {})
            if isinstance(schema, dict):
                candidates += [v for v in schema.get("enum", []) if v not in ("", None)]
        for candidate in candidates:
            if "schema" not in param or self.validator.is_valid(param["schema"], candidate):
                return copy.deepcopy(candidate)
        if "schema" in param:
            if self._norm(param["schema"], frozenset())[0].get("format") == "binary":
                return f"sample-{param['name']}"  # a "binary" parameter is still text on the wire
            return self.value(param["schema"], param["name"])
        content = param.get("content") or {}
        for media in content.values():
            return self.value(media.get("schema", {}), param["name"])
        return f"sample-{param['name']}"

    def arguments(
        self,
        operation: Operation,
        *,
        optional_params: bool = True,
        media_type: str | None = None,
    ) -> OperationSamples:
        """Samples for every parameter and the request body (of `media_type` when the body declares it,
        else of its first media type); bodies of a binary media type or schema are bytes."""
        if self.time_budget is not None:
            self._deadline = time.monotonic() + self.time_budget
        try:
            return self._arguments(operation, optional_params, media_type)
        finally:
            self._deadline = None

    def _arguments(
        self, operation: Operation, optional_params: bool, media_type: str | None
    ) -> OperationSamples:
        samples = OperationSamples()
        for param in operation.parameters:
            optional = not (param.get("required") or param["in"] == "path")
            if optional and (not optional_params or param.get("deprecated")):
                continue
            if param["in"] == "header" and param["name"].lower() in TRANSPORT_HEADERS:
                continue
            getattr(samples, param["in"])[param["name"]] = self.parameter(param)
        body = operation.request_body(self.doc)
        if body is not None:
            content = body.get("content") or {}
            media = media_type if media_type in content else next(iter(content), None)
            if media is not None:
                samples.has_body = True
                samples.media_type = media
                schema = content[media].get("schema", {})
                if media.startswith("multipart/") or media == "application/x-www-form-urlencoded":
                    samples.body = self.form_fields(
                        schema, content[media].get("encoding") or {}, media
                    )
                elif (
                    media == "application/octet-stream"
                    or media.startswith(("image/", "audio/", "video/"))
                    or self._norm(schema, frozenset())[0].get("format") == "binary"
                ):
                    samples.body = SAMPLE_FILES["application/octet-stream"][1]
                else:
                    samples.body = self.value(schema, operation.operation_id or "body")
        return samples

    def form_fields(self, schema: Any, encoding: dict[str, Any], media: str) -> dict[str, Any]:
        """Form fields: files as `(filename, bytes, content type)`, other values from their schemas.

        Arrays get two items where the schema allows (one item of a form array reads like a scalar to
        a server that does not know the schema); a body with `oneOf`/`anyOf` takes its first variant.
        The fields (files as strings) must validate against the body schema, else SampleError: some
        specs' form schemas admit no value (cpy.re/peertube `VideoCreateImport`: `additionalProperties:
        false` beside a `oneOf` that declares the properties)."""
        original = schema
        schema, seen = self._norm(schema, frozenset())
        for key in ("oneOf", "anyOf"):
            if key in schema:
                variant, seen = self._norm(schema[key][0], seen)
                schema = merge_all_of([{k: v for k, v in schema.items() if k != key}, variant])
        kind = schema.get("type", "object")
        if kind != "object" and not schema.get("properties"):
            raise SampleError(f"a {media} body whose schema is not an object ({kind})")
        props: dict[str, Any] = schema.get("properties") or {}
        required = set(schema.get("required") or [])
        out: dict[str, Any] = {}
        for prop, sub in props.items():
            if prop not in required and not self.full:
                continue
            resolved, _ = self._norm(sub, seen)
            if (
                resolved.get("format") == "binary"
                or resolved.get("contentMediaType")
                or resolved.get("contentEncoding")
            ):
                declared = (
                    (encoding.get(prop) or {}).get("contentType")
                    or resolved.get("contentMediaType")
                    or ""
                )
                content_type = self._file_type(declared, schema, prop)
                filename, data = SAMPLE_FILES.get(content_type, SAMPLE_FILES["application/pdf"])
                out[prop] = (filename, data, content_type)
            elif (
                resolved.get("type") == "array"
                and isinstance(resolved.get("items"), dict)
                and (self._norm(resolved["items"], seen)[0].get("format") == "binary")
            ):
                filename, data = SAMPLE_FILES["application/pdf"]
                out[prop] = [
                    (filename, data, "application/pdf"),
                    ("2-" + filename, data, "application/pdf"),
                ]
            elif resolved.get("type") == "array":
                self.array_items = 2
                try:
                    out[prop] = self.value(sub, prop)
                except SampleError:
                    self.array_items = 1
                    out[prop] = self.value(sub, prop)
                finally:
                    self.array_items = 1
            else:
                out[prop] = self.value(sub, prop)
        errors = self.validator.errors(original, {k: _file_as_text(v) for k, v in out.items()})
        if errors:
            raise SampleError(f"no valid {media} body: {sorted(out)} gives {errors}")
        return out

    @staticmethod
    def _file_type(declared: str, schema: dict[str, Any], prop: str) -> str:
        for option in (t.strip() for t in declared.split(",") if t.strip()):
            if option in SAMPLE_FILES:
                return option
        text = (
            str(schema.get("properties", {}).get(prop, {}).get("description", ""))
            + " "
            + str(schema.get("description", ""))
        ).lower()
        if "csv" in text:
            return "text/csv"
        return "application/pdf"
