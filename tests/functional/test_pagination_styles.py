"""Every pagination style through a client generated from a spec, against a server on 127.0.0.1 that
pages that way: cursor in the query and in a POST body (`next_cursor`, Slack's
`response_metadata.next_cursor`, the empty string that ends it), Stripe's `starting_after` +
`has_more`, a next URL in the body (Twilio's `meta.next_page_url`, HAL `_links.next.href`), offset in a
POST body with a total, and page number with total pages.

No server installed for the tests pages by cursor or `starting_after`, so this is a small socket
server written for the test (`tests/support/loopback.py`); the GitHub `Link` header, offset/limit in
the query and in a POST body, page/size and next URLs in the body are also tested against real
third-party servers (`tests/realservers/test_pagination_servers.py`: json-server, Chroma, ZenML,
Django REST framework)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.loopback import Exchange, LoopServer, serving
from tests.support.wire import generate_client

ALL = [f"it{n}" for n in range(7)]  # the server's items, in order
ITEM = {
    "type": "object",
    "required": ["id"],
    "properties": {"id": {"type": "string"}, "name": {"type": "string"}},
}
ITEMS = {"type": "array", "items": {"$ref": "#/components/schemas/Item"}}
INT, STR = {"type": "integer"}, {"type": "string"}
NULLABLE_STR = {"type": ["string", "null"]}
URI = {"type": ["string", "null"], "format": "uri"}


def _q(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "in": "query", "schema": schema}


def _obj(**props: Any) -> dict[str, Any]:
    return {"type": "object", "properties": props}


def _op(op_id: str, body: dict[str, Any], params: Any = (), request: Any = None) -> dict[str, Any]:
    op: dict[str, Any] = {
        "operationId": op_id,
        "tags": ["Items"],
        "parameters": list(params),
        "responses": {
            "200": {"description": "ok", "content": {"application/json": {"schema": body}}}
        },
    }
    if request is not None:
        op["requestBody"] = {"content": {"application/json": {"schema": request}}}
    return op


SPEC = {
    "openapi": "3.1.0",
    "info": {"title": "Pages", "version": "1"},
    "servers": [{"url": "http://127.0.0.1/v1"}],
    "paths": {
        "/cursor": {
            "get": _op(
                "listByCursor",
                _obj(data=ITEMS, next_cursor=NULLABLE_STR),
                [_q("cursor", STR), _q("limit", INT)],
            )
        },
        "/slack": {
            "get": _op(
                "listSlack",
                _obj(
                    ok={"type": "boolean"}, members=ITEMS, response_metadata=_obj(next_cursor=STR)
                ),
                [_q("cursor", STR), _q("limit", INT)],
            )
        },
        "/search": {
            "post": _op(
                "searchByCursor",
                _obj(results=ITEMS, next_cursor=NULLABLE_STR),
                request=_obj(cursor=NULLABLE_STR, limit=INT, query=STR),
            )
        },
        "/stripe": {
            "get": _op(
                "listStripe",
                _obj(object=STR, data=ITEMS, has_more={"type": "boolean"}, url=STR),
                [_q("starting_after", STR), _q("ending_before", STR), _q("limit", INT)],
            )
        },
        "/twilio": {
            "get": _op(
                "listTwilio",
                _obj(workers=ITEMS, meta=_obj(next_page_url=URI, page_size=INT)),
                [_q("PageSize", INT), _q("Page", INT), _q("PageToken", STR)],
            )
        },
        "/hal": {
            "get": _op(
                "listHal",
                _obj(_embedded=_obj(orders=ITEMS), _links=_obj(next=_obj(href=STR))),
                [_q("page", INT), _q("size", INT)],
            )
        },
        "/offset-search": {
            "post": _op(
                "searchByOffset",
                _obj(items=ITEMS, total=INT),
                request=_obj(offset=INT, limit=INT, query=STR),
            )
        },
        "/pages": {
            "get": _op(
                "listPages",
                _obj(data=ITEMS, total_pages=INT),
                [_q("page", INT), _q("per_page", INT)],
            )
        },
    },
    "components": {"schemas": {"Item": ITEM}},
}

STYLES = {
    "listByCursor": "cursor_query",
    "listSlack": "cursor_query",
    "searchByCursor": "cursor_body",
    "listStripe": "starting_after",
    "listTwilio": "next_url_body",
    "listHal": "next_url_body",
    "searchByOffset": "offset_limit_body",
    "listPages": "page_number",
}


def _items(ids: list[str]) -> list[dict[str, str]]:
    return [{"id": i, "name": i.upper()} for i in ids]


def _int(value: Any, default: int) -> int:
    return int(value) if value not in (None, "") else default


def _slice_after(after: str | None, limit: int) -> tuple[list[str], bool]:
    start = ALL.index(after) + 1 if after else 0
    return ALL[start : start + limit], start + limit < len(ALL)


def _routes(server: LoopServer) -> None:
    def cursor(ex: Exchange) -> None:
        q = ex.received.query
        limit = _int(q.get("limit", [""])[0], 3)
        ids, more = _slice_after(q.get("cursor", [""])[0] or None, limit)
        ex.json(200, {"data": _items(ids), "next_cursor": ids[-1] if more else None})

    def slack(ex: Exchange) -> None:
        q = ex.received.query
        ids, more = _slice_after(q.get("cursor", [""])[0] or None, _int(q.get("limit", [""])[0], 3))
        # Slack ends with an empty next_cursor, not a missing one
        meta = {"next_cursor": ids[-1] if more else ""}
        ex.json(200, {"ok": True, "members": _items(ids), "response_metadata": meta})

    def search(ex: Exchange) -> None:
        body = json.loads(ex.received.body or b"{}")
        ids, more = _slice_after(body.get("cursor"), _int(body.get("limit"), 3))
        ex.json(200, {"results": _items(ids), "next_cursor": ids[-1] if more else None})

    def stripe(ex: Exchange) -> None:
        q = ex.received.query
        limit = _int(q.get("limit", [""])[0], 3)
        before = q.get("ending_before", [""])[0]
        if before:
            end = ALL.index(before)
            ids, more = ALL[max(0, end - limit) : end], end - limit > 0
        else:
            ids, more = _slice_after(q.get("starting_after", [""])[0] or None, limit)
        ex.json(200, {"object": "list", "data": _items(ids), "has_more": more, "url": "/v1/stripe"})

    def twilio(ex: Exchange) -> None:
        q = ex.received.query
        size = _int(q.get("PageSize", [""])[0], 3)
        page = _int(q.get("Page", [""])[0], 0)
        ids = ALL[page * size : (page + 1) * size]
        token = f"PT{ids[-1]}" if ids else ""
        more = (page + 1) * size < len(ALL)
        nxt = f"{server.origin}/v1/twilio?PageSize={size}&Page={page + 1}&PageToken={token}"
        meta = {"next_page_url": nxt if more else None, "page_size": size}
        ex.json(200, {"workers": _items(ids), "meta": meta})

    def hal(ex: Exchange) -> None:
        q = ex.received.query
        size, page = _int(q.get("size", [""])[0], 3), _int(q.get("page", [""])[0], 0)
        ids = ALL[page * size : (page + 1) * size]
        links: dict[str, Any] = {"self": {"href": ex.received.target}}
        if (page + 1) * size < len(ALL):
            links["next"] = {"href": f"/v1/hal?page={page + 1}&size={size}"}  # relative
        ex.json(200, {"_embedded": {"orders": _items(ids)}, "_links": links})

    def offset_search(ex: Exchange) -> None:
        body = json.loads(ex.received.body or b"{}")
        offset, limit = _int(body.get("offset"), 0), _int(body.get("limit"), 3)
        ex.json(200, {"items": _items(ALL[offset : offset + limit]), "total": len(ALL)})

    def pages(ex: Exchange) -> None:
        q = ex.received.query
        page, per = _int(q.get("page", [""])[0], 1), _int(q.get("per_page", [""])[0], 3)
        ids = ALL[(page - 1) * per : page * per]
        ex.json(200, {"data": _items(ids), "total_pages": -(-len(ALL) // per)})

    for path, route in {
        "/v1/cursor": cursor,
        "/v1/slack": slack,
        "/v1/search": search,
        "/v1/stripe": stripe,
        "/v1/twilio": twilio,
        "/v1/hal": hal,
        "/v1/offset-search": offset_search,
        "/v1/pages": pages,
    }.items():
        server.on(path, route)


@pytest.fixture(scope="module")
def pkg(tmp_path_factory: pytest.TempPathFactory) -> Any:
    root = tmp_path_factory.mktemp("pages")
    spec = root / "pages.json"
    spec.write_text(json.dumps(SPEC))
    return generate_client(spec, root / "pagesclient", "pagesclient")


@pytest.fixture
def server() -> Iterator[LoopServer]:
    with serving() as s:
        _routes(s)
        yield s


def _manifest(pkg: Any) -> dict[str, Any]:
    root = Path(pkg.__file__).resolve().parents[2]
    return {
        op["operation_id"]: op
        for op in json.loads((root / "operations.json").read_text())["operations"]
    }


def _method(client: Any, pkg: Any, op_id: str) -> Any:
    """The method of an operation, found by its operationId in the manifest (names are not tested here)."""
    target = client
    for part in _manifest(pkg)[op_id]["call"].split("."):
        target = getattr(target, part)
    return target


def test_the_manifest_records_each_style(pkg: Any) -> None:
    manifest = _manifest(pkg)
    assert {op_id: manifest[op_id]["pagination"]["style"] for op_id in STYLES} == STYLES
    assert all(manifest[op_id]["paginated"] for op_id in STYLES)


CALLS: dict[str, dict[str, Any]] = {
    "listByCursor": {"limit": 3},
    "listSlack": {"limit": 3},
    "searchByCursor": {"limit": 3, "query": "q"},
    "listStripe": {"limit": 3},
    "listTwilio": {"PageSize": 3},
    "listHal": {"size": 3},
    "searchByOffset": {"limit": 3, "query": "q"},
    "listPages": {"per_page": 3},
}


def _kwargs(pkg: Any, client: Any, op_id: str) -> dict[str, Any]:
    """The call's arguments by their Python names (`PageSize` may be `page_size`)."""
    params = {p["name"]: p["python_name"] for p in _manifest(pkg)[op_id]["parameters"]}
    return {params.get(k, k): v for k, v in CALLS[op_id].items()}


