"""Contract test: every CaseXchange operation, called through the generated client against Prism.

For each operationId of specs/casexchange/openapi.yml the generated client is called with valid sample
arguments (tests/support/samples.py) against `prism mock --errors` on that spec, and:

- the request reached the operation's method and path template;
- Prism reported no request violation (`sl-violations` header, or Prism's own problem+json error);
- the client parsed the response into the method's declared return type (strict response validation;
  a refusal of nothing but Prism's static `"string"` placeholders for `pattern` strings is let through),
  or — for operations that declare no 2xx response, such as `DELETE /med-cases/{id}` — raised the
  `APIStatusError` subclass for the status it got (asked for with Prism's `Prefer: code=...`);
- the body Prism answered with matches the spec's response schema, both by Prism's own response
  validation and by jsonschema (Prism answers with the examples first, so this checks that they are
  valid; Prism's static placeholder `"string"` for a `pattern` string without example is let through).
  A mismatch raises `SpecResponseViolation` (a spec defect, not a client one).

Each operation is called twice: with Prism's static response (examples), then with `Prefer: dynamic=true`
(a schema-generated body with optional members, nulls and unknown extra properties; Prism is seeded, so the
body is the same on every run).
"""

from __future__ import annotations

import functools
import inspect
import json
import re
import types
import typing
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest
from support.casexchange import (
    bound_method,
    load_manifest,
    load_spec,
    manifest_operations,
    spec_path,
)
from support.openapi import Operation, SchemaValidator, iter_operations, resolve
from support.prism import is_response_violation, violations
from support.samples import OperationSamples, SampleBuilder

pytestmark = pytest.mark.slow  # starts the Prism mock server

API_KEY = "cxp_full_0123456789abcdef0123456789abcdef"
AUTH_STATUSES = {401, 403}
ERROR_CLASSES = {
    400: "BadRequestError",
    401: "AuthenticationError",
    403: "PermissionDeniedError",
    404: "NotFoundError",
    405: "MethodNotAllowedError",
    409: "ConflictError",
    413: "PayloadTooLargeError",
    422: "UnprocessableEntityError",
    429: "RateLimitError",
}


def _operation_ids() -> list[str]:
    """operationIds in spec order, then any the manifest has that the spec does not."""
    ids: list[str] = []
    if spec_path().is_file():
        ids = [op.operation_id for op in iter_operations(load_spec(spec_path()))]
    ids += [o["operation_id"] for o in manifest_operations() if o["operation_id"] not in ids]
    return ids


OPERATION_IDS = _operation_ids()


@functools.cache
def _spec_operations(path: Path) -> dict[str, Operation]:
    return {op.operation_id: op for op in iter_operations(load_spec(path))}


@functools.cache
def _builder(path: Path) -> SampleBuilder:
    return SampleBuilder(load_spec(path), full=True)


@functools.cache
def _validator(path: Path) -> SchemaValidator:
    return SchemaValidator(load_spec(path))


def _normalized(value: Any) -> Any:
    """A JSON value as a client that parsed it into models would send it back (dates unchanged)."""
    return json.loads(json.dumps(value))


def _template_regex(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}]+\})", template)
    return re.compile(
        "^" + "".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts) + "$"
    )


def _body_model(method: Any, python_name: str) -> type | None:
    """The one pydantic model class in the annotation of the method's JSON body parameter, if any."""
    import pydantic

    hints = typing.get_type_hints(method)
    annotation = hints.get(python_name)
    candidates = typing.get_args(annotation) or (annotation,)
    models = [c for c in candidates if isinstance(c, type) and issubclass(c, pydantic.BaseModel)]
    return models[0] if len(models) == 1 else None


def call_arguments(
    entry: dict[str, Any], samples: OperationSamples, method: Any
) -> tuple[list[Any], dict[str, Any]]:
    """Positional and keyword arguments for the generated method, from samples keyed by wire names."""
    args: list[Any] = []
    kwargs: dict[str, Any] = {}
    by_location = {
        "path": samples.path,
        "query": samples.query,
        "header": samples.header,
        "cookie": samples.cookie,
    }
    used: set[tuple[str, str]] = set()
    for param in entry["parameters"]:
        values = by_location[param["in"]]
        if param["name"] not in values:
            assert not param["required"], (
                f"no sample for required {param['in']} parameter {param['name']!r}"
            )
            continue
        used.add((param["in"], param["name"]))
        value = values[param["name"]]
        if param["positional"]:
            args.append(value)
        else:
            kwargs[param["python_name"]] = value
    unexpressed = [
        (loc, name)
        for loc, values in by_location.items()
        for name in values
        if (loc, name) not in used
    ]
    assert not unexpressed, f"the client has no argument for the spec's parameters {unexpressed}"
    body = entry["body"]
    if samples.has_body:
        assert body is not None, "the spec declares a request body but the client method takes none"
        assert body["media_type"] == samples.media_type
        if body["python_name"]:
            value = samples.body
            model = _body_model(method, body["python_name"]) if isinstance(value, dict) else None
            kwargs[body["python_name"]] = (
                model.model_validate(value) if model is not None else value
            )
        else:
            missing = [wire for wire in samples.body if wire not in body["fields"]]
            assert not missing, f"the client has no keyword argument for form fields {missing}"
            for wire, value in samples.body.items():
                kwargs[body["fields"][wire]] = value
    return args, kwargs


