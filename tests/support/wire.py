"""Wire conformance of one generated client against Prism: every operation, called as a user would.

`run_spec(spec_id, spec_file, workdir, prism)` generates the client of an OpenAPI document into `workdir`,
starts `prism mock --errors` on the same document (127.0.0.1, seeded) and calls EVERY operation of the
package's `operations.json` through the generated sync client — `strict_response_validation=True`, no
retries — with arguments synthesised from the spec (`SampleBuilder(doc, full=True)`: examples, defaults,
enums, minimal valid values, formats; every optional parameter that is not deprecated, every optional body
property; a parameter or body the client does not expose is reported, not guessed). Each operation is
called twice: Prism's static response (the spec's examples), then a response generated from the schema
(`Prefer: dynamic=true`, repeatable because Prism is seeded). Both calls send the same request.

What is recorded per operation (`Finding.category`):

- `request` — the request was wrong and the client made it so: Prism's request violations
  (`sl-violations` on the operation's own 400/422, or the `validation` list of Prism's 422 problem), Prism
  refusing the route, the credentials or the media types (404/405, 401, 406, 415); and what Prism does not
  check (tests/support/wire_oracle.py): a path that is not the RFC 6570 expansion of the values passed, a
  query/header/cookie argument absent from the wire, a JSON body that differs from the value passed
  (read-only properties aside). `kind` is one of `REQUEST_KINDS`.
- `response` — Prism answered 2xx with a body it validated against the spec (under `--errors` a mocked body
  that violates the spec is a 500 instead), that also matches the operation's response schema by
  jsonschema (formats, patterns, nulls: Prism checks less), and the strict client rejected it or crashed
  on it. `kind` is the first error type (`missing`, `string_pattern_mismatch`, …) or the exception class.
- `client` — the client refused arguments that are valid by the spec before sending anything (no argument
  for a spec parameter, a body model rejecting valid data — the harness then sends the mapping and still
  judges the wire —, an exception while preparing the request).
- `limitation` — what the harness cannot judge: no valid sample (`SampleError`), a body it cannot write in
  that media type (XML), a mocked body that violates the spec (Prism's 500 `VIOLATIONS`: a spec defect, or
  Prism's static placeholder `"string"` for a `pattern`; or a 2xx body the strict client refused that
  breaks the response schema by jsonschema: `mock body violates the spec`), other Prism errors, and Prism complaints that are
  Prism's own limits, not the client's: a path with a `#fragment` or two templates matching one URL (Prism
  routes to the other operation), a path value Prism cannot coerce although the client sent exactly the
  RFC 6570 expansion of a valid value (`oneOf: [integer, string]`), a JSON-valued multipart part that the
  client labelled `application/json` (Prism does not decode multipart parts).

Every wait is bounded: Prism start-up, each HTTP call (`CALL_TIMEOUT`), sample building per operation, the
whole spec (`budget`).
"""

from __future__ import annotations

import collections
import contextlib
import functools
import importlib
import inspect
import json
import re
import subprocess
import sys
import time
import traceback
import types
import typing
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import httpx

from .openapi import (
    MAX_RISKY_PATTERN_INPUT,
    NESTED_QUANTIFIER,
    Operation,
    SchemaValidator,
    iter_operations,
    pointer_get,
    resolve,
)
from .prism import PROBLEM_PREFIX, running_prism
from .samples import OperationSamples, SampleBuilder, SampleError
from .wire_oracle import (
    bracket_pairs,
    expected_path,
    expected_query_pairs,
    first_difference,
    json_equal,
    missing_body_fields,
    missing_on_wire,
    multipart_parts,
    one_line,
    same_path,
    sent_query_pairs,
    strip_read_only,
)

# Kinds of client-caused request defects (category `request`).
REQUEST_KINDS = (
    "query style/explode",
    "deepObject",
    "arrays",
    "path encoding",
    "headers/cookies",
    "content types",
    "multipart",
    "form bodies",
    "required fields",
    "JSON body values",
    "security",
    "not sent",
    "other",
)
CREDENTIALS = {
    "api_key": "wire-test-key",
    "token": "wire-test-token",
    "access_token": "wire-test-token",
    "username": "wire-user",
    "password": "wire-password",
}
CALL_TIMEOUT = 20.0
MAX_PRISM_RESTARTS = 5
SAMPLE_SECONDS = 10.0
XML_MEDIA = re.compile(r"^(application|text)/([\w.+-]*\+)?xml\b")
MODES = ("static", "dynamic")


@dataclass
class Finding:
    operation: str  # operationId (or "METHOD path")
    call: str  # the Python call, e.g. "charges.list"
    mode: str  # "static", "dynamic" or "-" (the request, or before any exchange)
    category: str  # "request", "response", "client", "limitation"
    kind: str
    detail: str
    wire: str = ""  # the request as sent (method, URL, headers that matter, start of the body)


@dataclass
class SpecReport:
    spec: str
    operations: int = 0  # in operations.json
    called: int = 0  # operations the harness called
    exchanges: int = 0
    ok_2xx: int = 0  # exchanges that ended in a 2xx response the strict client parsed
    findings: list[Finding] = field(default_factory=list)
    features: dict[str, int] = field(default_factory=dict)  # operations called, per `features_of`
    seconds: dict[str, float] = field(default_factory=dict)
    error: str | None = None  # the spec could not be run at all (a harness limitation)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def load_document(path: Path) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        doc = json.loads(text)
    else:
        import yaml

        doc = yaml.safe_load(text)
    if not isinstance(doc, dict):
        raise ValueError(f"{path} does not hold an OpenAPI document (a mapping)")  # noqa: TRY004
    return doc