@pytest.mark.parametrize("op_id", sorted(STYLES))
def test_every_item_of_every_page_lazily(pkg: Any, server: LoopServer, op_id: str) -> None:
    with pkg.Pagesclient(base_url=f"{server.origin}/v1") as client:
        first = _method(client, pkg, op_id)(**_kwargs(pkg, client, op_id))
        assert [i.id for i in first.items] == ALL[:3]
        assert first.has_next_page()
        path = "/v1/" + _manifest(pkg)[op_id]["path"].strip("/")
        assert len(server.hits(path)) == 1  # nothing fetched before it is needed
        assert [i.id for i in first] == ALL
        pages = list(first.iter_pages())
        assert [[i.id for i in p.items] for p in pages] == [ALL[0:3], ALL[3:6], ALL[6:7]]
        assert not pages[-1].has_next_page() and pages[-1].next_page() is None
        assert [i.id for i in first.iter_items(max_items=4)] == ALL[:4]


def test_cursor_styles_send_the_cursor_where_the_spec_says(pkg: Any, server: LoopServer) -> None:
    with pkg.Pagesclient(base_url=f"{server.origin}/v1") as client:
        list(_method(client, pkg, "listByCursor")(limit=3))
        list(_method(client, pkg, "searchByCursor")(limit=3, query="q"))
        list(_method(client, pkg, "listStripe")(limit=3))
        list(_method(client, pkg, "searchByOffset")(limit=3, query="q"))
    assert [r.query.get("cursor") for r in server.hits("/v1/cursor")] == [None, ["it2"], ["it5"]]
    bodies = [json.loads(r.body) for r in server.hits("/v1/search")]
    assert [b.get("cursor") for b in bodies] == [None, "it2", "it5"]
    assert all(
        b["query"] == "q" and b["limit"] == 3 for b in bodies
    )  # the rest of the body is kept
    stripe = [r.query.get("starting_after") for r in server.hits("/v1/stripe")]
    assert stripe == [None, ["it2"], ["it5"]]
    offsets = [json.loads(r.body).get("offset") for r in server.hits("/v1/offset-search")]
    assert offsets == [None, 3, 6]