def conforms(value: Any, annotation: Any, module: ModuleType) -> bool:
    """Whether `value` is an instance of the (typing) annotation the method declares it returns."""
    if annotation is typing.Any:
        return True
    if annotation is None or annotation is type(None):
        return value is None
    origin = typing.get_origin(annotation)
    arguments = typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        return any(conforms(value, arg, module) for arg in arguments)
    if origin is typing.Literal:
        return value in arguments
    if origin in (list, typing.List):  # noqa: UP006
        return (
            isinstance(value, list) and all(conforms(v, arguments[0], module) for v in value)
            if arguments
            else isinstance(value, list)
        )
    if origin in (dict, typing.Dict):  # noqa: UP006
        return isinstance(value, dict)
    if origin is not None and isinstance(origin, type):
        if not isinstance(value, origin):
            return False
        items = getattr(value, "items", None)
        if arguments and isinstance(items, list):  # a page: check its items
            return all(conforms(v, arguments[0], module) for v in items)
        return True
    if isinstance(annotation, type):
        if annotation is float:
            return isinstance(value, (int, float)) and not isinstance(value, bool)
        return isinstance(value, annotation)
    return True


def _response_schema(op: Operation, doc: dict[str, Any], response: httpx.Response) -> Any:
    responses = op.op.get("responses") or {}
    status = str(response.status_code)
    declared = responses.get(status) or responses.get(f"{status[0]}XX") or responses.get("default")
    if declared is None:
        return None
    content = resolve(doc, declared).get("content") or {}
    media = response.headers.get("content-type", "").split(";")[0].strip()
    for candidate, value in content.items():
        if (
            candidate == media
            or candidate.endswith("*")
            and media.startswith(candidate.rstrip("*"))
        ):
            return value.get("schema")
    return None


def _expected_error_status(op: Operation) -> int | None:
    """For an operation without any 2xx response: the status to ask Prism for (non-auth first)."""
    statuses = sorted(int(s) for s in (op.op.get("responses") or {}) if s.isdigit())
    if any(200 <= s < 300 for s in statuses) or "2XX" in (op.op.get("responses") or {}):
        return None
    non_auth = [s for s in statuses if s not in AUTH_STATUSES]
    return (non_auth or statuses)[0]


class SpecResponseViolation(AssertionError):
    """Prism's mocked response does not match the spec's own response schema: a defect of the spec (an
    invalid example, or a schema no value satisfies), not of the client."""


# operationId -> reason: responses that cannot match the spec because of a defect of the spec itself.
# Marked xfail(strict=True, raises=SpecResponseViolation): any other failure of the case still fails it,
# and once the spec is fixed the XPASS fails the run until the entry is removed.
KNOWN_SPEC_DEFECTS: dict[str, str] = {}  # operationId → precise defect; none known now


def _value_at(document: Any, location: list[Any]) -> Any:
    node = document
    for key in location:
        if isinstance(node, list):
            node = node[int(key)]
        elif isinstance(node, dict):
            node = node.get(str(key))
        else:
            return None
    return node


def _static_placeholder(violation: dict[str, Any], response: httpx.Response) -> bool:
    """A `pattern` violation on Prism's static placeholder `"string"` (the schema has no example)."""
    location = violation.get("location") or []
    if violation.get("code") != "pattern" or location[:2] != ["response", "body"]:
        return False
    try:
        return _value_at(response.json(), location[2:]) == "string"
    except ValueError:
        return False


def _only_static_placeholders(
    error: BaseException, response: httpx.Response, module: ModuleType
) -> bool:
    """The client's strict validation refused nothing but Prism's static placeholders: `pattern`
    strings Prism filled with `"string"` (a harness limitation, as in `check_against_spec`)."""
    errors = getattr(error, "errors", None)
    if not isinstance(error, module.APIResponseValidationError) or not errors:
        return False
    placeholders = {
        tuple(str(x) for x in v.get("location", [])[2:])
        for v in violations(response)
        if _static_placeholder(v, response)
    }
    return all(
        e.get("type") == "string_pattern_mismatch"
        and e.get("input") == "string"
        and tuple(str(x) for x in e.get("loc", ())) in placeholders
        for e in errors
    )


