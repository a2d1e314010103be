"""SyncPage / AsyncPage: lazy iteration, has_next_page, guards against misbehaving servers."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from rt_helpers import REFERRAL, Recorder, json_response


def _item(n: int) -> dict[str, Any]:
    return {**REFERRAL, "id": f"ref_{n}"}


def paged_server(
    total_items: int,
    *,
    totals: bool = True,
    pages: Callable[[int, int], list[dict[str, Any]]] | None = None,
    reported_total_pages: int | None = None,
) -> Recorder:
    def handler(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params.get("page", "1"))
        limit = int(request.url.params.get("limit", "10"))
        if pages is not None:
            items = pages(page, limit)
        else:
            items = [_item(n) for n in range((page - 1) * limit, min(page * limit, total_items))]
        body: dict[str, Any] = {"data": items, "meta": {"requestId": f"req_{page}"}}
        if totals:
            total_pages = reported_total_pages or -(-total_items // limit)
            body["pagination"] = {
                "page": page,
                "limit": limit,
                "totalPages": total_pages,
                "total": total_items,
            }
        return json_response(200, body)

    return Recorder(handler)


def _pages_requested(rec: Recorder) -> list[str | None]:
    return [r.url.params.get("page") for r in rec.requests]


def test_iterates_all_items_lazily(fakeapi: Any, make_client: Any) -> None:
    rec = paged_server(25)
    page = make_client(rec).referrals.list(limit=10, status=["open"])
    assert isinstance(page, fakeapi.SyncPage)
    assert len(rec.requests) == 1
    assert [r.id for r in page.items] == [f"ref_{n}" for n in range(10)]
    assert page.pagination.total_pages == 3
    assert page.meta.request_id == "req_1"
    assert page.has_next_page()
    iterator = iter(page)
    next(iterator)
    assert len(rec.requests) == 1  # nothing fetched before it is needed
    ids = [r.id for r in page]
    assert ids == [f"ref_{n}" for n in range(25)]
    # the original arguments are reused, only the page changes
    assert [str(r.url.query, "ascii") for r in rec.requests[-3:]] == [
        "limit=10&status=open",
        "page=2&limit=10&status=open",
        "page=3&limit=10&status=open",
    ]


def test_iter_pages_next_page_and_has_next_page(fakeapi: Any, make_client: Any) -> None:
    rec = paged_server(25)
    first = make_client(rec).referrals.list(page=1, limit=10)
    pages = list(first.iter_pages())
    assert [p.page_number for p in pages] == [1, 2, 3]
    assert [len(p) for p in pages] == [10, 10, 5]
    assert not pages[-1].has_next_page()
    assert pages[-1].next_page() is None
    second = first.next_page()
    assert second is not None and second.items[0].id == "ref_10"
    assert "page=2 items=10 has_next_page=True" in repr(second)


def test_has_next_page_when_totals_missing_uses_page_fullness(make_client: Any) -> None:
    rec = paged_server(20, totals=False)
    page = make_client(rec).referrals.list(limit=10)
    assert page.has_next_page()
    assert len(list(page)) == 20
    # page 2 was full, so page 3 was asked for and came back empty
    assert _pages_requested(rec) == [None, "2", "3"]


def test_partial_page_without_totals_stops(make_client: Any) -> None:
    rec = paged_server(15, totals=False)
    assert len(list(make_client(rec).referrals.list(limit=10))) == 15
    assert _pages_requested(rec) == [None, "2"]


def test_empty_page_while_server_reports_more(
    make_client: Any, caplog: pytest.LogCaptureFixture
) -> None:
    rec = paged_server(
        0, pages=lambda page, limit: [_item(page)] if page < 3 else [], reported_total_pages=50
    )
    with caplog.at_level(logging.DEBUG, logger="fakeapi"):
        items = list(make_client(rec).referrals.list(limit=1))
    assert [i.id for i in items] == ["ref_1", "ref_2"]
    assert _pages_requested(rec) == [None, "2", "3"]
    assert "page 3 is empty" in caplog.text


def test_repeated_page_stops_iteration(make_client: Any, caplog: pytest.LogCaptureFixture) -> None:
    # a server that ignores ?page= and always returns the first page
    rec = paged_server(0, pages=lambda page, limit: [_item(0), _item(1)], reported_total_pages=1000)
    with caplog.at_level(logging.WARNING, logger="fakeapi"):
        items = list(make_client(rec).referrals.list(limit=2))
    assert [i.id for i in items] == ["ref_0", "ref_1"]
    assert len(rec.requests) == 2
    assert "repeats an earlier page" in caplog.text


def test_repeat_detection_ignores_the_envelope_and_compares_items(make_client: Any) -> None:
    # the pagination block echoes the requested page, so the bodies differ; the items repeat
    rec = paged_server(
        0, pages=lambda page, limit: [_item(0), _item(1), _item(2)], reported_total_pages=9
    )
    assert [i.id for i in make_client(rec).referrals.list(limit=3)] == ["ref_0", "ref_1", "ref_2"]
    assert len(rec.requests) == 2
    # same count and first item, another last item: a new page
    rec = paged_server(0, pages=lambda page, limit: [_item(0), _item(page)], reported_total_pages=3)
    items = list(make_client(rec).referrals.list(limit=2))
    assert [i.id for i in items] == ["ref_0", "ref_1", "ref_0", "ref_2", "ref_0", "ref_3"]


def test_cycle_of_pages_stops(make_client: Any) -> None:
    rec = paged_server(0, pages=lambda page, limit: [_item(page % 2)], reported_total_pages=1000)
    items = list(make_client(rec).referrals.list(limit=1))
    assert [i.id for i in items] == ["ref_1", "ref_0"]
    assert len(rec.requests) == 3


def test_max_pages_and_max_items(make_client: Any) -> None:
    rec = paged_server(100)
    page = make_client(rec).referrals.list(limit=10)
    assert len(list(page.iter_items(max_pages=2))) == 20
    assert len(rec.requests) == 2
    rec = paged_server(100)
    page = make_client(rec).referrals.list(limit=10)
    assert [i.id for i in page.iter_items(max_items=10)] == [f"ref_{n}" for n in range(10)]
    assert len(rec.requests) == 1  # no page fetched beyond what was needed
    assert len(list(page.iter_items(max_items=15))) == 15
    assert len(rec.requests) == 2
    assert list(page.iter_items(max_items=0)) == []
    assert len(list(page.iter_pages(max_pages=1))) == 1


def test_starting_page_is_respected(make_client: Any) -> None:
    rec = paged_server(25)
    ids = [i.id for i in make_client(rec).referrals.list(page=3, limit=10)]
    assert ids == [f"ref_{n}" for n in range(20, 25)]
    assert len(rec.requests) == 1


def test_has_more_flag(fakeapi: Any, make_client: Any) -> None:
    def pages(page: int, limit: int) -> httpx.Response:
        return json_response(
            200, {"data": [_item(page)], "pagination": {"page": page, "hasMore": page < 2}}
        )

    rec = Recorder(lambda request: pages(int(request.url.params.get("page", "1")), 1))
    assert [i.id for i in make_client(rec).referrals.list()] == ["ref_1", "ref_2"]


def test_errors_while_paging_propagate(fakeapi: Any, make_client: Any) -> None:
    rec = Recorder(
        json_response(200, {"data": [_item(1)], "pagination": {"page": 1, "totalPages": 2}}),
        json_response(404, {"message": "gone"}),
    )
    page = make_client(rec).referrals.list()
    with pytest.raises(fakeapi.NotFoundError):
        list(page)


def test_async_page(fakeapi: Any, make_async_client: Any) -> None:
    rec = paged_server(25)

    async def main() -> None:
        async with make_async_client(rec) as client:
            page = await client.referrals.list(limit=10)
            assert isinstance(page, fakeapi.AsyncPage)
            ids = [item.id async for item in page]
            assert ids == [f"ref_{n}" for n in range(25)]
            numbers = [p.page_number async for p in page.iter_pages()]
            assert numbers == [1, 2, 3]
            nxt = await page.next_page()
            assert nxt is not None and nxt.page_number == 2
            assert [i.id async for i in page.iter_items(max_items=3)] == ["ref_0", "ref_1", "ref_2"]

    asyncio.run(main())


def test_async_page_guards(make_async_client: Any) -> None:
    rec = paged_server(0, pages=lambda page, limit: [_item(0)], reported_total_pages=99)

    async def main() -> list[str]:
        client = make_async_client(rec)
        page = await client.referrals.list(limit=1)
        return [item.id async for item in page]

    assert asyncio.run(main()) == ["ref_0"]
    assert len(rec.requests) == 2
