"""Turn the vendor's Postman requests into calls of the generated CaseXchange client.

`plan_requests(...)` matches each public-API Postman request to an operation of `operations.json` by method
and path template (per segment, left to right, a literal segment beats a `{param}` one: `/referrals/match`
is `matchReferrals`, not `getReferral`), and derives:

- the positional path arguments (manifest order) and keyword arguments for the query/header parameters,
  with each query value converted to its schema type (integer, number, boolean, array split per
  style/explode) so the client has to serialize it back to the same wire text;
- for a raw JSON object body one keyword argument per top-level property (the manifest's `fields`;
  `body=` only where the body keeps a single argument), or one keyword argument per multipart field
  (files as `(filename, bytes, content type)`); undeclared keys go with `extra_body`;
- what the recorded request must be: method, path, query pairs (a multiset), JSON body or form parts.

What the client cannot express with its declared arguments is written in `CallPlan.notes` (sent with
`extra_query`/`extra_headers` instead), and what it cannot send at all in `CallPlan.error`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .openapi import Operation, SchemaValidator, resolve
from .postman import PostmanRequest

AUTH_HEADERS = {"x-api-key", "authorization"}
TRANSPORT_HEADERS = {"content-type", "accept", "content-length", "user-agent", "host"}
SAMPLE_FILE_TYPES = {
    ".csv": "text/csv",
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".txt": "text/plain",
}


@dataclass
class CallPlan:
    request: PostmanRequest
    test_id: str
    relative_path: str
    operation: dict[str, Any] | None = None
    args: list[Any] = field(default_factory=list)
    kwargs: dict[str, Any] = field(default_factory=dict)
    expected_query: list[tuple[str, str]] = field(default_factory=list)
    expected_json: Any = None
    expects_json: bool = False
    expected_form: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    error: str | None = None
    advisories: list[str] = field(
        default_factory=list
    )  # sent as Postman does, but invalid for the spec
    # required keyword arguments the collection's JSON leaves out: pass the client's NOT_GIVEN
    # (`call_kwargs`), which it drops from the body, so the request stays what Postman sends
    omitted: list[str] = field(default_factory=list)

    def call_kwargs(self, not_given: Any) -> dict[str, Any]:
        return {**self.kwargs, **dict.fromkeys(self.omitted, not_given)}


def _segment_regex(segment: str) -> tuple[re.Pattern[str], list[str], int]:
    names = re.findall(r"\{([^}]+)\}", segment)
    parts = re.split(r"\{[^}]+\}", segment)
    pattern = "".join(
        re.escape(p) + ("([^/]+)" if i < len(names) else "") for i, p in enumerate(parts)
    )
    return re.compile(f"^{pattern}$"), names, sum(len(p) for p in parts)


def match_operation(
    method: str, path: str, operations: list[dict[str, Any]]
) -> tuple[dict[str, Any] | None, dict[str, str], str | None]:
    """(operation, path parameter values by wire name, error) for a concrete request path."""
    segments = path.strip("/").split("/") if path.strip("/") else []
    candidates: list[tuple[tuple[int, ...], dict[str, Any], dict[str, str]]] = []
    for op in operations:
        if op["method"].upper() != method:
            continue
        template = op["path"].strip("/").split("/") if op["path"].strip("/") else []
        if len(template) != len(segments):
            continue
        values: dict[str, str] = {}
        rank: list[int] = []
        for tseg, seg in zip(template, segments, strict=True):
            regex, names, literal = _segment_regex(tseg)
            found = regex.match(seg)
            if not found:
                break
            values.update(dict(zip(names, found.groups(), strict=True)))
            rank.append(2 if not names else 1 if literal else 0)
        else:
            candidates.append((tuple(rank), op, values))
    if not candidates:
        same_path = [op["operation_id"] for op in operations if _matches_any_method(op, segments)]
        if same_path:
            return (
                None,
                {},
                f"the spec has this path but not for {method} (only {', '.join(same_path)})",
            )
        return None, {}, f"no operation in the spec matches {method} {path}"
    candidates.sort(key=lambda c: c[0], reverse=True)
    if len(candidates) > 1 and candidates[0][0] == candidates[1][0]:
        ids = [c[1]["operation_id"] for c in candidates if c[0] == candidates[0][0]]
        return None, {}, f"ambiguous: {method} {path} matches {ids} equally"
    return candidates[0][1], candidates[0][2], None


def _matches_any_method(op: dict[str, Any], segments: list[str]) -> bool:
    template = op["path"].strip("/").split("/") if op["path"].strip("/") else []
    return len(template) == len(segments) and all(
        _segment_regex(t)[0].match(s) for t, s in zip(template, segments, strict=True)
    )


def _scalar(value: str, schema: dict[str, Any], doc: dict[str, Any]) -> Any:
    schema = resolve(doc, schema or {})
    types = schema.get("type")
    types = [t for t in types if t != "null"] if isinstance(types, list) else [types]
    for option in schema.get("anyOf") or schema.get("oneOf") or []:
        option = resolve(doc, option)
        if option.get("type") not in (None, "null"):
            types.append(option["type"])
    try:
        if "integer" in types and re.fullmatch(r"-?\d+", value):
            return int(value)
        if "number" in types and re.fullmatch(r"-?\d+(\.\d+)?([eE][-+]?\d+)?", value):
            number = float(value)
            return int(number) if number.is_integer() and "." not in value else number
    except ValueError:
        pass
    if "boolean" in types and value in ("true", "false"):
        return value == "true"
    return value


def convert_query_value(values: list[str], param: dict[str, Any], doc: dict[str, Any]) -> Any:
    """Postman's query text(s) for one parameter → the Python value the client should get."""
    schema = resolve(doc, param.get("schema") or {})
    types = schema.get("type")
    is_array = types == "array" or (isinstance(types, list) and "array" in types)
    if is_array:
        style = param.get("style", "form")
        explode = param.get("explode", style == "form")
        items = schema.get("items") or {}
        if not explode:
            separator = {"spaceDelimited": " ", "pipeDelimited": "|"}.get(style, ",")
            parts = [p for v in values for p in v.split(separator)]
        else:
            parts = values
        return [_scalar(p, items, doc) for p in parts]
    return (
        _scalar(values[0], schema, doc)
        if len(values) == 1
        else [_scalar(v, schema, doc) for v in values]
    )


