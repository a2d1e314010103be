"""Page-number pagination: lazily iterate every item across pages, with loop guards."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar
from urllib.parse import parse_qs, urlsplit

import httpx
import pydantic_core

from ._logs import logger
from ._models import attach, get_field
from ._options import RequestOptions

if TYPE_CHECKING:
    from ._endpoint import Endpoint

__all__ = ["AsyncPage", "PageSpec", "SyncPage"]

T = TypeVar("T")

_HAS_MORE_FIELDS = ("hasMore", "has_more", "hasNextPage", "has_next_page", "hasNext")
_LIMIT_FIELDS = ("limit", "pageSize", "page_size", "perPage", "per_page")


@dataclass(frozen=True, slots=True)
class PageSpec:
    """Where the page number goes and where items / pagination info are in the body."""

    page_param: str = "page"
    limit_param: str = "limit"
    items_field: str = "data"
    pagination_field: str = "pagination"
    total_pages_field: str = "totalPages"
    start: int = 1
    page_field: str = "page"
    """Field of the pagination object holding the current page number."""
    next_link: str | None = None
    """Dotted path of a next-page URL in the body (JSON:API ``links.next``): when the body has the
    links object, a link means another page (requested with the link's query) and none means the end."""
    attach_document: bool = False
    """Attach the page's body to every item (``get_envelope(item)``; JSON:API ``included``)."""


class _SyncRequester(Protocol):
    def _request_with_options(self, endpoint: Endpoint, options: RequestOptions) -> Any: ...


class _AsyncRequester(Protocol):
    async def _request_with_options(self, endpoint: Endpoint, options: RequestOptions) -> Any: ...


def _as_int(value: object) -> int | None:
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


def _query_text(value: object) -> str:
    """A query value as sent: ``2``, ``"2"`` and ``["2"]`` (a parsed link) are the same."""
    if isinstance(value, (list, tuple)):
        return ",".join(str(item) for item in value)
    return str(value)


class _BasePage(Generic[T]):
    def __init__(
        self,
        *,
        client: Any,
        endpoint: Endpoint,
        options: RequestOptions,
        spec: PageSpec,
        envelope: Any,
        response: httpx.Response | None = None,
    ) -> None:
        self._client = client
        self._endpoint = endpoint
        self._options = options
        self._spec = spec
        self.envelope = envelope
        """The full parsed body of this page."""
        self.http_response = response
        items = get_field(envelope, spec.items_field)
        self.items: list[T] = list(items) if items is not None else []
        if spec.attach_document:
            for item in self.items:
                attach(item, envelope=envelope)
        self.pagination: Any = get_field(envelope, spec.pagination_field)
        self.meta: Any = get_field(envelope, "meta")
        query = options.query or {}
        requested = _as_int(query.get(spec.page_param))
        self.page_number: int = requested if requested is not None else spec.start
        """The page number this page was requested with."""

    def _limit(self) -> int | None:
        query = self._options.query or {}
        limit = _as_int(query.get(self._spec.limit_param))
        if limit is None and self.pagination is not None:
            for name in _LIMIT_FIELDS:
                limit = _as_int(get_field(self.pagination, name))
                if limit is not None:
                    break
        return limit

    def has_next_page(self) -> bool:
        """``page < totalPages`` when the server reports totals, else whether this page is full."""
        if not self.items:
            return False
        if self._spec.next_link is not None:
            found, link = self._link()
            if found:
                return bool(link)
        pagination = self.pagination
        if pagination is not None:
            for name in _HAS_MORE_FIELDS:
                flag = get_field(pagination, name)
                if isinstance(flag, bool):
                    return flag
            total = _as_int(get_field(pagination, self._spec.total_pages_field))
            if total is not None:
                current = _as_int(get_field(pagination, self._spec.page_field))
                return (current if current is not None else self.page_number) < total
        limit = self._limit()
        if limit is not None:
            return len(self.items) >= limit
        return True  # no totals, no page size: keep going until an empty page

    def _link(self) -> tuple[bool, str | None]:
        """(whether the body has the links object, the next-page URL in it)."""
        assert self._spec.next_link is not None
        *parents, last = self._spec.next_link.split(".")
        holder: Any = self.envelope
        for part in parents:
            holder = get_field(holder, part)
            if holder is None:
                return False, None
        link = get_field(holder, last)
        return True, link if isinstance(link, str) and link else None

    def _next_options(self) -> RequestOptions:
        if self._spec.next_link is not None:
            link = self._link()[1]
            if link:
                query = parse_qs(urlsplit(link).query, keep_blank_values=True)
                return replace(self._options, query=query)
        return self._options.with_query_param(self._spec.page_param, self.page_number + 1)

    def _request_key(self, options: RequestOptions | None = None) -> tuple[tuple[str, str], ...]:
        """What identifies a page request: its query (a next link's query, or the page number)."""
        query = (options or self._options).query or {}
        return tuple(sorted((str(name), _query_text(value)) for name, value in query.items()))

    def _fingerprint(self) -> int:
        """The page's item count and its first and last items: a page repeating an earlier one
        matches, without serialising every item of every page again."""
        items = self.items
        ends = (items[0], items[-1]) if items else ()
        return hash((len(items), pydantic_core.to_json(ends, fallback=repr)))

    def __len__(self) -> int:
        return len(self.items)

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__} page={self.page_number} items={len(self.items)} "
            f"has_next_page={self.has_next_page()}>"
        )


