"""Understand the error bodies APIs commonly send (never fails, whatever the body is).

Shapes: ``{"error": {"code", "message", "details"}}``, RFC 9457 problem details (``title``,
``detail``, ``type``, ``errors``), ``{"errors": [...]}`` (JSON:API, GitHub) and ``{"errors": {field:
[...]}}``, ``{"error": "...", "error_description" | "message"}``, ``{"message", "details"}``,
FastAPI's ``{"detail": "..." | [{"loc", "msg", "type"}, ...]}`` and ZenML's ``{"detail": [type,
explanation]}``, a bare list of error objects, HTML pages and plain text.

The body was read up to ``MAX_ERROR_BODY_BYTES``; JSON too deeply nested for ``json`` is kept as
text, and text is only looked at in its first ``TEXT_PREFIX`` characters, in linear time.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import httpx

from ._error_detail import ErrorDetail, detail_items, field_map_items, summarize

__all__ = ["ErrorInfo", "parse_error_body"]

_MAX_MESSAGE = 500
TEXT_PREFIX = 64 * 1024
"""Characters of a non-JSON error body (an HTML page, plain text) looked at for the message."""
_SPACE = r"\s+"  # compiled on first use (`re` keeps it), not when the client is imported
_REQUEST_ID_HEADERS = ("x-request-id", "request-id", "x-amzn-requestid", "x-correlation-id")


@dataclass(slots=True)
class ErrorInfo:
    """What an error response's body says, in the fields most APIs use for it."""

    message: str | None = None
    code: str | None = None
    details: object = None
    """A list of ``ErrorDetail`` when the body lists problems, else ``error.details`` as sent."""
    request_id: str | None = None
    body: object = None


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        text = value
    else:
        try:
            text = json.dumps(value, default=str)
        except (ValueError, TypeError, RecursionError):
            return None
    text = re.sub(_SPACE, " ", text[: _MAX_MESSAGE * 4]).strip()
    if len(text) > _MAX_MESSAGE:
        text = text[: _MAX_MESSAGE - 1] + "…"
    return text or None


def _code(value: object) -> str | None:
    if value is None or isinstance(value, (dict, list)):
        return None
    return str(value)


def _with_items(headline: str | None, items: list[ErrorDetail]) -> str | None:
    """The headline followed by the items it does not already say."""
    if not items:
        return headline
    summary = summarize(items, _MAX_MESSAGE)
    if not headline:
        return _text(summary)
    if all(item.message in headline for item in items):
        return headline
    return _text(f"{headline}; {summary}")


def _items(value: object) -> list[ErrorDetail] | None:
    """A list of error items, or a ``{field: [messages]}`` map; ``None`` for anything else."""
    if isinstance(value, list):
        return detail_items(value)
    if isinstance(value, dict):
        return field_map_items(value)
    return None


def _error_object(error: dict[str, Any], info: ErrorInfo) -> None:
    """``{"error": {"code", "message", "details"}}`` (and Google's ``{"error": {"errors": [...]}}``)."""
    info.code = _code(error.get("code") or error.get("type"))
    headline = _text(error.get("message") or error.get("detail"))
    details = error.get("details")
    items = detail_items(details) if isinstance(details, list) else None
    nested = error.get("errors")
    if items is None and isinstance(nested, list):
        items = detail_items(nested)
    info.details = items if items is not None else details
    info.message = _with_items(headline, items or [])
    info.request_id = _code(error.get("requestId") or error.get("request_id"))


def _problem(body: dict[str, Any], info: ErrorInfo, reason: str) -> None:
    """RFC 9457 ``application/problem+json``: title, detail, type, status, instance, errors."""
    title, detail = _text(body.get("title")), _text(body.get("detail"))
    if title and detail and title.lower() == reason.lower():
        title = None  # "Bad Request" again after the status says nothing new
    if title and detail and title != detail and title not in detail:
        headline: str | None = f"{title} {detail}" if title[-1] in ".!?:" else f"{title}: {detail}"
    else:
        headline = detail or title
    kind = body.get("type")
    info.code = _code(kind) if kind not in (None, "", "about:blank") else _code(body.get("code"))
    raw_items = body.get("errors", body.get("invalid-params", body.get("invalid_params")))
    items = _items(raw_items) or []
    info.details = items or None
    info.message = _with_items(_text(headline), items)


def _is_problem(body: dict[str, Any], media: str) -> bool:
    if media.endswith("problem+json"):
        return True
    return isinstance(body.get("title"), str) and ("type" in body or "status" in body)


def _error_list(body: dict[str, Any], errors: list[Any], info: ErrorInfo) -> None:
    """JSON:API ``errors[]``, GitHub's ``{"message", "errors": [...]}`` and the like."""
    items = detail_items(errors)
    first = errors[0] if isinstance(errors[0], dict) else {"detail": errors[0]}
    info.details = items
    message = body.get("message")
    if isinstance(message, str) and message:  # the items' codes stay theirs
        info.code = _code(body.get("code"))
        info.message = _with_items(_text(message), items)
        return
    info.code = _code(first.get("code") or body.get("code"))
    title, detail = first.get("title"), first.get("detail")
    if title and detail and title != detail:
        info.message = _text(f"{title}: {detail}")
    else:
        info.message = _text(
            detail or title or first.get("message") or (items[0].message if items else None)
        )
    if len(errors) > 1:
        info.message = f"{info.message} (+{len(errors) - 1} more)"