def _params() -> list[Any]:
    return [
        pytest.param(
            op_id,
            marks=pytest.mark.xfail(
                strict=True, raises=SpecResponseViolation, reason=KNOWN_SPEC_DEFECTS[op_id]
            ),
        )
        if op_id in KNOWN_SPEC_DEFECTS
        else op_id
        for op_id in OPERATION_IDS
    ]


@pytest.mark.parametrize("operation_id", _params())
def test_operation_against_prism(
    operation_id: str,
    cx_spec: dict[str, Any],
    cx_generated: Path,
    cx_module: ModuleType,
    prism_url: str,
) -> None:
    spec_file = spec_path()
    manifest = {o["operation_id"]: o for o in load_manifest(cx_generated)["operations"]}
    assert operation_id in manifest, (
        f"{operation_id} is missing from {cx_generated / 'operations.json'}"
    )
    ops = _spec_operations(spec_file)
    assert operation_id in ops, f"{operation_id} is in operations.json but not in {spec_file}"
    entry, op = manifest[operation_id], ops[operation_id]
    assert (entry["method"], entry["path"]) == (op.method, op.path)
    samples = _builder(spec_file).arguments(op)
    error_status = _expected_error_status(op)

    def exchange(prefer: list[str]) -> tuple[Any, BaseException | None, httpx.Response]:
        exchanges: list[httpx.Response] = []

        def record(response: httpx.Response) -> None:
            response.read()
            exchanges.append(response)

        def keep_body(request: httpx.Request) -> None:
            request.read()  # buffer streamed (multipart) bodies so they can be inspected afterwards

        http_client = httpx.Client(
            event_hooks={"request": [keep_body], "response": [record]}, timeout=30.0
        )
        options: dict[str, Any] = {
            "api_key": API_KEY,
            "base_url": prism_url,
            "http_client": http_client,
            "max_retries": 0,
        }
        if "strict_response_validation" in inspect.signature(cx_module.CaseXchange).parameters:
            options["strict_response_validation"] = True
        client = cx_module.CaseXchange(**options)
        method = bound_method(client, entry["call"])
        args, kwargs = call_arguments(entry, samples, method)
        if prefer:
            kwargs["extra_headers"] = {"Prefer": ", ".join(prefer)}
        result: Any = None
        error: BaseException | None = None
        try:
            result = method(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - judged below, after what Prism said about the request
            error = exc
        finally:
            http_client.close()
        assert exchanges, f"no HTTP exchange happened (the client raised {error!r})"
        assert len(exchanges) == 1, (
            f"expected one exchange, got {[r.status_code for r in exchanges]}"
        )
        response = exchanges[0]
        request_violations = [v for v in violations(response) if not is_response_violation(v)]
        assert not request_violations, (
            f"Prism reported request violations for {response.request.method} {response.request.url}:\n"
            + json.dumps(request_violations, indent=2)
            + f"\nrequest body: {response.request.content[:2000]!r}"
        )
        assert response.request.method == op.method
        assert _template_regex(op.path).match(response.request.url.path), (
            f"request went to {response.request.url.path}, not {op.path}"
        )
        check_request(response.request)
        check_outcome(method, result, error, response)
        return result, error, response

    def check_request(sent: httpx.Request) -> None:
        """What Prism does not check: every sample argument arrived under its wire name, unchanged."""
        sent_query = parse_qsl(sent.url.query.decode(), keep_blank_values=True)
        assert {k for k, _ in sent_query} == set(samples.query), (sent_query, samples.query)
        for name in samples.header:
            assert sent.headers.get(name) is not None, f"header parameter {name} was not sent"
        if samples.has_body and samples.media_type == "application/json":
            assert json.loads(sent.content) == _normalized(samples.body), sent.content[:2000]
        elif (
            samples.has_body and samples.media_type and samples.media_type.startswith("multipart/")
        ):
            names = re.findall(
                rb'Content-Disposition: form-data; name="([^"]+)"',
                sent.content,
                flags=re.IGNORECASE,
            )
            assert sorted(n.decode() for n in names) == sorted(samples.body), names

    def check_outcome(
        method: Any, result: Any, error: BaseException | None, response: httpx.Response
    ) -> None:
        if error_status is not None:
            assert isinstance(error, cx_module.APIStatusError), (
                f"expected APIStatusError, got {error!r} / {result!r}"
            )
            assert response.status_code == error_status
            assert error.status_code == error_status
            assert type(error).__name__ == ERROR_CLASSES.get(error_status, "APIStatusError"), type(
                error
            )
            assert error.response.status_code == error_status
            if response.headers.get("content-type", "").startswith("application/json"):
                import pydantic

                body = error.body
                if isinstance(body, pydantic.BaseModel):
                    # parsed into the error schema the spec declares for the status: exactly the body
                    assert type(body).model_validate(response.json()) == body
                else:
                    assert body == response.json()
            return
        if error is not None and _only_static_placeholders(error, response, cx_module):
            return  # Prism's "string" for a `pattern` string: strict validation rightly refuses it
        if error is not None:
            raise AssertionError(
                f"{entry['call']} raised on a {response.status_code} response: {error!r}\n"
                f"response: {response.content[:2000]!r}"
            ) from error
        assert 200 <= response.status_code < 300, response.status_code
        annotation = typing.get_type_hints(method).get("return")
        assert conforms(result, annotation, cx_module), (
            f"{entry['call']} returned {type(result).__name__}, declared {annotation} (manifest: {entry['returns']})"
        )

    def check_against_spec(response: httpx.Response, mode: str) -> None:
        response_violations = [v for v in violations(response) if is_response_violation(v)]
        if (
            mode == "static"
        ):  # Prism's static mock ignores `pattern`: "string" where there is no example
            response_violations = [
                v for v in response_violations if not _static_placeholder(v, response)
            ]
        if response_violations:
            raise SpecResponseViolation(
                f"Prism's {mode} {response.status_code} response for {op.method} {op.path} does not match the "
                "spec:\n"
                + json.dumps(response_violations, indent=2)
                + f"\nbody: {response.content[:1500]!r}"
            )
        schema = _response_schema(op, cx_spec, response)
        if schema is not None and response.headers.get("content-type", "").startswith(
            "application/json"
        ):
            problems = _validator(spec_file).errors(schema, response.json())
            if problems and mode == "static":
                placeholders = {
                    tuple(str(x) for x in v.get("location", [])[2:])
                    for v in violations(response)
                    if _static_placeholder(v, response)
                }
                problems = [
                    p for p in problems if tuple(p.split(": ", 1)[0].split("/")) not in placeholders
                ]
            if problems:
                raise SpecResponseViolation(
                    f"Prism's {mode} {response.status_code} response does not match the spec's schema "
                    f"(an invalid example?): {problems[:10]}"
                )

    base_prefer = [f"code={error_status}"] if error_status is not None else []
    # 1. Static: the spec's examples (or Prism's deterministic values built from the schema).
    _, _, static = exchange(base_prefer)
    # 2. Dynamic: a body generated from the schema (optional members, nulls, unknown extra properties),
    #    repeatable because Prism is seeded.
    _, _, dynamic = exchange([*base_prefer, "dynamic=true"])
    # The client passed both; now whether Prism's bodies were valid for the spec at all.
    check_against_spec(static, "static")
    check_against_spec(dynamic, "dynamic")


def test_every_operation_is_exercised(
    request: pytest.FixtureRequest, cx_spec: dict[str, Any], cx_generated: Path
) -> None:
    """The contract test above is collected once per operationId of operations.json, and of the spec."""
    manifest_ids = [o["operation_id"] for o in load_manifest(cx_generated)["operations"]]
    spec_ids = [op.operation_id for op in iter_operations(cx_spec)]
    exercised = {
        item.callspec.params["operation_id"]
        for item in request.session.items
        if getattr(item, "originalname", None) == "test_operation_against_prism"
        and hasattr(item, "callspec")
    }
    if not exercised:
        pytest.skip("test_operation_against_prism was not collected in this run (deselected)")
    assert len(set(manifest_ids)) == len(manifest_ids), "duplicate operationIds in operations.json"
    assert len(exercised) == len(set(manifest_ids)), (len(exercised), len(manifest_ids))
    assert exercised == set(manifest_ids) == set(spec_ids)


def test_prism_validates_requests_and_serves_at_the_root(prism_url: str) -> None:
    """The harness itself: Prism flags bad requests (so a clean run means valid requests)."""
    with httpx.Client(base_url=prism_url, timeout=30.0) as http:
        bad_query = http.get(
            "/referrals", params={"page": "not-a-number"}, headers={"X-API-Key": API_KEY}
        )
        assert bad_query.status_code in (400, 422)
        assert any(
            v.get("location", [])[:3] == ["request", "query", "page"] for v in violations(bad_query)
        )
        no_key = http.get("/referrals")
        assert no_key.status_code == 401 and violations(no_key)
        bad_body = http.post(
            "/referrals/match", json={"unexpected": 1}, headers={"X-API-Key": API_KEY}
        )
        assert bad_body.status_code in (400, 422) and violations(bad_body)
        bad_path = http.delete("/med-cases/not-a-uuid", headers={"X-API-Key": API_KEY})
        assert bad_path.status_code == 422 and violations(bad_path)
        assert http.get("/health").status_code == 200
        assert (
            http.get("/api/public/v1/health").status_code == 404
        )  # the servers' base path is not mounted
