"""What each operation returns, from the spec alone: the result kind of each success response.

Envelope unwrapping and pagination depend on the target's configuration: the shape stage decides them
(`generator/shape/`); here `returns` is the whole body."""

from __future__ import annotations

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
    walk_refs,
)
from ..ir.quick_init import quick_replace

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
    return quick_replace(op, results=results)


def result_kind(media: MediaType) -> ResultKind:
    return _RESULT_KIND.get(media.kind, ResultKind.BINARY)


def error_bodies(op: Operation) -> tuple[tuple[str, TypeRef], ...]:
    """The declared error responses (any non-2xx status, range or `default`) whose JSON body names a
    shared schema, as (status, body type): the client parses such an error body into that schema's
    class. The first JSON media type of a response is taken.

    Only schemas defined outside the operation (`components`) count: an error schema written inline
    in every operation (a vendor's `{error: {code, message}}` repeated per status) would mint a class
    per place, thousands for one spec, for bodies the runtime already reads by shape (`err.details`,
    `str(err)`); such bodies stay JSON on `err.body`."""
    out = []
    for r in op.responses:
        if r.is_success:
            continue
        media = next((m for m in r.media if result_kind(m) is ResultKind.JSON), None)
        refs = walk_refs(media.type) if media is not None else []
        if media is not None and refs and not any(_inline(ref) for ref in refs):
            out.append((r.status, media.type))
    return tuple(out)


def _inline(schema_id: str) -> bool:
    """Whether a schema id points into an operation or webhook (written in place, not shared)."""
    return schema_id.startswith(("/paths/", "/webhooks/"))


def accept_media(op: Operation) -> tuple[str, ...]:
    """The media types to send as `Accept`: each success response's declared types of the kind the
    client reads it as (so an operation offering JSON and XML asks for JSON only), then the declared
    JSON error types not already named (`application/problem+json`). Empty when nothing is declared."""
    kinds = {r.status: r.kind for r in op.results}
    out: list[str] = []
    for r in op.responses:
        for m in r.media:
            kind = result_kind(m)
            wanted = kind is kinds.get(r.status) if r.is_success else kind is ResultKind.JSON
            if r.is_success and kinds.get(r.status) is ResultKind.BINARY:
                wanted = kind is not ResultKind.JSON or m.kind is MediaKind.ANY
            media = m.media_type.strip()
            if wanted and media and media not in out:
                out.append(media)
    return tuple(out)


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
