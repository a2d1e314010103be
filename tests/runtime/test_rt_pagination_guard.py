"""Pagination cannot loop: a next request made before stops the iterator (issue 12, item 11)."""

from __future__ import annotations

import itertools
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from rt_helpers import API_KEY

from tests.support.loopback import Exchange, LoopServer, serving


@pytest.fixture
def a() -> Iterator[LoopServer]:
    with serving() as server:
        yield server


def _endpoint(fakeapi: Any) -> Any:
    from fakeapi._endpoint import Endpoint, PageSpec, ResponseSpec

    page = PageSpec(style="next_link", next_link=("links", "next"))
    return Endpoint("GET", "/items", {"200": ResponseSpec("json", Any, page=page)})


def _fresh_items_with_link(link: str) -> Any:
    """Every response has items never seen before (the page guard cannot spot a repeat) and the
    same next link."""
    counter = itertools.count()

    def route(ex: Exchange) -> None:
        n = next(counter)
        ex.json(200, {"data": [{"id": f"i{n}a"}, {"id": f"i{n}b"}], "links": {"next": link}})

    return route


@pytest.mark.parametrize(
    "link", ["/v1/items?page%5Bcursor%5D=abc", "/v1/items?limit=2", "/v1/items?limit=2&x=1"]
)
def test_same_next_link_twice_stops_with_a_warning(
    fakeapi: Any, a: LoopServer, caplog: pytest.LogCaptureFixture, link: str
) -> None:
    a.on("/v1/items", _fresh_items_with_link(link))
    with fakeapi.FakeAPI(token=API_KEY, base_url=f"{a.origin}/v1") as client:
        page = client.request(_endpoint(fakeapi), query={"limit": 2})
        with caplog.at_level(logging.WARNING, logger="fakeapi"):
            items = list(page.iter_items(max_pages=50))  # max_pages: a failure ends, not hangs
    requests = a.hits("/v1/items")
    queries = [r.query for r in requests]
    # the first page, then the link's page once; asking for the link's page again is refused
    # (a link equal to the first request stops at once)
    assert len(requests) == (1 if link == "/v1/items?limit=2" else 2), queries
    assert len(items) == 2 * len(requests)
    assert "already made" in caplog.text


async def test_async_same_next_link_twice_stops(fakeapi: Any, a: LoopServer) -> None:
    a.on("/v1/items", _fresh_items_with_link("/v1/items?cursor=abc"))
    async with fakeapi.AsyncFakeAPI(token=API_KEY, base_url=f"{a.origin}/v1") as client:
        page = await client.request(_endpoint(fakeapi), query={"limit": 2})
        items = [item async for item in page.iter_items(max_pages=50)]
    assert len(a.hits("/v1/items")) == 2 and len(items) == 4


def test_distinct_links_are_all_followed(fakeapi: Any, a: LoopServer) -> None:
    def route(ex: Exchange) -> None:
        cursor = int(ex.received.query.get("cursor", ["0"])[0])
        links = {"next": f"/v1/items?cursor={cursor + 1}"} if cursor < 4 else {"next": None}
        ex.json(200, {"data": [{"id": f"i{cursor}"}], "links": links})

    a.on("/v1/items", route)
    with fakeapi.FakeAPI(token=API_KEY, base_url=f"{a.origin}/v1") as client:
        items = list(client.request(_endpoint(fakeapi)).iter_items(max_pages=50))
    assert [item["id"] for item in items] == ["i0", "i1", "i2", "i3", "i4"]
