"""Pages: lazily iterate every item across pages, with loop guards.

How an operation pages is decided by the generator and written into its `PageSpec`
(`_endpoint.py`); each style is one strategy class here (`STRATEGIES`): when another page follows,
and how to request it. A new style is a new strategy plus the generator's detection of it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from typing import Any, Generic, Protocol, TypeVar
from urllib.parse import parse_qs, urlsplit

import httpx
import pydantic_core

from ._endpoint import AnyEndpoint, PageSpec
from ._logs import logger
from ._models import attach, get_field
from ._options import RequestOptions

__all__ = ["STRATEGIES", "AsyncPage", "PageStrategy", "SyncPage"]

T = TypeVar("T")


class _SyncRequester(Protocol):
    def _request_with_options(self, endpoint: AnyEndpoint, options: RequestOptions) -> Any: ...


class _AsyncRequester(Protocol):
    async def _request_with_options(
        self, endpoint: AnyEndpoint, options: RequestOptions
    ) -> Any: ...


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
        endpoint: AnyEndpoint,
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
        self.pagination: Any = (
            get_field(envelope, spec.pagination_field) if spec.pagination_field else None
        )
        self.meta: Any = get_field(envelope, "meta")
        query = options.query or {}
        requested = _as_int(query.get(spec.page_param))
        self.page_number: int = requested if requested is not None else spec.start
        """The page number this page was requested with."""

    def _limit(self) -> int | None:
        spec = self._spec
        limit = (
            _as_int((self._options.query or {}).get(spec.limit_param)) if spec.limit_param else None
        )
        if limit is None and self.pagination is not None and spec.limit_field:
            limit = _as_int(get_field(self.pagination, spec.limit_field))
        return limit

    def has_next_page(self) -> bool:
        """Whether another page follows, as the operation's style tells (never on an empty page)."""
        return bool(self.items) and STRATEGIES[self._spec.style].has_next(self)

    def _link(self) -> tuple[bool, str | None]:
        """(whether the body has the links object, the next-page URL in it)."""
        if self._spec.next_link is None:
            return False, None
        *parents, last = self._spec.next_link.split(".")
        holder: Any = self.envelope
        for part in parents:
            holder = get_field(holder, part)
            if holder is None:
                return False, None
        link = get_field(holder, last)
        return True, link if isinstance(link, str) and link else None

    def _next_options(self) -> RequestOptions:
        return STRATEGIES[self._spec.style].next_options(self)

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


class PageStrategy(Protocol):
    """One pagination style: when another page follows, and the request for it."""

    def has_next(self, page: _BasePage[Any]) -> bool: ...

    def next_options(self, page: _BasePage[Any]) -> RequestOptions: ...


class PageNumber:
    """``?page=N``: the server's has-more flag, else its total pages, else whether the page is full
    (no totals, no page size: keep going until an empty page)."""

    def has_next(self, page: _BasePage[Any]) -> bool:
        spec, pagination = page._spec, page.pagination
        if pagination is not None and spec.has_more_field:
            flag = get_field(pagination, spec.has_more_field)
            if isinstance(flag, bool):
                return flag
        if pagination is not None and spec.total_pages_field:
            total = _as_int(get_field(pagination, spec.total_pages_field))
            if total is not None:
                current = (
                    _as_int(get_field(pagination, spec.page_field)) if spec.page_field else None
                )
                return (current if current is not None else page.page_number) < total
        limit = page._limit()
        if limit is not None:
            return len(page.items) >= limit
        return True

    def next_options(self, page: _BasePage[Any]) -> RequestOptions:
        return page._options.with_query_param(page._spec.page_param, page.page_number + 1)


class NextLink(PageNumber):
    """A next-page URL in the body (JSON:API ``links.next``), requested with its query; a body
    without the links object pages by number."""

    def has_next(self, page: _BasePage[Any]) -> bool:
        found, link = page._link()
        return bool(link) if found else super().has_next(page)

    def next_options(self, page: _BasePage[Any]) -> RequestOptions:
        link = page._link()[1]
        if link:
            return replace(
                page._options, query=parse_qs(urlsplit(link).query, keep_blank_values=True)
            )
        return super().next_options(page)


STRATEGIES: dict[str, PageStrategy] = {"page_number": PageNumber(), "next_link": NextLink()}
"""Every pagination style a `PageSpec` may name."""


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
