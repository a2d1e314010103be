"""Understand the error bodies APIs commonly send (never fails, whatever the body is).

The body was read up to ``MAX_ERROR_BODY_BYTES``; JSON too deeply nested for ``json`` is kept as
text, and text is only looked at in its first ``TEXT_PREFIX`` characters, in linear time.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import httpx

__all__ = ["ErrorInfo", "parse_error_body"]

_MAX_MESSAGE = 500
TEXT_PREFIX = 64 * 1024
"""Characters of a non-JSON error body (an HTML page, plain text) looked at for the message."""
_SPACE = re.compile(r"\s+")
_REQUEST_ID_HEADERS = ("x-request-id", "request-id", "x-amzn-requestid", "x-correlation-id")


@dataclass(slots=True)
class ErrorInfo:
    message: str | None = None
    code: str | None = None
    details: object = None
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
    text = _SPACE.sub(" ", text[: _MAX_MESSAGE * 4]).strip()
    if len(text) > _MAX_MESSAGE:
        text = text[: _MAX_MESSAGE - 1] + "…"
    return text or None


def _code(value: object) -> str | None:
    if value is None or isinstance(value, (dict, list)):
        return None
    return str(value)


def _from_json(body: Any, info: ErrorInfo) -> None:
    if not isinstance(body, dict):
        info.message = _text(body)
        return
    error = body.get("error")
    errors = body.get("errors")
    if isinstance(error, dict):  # {"error": {"code", "message", "details"}, "meta": {...}}
        info.code = _code(error.get("code") or error.get("type"))
        info.message = _text(error.get("message") or error.get("detail"))
        info.details = error.get("details")
        info.request_id = _code(error.get("requestId") or error.get("request_id"))
    elif isinstance(errors, list) and errors:  # JSON:API
        first = errors[0] if isinstance(errors[0], dict) else {"detail": errors[0]}
        info.code = _code(first.get("code"))
        title, detail = first.get("title"), first.get("detail")
        if title and detail and title != detail:
            info.message = _text(f"{title}: {detail}")
        else:
            info.message = _text(detail or title or first.get("message"))
        if len(errors) > 1:
            info.message = f"{info.message} (+{len(errors) - 1} more)"
        info.details = errors
    elif isinstance(error, str):  # OAuth style {"error": "...", "error_description": "..."}
        info.code = error
        info.message = _text(body.get("error_description") or body.get("message") or error)
        info.details = body.get("details")
    elif "message" in body:
        info.message = _text(body.get("message"))
        info.code = _code(body.get("code"))
        info.details = body.get("details")
    elif "detail" in body:  # {"detail": "..."} or a FastAPI validation list
        detail_value: Any = body["detail"]
        if isinstance(detail_value, list):
            info.details = detail_value
            head = detail_value[0] if detail_value else None
            info.message = _text(head.get("msg") if isinstance(head, dict) else head)
        else:
            info.message = _text(detail_value)
        info.code = _code(body.get("code"))
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
            _from_json(info.body, info)
    if info.request_id is None:
        for header in _REQUEST_ID_HEADERS:
            value = response.headers.get(header)
            if value:
                info.request_id = value
                break
    return info
