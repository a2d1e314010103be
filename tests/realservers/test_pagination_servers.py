"""Pagination against real third-party servers on 127.0.0.1, each paging its own way:

- json-server (npm): `_page`/`_limit` answered with an RFC 8288 `Link` header, GitHub's style
  (detected: the spec declares the header), and `_start`/`_limit` offsets over a bare array;
- Chroma: `limit`/`offset` in the query (detected) and in the JSON body of `POST .../get`, whose
  column-per-field response detection rightly leaves alone: the target's configuration declares it;
- ZenML (FastAPI): `page`/`size` with `total_pages` in the body;
- Django REST framework's PageNumberPagination and LimitOffsetPagination: a next URL in the body
  (`tests/fixtures/servers/drf/app.py` is ours, the paging is DRF's).

Methods are found by operationId in the generated manifest, so these tests do not depend on names."""

from __future__ import annotations

import asyncio
import json
import uuid
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
from support.realservers import (
    CHROMA,
    DRF,
    JSON_SERVER,
    ZENML_PASSWORD,
    ZENML_USER,
    RunningServer,
    client_package,
)

from generator.config import PageDeclaration, PaginationConfig

pytestmark = pytest.mark.slow

TENANT, DB = "default_tenant", "default_database"


def _manifest(pkg: ModuleType) -> dict[str, Any]:
    root = Path(pkg.__file__ or "").resolve().parents[2]
    ops = json.loads((root / "operations.json").read_text())["operations"]
    return {op["operation_id"]: op for op in ops}


def _method(client: Any, pkg: ModuleType, op_id: str) -> Any:
    target = client
    for part in _manifest(pkg)[op_id]["call"].split("."):
        target = getattr(target, part)
    return target


