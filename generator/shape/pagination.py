"""Which list operations paginate, and how: decided here from the response schema and the
configuration, written into the IR (`Result.pagination`) and from there into the generated code
(`PageSpec`), so the runtime never guesses a field name.

Each style is a detection function here (`page_number`, `jsonapi_pages`) and a strategy class in the
runtime (`templates/runtime/core/_pagination.py` `STRATEGIES`); a new style adds one of each and a
`PageStyle` member."""

from __future__ import annotations

from dataclasses import replace

from ..ir import ListOf, Location, Operation, PageStyle, Pagination, Schema, TypeRef
from .envelopes import model_of

# Field names of a pagination object, by what they mean (the first the schema has is used).
HAS_MORE = ("hasMore", "has_more", "hasNextPage", "has_next_page", "hasNext", "has_next")
TOTAL_PAGES = ("totalPages", "total_pages", "pageCount", "page_count")
PAGE = ("page", "currentPage", "current_page", "pageNumber", "page_number")
LIMIT = ("limit", "pageSize", "page_size", "perPage", "per_page")


def with_page_fields(
    pagination: Pagination, body: TypeRef, schemas: dict[str, Schema]
) -> Pagination:
    """The fields of the body's pagination object the runtime reads, from its schema."""
    outer = model_of(body, schemas)
    holder = (
        next((f for f in outer.fields if f.wire_name == pagination.pagination_field), None)
        if outer is not None
        else None
    )
    model = model_of(holder.type, schemas) if holder is not None else None
    if model is None:
        return pagination
    names = [f.wire_name for f in model.fields]

    def first(candidates: tuple[str, ...]) -> str | None:
        return next((n for n in candidates if n in names), None)

    return replace(
        pagination,
        has_more_field=first(HAS_MORE),
        total_pages_field=first(TOTAL_PAGES),
        page_field=first(PAGE),
        limit_field=first(LIMIT),
    )


def page_number(
    op: Operation,
    returns: TypeRef,
    body: TypeRef,
    schemas: dict[str, Schema],
    *,
    page_param: str,
    limit_param: str,
    items_field: str,
    pagination_field: str,
    include: bool,
) -> tuple[Pagination | None, TypeRef | None]:
    """`?page=N` with a pagination object beside the items (or configured as paginated)."""
    if not isinstance(returns, ListOf):
        return None, None
    query = {p.wire_name for p in op.parameters if p.location is Location.QUERY}
    model = model_of(body, schemas)
    has_object = model is not None and any(f.wire_name == pagination_field for f in model.fields)
    if page_param in query and (has_object or include):
        limit = limit_param if limit_param in query else None
        found = Pagination(page_param, limit, items_field, pagination_field)
        return with_page_fields(found, body, schemas), returns.item
    return None, None


def jsonapi_pages(
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
    model = model_of(body, schemas)
    links = (
        "links.next"
        if model is not None and any(f.wire_name == "links" for f in model.fields)
        else None
    )
    style = PageStyle.NEXT_LINK if links else PageStyle.PAGE_NUMBER
    found = Pagination(page, size, "data", "meta", links, attach_document=True, style=style)
    return with_page_fields(found, body, schemas), returns.item
