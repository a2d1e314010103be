"""Pages: lazily iterate every item across pages, with loop guards.

How an operation pages is decided by the generator and written into its `PageSpec`
(`_endpoint.py`); each style is one strategy class in `_page_styles.py` (`STRATEGIES`) that says
how to request the page after a given one, or that there is none. Every page offers the same API
whatever the style: ``items``, ``has_next_page()``, ``next_page()``, ``iter_pages()``,
``iter_items()`` and iteration over every item."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar
from urllib.parse import parse_qs, urlsplit

import httpx
import pydantic_core

from ._logs import logger
from ._models import attach, get_field
from ._options import RequestOptions
from ._page_styles import STRATEGIES, PageStrategy, as_int, dig, next_from_link_header
from ._serialize import to_jsonable
from ._types import NotGiven

if TYPE_CHECKING:
    from ._endpoint import AnyEndpoint, FieldPath, PageSpec

__all__ = ["STRATEGIES", "AsyncPage", "PageStrategy", "SyncPage", "next_from_link_header"]

T = TypeVar("T")

MAX_EMPTY_PAGES = 3
"""Consecutive empty pages a cursor or link style follows before it stops (servers that filter
after paging may return empty pages with a next cursor; a server that only does that is stopped)."""


class _SyncRequester(Protocol):
    def _request_with_options(self, endpoint: AnyEndpoint, options: RequestOptions) -> Any: ...


class _AsyncRequester(Protocol):
    async def _request_with_options(
        self, endpoint: AnyEndpoint, options: RequestOptions
    ) -> Any: ...


def _query_text(value: object) -> str:
    """A query value as sent: ``2``, ``"2"`` and ``["2"]`` (a parsed link) are the same."""
    if isinstance(value, (list, tuple)):
        return ",".join(str(item) for item in value)
    return str(value)


class _Unset:
    pass


_UNSET = _Unset()


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
        index: int = 1,
    ) -> None:
        self._client = client
        self._endpoint = endpoint
        self._options = options
        self._spec = spec
        self._index = index
        self._next: RequestOptions | None | _Unset = _UNSET
        self.envelope = envelope
        """The full parsed body of this page."""
        self.http_response = response
        items = dig(envelope, spec.items_field)
        self.items: list[T] = list(items) if isinstance(items, (list, tuple)) else []
        if spec.attach_document:
            for item in self.items:
                attach(item, envelope=envelope)
        self.pagination: Any = dig(envelope, spec.pagination_field)
        """The body's object of page counters, if it has one."""
        self.meta: Any = get_field(envelope, "meta")
        requested = as_int(self._requested(spec.page_param)) if spec.page_param else None
        if spec.style != "page_number":
            requested = None
        self.page_number: int = (
            requested
            if requested is not None
            else (spec.start if spec.style == "page_number" else index)
        )
        """The page number this page was requested with (other styles: its place, from 1)."""

    # -- what the request asked and the body says ------------------------------------------------
    def _requested(self, name: str | None) -> Any:
        """The value this page's request sent for a paging parameter (None if none)."""
        if name is None:
            return None
        options = self._options
        if self._spec.param_in == "body":
            if options.extra_body and name in options.extra_body:
                return options.extra_body[name]
            body = to_jsonable(options.body)
            return body.get(name) if isinstance(body, dict) else None
        value = (options.query or {}).get(name)
        return None if isinstance(value, NotGiven) else value

    def _with_param(self, name: str, value: object) -> RequestOptions:
        if self._spec.param_in == "body":
            return self._options.with_body_param(name, value)
        return self._options.with_query_param(name, value)

    def _field(self, path: FieldPath | None) -> Any:
        return dig(self.envelope, path)

    def _flag(self) -> bool | None:
        """The body's has-more flag, if it has one."""
        flag = self._field(self._spec.has_more_field)
        return flag if isinstance(flag, bool) else None

    def _limit(self) -> int | None:
        spec = self._spec
        limit = as_int(self._requested(spec.limit_param)) if spec.limit_param else None
        return limit if limit is not None else as_int(self._field(spec.limit_field))

    def _follow(self, link: str) -> RequestOptions | None:
        """The request for a next-page URL: followed on this page's origin; a link to another
        origin is never requested, its query is applied to this operation's own URL."""
        response = self.http_response
        if response is None:
            return replace(self._options, query=_query_of(link))
        here = response.request.url
        try:
            target = here.join(link)
        except (httpx.InvalidURL, ValueError):
            return None
        if (target.scheme, target.host, target.port) == (here.scheme, here.host, here.port) and (
            not target.userinfo
        ):
            if (
                self._options.url is None
                and target.raw_path.split(b"?")[0] == here.raw_path.split(b"?")[0]
            ):
                # this operation's own URL: only the query changes (the guard compares queries)
                return replace(self._options, query=_query_of(link), extra_query=None)
            return self._options.with_url(str(target))
        logger.debug(
            "The next-page link points to another origin (%s); requesting its query here",
            target.host,
        )
        return replace(self._options, query=_query_of(link), url=None)

    # -- the page API --------------------------------------------------------------------------
    def _next_options(self) -> RequestOptions | None:
        """The request for the following page, or None (computed once)."""
        if isinstance(self._next, _Unset):
            strategy = STRATEGIES[self._spec.style]
            if not self.items and not strategy.empty_pages:
                self._next = None
            else:
                self._next = strategy.next_options(self)
        return self._next

    def has_next_page(self) -> bool:
        """Whether another page follows, as the operation's style tells."""
        return self._next_options() is not None

    def _request_key(self, options: RequestOptions | None = None) -> tuple[object, ...]:
        """What identifies a page request: its URL, query and paging body fields."""
        options = options or self._options
        query = options.query or {}
        body = options.extra_body or {}
        return (
            options.url or "",
            tuple(sorted((str(name), _query_text(value)) for name, value in query.items())),
            tuple(sorted((str(name), _query_text(value)) for name, value in body.items())),
        )

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