def spec_operations(doc: dict[str, Any]) -> dict[tuple[str, str], Operation]:
    """The spec's operations by (METHOD, path); path items that are not objects are skipped."""
    usable = {k: v for k, v in (doc.get("paths") or {}).items() if isinstance(v, dict)}
    return {(op.method, op.path): op for op in iter_operations({**doc, "paths": usable})}


def route_problems(ops: dict[tuple[str, str], Operation]) -> dict[tuple[str, str], str]:
    """Operations Prism cannot route to: a path key with a `#fragment`/`?query` (AWS specs), or a
    template that matches the same URLs as another one of the same method."""
    shapes: dict[tuple[str, str], list[str]] = {}
    for method, path in ops:
        shape = re.sub(r"\{[^}]*\}", "{}", path)
        shapes.setdefault((method, shape), []).append(path)
    problems = {}
    for method, path in ops:
        if "#" in path or "?" in path:
            problems[(method, path)] = f"the path key {path!r} carries a fragment/query"
        others = shapes[(method, re.sub(r"\{[^}]*\}", "{}", path))]
        if len(others) > 1:
            problems[(method, path)] = f"the templates {others} match the same URLs"
    return problems


def _risky_pattern(
    doc: dict[str, Any], node: Any, memo: dict[str, str | None], active: set[str]
) -> str | None:
    """A schema under `node` whose `pattern` backtracks without end on its own example (memoised per
    `$ref`; a reference back into one being searched counts as clean)."""
    if isinstance(node, list):
        return next((r for r in (_risky_pattern(doc, v, memo, active) for v in node) if r), None)
    if not isinstance(node, dict):
        return None
    ref = node.get("$ref")
    if isinstance(ref, str):
        if ref in memo:
            return memo[ref]
        if ref in active or not ref.startswith("#"):
            return None
        active.add(ref)
        try:
            found = _risky_pattern(doc, pointer_get(doc, ref), memo, active)
        except (KeyError, IndexError, ValueError):
            found = None
        active.discard(ref)
        memo[ref] = found
        return found
    pattern, example = node.get("pattern"), node.get("example")
    if (
        isinstance(pattern, str)
        and isinstance(example, str)
        and len(example) > MAX_RISKY_PATTERN_INPUT
        and NESTED_QUANTIFIER.search(pattern)
        and backtracks(pattern, example)
    ):
        return f"matching the example {example[:60]!r} to the pattern {pattern!r} does not end"
    for key, value in node.items():
        if key not in ("example", "examples", "enum", "default", "const"):
            found = _risky_pattern(doc, value, memo, active)
            if found:
                return found
    return None


def crashes_prism(
    doc: dict[str, Any], op: Operation, memo: dict[str, str | None] | None = None
) -> str | None:
    """Why Prism 5.14 dies or hangs on this operation, if it is a known case: an array-typed response
    header (`deserializeArray` reads `null.split` and the server exits), or a backtracking-prone
    `pattern` with a long example in a response schema (validating its own mocked response hangs)."""
    responses = op.op.get("responses") or {}
    for status, response in responses.items():
        headers = (resolve(doc, response) or {}).get("headers") or {}
        for name, header in headers.items():
            schema = resolve(doc, resolve(doc, header).get("schema") or {})
            if isinstance(schema, dict) and schema.get("type") == "array":
                return f"the {status} response declares the array-typed header {name!r}"
    return _risky_pattern(doc, responses, {} if memo is None else memo, set())


@functools.cache
def backtracks(pattern: str, text: str, seconds: float = 1.0) -> bool:
    """Whether matching `text` to `pattern` takes longer than `seconds` (tried in a child process,
    which is killed then: a backtracking `re` cannot be interrupted in-process)."""
    code = "import re, sys; re.search(sys.argv[1], sys.argv[2])"
    try:
        subprocess.run(
            [sys.executable, "-c", code, pattern, text],
            check=False,
            timeout=seconds,
            capture_output=True,
        )
    except subprocess.TimeoutExpired:
        return True
    return False


# -- calling a generated method ----------------------------------------------------------------------------


def bound_method(client: Any, call: str) -> Any:
    target = client
    for part in call.split("."):
        target = getattr(target, part)
    return target


def credentials_for(client_class: type) -> dict[str, str]:
    """Dummy credentials for every credential argument the client's constructor takes (an OAuth client
    gets an `access_token`, which it sends as a bearer token)."""
    params = inspect.signature(client_class).parameters
    return {name: value for name, value in CREDENTIALS.items() if name in params}


def _body_model(method: Any, python_name: str) -> type | None:
    """The one pydantic model class in the annotation of the body parameter, if there is exactly one."""
    import pydantic

    try:
        annotation = typing.get_type_hints(method).get(python_name)
    except Exception:  # noqa: BLE001 - an unresolvable annotation: pass the mapping as is
        return None
    union = typing.get_origin(annotation) in (typing.Union, types.UnionType)
    candidates = typing.get_args(annotation) if union else (annotation,)
    models = [c for c in candidates if isinstance(c, type) and issubclass(c, pydantic.BaseModel)]
    return models[0] if len(models) == 1 else None