def test_stripe_ending_before_pages_backwards(pkg: Any, server: LoopServer) -> None:
    with pkg.Pagesclient(base_url=f"{server.origin}/v1") as client:
        page = _method(client, pkg, "listStripe")(ending_before="it6", limit=2)
        assert [[i.id for i in p.items] for p in page.iter_pages()] == [
            ["it4", "it5"],
            ["it2", "it3"],
            ["it0", "it1"],
        ]


def test_next_urls_are_followed_absolute_and_relative(pkg: Any, server: LoopServer) -> None:
    with pkg.Pagesclient(base_url=f"{server.origin}/v1") as client:
        list(_method(client, pkg, "listTwilio")(**_kwargs(pkg, client, "listTwilio")))
        list(_method(client, pkg, "listHal")(size=3))
    twilio = [r.query for r in server.hits("/v1/twilio")]
    assert [q.get("Page") for q in twilio] == [None, ["1"], ["2"]]
    assert twilio[1]["PageToken"] == ["PTit2"]
    assert [r.query.get("page") for r in server.hits("/v1/hal")] == [None, ["1"], ["2"]]


def test_async_pages_every_style(pkg: Any, server: LoopServer) -> None:
    async def run() -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        async with pkg.AsyncPagesclient(base_url=f"{server.origin}/v1") as client:
            for op_id in sorted(STYLES):
                page = await _method(client, pkg, op_id)(**_kwargs(pkg, client, op_id))
                out[op_id] = [i.id async for i in page]
                pages = [p async for p in page.iter_pages(max_pages=2)]
                assert len(pages) == 2
        return out

    assert asyncio.run(run()) == {op_id: ALL for op_id in STYLES}
