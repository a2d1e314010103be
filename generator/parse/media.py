"""Media types → `MediaKind`: the one place a media type string is read for what it means."""

from __future__ import annotations

from functools import lru_cache

from ..ir import MediaKind

JSONAPI_MEDIA = "application/vnd.api+json"
EVENT_STREAM_MEDIA = "text/event-stream"
_TEXT_TYPES = ("text/plain", "text/html", "application/xml", "text/xml")


@lru_cache(maxsize=4096)
def media_kind(media_type: str) -> MediaKind:
    base = media_type.split(";")[0].strip().lower()
    if base == JSONAPI_MEDIA:
        return MediaKind.JSONAPI
    if base in ("*/*", "application/*"):
        return MediaKind.ANY
    if base == "application/json" or base.endswith("+json"):
        return MediaKind.JSON
    if base == "multipart/form-data":
        return MediaKind.MULTIPART
    if base == "application/x-www-form-urlencoded":
        return MediaKind.FORM
    if base == EVENT_STREAM_MEDIA:
        return MediaKind.EVENT_STREAM
    if (
        (base.startswith("text/") and base != "text/csv")
        or base in _TEXT_TYPES
        or base.endswith("+xml")
    ):
        return MediaKind.TEXT
    return MediaKind.BINARY