class ClientRefused(Exception):
    """The generated method cannot take arguments that are valid by the spec."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(detail)
        self.kind = kind
        self.detail = detail


def call_arguments(
    entry: dict[str, Any],
    samples: OperationSamples,
    method: Any,
    json_object: tuple[Any, frozenset[str]] | None = None,
) -> tuple[list[Any], dict[str, Any], list[str]]:
    """(positional args, keyword args, notes) for the generated method from samples keyed by wire names.

    Raises `ClientRefused` when the method has no argument for a sample (a spec parameter or a form
    field, or a JSON property the schema declares). A body model that rejects the sample leaves a note;
    the mapping is passed instead. `json_object` (for a JSON object body taken as keyword arguments):
    the sample without its `readOnly` properties (the client does not send those) and the property
    names the schema declares; a sample key the schema does not declare (an example's extra key) goes
    with `extra_body`, as a user would send it."""
    args: list[Any] = []
    kwargs: dict[str, Any] = {}
    notes: list[str] = []
    by_location = {
        "path": samples.path,
        "query": samples.query,
        "header": samples.header,
        "cookie": samples.cookie,
    }
    used: set[tuple[str, str]] = set()
    for param in entry["parameters"]:
        values = by_location.get(param["in"], {})
        if param["name"] not in values:
            continue
        used.add((param["in"], param["name"]))
        value = values[param["name"]]
        if param["positional"]:
            args.append(value)
        else:
            kwargs[param["python_name"]] = value
    unexpressed = [
        f"{loc} {name!r}"
        for loc, values in by_location.items()
        for name in values
        if (loc, name) not in used
    ]
    if unexpressed:
        raise ClientRefused(
            "parameter not exposed", f"no argument for the spec's {', '.join(unexpressed)}"
        )
    body = entry["body"]
    if samples.has_body:
        if body is None:
            raise ClientRefused("body not exposed", "the spec has a request body, the method none")
        if body["python_name"]:
            value = samples.body
            model = _body_model(method, body["python_name"]) if isinstance(value, dict) else None
            if model is not None:
                try:
                    value = model.model_validate(value)
                except Exception as exc:  # noqa: BLE001 - pydantic ValidationError and friends
                    notes.append(
                        f"body model {model.__name__} rejects the valid sample: {one_line(exc, 400)}"
                    )
            kwargs[body["python_name"]] = value
        elif isinstance(samples.body, dict):
            sent, declared = json_object if json_object is not None else (samples.body, None)
            extra_body = (
                {k: v for k, v in sent.items() if k not in body["fields"] and k not in declared}
                if declared is not None
                else {}
            )
            missing = [
                wire for wire in sent if wire not in body["fields"] and wire not in extra_body
            ]
            if missing:
                raise ClientRefused(
                    "form field not exposed", f"no keyword argument for body fields {missing}"
                )
            for wire, value in sent.items():
                if wire not in extra_body:
                    kwargs[body["fields"][wire]] = value
            if extra_body:
                kwargs["extra_body"] = extra_body
        else:
            raise ClientRefused(
                "body not exposed", "the body is a non-object value but the method takes fields"
            )
    return args, kwargs, notes


def operation_samples(
    builder: SampleBuilder, op: Operation, entry: dict[str, Any]
) -> OperationSamples:
    """Samples for the operation, for the media type the client sends; header parameters the sample
    builder leaves to the client (`Accept`, `Content-Type`, `Content-Length`) get a value when the client
    exposes them as arguments (`Content-Length`: the length of a bytes body)."""
    media = (entry["body"] or {}).get("media_type")
    samples = builder.arguments(op, media_type=media)
    body = entry["body"]
    if (
        body is not None
        and not body["python_name"]
        and not body.get("required")
        and samples.has_body
        and samples.body == {}
    ):
        # an optional body taken as keyword arguments, none given: the client sends no body
        samples.body, samples.has_body = None, False
    exposed = {(p["in"], p["name"]) for p in entry["parameters"]}
    for param in op.parameters:
        key = (param["in"], param["name"])
        if key not in exposed or param["in"] != "header" or param["name"] in samples.header:
            continue
        lowered = param["name"].lower()
        if lowered == "content-length":
            if isinstance(samples.body, bytes) or not samples.has_body:
                samples.header[param["name"]] = str(len(samples.body or b""))
        elif lowered in ("accept", "content-type") and (
            param.get("required") or "enum" in resolve(builder.doc, param.get("schema") or {})
        ):
            samples.header[param["name"]] = builder.parameter(param)
    return samples


# -- judging one exchange ----------------------------------------------------------------------------------


def _param_schema(doc: dict[str, Any], param: dict[str, Any]) -> dict[str, Any]:
    schema = param.get("schema")
    if schema is None:
        for media in (param.get("content") or {}).values():
            schema = media.get("schema")
            break
    resolved = resolve(doc, schema or {})
    return resolved if isinstance(resolved, dict) else {}


def _is_array(doc: dict[str, Any], schema: dict[str, Any]) -> bool:
    types = schema.get("type")
    if types == "array" or (isinstance(types, list) and "array" in types) or "items" in schema:
        return True
    return any(
        _is_array(doc, resolve(doc, s)) for s in schema.get("oneOf", []) + schema.get("anyOf", [])
    )


_DEFAULT_STYLE = {"query": "form", "cookie": "form", "path": "simple", "header": "simple"}


def features_of(doc: dict[str, Any], op: Operation, samples: OperationSamples) -> set[str]:
    """What a call with these samples exercises on the wire (for the coverage table)."""
    out: set[str] = set()
    for param in op.parameters:
        where = param["in"]
        values = getattr(samples, where, None)
        if not isinstance(values, dict) or param["name"] not in values:
            continue
        value = values[param["name"]]
        style = param.get("style", _DEFAULT_STYLE.get(where, "simple"))
        explode = param.get("explode", style == "form")
        shape = "array" if isinstance(value, list) else "object" if isinstance(value, dict) else ""
        if where == "query" and style == "deepObject":
            out.add("query deepObject")
        elif where in ("query", "cookie") and shape:
            out.add(f"{where} {shape} ({style}, explode: {str(explode).lower()})")
        elif where == "path" and (shape or style != "simple"):
            out.add(f"path {shape or 'scalar'} ({style}, explode: {str(explode).lower()})")
        else:
            out.add(f"{where} {shape or 'scalar'}")
    media = (samples.media_type or "").split(";")[0].strip()
    if samples.has_body:
        if media == "application/json":
            out.add("body application/json")
        elif media.endswith("+json"):
            out.add("body application/*+json (vendor JSON)")
        elif media == "multipart/form-data":
            files = any(
                isinstance(v, tuple) or (isinstance(v, list) and v and isinstance(v[0], tuple))
                for v in (samples.body or {}).values()
            )
            out.add("body multipart/form-data" + (" with files" if files else ""))
        else:
            out.add(f"body {media}")
    return out


def _violation_param(violation: dict[str, Any]) -> tuple[str | None, str | None]:
    """(location, parameter or property name) of a request violation; a missing name may only be in
    the message ("must have required property 'x'")."""
    location = [str(p) for p in violation.get("location") or []]
    if location and location[0] == "request":
        location = location[1:]
    where = location[0] if location else None
    name = location[1] if len(location) > 1 else None
    if name is None:
        found = re.search(r"required property '([^']+)'", str(violation.get("message", "")))
        name = found.group(1) if found else None
    return where, name


def classify_violation(
    violation: dict[str, Any], op: Operation, doc: dict[str, Any], media: str | None
) -> str:
    """The REQUEST_KINDS entry a Prism request violation belongs to."""
    where, name = _violation_param(violation)
    code = str(violation.get("code", ""))
    if where in ("header", "cookie"):
        if name and name.lower() in ("content-type", "accept"):
            return "content types"
        return "headers/cookies"
    if where == "path":
        return "path encoding"
    if where == "query":
        param = next(
            (
                p
                for p in op.parameters
                if p["in"] == "query" and name is not None and p["name"].lower() == name.lower()
            ),
            None,
        )
        if param is not None:
            if param.get("style") == "deepObject":
                return "deepObject"
            if _is_array(doc, _param_schema(doc, param)):
                return "arrays"
        return "required fields" if code == "required" else "query style/explode"
    if where == "body":
        if media and media.startswith("multipart/"):
            return "multipart"
        if media == "application/x-www-form-urlencoded":
            return "form bodies"
        return "required fields" if code == "required" else "JSON body values"
    return "other"


def _problem(response: httpx.Response) -> dict[str, Any] | None:
    """Prism's own problem+json error on this response, if it is one."""
    if not response.headers.get("content-type", "").startswith("application/problem+json"):
        return None
    try:
        problem = json.loads(response.content)
    except ValueError:
        return None
    if isinstance(problem, dict) and str(problem.get("type", "")).startswith(PROBLEM_PREFIX):
        return problem
    return None


def request_violations(response: httpx.Response) -> list[dict[str, Any]]:
    """Prism's request violations (severity Error): the `sl-violations` header entries and the
    `validation` items of its problem response, without the ones about its own response."""
    found: list[Any] = []
    header = response.headers.get("sl-violations")
    if header:
        with contextlib.suppress(ValueError):
            found.extend(json.loads(header))
    problem = _problem(response)
    if problem is not None and isinstance(problem.get("validation"), list):
        found.extend(problem["validation"])
    return [
        v
        for v in found
        if isinstance(v, dict)
        and (v.get("location") or [None])[0] != "response"
        and v.get("severity", "Error") == "Error"
    ]


def success_media_types(doc: dict[str, Any], op: Operation) -> set[str]:
    """The media types of the operation's 2xx responses."""
    found: set[str] = set()
    for status, response in (op.op.get("responses") or {}).items():
        if str(status).startswith("2"):
            found.update((resolve(doc, response) or {}).get("content") or {})
    return found


def _media_match(a: str, b: str) -> bool:
    a, b = a.split(";")[0].strip().lower(), b.split(";")[0].strip().lower()
    if "*/*" in (a, b) or a == b:
        return True
    return (a.endswith("/*") and b.startswith(a[:-1])) or (
        b.endswith("/*") and a.startswith(b[:-1])
    )


def accept_matches_range(accept: str, declared: set[str]) -> bool:
    """Whether the Accept header matches a declared type only through a media range (`*/*`,
    `application/*`): a server may answer it, Prism 5 answers 406."""
    wanted = [part for part in accept.split(",") if part.strip()]
    return any(_media_match(a, d) for a in wanted for d in declared)


def declares_success(op: Operation) -> bool:
    return any(str(s).startswith("2") for s in op.op.get("responses") or {})


def describe_request(request: httpx.Request, limit: int = 600) -> str:
    skip = ("host", "user-agent", "accept-encoding", "connection", "prefer")
    headers = {k: v for k, v in request.headers.items() if k.lower() not in skip}
    return one_line(f"{request.method} {request.url} {headers} {request.content[:limit]!r}", 1000)


def _is_validation_error(error: BaseException | None) -> bool:
    return error is not None and type(error).__name__ == "APIResponseValidationError"


def _response_error_kind(error: BaseException) -> tuple[str, str]:
    errors = getattr(error, "errors", None)
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        first = errors[0]
        loc = ".".join(str(p) for p in first.get("loc", ())) or "<root>"
        return str(first.get("type", "validation")), one_line(
            f"{type(error).__name__}: {len(errors)} errors; first at {loc}: {first.get('msg')} "
            f"(input {one_line(repr(first.get('input')), 80)})",
            400,
        )
    return type(error).__name__, one_line(f"{type(error).__name__}: {error}", 400)


@dataclass
class Judgement:
    """What one exchange says about the request (kind → detail) and about Prism's limits."""

    request: dict[str, str] = field(default_factory=dict)
    prism_limits: dict[str, str] = field(default_factory=dict)


def _query_as_expected(
    request: httpx.Request, op: Operation, samples: OperationSamples, name: str
) -> bool:
    """Whether the query parameter `name` is on the wire exactly as its style says it must be."""
    param = next(
        (p for p in op.parameters if p["in"] == "query" and p["name"].lower() == name.lower()), None
    )
    if param is None or param["name"] not in samples.query:
        return False
    value = samples.query[param["name"]]
    if "content" in param:  # one value in the parameter's media type: compared as JSON
        sent = sent_query_pairs(request, {param["name"]}, param["name"])
        try:
            return len(sent) == 1 and json_equal(json.loads(sent[0][1]), value)
        except ValueError:
            return False
    style = param.get("style", "form")
    expected = expected_query_pairs(
        param["name"], value, style, param.get("explode", style == "form")
    )
    if expected is None:
        return False
    keys = {k for k, _ in expected} | {param["name"]}
    return sorted(sent_query_pairs(request, keys, param["name"])) == sorted(expected)


def _query_keys_shared(
    request: httpx.Request, op: Operation, samples: OperationSamples, name: str
) -> bool:
    """Whether the query parameter `name` (or key) shares a key with another parameter — an exploded
    `form` object whose property has another parameter's name (sinao.app `reconcile`: `type`, `id` and
    `movements: {type, id, amount}`) — and every shared key carries exactly what the parameters' styles
    put under it. OpenAPI makes such a query ambiguous; a validator that reads a key as one parameter's
    value rejects it."""
    owners: dict[str, set[str]] = collections.defaultdict(set)
    expected: dict[str, list[tuple[str, str]]] = collections.defaultdict(list)
    for param in op.parameters:
        if param["in"] != "query" or param["name"] not in samples.query or "content" in param:
            continue
        style = param.get("style", "form")
        pairs = expected_query_pairs(
            param["name"],
            samples.query[param["name"]],
            style,
            param.get("explode", style == "form"),
        )
        for key, value in pairs or ():
            owners[key].add(param["name"])
            expected[key].append((key, value))
    shared = [key for key, names in owners.items() if len(names) > 1]
    if not any(name == key or name in owners[key] for key in shared):
        return False
    return all(
        sorted(sent_query_pairs(request, {key}, key)) == sorted(expected[key]) for key in shared
    )


def _query_in_brackets(
    request: httpx.Request, op: Operation, samples: OperationSamples, name: str
) -> bool:
    """Whether the query parameter `name` is a value OpenAPI's style leaves undefined (an array of
    objects in a `form` query: sinao.app's `filters`) sent whole in bracket notation
    (`filters[0][name]=x`, the convention the client uses): no server-independent rule to judge it by,
    and Prism reads `form` arrays as strings only."""
    param = next(
        (p for p in op.parameters if p["in"] == "query" and p["name"].lower() == name.lower()), None
    )
    if param is None or param["name"] not in samples.query or "content" in param:
        return False
    value = samples.query[param["name"]]
    style = param.get("style", "form")
    defined = expected_query_pairs(
        param["name"], value, style, param.get("explode", style == "form")
    )
    if defined is not None:
        return False  # judged by _query_as_expected
    expected = bracket_pairs(param["name"], value)
    sent = sent_query_pairs(request, {param["name"]}, param["name"])
    return bool(expected) and sorted(sent) == sorted(expected)


def judge_request(
    response: httpx.Response,
    op: Operation,
    doc: dict[str, Any],
    samples: OperationSamples,
    builder: SampleBuilder,
    route_problem: str | None,
) -> Judgement:
    """Prism's verdict on the request plus the oracle checks, with Prism's own limits set apart."""
    verdict = Judgement()
    request = response.request
    problem = _problem(response)
    ptype = str((problem or {}).get("type", "")).removeprefix(PROBLEM_PREFIX)
    media = samples.media_type or ""
    part_list = multipart_parts(request) if media.startswith("multipart/") else []
    parts = dict(part_list)
    repeated = collections.Counter(name for name, _ in part_list)
    if media == "application/x-www-form-urlencoded":
        form = parse_qsl(request.content.decode("latin-1"), keep_blank_values=True)
        repeated = collections.Counter(key for key, _ in form)
    expected = expected_path(op, samples.path)
    path_ok = expected is not None and same_path(
        request.url.raw_path.split(b"?")[0].decode(), expected
    )
    for item in request_violations(response):
        kind = classify_violation(item, op, doc, samples.media_type)
        text = (
            f"{response.status_code}: {'.'.join(map(str, item.get('location', [])))}: "
            f"{item.get('message')}"
        )
        where, name = _violation_param(item)
        message = str(item.get("message", ""))
        if kind == "path encoding" and path_ok:
            verdict.prism_limits.setdefault("Prism rejects a valid path value", text)
        elif (
            where == "query" and name is not None and _query_as_expected(request, op, samples, name)
        ):
            verdict.prism_limits.setdefault("Prism rejects a valid query value", text)
        elif (
            where == "query" and name is not None and _query_keys_shared(request, op, samples, name)
        ):
            verdict.prism_limits.setdefault(
                "the spec's query parameters share a key (an exploded object's property)", text
            )
        elif (
            where == "query" and name is not None and _query_in_brackets(request, op, samples, name)
        ):
            verdict.prism_limits.setdefault(
                "Prism cannot read a query value OpenAPI leaves undefined", text
            )
        elif (
            where == "header"
            and (name or "").lower() in ("accept", "content-type", "authorization")
            and accept_matches_range(
                request.headers.get("accept", ""), success_media_types(doc, op)
            )
        ):  # OpenAPI: such header parameters "SHALL be ignored"; the Accept sent fits the responses
            verdict.prism_limits.setdefault("Prism checks an ignored Accept parameter", text)
        elif (
            where == "body"
            and parts.get(name or "") == "application/json"
            and re.search(r"must be (object|array)", message)
        ):
            verdict.prism_limits.setdefault("Prism does not decode JSON multipart parts", text)
        elif where == "body" and "must be array" in message and repeated.get(name or "", 0) > 1:
            verdict.prism_limits.setdefault("Prism cannot read an array in a form body", text)
        else:
            verdict.request.setdefault(kind, text)
    if not verdict.request and problem is not None:
        detail = f"{response.status_code} {ptype}: {problem.get('detail') or problem.get('title')}"
        if ptype in (
            "NO_PATH_MATCHED_ERROR",
            "NO_METHOD_MATCHED_ERROR",
        ) or response.status_code in (
            404,
            405,
        ):
            verdict.request["path encoding"] = f"{detail} ({request.method} {request.url.path})"
        elif ptype == "UNAUTHORIZED" or response.status_code in (401, 403):
            verdict.request["security"] = detail
        elif response.status_code in (406, 415):
            accept = request.headers.get("accept", "")
            text = (
                f"{detail} (Accept: {accept}; Content-Type: {request.headers.get('content-type')})"
            )
            declared = success_media_types(doc, op)
            if response.status_code == 406 and accept_matches_range(accept, declared):
                verdict.prism_limits["Prism ignores a declared media range"] = (
                    f"{text}; the spec declares {sorted(declared)}"
                )
            else:
                verdict.request["content types"] = f"{text}; the spec declares {sorted(declared)}"
    if not verdict.request and response.status_code == 401:
        verdict.request["security"] = "401 " + one_line(response.text, 200)
    if route_problem is not None and verdict.request:  # Prism judged another operation's route
        first = next(iter(verdict.request.values()))
        verdict.prism_limits["Prism cannot route the path"] = f"{route_problem}; {first}"
        verdict.request.clear()
    # The oracle: what Prism does not check.
    if expected is not None and not path_ok and route_problem is None:
        verdict.request.setdefault(
            "path encoding", f"sent {request.url.raw_path.decode()!r}, expected {expected!r}"
        )
    if not verdict.request:
        content = (op.request_body(doc) or {}).get("content") or {}
        encoding = (content.get(samples.media_type or "") or {}).get("encoding") or {}
        missing = missing_on_wire(request, samples, op) + missing_body_fields(
            request, samples, encoding
        )
        if missing:
            verdict.request["not sent"] = "passed but not on the wire: " + ", ".join(missing)
        media = (samples.media_type or "").split(";")[0].strip()
        if samples.has_body and (media == "application/json" or media.endswith("+json")):
            try:
                sent_body = json.loads(request.content)
            except ValueError:
                sent_body = "<not JSON>"
            body = (op.request_body(doc) or {}).get("content", {}).get(samples.media_type, {})
            wanted = strip_read_only(
                builder, body.get("schema", {}), json.loads(json.dumps(samples.body))
            )
            if not json_equal(sent_body, wanted):
                verdict.request["JSON body values"] = (
                    "the body on the wire differs from the one passed: "
                    + first_difference(sent_body, wanted)
                )
    return verdict


# -- one spec ------------------------------------------------------------------------------------------------


@dataclass
class _Exchange:
    requests: list[httpx.Request] = field(default_factory=list)
    responses: list[httpx.Response] = field(default_factory=list)


@contextlib.contextmanager
def _recording_client(exchange: _Exchange, dynamic: bool) -> Iterator[httpx.Client]:
    def on_request(request: httpx.Request) -> None:
        if dynamic:
            request.headers["Prefer"] = "dynamic=true"
        request.read()  # buffer streamed (multipart) bodies so that they can be inspected afterwards
        exchange.requests.append(request)

    def on_response(response: httpx.Response) -> None:
        response.read()
        exchange.responses.append(response)

    http = httpx.Client(
        event_hooks={"request": [on_request], "response": [on_response]}, timeout=CALL_TIMEOUT
    )
    try:
        yield http
    finally:
        http.close()


def generate_client(spec_file: Path, out: Path, package: str) -> Any:
    """Generate the client package into `out` and import it (from `out/src`, first on sys.path)."""
    from generator.config import adhoc_target
    from generator.pipeline import generate

    generate(adhoc_target(str(spec_file), str(out), package, None))
    sys.path.insert(0, str(out / "src"))
    return importlib.import_module(package)


def run_spec(
    spec_id: str,
    spec_file: Path,
    workdir: Path,
    prism: str,
    *,
    package: str = "wirepkg",
    budget: float = 240.0,
) -> SpecReport:
    """Generate, start Prism, call every operation twice. A problem of the spec (it cannot be read,
    generated or loaded by Prism) is the report's `error`, not an exception."""
    report = SpecReport(spec=spec_id)
    started = time.monotonic()
    try:
        doc = load_document(spec_file)
    except (OSError, ValueError) as exc:
        report.error = f"unreadable spec: {one_line(exc)}"
        return report
    try:
        module = generate_client(spec_file, workdir / package, package)
    except Exception as exc:  # noqa: BLE001 - reported: the run goes on with other specs
        report.error = f"generation failed: {one_line(exc)}"
        return report
    report.seconds["generate"] = round(time.monotonic() - started, 2)
    manifest = json.loads((workdir / package / "operations.json").read_text(encoding="utf-8"))
    report.operations = len(manifest["operations"])
    caller = _Caller(report, manifest, doc, getattr(module, manifest["client"]))
    entries = manifest["operations"]
    position, starts = 0, 0
    while position < len(entries):
        if starts > MAX_PRISM_RESTARTS:
            for entry in entries[position:]:
                caller.finding(entry, "-", "limitation", "Prism crashed", "Prism kept crashing")
            break
        prism_start = time.monotonic()
        try:
            with running_prism(
                prism,
                spec_file,
                workdir / f"prism-{starts}.log",
                startup_timeout=max(60.0, budget / 2),
                attempts=2,
                extra_args=("--errors",),
            ) as base_url:
                report.seconds.setdefault("prism_start", round(time.monotonic() - prism_start, 2))
                calls_start = time.monotonic()
                position = caller.run(base_url, entries, position, deadline=started + budget)
                report.seconds["calls"] = round(
                    report.seconds.get("calls", 0.0) + time.monotonic() - calls_start, 2
                )
        except RuntimeError as exc:
            if starts:
                raise
            report.error = f"Prism refused the spec: {one_line(str(exc)[-600:], 600)}"
            break
        starts += 1
    report.seconds["total"] = round(time.monotonic() - started, 2)
    return report


def _caused_by(error: BaseException | None, kind: type[BaseException]) -> bool:
    seen = 0
    while error is not None and seen < 10:
        if isinstance(error, kind):
            return True
        error = error.__cause__ or error.__context__
        seen += 1
    return False


def _prism_alive(base_url: str) -> bool:
    try:
        httpx.get(base_url + "/", timeout=5.0)
    except httpx.TransportError:
        return False
    return True


class PrismCrashed(Exception):
    """Prism died while answering the current request: (message, the request as sent, what the path
    oracle says is wrong with it or "")."""


class _Caller:
    """Calls every operation of one generated client against one running Prism."""

    def __init__(
        self, report: SpecReport, manifest: dict[str, Any], doc: dict[str, Any], client_class: type
    ) -> None:
        self.report = report
        self.manifest = manifest
        self.doc = doc
        # Prism serves the spec's paths at its root whatever `servers` says: the path of a relative
        # server, which the client keeps after its base URL (`server_path`), is left out here
        self.client_class = (
            type(client_class.__name__, (client_class,), {"server_path": ""})
            if getattr(client_class, "server_path", "")
            else client_class
        )
        self.base_url = ""
        self.ops = spec_operations(doc)
        self.routes = route_problems(self.ops)
        self.builder = SampleBuilder(doc, full=True, time_budget=SAMPLE_SECONDS)
        self.pattern_memo: dict[str, str | None] = {}
        self._validator: SchemaValidator | None = None

    def _body_violations(self, op: Operation, response: httpx.Response) -> list[str]:
        """Where the 2xx body breaks the operation's declared response schema, by jsonschema (formats,
        patterns and nulls too): Prism validates its mocks less strictly than the spec says (its static
        `"string"` for a `pattern`, a `null` from an example, a relative `uri`)."""
        declared = (op.op.get("responses") or {}).get(str(response.status_code)) or (
            op.op.get("responses") or {}
        ).get(f"{str(response.status_code)[0]}XX")
        content = (resolve(self.doc, declared) or {}).get("content") if declared else None
        media = response.headers.get("content-type", "").split(";")[0].strip()
        schema = next(
            (
                v.get("schema")
                for k, v in (content or {}).items()
                if k == media and isinstance(v, dict)
            ),
            None,
        )
        if schema is None:
            return []
        try:
            body = response.json()
        except ValueError:
            return []
        if self._validator is None:
            self._validator = SchemaValidator(self.doc)
        return self._validator.errors(schema, body)

    def finding(
        self,
        entry: dict[str, Any],
        mode: str,
        category: str,
        kind: str,
        detail: str,
        wire: str = "",
    ) -> None:
        name = entry["operation_id"] or f"{entry['method']} {entry['path']}"
        self.report.findings.append(
            Finding(name, entry["call"], mode, category, kind, one_line(detail, 500), wire)
        )

    def run(
        self, base_url: str, entries: list[dict[str, Any]], start: int, *, deadline: float
    ) -> int:
        """Call the operations from `entries[start]` on; the index to go on from (after a crash of
        Prism, the operation after the one that crashed it)."""
        self.base_url = base_url
        exchanges = {mode: _Exchange() for mode in MODES}
        with contextlib.ExitStack() as stack:
            clients = {
                mode: self.client_class(
                    **credentials_for(self.client_class),
                    base_url=base_url,
                    http_client=stack.enter_context(
                        _recording_client(exchanges[mode], mode == "dynamic")
                    ),
                    max_retries=0,
                    strict_response_validation=True,
                )
                for mode in MODES
            }
            for index in range(start, len(entries)):
                entry = entries[index]
                add = functools.partial(self.finding, entry)
                if time.monotonic() > deadline:
                    add("-", "limitation", "time budget", "the spec's time budget ran out first")
                    continue
                try:
                    self._operation(entry, clients, exchanges, add)
                except PrismCrashed as crash:
                    add("-", "limitation", "Prism crashed", crash.args[0], crash.args[1])
                    if crash.args[2]:  # the oracle still judges the request that crashed it
                        add("-", "request", "path encoding", crash.args[2], crash.args[1])
                    return index + 1
        return len(entries)

    def _operation(
        self,
        entry: dict[str, Any],
        clients: dict[str, Any],
        exchanges: dict[str, _Exchange],
        add: Callable[..., None],
    ) -> None:
        op = self.ops.get((entry["method"], entry["path"]))
        if op is None:
            add("-", "limitation", "not in spec", "operations.json names no spec operation")
            return
        crash = crashes_prism(self.doc, op, self.pattern_memo)
        if crash is not None:
            add("-", "limitation", "Prism crashes on it", f"not called: {crash}")
            return
        try:
            samples = operation_samples(self.builder, op, entry)
        except (SampleError, RecursionError, KeyError, ValueError, TypeError) as exc:
            add("-", "limitation", "no sample", f"{type(exc).__name__}: {exc}")
            return
        media = samples.media_type or ""
        if (
            samples.has_body
            and XML_MEDIA.match(media)
            and not isinstance(samples.body, (str, bytes))
        ):
            add("-", "limitation", "XML body", f"the harness writes no XML ({media})")
            return
        self.report.called += 1
        for feature in features_of(self.doc, op, samples):
            self.report.features[feature] = self.report.features.get(feature, 0) + 1
        for mode in MODES:
            method = bound_method(clients[mode], entry["call"])
            try:
                args, kwargs, notes = call_arguments(
                    entry, samples, method, self._json_object(op, entry, samples)
                )
            except ClientRefused as refused:
                add("-", "client", refused.kind, refused.detail)
                return
            if mode == "static":
                for note in notes:
                    add("-", "client", "body model rejects valid data", note)
            if not self._call(mode, method, args, kwargs, exchanges[mode], op, samples, add):
                return

    def _json_object(
        self, op: Operation, entry: dict[str, Any], samples: OperationSamples
    ) -> tuple[Any, frozenset[str]] | None:
        """For a JSON object body taken as keyword arguments: (the sample without its readOnly
        properties, the property names its schema declares)."""
        body = entry["body"]
        media = (samples.media_type or "").split(";")[0].strip()
        if (
            body is None
            or body["python_name"]
            or not isinstance(samples.body, dict)
            or not (media == "application/json" or media.endswith("+json"))
        ):
            return None
        content = (op.request_body(self.doc) or {}).get("content", {})
        schema = (content.get(samples.media_type) or {}).get("schema", {})
        resolved, _ = self.builder._norm(schema, frozenset())
        declared = frozenset(
            (resolved.get("properties") or {}) if isinstance(resolved, dict) else {}
        )
        return strip_read_only(self.builder, schema, samples.body), declared

    def _call(
        self,
        mode: str,
        method: Any,
        args: list[Any],
        kwargs: dict[str, Any],
        exchange: _Exchange,
        op: Operation,
        samples: OperationSamples,
        add: Callable[..., None],
    ) -> bool:
        """One call; False when the dynamic call would tell nothing more (the request was wrong)."""
        exchange.responses.clear()
        exchange.requests.clear()
        result: Any = None
        error: BaseException | None = None
        try:
            result = method(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - judged below against what Prism said
            error = exc
        finally:
            close = getattr(result, "close", None)
            if callable(close):
                with contextlib.suppress(Exception):
                    close()
        if not exchange.responses:
            if exchange.requests and not _prism_alive(self.base_url):
                request = exchange.requests[-1]
                expected = expected_path(op, samples.path)
                sent = request.url.raw_path.split(b"?")[0].decode()
                wrong = expected is not None and not same_path(sent, expected)
                raise PrismCrashed(
                    f"Prism died answering this request ({type(error).__name__}: {error})",
                    describe_request(request),
                    f"sent {sent!r}, expected {expected!r}" if wrong else "",
                )
            if _caused_by(error, httpx.RemoteProtocolError):
                add(
                    mode,
                    "limitation",
                    "Prism's response is not valid HTTP",
                    f"{type(error).__name__}: {error}",
                    describe_request(exchange.requests[-1]) if exchange.requests else "",
                )
                return True
            where = traceback.extract_tb(error.__traceback__)[-1] if error else None
            add(
                "-",
                "client",
                f"{type(error).__name__} before sending",
                f"{type(error).__name__}: {error}"
                + (f" [{Path(where.filename).name}:{where.lineno} {where.name}]" if where else ""),
            )
            return False
        self.report.exchanges += 1
        response = exchange.responses[-1]
        verdict = judge_request(
            response, op, self.doc, samples, self.builder, self.routes.get((op.method, op.path))
        )
        if mode == "static":  # both calls send the same request: judged once
            for kind, detail in verdict.request.items():
                add("-", "request", kind, detail, describe_request(response.request))
            for kind, detail in verdict.prism_limits.items():
                add("-", "limitation", kind, detail, describe_request(response.request))
        if verdict.request or verdict.prism_limits:
            return False
        problem = _problem(response)
        if problem is not None or response.status_code >= 500:
            ptype = str((problem or {}).get("type", "")).removeprefix(PROBLEM_PREFIX)
            inner = "; ".join(
                f"{'.'.join(map(str, v.get('location', [])))}: {v.get('message')}"
                for v in (problem or {}).get("validation") or []
            )
            kind = (
                "mock violates spec" if ptype == "VIOLATIONS" else f"Prism {response.status_code}"
            )
            add(
                mode,
                "limitation",
                kind,
                f"{response.status_code} {ptype}: "
                + (inner or str((problem or {}).get("detail") or response.text[:300])),
            )
            return True
        if 200 <= response.status_code < 300:
            violated = self._body_violations(op, response) if _is_validation_error(error) else []
            if violated:  # the strict client refused a body that breaks the spec: right to
                add(mode, "limitation", "mock body violates the spec", "; ".join(violated[:3]))
            elif error is not None:
                kind, detail = _response_error_kind(error)
                add(mode, "response", kind, detail)
            else:
                self.report.ok_2xx += 1
            return True
        # A non-2xx without any violation: right when the operation declares no success response.
        if declares_success(op):
            add(mode, "limitation", f"Prism answered {response.status_code}", response.text[:300])
        elif 300 <= response.status_code < 400 and _caused_by(error, httpx.TransportError):
            add(  # a client that follows redirects goes to Prism's made-up Location
                mode,
                "limitation",
                "Prism's redirect Location is unreachable",
                f"{response.status_code} to {response.headers.get('location')!r}: {error}",
            )
        elif error is None or not hasattr(error, "status_code"):
            add(
                mode,
                "response",
                "error status not raised",
                f"{response.status_code} gave {type(error).__name__ if error else repr(result)[:100]}",
            )
        return True