def _detail_list(values: list[Any], info: ErrorInfo) -> None:
    """FastAPI/pydantic ``[{"loc", "msg", "type"}, ...]``; ZenML's ``["KeyError", "explanation"]``."""
    if (
        len(values) == 2
        and all(isinstance(v, str) for v in values)
        and values[0].isidentifier()
        and values[1]
    ):
        kind, message = values
        info.details = [ErrorDetail(message, type=kind, raw=values)]
        info.message = _text(f"{kind}: {message}")
        return
    items = detail_items(values)
    info.details = items
    info.message = _with_items(None, items)


def _from_json(body: Any, info: ErrorInfo, media: str, reason: str) -> None:
    if not isinstance(body, dict):
        if isinstance(body, list) and body and all(isinstance(v, dict) for v in body):
            info.details = detail_items(body)
            info.message = _with_items(None, info.details)
        else:
            info.message = _text(body)
        return
    error = body.get("error")
    errors = body.get("errors")
    if isinstance(error, dict):
        _error_object(error, info)
    elif _is_problem(body, media):
        _problem(body, info, reason)
    elif isinstance(errors, list) and errors:
        _error_list(body, errors, info)
    elif isinstance(error, str):  # OAuth {"error", "error_description"}; {"error", "message"}
        info.code = error
        info.message = _text(body.get("error_description") or body.get("message") or error)
        details = body.get("details")
        items = _items(details) if isinstance(details, list) else None
        info.details = items if items is not None else details
    elif "message" in body:
        details = body.get("details")
        items = _items(details) if isinstance(details, list) else _items(errors)
        info.details = items if items is not None else details
        info.message = _with_items(_text(body.get("message")), items or [])
        info.code = _code(body.get("code"))
    elif "detail" in body:  # {"detail": "..."}, a FastAPI validation list, ZenML's pair
        detail_value: Any = body["detail"]
        if isinstance(detail_value, list):
            _detail_list(detail_value, info)
        elif isinstance(detail_value, dict):
            info.message = _text(
                detail_value.get("message") or detail_value.get("msg") or detail_value
            )
            info.code = _code(detail_value.get("code") or detail_value.get("type"))
        else:
            info.message = _text(detail_value)
        info.code = info.code or _code(body.get("code"))
    else:
        info.message = _text(body.get("title"))
        info.code = _code(body.get("code"))
    meta = body.get("meta")
    if info.request_id is None and isinstance(meta, dict):
        info.request_id = _code(meta.get("requestId") or meta.get("request_id"))
    if info.request_id is None:
        info.request_id = _code(body.get("requestId") or body.get("request_id"))


def _strip_tags(text: str) -> str:
    """``<...>`` tags replaced by spaces, in one pass (an unclosed ``<`` ends the stripping)."""
    parts: list[str] = []
    start = 0
    while True:
        opening = text.find("<", start)
        closing = text.find(">", opening + 1) if opening >= 0 else -1
        if closing < 0:
            parts.append(text[start:])
            return " ".join(parts)
        parts.append(text[start:opening])
        start = closing + 1


def _title(text: str) -> str | None:
    """The content of the first complete ``<title>`` element (found with plain searches)."""
    lowered = text.lower()
    start = lowered.find("<title")
    opened = lowered.find(">", start) if start >= 0 else -1
    end = lowered.find("</title", opened) if opened >= 0 else -1
    return text[opened + 1 : end] if end >= 0 else None


def _from_text(text: str, info: ErrorInfo) -> None:
    """Linear in the first ``TEXT_PREFIX`` characters; nothing after them is looked at."""
    text = text[:TEXT_PREFIX]
    title = _title(text)
    if title is not None and title.strip():
        info.message = _text(_strip_tags(title))
        return
    info.message = _text(_strip_tags(text)[: _MAX_MESSAGE * 4])


def parse_error_body(response: httpx.Response) -> ErrorInfo:
    """Extract message, code, details and request id from an error response."""
    info = ErrorInfo()
    content = response.content
    if content:
        try:
            info.body = json.loads(content)
        except (ValueError, UnicodeDecodeError, RecursionError):  # deep nesting: the raw text
            try:
                info.body = response.text
            except (LookupError, UnicodeDecodeError):
                info.body = content.decode("utf-8", "replace")
            _from_text(info.body, info)
        else:
            media = response.headers.get("content-type", "").split(";")[0].strip().lower()
            _from_json(info.body, info, media, response.reason_phrase)
    if info.request_id is None:
        for header in _REQUEST_ID_HEADERS:
            value = response.headers.get(header)
            if value:
                info.request_id = value
                break
    return info
