"""What each operation returns: media kind, envelope unwrapping and pagination, decided from the IR."""

from __future__ import annotations

from dataclasses import replace

from ..config import TargetConfig
from ..ir import (
    Kind,
    ListOf,
    Location,
    MediaType,
    Model,
    ModelRef,
    Operation,
    Pagination,
    Primitive,
    Result,
    ResultKind,
    Schema,
    TypeRef,
    walk_refs,
)

_TEXT_TYPES = ("text/plain", "text/html", "application/xml", "text/xml")
JSONAPI_MEDIA = "application/vnd.api+json"
_JSONAPI_TOP = ("included", "links", "meta", "jsonapi")


def with_results(op: Operation, schemas: dict[str, Schema], config: TargetConfig) -> Operation:
    success = [r for r in op.responses if r.status.startswith("2")]
    results = tuple(_result(op, r.status, r.media, schemas, config) for r in success)
    if not results:
        results = (Result("204", ResultKind.EMPTY, None),)
    return replace(op, results=results)


def media_kind(media_type: str) -> ResultKind:
    base = media_type.split(";")[0].strip().lower()
    if base in ("application/json", "*/*", "application/*") or base.endswith("+json"):
        return ResultKind.JSON
    if (
        base.startswith("text/")
        and base != "text/csv"
        or base in _TEXT_TYPES
        or base.endswith("+xml")
    ):
        return ResultKind.TEXT
    return ResultKind.BINARY


def error_bodies(op: Operation) -> tuple[tuple[str, TypeRef], ...]:
    """The declared error responses (any non-2xx status, range or `default`) whose JSON body names a
    schema, as (status, body type): the client parses such an error body into that schema's class.
    The first JSON media type of a response is taken."""
    out = []
    for r in op.responses:
        if r.is_success:
            continue
        media = next((m for m in r.media if media_kind(m.media_type) is ResultKind.JSON), None)
        if media is not None and walk_refs(media.type):
            out.append((r.status, media.type))
    return tuple(out)


def accept_media(op: Operation) -> tuple[str, ...]:
    """The media types to send as `Accept`: each success response's declared types of the kind the
    client reads it as (so an operation offering JSON and XML asks for JSON only), then the declared
    JSON error types not already named (`application/problem+json`). Empty when nothing is declared."""
    kinds = {r.status: r.kind for r in op.results}
    out: list[str] = []
    for r in op.responses:
        for m in r.media:
            kind = media_kind(m.media_type)
            wanted = kind is kinds.get(r.status) if r.is_success else kind is ResultKind.JSON
            if r.is_success and kinds.get(r.status) is ResultKind.BINARY:
                wanted = kind is not ResultKind.JSON or _is_wildcard(m.media_type)
            media = m.media_type.strip()
            if wanted and media and media not in out:
                out.append(media)
    return tuple(out)


def _result(
    op: Operation,
    status: str,
    media: tuple[MediaType, ...],
    schemas: dict[str, Schema],
    config: TargetConfig,
) -> Result:
    if not media:
        return Result(status, ResultKind.EMPTY, None)
    chosen = min(media, key=lambda m: list(ResultKind).index(media_kind(m.media_type)))
    kind = media_kind(chosen.media_type)
    if kind is ResultKind.JSON and _is_wildcard(chosen.media_type) and _is_binary(chosen.type):
        kind = (
            ResultKind.BINARY
        )  # `*/*` with a `format: binary` schema: a download, not a JSON string
    if kind is not ResultKind.JSON:
        return Result(status, kind, None, media_type=chosen.media_type)
    body = chosen.type
    jsonapi = is_jsonapi_media(chosen.media_type) or config.jsonapi
    unwrap, returns = _unwrap(body, schemas, config, jsonapi)
    if jsonapi:
        pagination, item = _jsonapi_pagination(op, returns, body, schemas)
    else:
        pagination, item = _pagination(op, returns, body, schemas, config)
    return Result(status, kind, body, unwrap, returns, pagination, item, chosen.media_type, jsonapi)


def _is_wildcard(media_type: str) -> bool:
    return media_type.split(";")[0].strip().lower() in ("*/*", "application/*")


def _is_binary(t: TypeRef) -> bool:
    return isinstance(t, Primitive) and t.kind is Kind.BINARY


def is_jsonapi_media(media_type: str) -> bool:
    return media_type.split(";")[0].strip().lower() == JSONAPI_MEDIA


def _unwrap(
    body: TypeRef, schemas: dict[str, Schema], config: TargetConfig, jsonapi: bool
) -> tuple[str | None, TypeRef]:
    field = "data" if jsonapi else config.envelope_field
    model = _model(body, schemas)
    if not field or model is None or body.nullable:
        return None, body
    names = {f.wire_name for f in model.fields}
    allowed = {field, *(_JSONAPI_TOP if jsonapi else config.envelope_meta)}
    if field in names and names <= allowed:
        data = next(f for f in model.fields if f.wire_name == field)
        return field, data.type
    return None, body


def _pagination(
    op: Operation, returns: TypeRef, body: TypeRef, schemas: dict[str, Schema], config: TargetConfig
) -> tuple[Pagination | None, TypeRef | None]:
    cfg = config.pagination
    if op.id in cfg.exclude or not isinstance(returns, ListOf):
        return None, None
    query = {p.wire_name for p in op.parameters if p.location is Location.QUERY}
    model = _model(body, schemas)
    has_object = model is not None and any(
        f.wire_name == cfg.pagination_field for f in model.fields
    )
    if cfg.page_param in query and (has_object or op.id in cfg.include):
        limit = cfg.limit_param if cfg.limit_param in query else None
        return Pagination(
            cfg.page_param, limit, config.envelope_field, cfg.pagination_field
        ), returns.item
    return None, None


def _jsonapi_pagination(
    op: Operation, returns: TypeRef, body: TypeRef, schemas: dict[str, Schema]
) -> tuple[Pagination | None, TypeRef | None]:
    """A JSON:API collection with a page parameter: `page` / `page[number]`, `page[size]`, `links.next`."""
    if not isinstance(returns, ListOf):
        return None, None
    query = [p.wire_name for p in op.parameters if p.location is Location.QUERY]
    page = next((n for n in ("page[number]", "page", "page[offset]") if n in query), None)
    if page is None:
        return None, None
    size = next((n for n in ("page[size]", "page[limit]", "limit") if n in query), None)
    model = _model(body, schemas)
    links = (
        "links.next"
        if model is not None and any(f.wire_name == "links" for f in model.fields)
        else None
    )
    return Pagination(
        page, size, "data", "meta", next_link=links, attach_document=True
    ), returns.item


def _model(t: TypeRef, schemas: dict[str, Schema]) -> Model | None:
    if isinstance(t, ModelRef):
        schema = schemas.get(t.id)
        if isinstance(schema, Model):
            return schema
    return None
