"""Turn a successful response body into the value a method returns, per its ``ResponseSpec``."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import httpx
import pydantic

from ._construct import construct_type
from ._exceptions import APIResponseValidationError
from ._logs import Redactor, logger
from ._models import attach, get_field

if TYPE_CHECKING:
    from ._endpoint import ResponseSpec

__all__ = ["decode_json", "decode_text", "shape_result"]

_MAX_LOGGED_ERRORS = 5


def _summarize(errors: list[dict[str, Any]]) -> str:
    parts = []
    for error in errors[:_MAX_LOGGED_ERRORS]:
        loc = ".".join(str(part) for part in error.get("loc", ())) or "<root>"
        parts.append(f"{loc}: {error.get('msg')}")
    if len(errors) > _MAX_LOGGED_ERRORS:
        parts.append(f"… {len(errors) - _MAX_LOGGED_ERRORS} more")
    return "; ".join(parts)


def _body_text(response: httpx.Response) -> str:
    try:
        return response.text
    except (LookupError, UnicodeDecodeError):
        return response.content.decode("utf-8", "replace")


def decode_json(
    response: httpx.Response,
    spec: ResponseSpec,
    *,
    strict: bool,
    attempts: int,
    redact: Redactor,
) -> tuple[Any, list[dict[str, Any]] | None]:
    """Validate the body against ``spec.model``; returns ``(value, validation_errors)``.

    Strict mode (``strict=True``) validates without coercion (``1`` is not a boolean, ``"1"`` not a
    number), refuses ``null`` where the spec does not allow it, checks the spec's patterns, formats,
    limits and enum values (``_checks``), and raises ``APIResponseValidationError`` on any mismatch.
    Lenient mode reads a ``null`` in a field whose type does not take it as the field left out (its
    default), and returns data built without validation when the body still does not match the schema. A
    body that is not JSON at all raises in both modes.
    """
    content = response.content
    if not content or content.isspace():
        return None, None
    value, errors = _validate(spec, content, strict)
    if not errors:
        return value, None
    where = redact(f"Response to {response.request.method} {response.request.url}")
    if any(error.get("type") == "json_invalid" for error in errors):
        raise APIResponseValidationError(
            redact(f"{where} is not valid JSON: {errors[0].get('msg')}"),
            response=response,
            body=_body_text(response),
            errors=errors,
            attempts=attempts,
        )
    summary = redact(_summarize(errors))
    raw = json.loads(content)
    if strict:
        raise APIResponseValidationError(
            f"{where} does not match the schema ({len(errors)} errors): {summary}",
            response=response,
            body=raw,
            errors=errors,
            attempts=attempts,
        )
    return _unvalidated(content, raw, errors, spec, spec.body_type, where, summary)


def decode_text(
    text: str,
    spec: ResponseSpec,
    *,
    strict: bool,
    response: httpx.Response,
    redact: Redactor,
    what: str,
) -> tuple[Any, list[dict[str, Any]] | None]:
    """Validate one JSON document received as text (a server-sent event's ``data``, named
    ``what`` in messages) against ``spec.model``; returns ``(value, validation_errors)``.

    Not JSON: strict mode raises ``APIResponseValidationError``, lenient mode returns the text.
    JSON that does not match: strict mode (the checks of ``decode_json``) raises, lenient mode
    returns data built without validation (``null`` in a field with a default read as left out, as
    ``decode_json`` does for a body).
    """
    value, errors = _validate(spec, text, strict)
    if not errors:
        return value, None
    where = redact(f"{what} of the response to {response.request.method} {response.request.url}")
    if any(error.get("type") == "json_invalid" for error in errors):
        message = redact(f"{where} is not valid JSON: {errors[0].get('msg')}")
        if strict:
            raise APIResponseValidationError(message, response=response, body=text, errors=errors)
        logger.warning("%s; returning the raw text", message)
        return text, errors
    summary = redact(_summarize(errors))
    raw = json.loads(text)
    if strict:
        raise APIResponseValidationError(
            f"{where} does not match the schema ({len(errors)} errors): {summary}",
            response=response,
            body=raw,
            errors=errors,
        )
    return _unvalidated(text, raw, errors, spec, spec.model, where, summary)


def _validate(
    spec: ResponseSpec, data: str | bytes, strict: bool
) -> tuple[Any, list[dict[str, Any]]]:
    """``data`` (JSON text) validated against ``spec.model``: the value and no errors, or pydantic's
    errors (a ``json_invalid`` one when it is not JSON); strict mode adds the spec's own checks
    (``_checks``)."""
    try:
        value = spec.adapter.validate_json(data, strict=strict)
    except pydantic.ValidationError as exc:
        return None, [dict(error) for error in exc.errors(include_url=False)]
    if not strict:
        return value, []
    # strict mode only: not imported with the client
    from ._checks import constraint_errors

    return value, constraint_errors(value)


def _unvalidated(
    data: str | bytes,
    raw: Any,
    errors: list[dict[str, Any]],
    spec: ResponseSpec,
    type_: Any,
    where: str,
    summary: str,
) -> tuple[Any, list[dict[str, Any]] | None]:
    """Lenient mode, JSON ``data`` (parsed: ``raw``) that does not match: validated again with the
    ``null`` values the errors are about left out (a field with a default and no ``null`` in its
    type), else built as ``type_`` without validation, with a warning."""
    if _drop_nulls(raw, errors):
        try:
            return spec.adapter.validate_json(json.dumps(raw)), None
        except pydantic.ValidationError:
            raw = json.loads(data)
    logger.warning(
        "%s does not match the schema (%d errors), returning it unvalidated: %s",
        where,
        len(errors),
        summary,
    )
    return construct_type(type_, raw), errors


def _drop_nulls(raw: Any, errors: list[dict[str, Any]]) -> bool:
    """Remove from ``raw`` the ``null`` values the errors are about (a field whose type does not take
    ``None``: one with a spec default reads it then); True when something was removed. Error locations
    also name union members and tags, which are not keys of the data: those steps are skipped."""
    dropped = False
    for error in errors:
        loc = error.get("loc") or ()
        if "input" not in error or error["input"] is not None or not loc:
            continue
        node = raw
        for part in loc[:-1]:
            if _has(node, part):
                node = node[part]
        key = loc[-1]
        if isinstance(node, dict) and isinstance(key, str) and key in node and node[key] is None:
            del node[key]
            dropped = True
    return dropped


def _has(node: Any, part: object) -> bool:
    if isinstance(node, dict):
        return isinstance(part, str) and part in node
    return isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)


def shape_result(
    envelope: Any,
    spec: ResponseSpec,
    errors: list[dict[str, Any]] | None,
    make_page: Callable[[Any], Any] | None,
) -> Any:
    """Apply ``page`` / ``unwrap`` to the parsed body and attach envelope and errors."""
    if spec.page is not None and make_page is not None:
        # a page keeps its body's validation errors: get_validation_errors(page.envelope)
        return make_page(attach(envelope, errors=errors) if errors else envelope)
    if spec.unwrap:
        value = get_field(envelope, spec.unwrap)
        return attach(value, envelope=envelope, errors=errors)
    if errors:
        return attach(envelope, errors=errors)
    return envelope
