"""A success body that is not JSON where the operation declares JSON (a CSV export, a text page).

Lenient mode returns it as ``str`` (a textual ``Content-Type``, or undeclared UTF-8) or ``bytes``
(anything else), with a WARNING; strict mode raises ``APIResponseValidationError`` saying what came
instead. A body that parses as JSON is parsed, whatever its ``Content-Type`` says; one that claims to
be JSON (``application/json``, ``+json``) and is not is broken, and raises in both modes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx

from ._exceptions import APIResponseValidationError
from ._logs import Redactor, logger
from ._parse import decode_json

if TYPE_CHECKING:
    from ._endpoint import ResponseSpec

__all__ = ["decode_success", "is_textual"]

_TEXTUAL = (
    "application/xml",
    "application/javascript",
    "application/ecmascript",
    "application/x-www-form-urlencoded",
    "application/yaml",
    "application/x-yaml",
    "application/toml",
    "application/sql",
    "application/graphql",
)


def is_textual(content_type: str) -> bool:
    """Whether a body of this ``Content-Type`` is text (else it is returned as bytes)."""
    base, _, params = content_type.partition(";")
    base = base.strip().lower()
    return (
        base.startswith("text/")
        or base in _TEXTUAL
        or base.endswith(("+xml", "+json", "+yaml", "json"))
        or "charset=" in params.lower()
    )


def _claims_json(content_type: str) -> bool:
    base = content_type.split(";")[0].strip().lower()
    return base == "application/json" or base.endswith("+json")


def _fallback(response: httpx.Response, content_type: str) -> str | bytes:
    content = response.content
    if content_type and not is_textual(content_type):
        return content
    try:
        return response.text if content_type else content.decode("utf-8")
    except (LookupError, UnicodeDecodeError):
        return content


def decode_success(
    response: httpx.Response,
    spec: ResponseSpec,
    *,
    strict: bool,
    attempts: int,
    redact: Redactor,
) -> tuple[Any, list[dict[str, Any]] | None, bool]:
    """``decode_json`` that survives a body that is not JSON: ``(value, errors, not_json)``."""
    try:
        value, errors = decode_json(response, spec, strict=strict, attempts=attempts, redact=redact)
    except APIResponseValidationError as exc:
        content_type = response.headers.get("content-type", "")
        if not any(error.get("type") == "json_invalid" for error in exc.errors) or _claims_json(
            content_type
        ):
            raise  # JSON that does not match the schema (strict), or a broken JSON body
        where = redact(f"{response.request.method} {response.request.url}")
        said = f"Content-Type {content_type!r}" if content_type else "no Content-Type"
        if strict:
            raise APIResponseValidationError(
                f"Response to {where} is not JSON ({said}, {len(response.content)} bytes) although "
                f"the spec declares JSON: {exc.errors[0].get('msg')} (without "
                "strict_response_validation it is returned as text or bytes)",
                response=response,
                body=exc.body,
                errors=exc.errors,
                attempts=attempts,
            ) from None
        value = _fallback(response, content_type)
        logger.warning(
            "Response to %s is not JSON (%s) although the spec declares JSON: returned as %s",
            where,
            said,
            type(value).__name__,
        )
        return value, None, True
    return value, errors, False
