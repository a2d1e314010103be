"""What a media type is, decided once in parse (`parse/media.py`) and read everywhere else."""

from __future__ import annotations

import enum


class MediaKind(enum.Enum):
    JSON = "json"  # application/json and every `+json` type but JSON:API's
    JSONAPI = "jsonapi"  # application/vnd.api+json
    ANY = "any"  # `*/*`, `application/*`: JSON unless the schema says bytes
    MULTIPART = "multipart"  # multipart/form-data
    FORM = "form"  # application/x-www-form-urlencoded
    EVENT_STREAM = "event_stream"  # text/event-stream: server-sent events
    TEXT = "text"  # text/* (but CSV), XML
    BINARY = "binary"  # everything else: bytes

    @property
    def is_json(self) -> bool:
        return self in (MediaKind.JSON, MediaKind.JSONAPI, MediaKind.ANY)
