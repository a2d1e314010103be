"""Which list operations paginate, and how: decided here from the response schema and the
configuration, written into the IR (`Result.pagination`) and from there into the generated code."""

from __future__ import annotations

from ..ir import ListOf, Location, Operation, Pagination, Schema, TypeRef
from .envelopes import model_of


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
        return Pagination(page_param, limit, items_field, pagination_field), returns.item
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
    return Pagination(
        page, size, "data", "meta", next_link=links, attach_document=True
    ), returns.item