def _query_of(link: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(link).query, keep_blank_values=True)


class _Guard:
    """Stops iteration on the end of the pages, an empty page (a cursor or link style: more than
    ``MAX_EMPTY_PAGES`` in a row), pages seen before, a next request (link, cursor, page number)
    made before, and the max_pages limit."""

    def __init__(self, first: _BasePage[Any], max_pages: int | None) -> None:
        self.seen = {first._fingerprint()} if first.items else set()
        self.requested = {first._request_key()}
        self.count = 1
        self.empty_run = 0 if first.items else 1
        self.max_pages = max_pages

    def may_fetch(self, page: _BasePage[Any]) -> bool:
        if self.max_pages is not None and self.count >= self.max_pages:
            return False
        options = page._next_options()
        if options is None:
            return False
        key = page._request_key(options)
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
            self.empty_run += 1
            if not STRATEGIES[page._spec.style].empty_pages or self.empty_run > MAX_EMPTY_PAGES:
                logger.debug("Stopping pagination: page %d is empty", page.page_number)
                return False
            self.count += 1
            return True
        self.empty_run = 0
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
        options = self._next_options()
        if options is None:
            return None
        client: _SyncRequester = self._client
        page = client._request_with_options(self._endpoint, options)
        if not isinstance(page, SyncPage):
            raise TypeError(f"Expected a page, got {type(page).__name__}")
        page._index = self._index + 1
        if page._spec.style != "page_number":
            page.page_number = page._index
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
        """Fetch the following page (``None`` when ``has_next_page()`` is false)."""
        options = self._next_options()
        if options is None:
            return None
        client: _AsyncRequester = self._client
        page = await client._request_with_options(self._endpoint, options)
        if not isinstance(page, AsyncPage):
            raise TypeError(f"Expected a page, got {type(page).__name__}")
        page._index = self._index + 1
        if page._spec.style != "page_number":
            page.page_number = page._index
        return page

    async def iter_pages(self, *, max_pages: int | None = None) -> AsyncIterator[AsyncPage[T]]:
        """This page and the following ones, stopping on empty or repeated pages."""
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
        """Every item across pages, fetching pages lazily; optionally capped."""
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
