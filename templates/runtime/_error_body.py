"""Understand the error bodies APIs commonly send (never fails, whatever the body is)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import httpx

__all__ = ["ErrorInfo", "parse_error_body"]

_MAX_MESSAGE = 500
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_TAGS = re.compile(r"<[^>]+>")
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
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    text = _SPACE.sub(" ", text).strip()
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


def _from_text(text: str, info: ErrorInfo) -> None:
    match = _TITLE.search(text)
    if match:
        info.message = _text(_TAGS.sub(" ", match.group(1)))
        return
    if "<" in text and ">" in text:
        text = _TAGS.sub(" ", text)
    info.message = _text(text[: _MAX_MESSAGE * 4])


def parse_error_body(response: httpx.Response) -> ErrorInfo:
    """Extract message, code, details and request id from an error response."""
    info = ErrorInfo()
    content = response.content
    if content:
        try:
            info.body = json.loads(content)
        except (ValueError, UnicodeDecodeError):
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