# --- json-server: the Link header (GitHub's style) and offsets ------------------------------------
@pytest.fixture(scope="module")
def json_pkg(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    return client_package(JSON_SERVER, tmp_path_factory.mktemp("jsonserver_client"))


def test_json_server_link_header_pages_like_github(
    json_pkg: ModuleType, json_server: RunningServer
) -> None:
    manifest = _manifest(json_pkg)
    assert manifest["listPosts"]["pagination"]["style"] == "link_header"
    sent: list[httpx.Request] = []
    http = httpx.Client(event_hooks={"request": [sent.append]})
    with json_pkg.JsonServer(base_url=json_server.origin, http_client=http) as client:
        first = _method(client, json_pkg, "listPosts")(page=1, limit=5)
        assert [p.id for p in first.items] == [1, 2, 3, 4, 5]
        assert 'rel="next"' in first.http_response.headers["link"]
        assert [p.id for p in first] == list(range(1, 24))
        pages = list(first.iter_pages())
        assert [len(p.items) for p in pages] == [5, 5, 5, 5, 3]
        assert not pages[-1].has_next_page()  # the last page's Link header has no rel="next"
        assert [p.id for p in first.iter_items(max_items=7)] == list(range(1, 8))
    http.close()
    # the requests followed the server's own links: _page counts up, _limit is kept
    pages_asked = [(r.url.params.get("_page"), r.url.params.get("_limit")) for r in sent[:5]]
    assert pages_asked == [("1", "5"), ("2", "5"), ("3", "5"), ("4", "5"), ("5", "5")]


def test_json_server_async_link_header(json_pkg: ModuleType, json_server: RunningServer) -> None:
    async def run() -> list[int]:
        async with json_pkg.AsyncJsonServer(base_url=json_server.origin) as client:
            page = await _method(client, json_pkg, "listPosts")(page=1, limit=10)
            return [p.id async for p in page]

    assert asyncio.run(run()) == list(range(1, 24))


def test_json_server_start_and_limit_page_by_offset(
    json_pkg: ModuleType, json_server: RunningServer
) -> None:
    assert _manifest(json_pkg)["listComments"]["pagination"]["style"] == "offset_limit_query"
    with json_pkg.JsonServer(base_url=json_server.origin) as client:
        page = _method(client, json_pkg, "listComments")(start=0, limit=10)
        assert [len(p.items) for p in page.iter_pages()] == [10, 10, 3]
        assert [c.id for c in page] == list(range(1, 24))


# --- Chroma: limit/offset in the query and in a POST body -----------------------------------------
@pytest.fixture(scope="module")
def chroma_pages(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    """Chroma's client with `POST .../get` declared paginated by the target's configuration (the
    ad-hoc run's `--config FILE` table): its `ids` column pages by `offset`/`limit` in the body."""
    declared = PageDeclaration(
        style="offset", param="offset", param_in="body", limit_param="limit", items="ids"
    )
    pagination = PaginationConfig(operations={"collection_get": declared})
    folder = tmp_path_factory.mktemp("chroma_pages")
    return client_package(CHROMA, folder, "chroma_pages", pagination=pagination)


def test_chroma_offset_and_limit_in_the_query(
    chroma_pages: ModuleType, chroma_server: RunningServer
) -> None:
    assert (
        _manifest(chroma_pages)["list_collections"]["pagination"]["style"] == "offset_limit_query"
    )
    database = f"pages-{uuid.uuid4().hex[:8]}"
    with chroma_pages.Chroma(base_url=chroma_server.origin, api_key="not-checked") as client:
        _method(client, chroma_pages, "create_database")(TENANT, name=database)
        names = sorted(f"c{n}-{uuid.uuid4().hex[:6]}" for n in range(7))
        create = _method(client, chroma_pages, "create_collection")
        for name in names:
            create(TENANT, database, name=name)
        page = _method(client, chroma_pages, "list_collections")(TENANT, database, limit=3)
        assert [len(p.items) for p in page.iter_pages()] == [3, 3, 1]
        assert sorted(c.name for c in page) == names


def test_chroma_offset_and_limit_in_a_post_body_declared_by_config(
    chroma_pages: ModuleType, chroma_server: RunningServer
) -> None:
    manifest = _manifest(chroma_pages)["collection_get"]
    assert manifest["pagination"]["style"] == "offset_limit_body"
    assert manifest["pagination"]["source"] == "config"
    sent: list[httpx.Request] = []
    http = httpx.Client(event_hooks={"request": [sent.append]})
    with chroma_pages.Chroma(
        base_url=chroma_server.origin, api_key="not-checked", http_client=http
    ) as client:
        col = _method(client, chroma_pages, "create_collection")(
            TENANT, DB, name=f"rows-{uuid.uuid4().hex[:8]}"
        )
        ids = [f"r{n:02d}" for n in range(11)]
        _method(client, chroma_pages, "collection_add")(
            TENANT,
            DB,
            col.id,
            ids=ids,
            embeddings=[[float(n), 1.0] for n in range(11)],
        )
        sent.clear()
        page = _method(client, chroma_pages, "collection_get")(
            TENANT, DB, col.id, include=[], limit=4
        )
        assert sorted(page) == ids
        assert [len(p.items) for p in page.iter_pages()] == [4, 4, 3]
    http.close()
    bodies = [json.loads(r.content) for r in sent[:3]]
    assert [b.get("offset") for b in bodies] == [None, 4, 8]
    assert all(b["limit"] == 4 and b["include"] == [] for b in bodies)


# --- ZenML: page/size ----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def zenml_token(zenml_server: RunningServer, zenml_pkg: ModuleType) -> str:
    with zenml_pkg.ZenML(token="placeholder-before-login", base_url=zenml_server.origin) as c:
        answer = _method(c, zenml_pkg, "token_api_v1_login_post")(
            username=ZENML_USER, password=ZENML_PASSWORD
        )
    return str(answer.access_token)


def test_zenml_page_and_size(
    zenml_pkg: ModuleType, zenml_server: RunningServer, zenml_token: str
) -> None:
    assert _manifest(zenml_pkg)["list_tags_api_v1_tags_get"]["pagination"]["style"] == "page_number"
    stem = uuid.uuid4().hex[:10]
    with zenml_pkg.ZenML(token=zenml_token, base_url=zenml_server.origin) as client:
        create = _method(client, zenml_pkg, "create_tag_api_v1_tags_post")
        names = sorted(f"{stem}-{n}" for n in range(5))
        for name in names:
            create(name=name)
        listing = _method(client, zenml_pkg, "list_tags_api_v1_tags_get")
        page = listing(name=f"startswith:{stem}", size=2, sort_by="asc:name")
        assert [[t.name for t in p.items] for p in page.iter_pages()] == [
            names[0:2],
            names[2:4],
            names[4:5],
        ]
        assert [p.envelope.index for p in page.iter_pages()] == [1, 2, 3]
        assert [t.name for t in page] == names


# --- Django REST framework: a next URL in the body ----------------------------------------------
@pytest.fixture(scope="module")
def drf_pkg(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    return client_package(DRF, tmp_path_factory.mktemp("drf_client"))


@pytest.mark.parametrize(
    ("op_id", "size", "asked"),
    [
        ("articles_list", {"page_size": 5}, [None, "2", "3", "4", "5"]),
        ("notes_list", {"limit": 5}, [None, "5", "10", "15", "20"]),
    ],
)
def test_drf_next_url_in_the_body(
    drf_pkg: ModuleType,
    drf_server: RunningServer,
    op_id: str,
    size: dict[str, int],
    asked: list[Any],
) -> None:
    assert _manifest(drf_pkg)[op_id]["pagination"]["style"] == "next_url_body"
    sent: list[httpx.Request] = []
    http = httpx.Client(event_hooks={"request": [sent.append]})
    with drf_pkg.Drf(base_url=drf_server.origin, http_client=http) as client:
        page = _method(client, drf_pkg, op_id)(**size)
        assert page.envelope.count == 23 and isinstance(page.envelope.next, str)
        assert [a.id for a in page] == list(range(1, 24))
        pages = list(page.iter_pages())
        assert [len(p.items) for p in pages] == [5, 5, 5, 5, 3]
        assert pages[-1].envelope.next is None and not pages[-1].has_next_page()
    http.close()
    key = "page" if op_id == "articles_list" else "offset"
    assert [r.url.params.get(key) for r in sent[:5]] == asked


def test_drf_async_next_url(drf_pkg: ModuleType, drf_server: RunningServer) -> None:
    async def run() -> list[int]:
        async with drf_pkg.AsyncDrf(base_url=drf_server.origin) as client:
            page = await _method(client, drf_pkg, "articles_list")(page_size=7)
            return [a.id async for a in page]

    assert asyncio.run(run()) == list(range(1, 24))
