"""What each operation returns, from the spec alone: the result kind of each success response.

Envelope unwrapping and pagination depend on the target's configuration: the shape stage decides them
(`generator/shape/`); here `returns` is the whole body."""

from __future__ import annotations

from dataclasses import replace

from ..ir import (
    AnyType,
    Kind,
    MediaKind,
    MediaType,
    Operation,
    Primitive,
    Result,
    ResultKind,
    TypeRef,
)

_RESULT_KIND = {
    MediaKind.JSON: ResultKind.JSON,
    MediaKind.JSONAPI: ResultKind.JSON,
    MediaKind.ANY: ResultKind.JSON,
    MediaKind.TEXT: ResultKind.TEXT,
    MediaKind.EVENT_STREAM: ResultKind.EVENTS,
}
_PREFERENCE = list(ResultKind)  # JSON first, then an event stream, bytes, text


def with_results(op: Operation) -> Operation:
    success = [r for r in op.responses if r.status.startswith("2")]
    results = tuple(_result(r.status, r.media) for r in success)
    if not results:
        results = (Result("204", ResultKind.EMPTY, None),)
    return replace(op, results=results)


def result_kind(media: MediaType) -> ResultKind:
    return _RESULT_KIND.get(media.kind, ResultKind.BINARY)


def _result(status: str, media: tuple[MediaType, ...]) -> Result:
    if not media:
        return Result(status, ResultKind.EMPTY, None)
    chosen = min(media, key=lambda m: _PREFERENCE.index(result_kind(m)))
    kind = result_kind(chosen)
    if chosen.kind is MediaKind.ANY and _is_binary(chosen.type):
        kind = (
            ResultKind.BINARY
        )  # `*/*` with a `format: binary` schema: a download, not a JSON string
    if kind is ResultKind.EVENTS:
        data = _event_data(chosen.type)
        return Result(status, kind, data, None, data, media_type=chosen.media_type)
    if kind is not ResultKind.JSON:
        return Result(status, kind, None, media_type=chosen.media_type)
    body = chosen.type
    jsonapi = chosen.kind is MediaKind.JSONAPI
    return Result(status, kind, body, None, body, media_type=chosen.media_type, jsonapi=jsonapi)


def _event_data(t: TypeRef) -> TypeRef:
    """The type of one server-sent event's data: the media type's schema (JSON data), or text
    when there is none or it is a string or bytes."""
    if isinstance(t, AnyType) or (isinstance(t, Primitive) and t.kind not in _JSON_SCALARS):
        return Primitive(Kind.STRING)
    return t


_JSON_SCALARS = frozenset({Kind.INTEGER, Kind.NUMBER, Kind.BOOLEAN})


def _is_binary(t: TypeRef) -> bool:
    return isinstance(t, Primitive) and t.kind is Kind.BINARY
