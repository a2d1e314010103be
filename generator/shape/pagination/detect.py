"""Detection from the spec alone, precision first: an operation pages only when a request knob and a
response signal agree and its items are a typed list. The styles are tried in the order of how
directly the spec says where the next page is: a `Link` header, a next URL in the body, a next
cursor, Stripe's `starting_after`, an offset, a page number."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ...ir import Operation, PageStyle, Pagination, Schema, TypeRef, UnionOf
from ...ir.quick_init import quick_replace
from .body import Bodies, Items, Path, Signals, model_of, norm, resolve
from .knobs import ENDING_BEFORE, STARTING_AFTER, Knob, Knobs, knobs_of


@dataclass(frozen=True, slots=True)
class Names:
    """Names the target's configuration adds to the known ones."""

    page_param: str = "page"
    limit_param: str = "limit"
    pagination_field: str = "pagination"


def detect(
    op: Operation,
    body: TypeRef,
    schemas: Mapping[str, Schema],
    names: Names = Names(),
    bodies: Bodies | None = None,
) -> Pagination | None:
    """`bodies`: the answers about response bodies so far (`body.Bodies` over `schemas`)."""
    bodies = Bodies(schemas) if bodies is None else bodies
    items = bodies.items(body, resource_word(op.path))
    if items is None:
        return None
    knobs = knobs_of(op, schemas)
    signals = bodies.signals(body, skip=items.path)
    limit = knobs.limit(names.limit_param)
    base = Pagination(
        PageStyle.PAGE_NUMBER,
        items.path,
        param_in=knobs.where,
        limit_param=limit.name if limit is not None else None,
        pagination_field=_holder(body, schemas, signals, names.pagination_field),
        has_more_field=signals.has_more,
        total_pages_field=signals.total_pages,
        total_items_field=signals.total_items,
        page_field=signals.page,
        limit_field=signals.limit,
    )
    get = op.method == "get"
    page = knobs.page(names.page_param)
    if get and knobs.where == "query" and _declares_link_header(op) and knobs.any_paging():
        return quick_replace(
            base,
            style=PageStyle.LINK_HEADER,
            page_param=page.name if page is not None else None,
            start=first_page(page),
        )
    if get and signals.next_link is not None and knobs.any_paging():
        return quick_replace(base, style=PageStyle.NEXT_LINK, next_link=signals.next_link)
    cursor = _cursor(knobs, signals)
    if cursor is not None:
        return quick_replace(
            base, style=PageStyle.CURSOR, page_param=cursor[0].name, next_cursor=cursor[1]
        )
    after = knobs.named(frozenset({STARTING_AFTER}))
    if after is not None and signals.has_more is not None and _has_ids(items, schemas):
        before = knobs.named(frozenset({ENDING_BEFORE}))
        return quick_replace(
            base,
            style=PageStyle.STARTING_AFTER,
            page_param=after.name,
            before_param=before.name if before is not None else None,
        )
    offset = knobs.offset()
    if offset is not None and (limit or signals.total_items or signals.has_more):
        return quick_replace(
            base, style=PageStyle.OFFSET, page_param=offset.name, start=offset.default or 0
        )
    numeric = signals.total_pages or signals.total_items or signals.has_more or signals.page
    if page is not None and (page.numeric or numeric) and (limit or numeric):
        return quick_replace(base, page_param=page.name, start=first_page(page))
    return None


def resource_word(path: str) -> str:
    """The path's last literal segment (`/v1/Workspaces/{sid}/Workers` → `Workers`)."""
    words = [s for s in path.split("/") if s and not s.startswith("{")]
    return words[-1] if words else ""


def _declares_link_header(op: Operation) -> bool:
    return any(
        r.is_success and any(h.wire_name.lower() == "link" for h in r.headers) for r in op.responses
    )


def _holder(
    body: TypeRef, schemas: Mapping[str, Schema], signals: Signals, configured: str
) -> Path | None:
    """The object holding the page counters, exposed as `page.pagination` (the configured
    `pagination_field` when the body has it)."""
    model = model_of(body, schemas)
    if model is None:
        return None
    if configured and any(f.wire_name == configured for f in model.fields):
        return (configured,)
    parents = {p[:-1] for p in signals.counters if len(p) > 1}
    return parents.pop() if len(parents) == 1 else None


def _cursor(knobs: Knobs, signals: Signals) -> tuple[Knob, Path] | None:
    """The next cursor and the knob it is sent back in: the knob of the same name, or of the name
    less `next` (`next_cursor` → `cursor`, `nextPageToken` → `pageToken`), or the one cursor knob."""
    path = signals.next_cursor
    if path is None and signals.has_more is not None:
        path = signals.weak_cursor
    if path is None:
        return None
    name = norm(path[-1])
    bare = name.removeprefix("next")
    for knob in knobs.all:
        if norm(knob.name) in (name, bare, "after" if name == "endcursor" else name):
            return knob, path
    cursors = knobs.cursors()
    return (cursors[0], path) if len(cursors) == 1 else None


def _has_ids(items: Items, schemas: Mapping[str, Schema]) -> bool:
    """Every item has an `id` (the next page starts after the last one's)."""
    item = resolve(items.item, schemas)
    variants = item.variants if isinstance(item, UnionOf) else (item,)
    for variant in variants:
        model = model_of(variant, schemas)
        if model is None or not any(f.wire_name == "id" for f in model.fields):
            return False
    return True


def first_page(page: Knob | None) -> int:
    """The first page's number: the parameter's default, else 0 for an index, else 1."""
    if page is None:
        return 1
    if page.default is not None:
        return page.default
    key = norm(page.name)
    return 0 if "index" in key or "idx" in key else 1
