"""The items of an error body (which field, what is wrong, what kind of problem) as typed values.

Recognised item shapes: FastAPI/pydantic ``{"loc", "msg", "type"}``, RFC 9457 ``errors`` /
``invalid-params`` (``pointer`` / ``name``, ``detail`` / ``reason``), JSON:API ``{"title", "detail",
"code", "source": {"pointer" | "parameter"}}``, GitHub-style ``{"field", "code", "message"}``,
Google-style ``{"message", "reason", "location"}``, plain strings, and ``{"field": ["message", ...]}``
maps. Never fails; linear in the number of items.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = ["ErrorDetail", "detail_items", "field_map_items", "summarize"]

_MESSAGE_KEYS = ("msg", "message", "detail", "title", "description", "reason", "issue")
_LOCATION_KEYS = ("loc", "location", "pointer", "path", "field", "parameter", "param", "name")
_TYPE_KEYS = ("type", "code", "kind")
_MAX_PART = 200
"""Characters of one message, location or type kept (a server could send anything)."""


@dataclass(frozen=True, slots=True)
class ErrorDetail:
    """One problem an error response lists (e.g. one field that failed validation)."""

    message: str
    """What is wrong, as the server said it."""
    location: tuple[str | int, ...] = ()
    """Where: FastAPI's ``loc`` (``("body", "name")``), a JSON pointer split into its parts, a
    field or parameter name; empty when the server did not say."""
    type: str | None = None
    """The kind of problem (``missing``, ``string_too_short``, an error code or type URI)."""
    raw: object = field(default=None, compare=False, repr=False)
    """The item exactly as the server sent it."""

    @property
    def path(self) -> str:
        """``location`` joined with dots (``body.name``); empty when there is none."""
        return ".".join(str(part) for part in self.location)

    def __str__(self) -> str:
        path = self.path
        return f"{path}: {self.message}" if path else self.message


def _short(value: object) -> str | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (str, int, float)):
        text = str(value)
    else:
        try:
            text = json.dumps(value, default=str)
        except (ValueError, TypeError, RecursionError):
            return None
    text = " ".join(text[: _MAX_PART * 4].split())
    return (text[: _MAX_PART - 1] + "…" if len(text) > _MAX_PART else text) or None


def _pointer(text: str) -> tuple[str | int, ...]:
    text = text.removeprefix("#")
    if not text.startswith("/"):
        return (text,) if text else ()
    parts = text[1:].split("/")[:32]
    return tuple(p.replace("~1", "/").replace("~0", "~")[:_MAX_PART] for p in parts)


def _location(value: object) -> tuple[str | int, ...]:
    if isinstance(value, str):
        return _pointer(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return (value,)
    if isinstance(value, list):
        out: list[str | int] = []
        for part in value[:32]:
            if isinstance(part, int) and not isinstance(part, bool):
                out.append(part)
            elif (text := _short(part)) is not None:
                out.append(text)
        return tuple(out)
    return ()


def _first(item: Mapping[str, object], keys: tuple[str, ...]) -> object:
    for key in keys:
        value = item.get(key)
        if value is not None and value != "" and value != []:
            return value
    return None


def _item(item: object) -> ErrorDetail | None:
    if isinstance(item, str):
        message = _short(item)
        return ErrorDetail(message, raw=item) if message else None
    if not isinstance(item, dict):
        return None
    source = item.get("source")
    where = _first(source, ("pointer", "parameter", "header")) if isinstance(source, dict) else None
    if where is None:
        where = _first(item, _LOCATION_KEYS)
    kind = _short(_first(item, _TYPE_KEYS))
    message = _short(_first(item, _MESSAGE_KEYS))
    if message is None:  # GitHub's {"resource", "field", "code"}: the code is all there is
        message = kind or _short(item) or ""
    return ErrorDetail(message, _location(where), kind, raw=item)


def detail_items(values: list[object]) -> list[ErrorDetail]:
    """The items of an error list; entries that are neither objects nor strings are skipped."""
    return [detail for value in values if (detail := _item(value)) is not None]


def field_map_items(values: Mapping[str, object]) -> list[ErrorDetail] | None:
    """``{"email": ["is required", ...], "name": "too long"}`` (Rails / Laravel style); ``None``
    when some value is neither a string nor a list of strings (then it is not such a map)."""
    out: list[ErrorDetail] = []
    for name, messages in values.items():
        listed = messages if isinstance(messages, list) else [messages]
        if not all(isinstance(message, str) for message in listed):
            return None
        for message in listed:
            text = _short(message)
            if text is not None:
                out.append(ErrorDetail(text, (str(name)[:_MAX_PART],), raw=message))
    return out or None


def summarize(items: list[ErrorDetail], limit: int) -> str:
    """The items as ``loc: message; loc: message (+N more)``, at most about ``limit`` characters."""
    parts: list[str] = []
    size = 0
    for detail in items:
        text = str(detail)
        if parts and size + len(text) > limit:
            break
        parts.append(text)
        size += len(text) + 2
    rest = len(items) - len(parts)
    return "; ".join(parts) + (f" (+{rest} more)" if rest else "")
