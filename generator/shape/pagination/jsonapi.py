"""JSON:API collections (the JSON:API feature's results): `page[number]`/`page[size]` or `page`,
`links.next`, the counters of `meta`."""

from __future__ import annotations

from collections.abc import Mapping

from ...ir import ListOf, Location, Operation, PageSource, PageStyle, Pagination, Schema, TypeRef
from .body import find_signals, model_of


def jsonapi_pages(
    op: Operation, returns: TypeRef, body: TypeRef, schemas: Mapping[str, Schema]
) -> tuple[Pagination | None, TypeRef | None]:
    """A JSON:API collection with a page parameter: `page` / `page[number]`, `page[size]`, `links.next`."""
    if not isinstance(returns, ListOf):
        return None, None
    query = [p.wire_name for p in op.parameters if p.location is Location.QUERY]
    page = next((n for n in ("page[number]", "page", "page[offset]") if n in query), None)
    if page is None:
        return None, None
    size = next((n for n in ("page[size]", "page[limit]", "limit") if n in query), None)
    model = model_of(body, schemas)
    fields = {f.wire_name for f in model.fields} if model is not None else set()
    signals = find_signals(body, schemas, skip=("data",))

    def in_meta(path: tuple[str, ...] | None) -> tuple[str, ...] | None:
        return path if path is not None and path[:1] == ("meta",) else None

    found = Pagination(
        PageStyle.NEXT_LINK if "links" in fields else PageStyle.PAGE_NUMBER,
        ("data",),
        page_param=page,
        limit_param=size,
        pagination_field=("meta",),
        has_more_field=in_meta(signals.has_more),
        total_pages_field=in_meta(signals.total_pages),
        total_items_field=in_meta(signals.total_items),
        page_field=in_meta(signals.page),
        limit_field=in_meta(signals.limit),
        next_link=("links", "next") if "links" in fields else None,
        attach_document=True,
        source=PageSource.JSONAPI,
    )
    return found, returns.item