def _file_tuple(entry: dict[str, Any]) -> tuple[str, bytes, str]:
    src = entry.get("src")
    name = (src[0] if isinstance(src, list) and src else src) or ""
    name = str(name).rsplit("/", 1)[-1] or "upload.csv"
    suffix = "." + name.rsplit(".", 1)[-1] if "." in name else ".csv"
    if "." not in name:
        name += suffix
    content_type = entry.get("contentType") or SAMPLE_FILE_TYPES.get(
        suffix, "application/octet-stream"
    )
    return name, f"postman sample for {entry['key']}\n".encode(), content_type


def plan_request(
    request: PostmanRequest,
    relative_path: str,
    test_id: str,
    operations: list[dict[str, Any]],
    spec_ops: dict[str, Operation],
    doc: dict[str, Any],
) -> CallPlan:
    plan = CallPlan(request, test_id, relative_path, expected_query=list(request.query))
    op, path_values, error = match_operation(request.method, relative_path, operations)
    if op is None:
        plan.error = error
        return plan
    plan.operation = op
    spec_op = spec_ops.get(op["operation_id"])
    spec_params = {(p["in"], p["name"]): p for p in (spec_op.parameters if spec_op else [])}

    for param in op["parameters"]:
        if param["in"] == "path":
            value = path_values[param["name"]]
            if param["positional"]:
                plan.args.append(value)
            else:
                plan.kwargs[param["python_name"]] = value

    declared_query = {p["name"]: p for p in op["parameters"] if p["in"] == "query"}
    grouped: dict[str, list[str]] = {}
    for key, value in request.query:
        grouped.setdefault(key, []).append(value)
    extra_query: dict[str, Any] = {}
    for key, values in grouped.items():
        param = declared_query.get(key)
        if param is None:
            extra_query[key] = values[0] if len(values) == 1 else values
            plan.notes.append(
                f"query parameter `{key}` is not declared by {op['operation_id']}: sent with extra_query"
            )
            continue
        spec_param = spec_params.get(("query", key), {})
        plan.kwargs[param["python_name"]] = convert_query_value(values, spec_param, doc)
    if extra_query:
        plan.kwargs["extra_query"] = extra_query

    declared_headers = {p["name"].lower(): p for p in op["parameters"] if p["in"] == "header"}
    extra_headers: dict[str, str] = {}
    for key, value in request.headers.items():
        lowered = key.lower()
        if lowered in AUTH_HEADERS or lowered in TRANSPORT_HEADERS:
            continue
        if lowered in declared_headers:
            param = declared_headers[lowered]
            plan.kwargs[param["python_name"]] = _scalar(
                value, spec_params.get(("header", param["name"]), {}).get("schema") or {}, doc
            )
        else:
            extra_headers[key] = value
            plan.notes.append(
                f"header `{key}` is not declared by {op['operation_id']}: sent with extra_headers"
            )
    if extra_headers:
        plan.kwargs["extra_headers"] = extra_headers

    body = op.get("body")
    mode = request.body_mode
    raw = request.raw_body if mode == "raw" else None
    if mode == "raw" and raw is not None and raw.strip():
        try:
            parsed = request.json_body()
        except ValueError as exc:
            plan.error = f"the raw body is not JSON ({exc})"
            return plan
        plan.expects_json = True
        plan.expected_json = parsed
        if body is None:
            plan.error = (
                f"{op['operation_id']} declares no request body, but the collection sends JSON"
            )
        elif body["media_type"] != "application/json":
            plan.error = (
                f"{op['operation_id']} takes {body['media_type']}, but the collection sends JSON"
            )
        elif body["python_name"]:
            plan.kwargs[body["python_name"]] = parsed
        elif not isinstance(parsed, dict):
            plan.error = (
                f"{op['operation_id']} takes a JSON object as keyword arguments, "
                f"but the collection sends {type(parsed).__name__}"
            )
        else:
            _flattened_json(plan, op, body["fields"], parsed)
            _omitted_required(plan, op, body["fields"], spec_op, doc)
    elif mode in ("formdata", "urlencoded") and request.form:
        plan.expected_form = request.form
        wanted = (
            "multipart/form-data" if mode == "formdata" else "application/x-www-form-urlencoded"
        )
        if body is None or body["media_type"] != wanted:
            plan.error = f"{op['operation_id']} takes {body['media_type'] if body else 'no body'}, the collection sends {wanted}"
            return plan
        extra_body: dict[str, Any] = {}
        for entry in request.form:
            value: Any = (
                _file_tuple(entry) if entry.get("type") == "file" else entry.get("value", "")
            )
            python_name = body["fields"].get(entry["key"])
            if python_name is None:
                extra_body[entry["key"]] = value
                plan.notes.append(
                    f"form field `{entry['key']}` is not declared by {op['operation_id']}: sent with extra_body"
                )
            else:
                plan.kwargs[python_name] = value
        if extra_body:
            plan.kwargs["extra_body"] = extra_body
    elif body is not None and body.get("required"):
        plan.error = f"{op['operation_id']} requires a {body['media_type']} body, but the collection sends none"
    _advise(plan, spec_op, doc)
    return plan