class _Guard:
    """Stops iteration on empty pages, pages seen before, a next request (link, cursor, page
    number) made before, and the max_pages limit."""

    def __init__(self, first: _BasePage[Any], max_pages: int | None) -> None:
        self.seen = {first._fingerprint()}
        self.requested = {first._request_key()}
        self.count = 1
        self.max_pages = max_pages

    def may_fetch(self, page: _BasePage[Any]) -> bool:
        if self.max_pages is not None and self.count >= self.max_pages:
            return False
        if not page.has_next_page():
            return False
        key = page._request_key(page._next_options())
        if key in self.requested:
            logger.warning(
                "Stopping pagination: the request for the page after page %d was already made "
                "(the server sent the same next link or cursor again)",
                page.page_number,
            )
            return False
        self.requested.add(key)
        return True

    def accept(self, page: _BasePage[Any]) -> bool:
        if not page.items:
            logger.debug("Stopping pagination: page %d is empty", page.page_number)
            return False
        fingerprint = page._fingerprint()
        if fingerprint in self.seen:
            logger.warning("Stopping pagination: page %d repeats an earlier page", page.page_number)
            return False
        self.seen.add(fingerprint)
        self.count += 1
        return True


class SyncPage(_BasePage[T]):
    """One page of results; iterating it yields every item of this and all following pages."""

    def next_page(self) -> SyncPage[T] | None:
        """Fetch the following page (``None`` when ``has_next_page()`` is false)."""
        if not self.has_next_page():
            return None
        client: _SyncRequester = self._client
        page = client._request_with_options(self._endpoint, self._next_options())
        if not isinstance(page, SyncPage):
            raise TypeError(f"Expected a page, got {type(page).__name__}")
        return page

    def iter_pages(self, *, max_pages: int | None = None) -> Iterator[SyncPage[T]]:
        """This page and the following ones, stopping on empty or repeated pages."""
        guard = _Guard(self, max_pages)
        page: SyncPage[T] | None = self
        while page is not None:
            yield page
            if not guard.may_fetch(page):
                return
            page = page.next_page()
            if page is None or not guard.accept(page):
                return

    def iter_items(
        self, *, max_items: int | None = None, max_pages: int | None = None
    ) -> Iterator[T]:
        """Every item across pages, fetching pages lazily; optionally capped."""
        if max_items is not None and max_items <= 0:
            return
        count = 0
        for page in self.iter_pages(max_pages=max_pages):
            for item in page.items:
                yield item
                count += 1
                if max_items is not None and count >= max_items:
                    return

    def __iter__(self) -> Iterator[T]:
        return self.iter_items()


class AsyncPage(_BasePage[T]):
    """Async twin of ``SyncPage``: ``async for item in page``."""

    async def next_page(self) -> AsyncPage[T] | None:
        if not self.has_next_page():
            return None
        client: _AsyncRequester = self._client
        page = await client._request_with_options(self._endpoint, self._next_options())
        if not isinstance(page, AsyncPage):
            raise TypeError(f"Expected a page, got {type(page).__name__}")
        return page

    async def iter_pages(self, *, max_pages: int | None = None) -> AsyncIterator[AsyncPage[T]]:
        guard = _Guard(self, max_pages)
        page: AsyncPage[T] | None = self
        while page is not None:
            yield page
            if not guard.may_fetch(page):
                return
            page = await page.next_page()
            if page is None or not guard.accept(page):
                return

    async def iter_items(
        self, *, max_items: int | None = None, max_pages: int | None = None
    ) -> AsyncIterator[T]:
        if max_items is not None and max_items <= 0:
            return
        count = 0
        async for page in self.iter_pages(max_pages=max_pages):
            for item in page.items:
                yield item
                count += 1
                if max_items is not None and count >= max_items:
                    return

    def __aiter__(self) -> AsyncIterator[T]:
        return self.iter_items()
