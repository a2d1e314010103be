"""Small, dependency-light helpers over a loaded OpenAPI 3.0/3.1 document.

- `resolve(doc, node)`: follow local `$ref`s (sibling keywords of a `$ref` are kept, as in 3.1).
- `iter_operations(doc)`: every operation with its path-level parameters merged in.
- `SchemaValidator(doc)`: validate instances against any schema of the document with JSON Schema 2020-12,
  after turning 3.0 idioms (`nullable`, boolean `exclusiveMinimum`) into their 2020-12 forms. Formats
  `uuid`, `date`, `date-time`, `time`, `email`, `uri` are checked.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit

import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
SPEC_URI = "urn:clientgen-test:spec"


def pointer_get(doc: Any, ref: str) -> Any:
    if not ref.startswith("#"):
        raise ValueError(f"only local references are supported, got {ref!r}")
    node = doc
    for raw in unquote(ref[1:]).split("/")[
        1:
    ]:  # a URI fragment: percent-decoded first (RFC 6901 §6)
        key = raw.replace("~1", "/").replace("~0", "~")
        node = node[int(key)] if isinstance(node, list) else node[key]
    return node


def resolve(doc: dict[str, Any], node: Any, _seen: frozenset[str] = frozenset()) -> Any:
    """`node` with its `$ref` chain followed; keywords beside a `$ref` override the target's."""
    if not isinstance(node, dict) or "$ref" not in node:
        return node
    ref = node["$ref"]
    if ref in _seen:
        raise ValueError(f"circular $ref chain at {ref}")
    target = resolve(doc, pointer_get(doc, ref), _seen | {ref})
    siblings = {k: v for k, v in node.items() if k != "$ref"}
    if not siblings:
        return target
    return {**target, **siblings}


@dataclass
class Operation:
    path: str
    method: str  # upper case
    operation_id: str
    op: dict[str, Any]
    parameters: list[dict[str, Any]] = field(default_factory=list)

    def request_body(self, doc: dict[str, Any]) -> dict[str, Any] | None:
        body = self.op.get("requestBody")
        return resolve(doc, body) if body is not None else None


def iter_operations(doc: dict[str, Any]) -> Iterator[Operation]:
    for path, item in (doc.get("paths") or {}).items():
        item = resolve(doc, item)
        shared = [resolve(doc, p) for p in item.get("parameters", [])]
        for method in HTTP_METHODS:
            op = item.get(method)
            if op is None:
                continue
            own = [resolve(doc, p) for p in op.get("parameters", [])]
            own_keys = {(p["name"], p["in"]) for p in own}
            params = [p for p in shared if (p["name"], p["in"]) not in own_keys] + own
            yield Operation(path, method.upper(), op.get("operationId", ""), op, params)


def is_openapi30(doc: dict[str, Any]) -> bool:
    return str(doc.get("openapi", "")).startswith("3.0")


