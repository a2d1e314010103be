"""Pagination styles: one strategy per `PageSpec.style` (`STRATEGIES`), each saying how to request
the page after a given one, or that there is none. A new style is one strategy class here plus the
generator's detection of it (`generator/shape/pagination/`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Protocol

import httpx

from ._models import get_field
from ._options import RequestOptions

if TYPE_CHECKING:
    from ._endpoint import FieldPath, PageSpec

__all__ = ["STRATEGIES", "PageStrategy", "as_int", "dig", "next_from_link_header"]


class PageView(Protocol):
    """What a strategy reads of a page (`_pagination._BasePage`)."""

    _spec: PageSpec
    items: list[Any]
    page_number: int
    http_response: httpx.Response | None

    def _field(self, path: FieldPath | None) -> Any: ...

    def _flag(self) -> bool | None: ...

    def _limit(self) -> int | None: ...

    def _requested(self, name: str | None) -> Any: ...

    def _with_param(self, name: str, value: object) -> RequestOptions: ...

    def _follow(self, link: str) -> RequestOptions | None: ...


def as_int(value: object) -> int | None:
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


def dig(obj: Any, path: FieldPath | None) -> Any:
    """The field at ``path`` (a wire name, or a tuple of them; ``""`` is ``obj`` itself)."""
    if path is None:
        return None
    for part in (path,) if isinstance(path, str) else path:
        if part == "":
            continue
        obj = get_field(obj, part)
        if obj is None:
            return None
    return obj


def next_from_link_header(values: list[str]) -> str | None:
    """The target of the ``rel="next"`` link of RFC 8288 ``Link`` header values (None if none).
    A linear scan: the header is untrusted input."""
    for value in values:
        at, end = 0, len(value)
        while at < end:
            start = value.find("<", at)
            close = value.find(">", start + 1) if start >= 0 else -1
            if close < 0:
                break
            stop, quoted = close + 1, False
            while stop < end and (quoted or value[stop] != ","):
                quoted = quoted != (value[stop] == '"')
                stop += 1
            for param in value[close + 1 : stop].split(";")[1:]:
                name, _, rel = param.partition("=")
                if (
                    name.strip().lower() == "rel"
                    and "next" in rel.strip().strip('"').lower().split()
                ):
                    return value[start + 1 : close].strip()
            at = stop + 1
    return None


class PageStrategy(Protocol):
    """One pagination style: the request for the page after ``page``, or None at the end."""

    empty_pages: ClassVar[bool]
    """Whether an empty page may be followed by more (a cursor or a link still says so)."""

    def next_options(self, page: PageView) -> RequestOptions | None: ...


class PageNumber:
    """``page=N`` → ``N+1``: the server's has-more flag, else its total pages or items, else whether
    the page is full (no totals, no page size: until an empty page)."""

    empty_pages: ClassVar[bool] = False

    def next_options(self, page: PageView) -> RequestOptions | None:
        spec = page._spec
        if spec.page_param is None:
            return None
        current = as_int(page._field(spec.page_field))
        current = current if current is not None else page.page_number
        flag = page._flag()
        if flag is False:
            return None
        if flag is None:
            done = current - spec.start + 1  # pages so far
            total_pages = as_int(page._field(spec.total_pages_field))
            total_items = as_int(page._field(spec.total_items_field))
            limit = page._limit()
            if total_pages is not None:
                if done >= total_pages:
                    return None
            elif total_items is not None and limit:
                if done * limit >= total_items:
                    return None
            elif limit is not None and len(page.items) < limit:
                return None
        return page._with_param(spec.page_param, current + 1)


class Offset:
    """``offset=N`` → ``N`` + the items received: the has-more flag, else the total, else whether
    the page is full."""

    empty_pages: ClassVar[bool] = False

    def next_options(self, page: PageView) -> RequestOptions | None:
        spec = page._spec
        if spec.page_param is None:
            return None
        offset = as_int(page._requested(spec.page_param))
        position = (offset if offset is not None else spec.start) + len(page.items)
        flag = page._flag()
        if flag is False:
            return None
        if flag is None:
            total = as_int(page._field(spec.total_items_field))
            limit = page._limit()
            if total is not None:
                if position >= total:
                    return None
            elif limit is not None and len(page.items) < limit:
                return None
        return page._with_param(spec.page_param, position)


class Cursor:
    """The body's next cursor (``next_cursor``, ``nextPageToken``, ``response_metadata.next_cursor``)
    sent back in ``page_param``; no cursor, an empty one or a false has-more flag ends it."""

    empty_pages: ClassVar[bool] = True

    def next_options(self, page: PageView) -> RequestOptions | None:
        spec = page._spec
        cursor = page._field(spec.next_cursor)
        if spec.page_param is None or isinstance(cursor, bool) or cursor in (None, ""):
            return None
        if not isinstance(cursor, (str, int)) or page._flag() is False:
            return None
        return page._with_param(spec.page_param, cursor)


class StartingAfter:
    """Stripe's ``starting_after`` = the last item's id while ``has_more`` (``ending_before`` = the
    first item's id when the first request paged backwards)."""

    empty_pages: ClassVar[bool] = False

    def next_options(self, page: PageView) -> RequestOptions | None:
        spec = page._spec
        flag = page._flag()
        if spec.page_param is None or flag is False:
            return None
        limit = page._limit()
        if flag is None and limit is not None and len(page.items) < limit:
            return None
        backwards = spec.before_param is not None and page._requested(spec.before_param)
        item = page.items[0] if backwards else page.items[-1]
        cursor = get_field(item, spec.id_field)
        if not isinstance(cursor, (str, int)) or isinstance(cursor, bool) or cursor == "":
            return None
        if backwards:
            assert spec.before_param is not None
            return page._with_param(spec.before_param, cursor)
        return page._with_param(spec.page_param, cursor)


class NextLink:
    """A next-page URL in the body (``next``, ``meta.next_page_url``, ``_links.next.href``,
    ``nextLink``, JSON:API ``links.next``): a link means another page, none the end. A body without
    the object that holds the link pages by number (JSON:API servers that send no links)."""

    empty_pages: ClassVar[bool] = True

    def next_options(self, page: PageView) -> RequestOptions | None:
        spec = page._spec
        path = spec.next_link
        if path is None:
            return None
        parts = (path,) if isinstance(path, str) else path
        if len(parts) > 1 and page._field(parts[:-1]) is None:
            return PageNumber().next_options(page) if page.items else None
        link = page._field(path)
        if not isinstance(link, str) or not link:
            return None
        return page._follow(link)


class LinkHeader:
    """The RFC 8288 ``Link`` response header's ``rel="next"`` (GitHub): a link means another page,
    none the end."""

    empty_pages: ClassVar[bool] = True

    def next_options(self, page: PageView) -> RequestOptions | None:
        response = page.http_response
        if response is None:
            return None
        link = next_from_link_header(response.headers.get_list("link"))
        return page._follow(link) if link else None


STRATEGIES: dict[str, PageStrategy] = {
    "page_number": PageNumber(),
    "offset": Offset(),
    "cursor": Cursor(),
    "starting_after": StartingAfter(),
    "next_link": NextLink(),
    "link_header": LinkHeader(),
}
"""Every pagination style a `PageSpec` may name."""