def _flattened_json(
    plan: CallPlan, op: dict[str, Any], fields: dict[str, str], parsed: dict[str, Any]
) -> None:
    """A JSON object body is one keyword argument per top-level property (manifest `fields`:
    wire name -> Python name); undeclared keys go with `extra_body`."""
    extra_body: dict[str, Any] = {}
    for key, value in parsed.items():
        python_name = fields.get(key)
        if python_name is None:
            extra_body[key] = value
            plan.notes.append(
                f"JSON property `{key}` is not declared by {op['operation_id']}: sent with extra_body"
            )
        else:
            plan.kwargs[python_name] = value
    if extra_body:
        plan.kwargs["extra_body"] = extra_body


def _omitted_required(
    plan: CallPlan,
    op: dict[str, Any],
    fields: dict[str, str],
    spec_op: Operation | None,
    doc: dict[str, Any],
) -> None:
    """Required properties of the body schema that the collection does not send."""
    body = spec_op.request_body(doc) if spec_op else None
    schema = ((body or {}).get("content") or {}).get("application/json", {}).get("schema")
    required = (resolve(doc, schema) or {}).get("required", []) if schema is not None else []
    sent = plan.expected_json if isinstance(plan.expected_json, dict) else {}
    for key in required:
        if key not in sent and key in fields:
            plan.omitted.append(fields[key])
            plan.notes.append(
                f"required JSON property `{key}` is not sent by the collection: "
                f"{fields[key]}=NOT_GIVEN for {op['operation_id']}"
            )


_validators: dict[int, tuple[dict[str, Any], SchemaValidator]] = {}


def _validator_for(doc: dict[str, Any]) -> SchemaValidator:
    """One validator per spec document (it converts the whole document to JSON Schema): the
    document is kept beside it so that its id is not reused."""
    cached = _validators.get(id(doc))
    if cached is None or cached[0] is not doc:
        cached = _validators[id(doc)] = (doc, SchemaValidator(doc))
    return cached[1]


