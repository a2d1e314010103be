"""Pagination a spec or the configuration declares: what it names is checked against the operation
(the parameter is in the request, the items are a typed list of the response, the next cursor or
URL is a field of it) before it is used; a declaration that does not fit says why."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ...ir import Operation, PageSource, PageStyle, Pagination, Schema, TypeRef
from ...ir.quick_init import quick_replace
from .body import Path, find_items, find_signals, is_typed, list_item, model_of
from .detect import first_page, resource_word
from .knobs import Knob, body_knobs, query_knobs

NEEDS_PARAM = frozenset(
    {PageStyle.PAGE_NUMBER, PageStyle.OFFSET, PageStyle.CURSOR, PageStyle.STARTING_AFTER}
)


@dataclass(frozen=True, slots=True)
class Declaration:
    """One operation's pagination as declared: names only, not yet checked."""

    style: PageStyle
    source: PageSource
    param: str = ""
    param_in: str = ""  # "" = wherever the operation has the parameter
    limit_param: str = ""
    items: Path | None = None  # None = the response's list
    next: Path | None = None
    has_more: Path | None = None
    total_items: Path | None = None
    total_pages: Path | None = None
    id_field: str = "id"


class Unfit(Exception):
    """A declaration that does not fit its operation (the message says what is wrong)."""


def build(
    op: Operation, body: TypeRef, schemas: Mapping[str, Schema], d: Declaration
) -> Pagination:
    """The pagination a declaration describes, checked against the operation; raises `Unfit`."""
    items = _items(body, schemas, d.items, op.path)
    param_in, param = _param(op, schemas, d.param, d.param_in, required=d.style in NEEDS_PARAM)
    limit = _named(op, schemas, d.limit_param, param_in) if d.limit_param else None
    if d.limit_param and limit is None:
        raise Unfit(f"the page-size parameter {d.limit_param!r} is not in the request")
    for what, path in (
        ("next", d.next),
        ("has_more", d.has_more),
        ("total_items", d.total_items),
        ("total_pages", d.total_pages),
    ):
        if path is not None and not has_field(body, schemas, path):
            raise Unfit(f"{what} {'.'.join(path)!r} is not a field of the response")
    if d.style is PageStyle.CURSOR and d.next is None:
        raise Unfit("a cursor style needs `next`: the response field holding the next cursor")
    if d.style is PageStyle.NEXT_LINK and d.next is None:
        raise Unfit("a next_link style needs `next`: the response field holding the next URL")
    signals = find_signals(body, schemas, skip=items)
    found = Pagination(
        d.style,
        items,
        page_param=param.name if param is not None else None,
        param_in=param_in,
        limit_param=limit.name if limit is not None else None,
        has_more_field=d.has_more or signals.has_more,
        total_pages_field=d.total_pages or signals.total_pages,
        total_items_field=d.total_items or signals.total_items,
        page_field=signals.page,
        limit_field=signals.limit,
        next_cursor=d.next if d.style is PageStyle.CURSOR else None,
        next_link=d.next if d.style is PageStyle.NEXT_LINK else None,
        id_field=d.id_field,
        source=d.source,
    )
    if d.style is PageStyle.PAGE_NUMBER:
        return quick_replace(found, start=first_page(param))
    if d.style is PageStyle.OFFSET:
        return quick_replace(found, start=(param.default or 0) if param is not None else 0)
    return found


def item_type(body: TypeRef, schemas: Mapping[str, Schema], items: Path) -> TypeRef | None:
    """The item type of the list at `items` (None: not a typed list)."""
    t: TypeRef | None = body
    for part in items:
        model = model_of(t, schemas) if t is not None else None
        t = next((f.type for f in model.fields if f.wire_name == part), None) if model else None
    item = list_item(t, schemas) if t is not None else None
    return item if item is not None and is_typed(item, schemas) else None


def has_field(body: TypeRef, schemas: Mapping[str, Schema], path: Path) -> bool:
    t: TypeRef | None = body
    for part in path:
        model = model_of(t, schemas) if t is not None else None
        if model is None:
            return False
        t = next((f.type for f in model.fields if f.wire_name == part), None)
    return t is not None


def _items(body: TypeRef, schemas: Mapping[str, Schema], items: Path | None, path: str) -> Path:
    if items is None:
        found = find_items(body, schemas, resource_word(path))
        if found is None:
            raise Unfit("the response has no typed list of items (name it with `items`)")
        return found.path
    if item_type(body, schemas, items) is None:
        raise Unfit(f"items {'.'.join(items) or '$'!r} is not a typed list in the response")
    return items


def _param(
    op: Operation, schemas: Mapping[str, Schema], name: str, where: str, *, required: bool
) -> tuple[str, Knob | None]:
    if not name:
        if required:
            raise Unfit("this style needs `param`: the request parameter that selects a page")
        return where or "query", None
    for place in (where,) if where else ("query", "body"):
        knob = _named(op, schemas, name, place)
        if knob is not None:
            return place, knob
    raise Unfit(f"the parameter {name!r} is not in the request's {where or 'query or JSON body'}")


def _named(op: Operation, schemas: Mapping[str, Schema], name: str, where: str) -> Knob | None:
    knobs = query_knobs(op, schemas) if where == "query" else body_knobs(op, schemas)
    return next((k for k in knobs if k.name == name), None)