def to_json_schema(node: Any, openapi30: bool) -> Any:
    """A deep copy of `node` as JSON Schema 2020-12 (refs made absolute against SPEC_URI)."""
    if isinstance(node, list):
        return [to_json_schema(v, openapi30) for v in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "$ref" and isinstance(value, str) and value.startswith("#"):
            out[key] = SPEC_URI + value
        elif key in (
            "properties",
            "patternProperties",
            "$defs",
            "definitions",
            "dependentSchemas",
        ) and isinstance(value, dict):
            out[key] = {k: to_json_schema(v, openapi30) for k, v in value.items()}
        elif key in ("example", "examples", "default", "const", "enum", "x-examples"):
            out[key] = copy.deepcopy(value)
        else:
            out[key] = to_json_schema(value, openapi30)
    if openapi30:
        if out.pop("nullable", False):
            if "type" in out:
                types = out["type"] if isinstance(out["type"], list) else [out["type"]]
                out["type"] = [*types, "null"] if "null" not in types else types
                if "enum" in out and None not in out["enum"]:
                    out["enum"] = [*out["enum"], None]
            else:
                out = {"anyOf": [out, {"type": "null"}]}
        for bound, exclusive in (("minimum", "exclusiveMinimum"), ("maximum", "exclusiveMaximum")):
            if out.get(exclusive) is True and bound in out:
                out[exclusive] = out.pop(bound)
            elif out.get(exclusive) is False:
                out.pop(exclusive)
    return out


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")
_TIME = re.compile(r"^\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})?$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")

FORMAT_CHECKER = jsonschema.FormatChecker(formats=())


@FORMAT_CHECKER.checks("uuid")
def _is_uuid(value: object) -> bool:
    return not isinstance(value, str) or (bool(_UUID.match(value)) and bool(uuid.UUID(value)))


@FORMAT_CHECKER.checks("date", raises=ValueError)
def _is_date(value: object) -> bool:
    return not isinstance(value, str) or (
        bool(_DATE.match(value)) and bool(dt.date.fromisoformat(value))
    )


@FORMAT_CHECKER.checks("date-time", raises=ValueError)
def _is_date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    return bool(_DATE_TIME.match(value)) and bool(
        dt.datetime.fromisoformat(value.replace("z", "Z"))
    )


@FORMAT_CHECKER.checks("time")
def _is_time(value: object) -> bool:
    return not isinstance(value, str) or bool(_TIME.match(value))


@FORMAT_CHECKER.checks("email")
def _is_email(value: object) -> bool:
    return not isinstance(value, str) or bool(_EMAIL.match(value))


@FORMAT_CHECKER.checks("uri")
def _is_uri(value: object) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return bool(parts.scheme) and bool(parts.netloc or parts.path) and " " not in value


# A quantified group holding a quantifier (`([\w.-]*)*`, real-world URL patterns) backtracks
# exponentially on a near miss: such patterns are checked on short strings only (longer ones count as not
# matching, so the sample builder generates a short value from the pattern instead of using an example).
NESTED_QUANTIFIER = re.compile(r"\((?:[^()\\]|\\.)*[*+}](?:[^()\\]|\\.)*\)(?:[*+]|\{\d*,)")
MAX_RISKY_PATTERN_INPUT = 16


def _pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Iterator[Any]:
    if not validator.is_type(instance, "string"):
        return
    if NESTED_QUANTIFIER.search(pattern) and len(instance) > MAX_RISKY_PATTERN_INPUT:
        yield jsonschema.ValidationError(
            f"{instance!r} is not checked against the backtracking-prone pattern {pattern!r}"
        )
    elif not re.search(pattern, instance):
        yield jsonschema.ValidationError(f"{instance!r} does not match {pattern!r}")


_Validator = jsonschema.validators.extend(jsonschema.Draft202012Validator, {"pattern": _pattern})


class SchemaValidator:
    """Validates instances against schemas taken from (or written for) one OpenAPI document."""

    def __init__(self, doc: dict[str, Any]) -> None:
        self.doc = doc
        self.openapi30 = is_openapi30(doc)
        converted = to_json_schema(doc, self.openapi30)
        self.registry: Registry = Registry().with_resource(
            SPEC_URI, Resource.from_contents(converted, default_specification=DRAFT202012)
        )
        # id(schema) → (schema, validator): the schema is kept so that its id is not reused
        self._validators: dict[int, tuple[Any, Any]] = {}

    def _validator(self, schema: Any) -> Any:
        cached = self._validators.get(id(schema))
        if cached is not None and cached[0] is schema:
            return cached[1]
        validator = _Validator(
            to_json_schema(schema, self.openapi30),
            registry=self.registry,
            format_checker=FORMAT_CHECKER,
        )
        self._validators[id(schema)] = (schema, validator)
        return validator

    def errors(self, schema: Any, instance: Any) -> list[str]:
        validator = self._validator(schema)
        return [
            f"{'/'.join(str(p) for p in err.absolute_path) or '<root>'}: {err.message}"
            for err in sorted(
                validator.iter_errors(instance), key=lambda e: list(map(str, e.absolute_path))
            )
        ]

    def is_valid(self, schema: Any, instance: Any) -> bool:
        return not self.errors(schema, instance)