def _advise(plan: CallPlan, spec_op: Operation | None, doc: dict[str, Any]) -> None:
    """Note where what Postman sends is not valid for the spec (the client sends it all the same)."""
    if spec_op is None:
        return
    validator = _validator_for(doc)
    for param in spec_op.parameters:
        values = (
            [v for k, v in plan.request.query if k == param["name"]]
            if param["in"] == "query"
            else []
        )
        if values and "schema" in param:
            problems = validator.errors(param["schema"], convert_query_value(values, param, doc))
            if problems:
                plan.advisories.append(f"query `{param['name']}`: {'; '.join(problems)}")
    body = spec_op.request_body(doc)
    schema = ((body or {}).get("content") or {}).get("application/json", {}).get("schema")
    if plan.expects_json and schema is not None:
        problems = validator.errors(schema, plan.expected_json)
        if problems:
            plan.advisories.append(f"JSON body: {'; '.join(problems)}")


def unique_ids(requests: list[PostmanRequest]) -> list[str]:
    """Test ids: the request name, with the folder added where two requests share a name."""
    counts: dict[str, int] = {}
    for request in requests:
        counts[request.name] = counts.get(request.name, 0) + 1
    return [r.name if counts[r.name] == 1 else f"{r.name} ({r.folder})" for r in requests]


def summary_lines(plans: list[CallPlan], total: int, public: int) -> list[str]:
    plain = [p for p in plans if p.error is None and not p.notes]
    with_notes = [p for p in plans if p.error is None and p.notes]
    failed = [p for p in plans if p.error is not None]
    lines = [
        f"Postman collection: {total} requests, {public} against the public API, {total - public} others.",
        (
            f"Expressible with the client's declared arguments: {len(plain)}/{public}; "
            f"only with extra_query/extra_headers/extra_body: {len(with_notes)}; not expressible: {len(failed)}."
        ),
    ]
    for p in with_notes:
        lines.append(
            f"  needs extras  {p.request.label} ({p.request.method} {p.relative_path}): "
            + "; ".join(p.notes)
        )
    for p in failed:
        lines.append(
            f"  NOT EXPRESSIBLE  {p.request.label} ({p.request.method} {p.relative_path}): {p.error}"
        )
    advised = [p for p in plans if p.advisories]
    if advised:
        lines.append(
            f"Sent as the collection has them, but not valid for the spec ({len(advised)}):"
        )
        for p in advised:
            lines.append(
                f"  {p.request.label} ({p.operation['operation_id'] if p.operation else '?'}): "
                + "; ".join(p.advisories)
            )
    return lines


@dataclass
class CollectionParity:
    """The CaseXchange collection's requests, the public ones, and (given a client) their call plans."""

    requests: list[PostmanRequest]
    public: list[tuple[PostmanRequest, str]]  # (request, path below the public base)
    ids: list[str]
    api_key: str
    base_url: str
    plans: list[CallPlan] | None = None  # None until there is a generated client

    def summary(self) -> list[str]:
        if self.plans is None:
            return [
                (
                    f"Postman collection: {len(self.requests)} requests, {len(self.public)} public; "
                    "no generated client to plan calls with."
                )
            ]
        return summary_lines(self.plans, len(self.requests), len(self.public))


_cache: dict[tuple[str, str, str], CollectionParity] = {}


def casexchange_parity(with_plans: bool = True) -> CollectionParity | None:
    """The parity data for the vendor collection; None when ../shared is missing."""
    from .casexchange import (
        POSTMAN_COLLECTION,
        POSTMAN_ENVIRONMENT,
        generated_dir,
        load_manifest,
        load_spec,
        spec_path,
    )
    from .openapi import iter_operations
    from .postman import load_requests

    if not POSTMAN_COLLECTION.is_file():
        return None
    root = generated_dir()
    key = (str(POSTMAN_COLLECTION), str(root), str(spec_path()))
    parity = _cache.get(key)
    if parity is None:
        environment = POSTMAN_ENVIRONMENT if POSTMAN_ENVIRONMENT.is_file() else None
        requests, variables = load_requests(POSTMAN_COLLECTION, environment)
        base_url = variables.substitute("{{public_api_url}}")
        public = [(r, path) for r in requests if (path := r.relative_path(base_url)) is not None]
        parity = CollectionParity(
            requests,
            public,
            unique_ids([r for r, _ in public]),
            variables.substitute("{{api_key}}"),
            base_url,
        )
        _cache[key] = parity
    if (
        with_plans
        and parity.plans is None
        and (root / "operations.json").is_file()
        and spec_path().is_file()
    ):
        operations = load_manifest(root)["operations"]
        doc = load_spec(spec_path())
        spec_ops = {op.operation_id: op for op in iter_operations(doc)}
        parity.plans = [
            plan_request(request, path, test_id, operations, spec_ops, doc)
            for (request, path), test_id in zip(parity.public, parity.ids, strict=True)
        ]
    return parity
