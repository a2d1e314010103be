"""Which operations the shape stage pages, and how (`generator/shape/pagination/`): each style from a
small spec that pages that way, the near misses that must not page (precision first), the vendor
extensions, and the configuration that declares or switches off pagination."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from generator.config import read_target
from generator.diagnostics import DiagnosticSink, SpecError
from generator.ir import Api, PageSource, Pagination
from generator.load import load_spec
from generator.parse import build_api
from generator.render.manifest import style_name
from generator.shape.pagination.body import Bodies, find_items, find_signals
from generator.shape.pagination.detect import resource_word
from generator.shape.stage import shape
from tests.conftest import spec_doc

ITEM = {
    "type": "object",
    "required": ["id"],
    "properties": {"id": {"type": "string"}, "name": {"type": "string"}},
}
ITEMS = {"type": "array", "items": {"$ref": "#/components/schemas/Item"}}
INT = {"type": "integer"}
STR = {"type": "string"}


def q(name: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"name": name, "in": "query", "schema": schema or INT}


def obj(**props: Any) -> dict[str, Any]:
    return {"type": "object", "properties": props}


def get(params: list[dict[str, Any]], body: dict[str, Any], **extra: Any) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": "ok",
        "content": {"application/json": {"schema": body}},
    }
    response.update(extra.pop("response", {}))
    return {"operationId": "op", "parameters": params, "responses": {"200": response}, **extra}


def post(request: dict[str, Any], body: dict[str, Any], **extra: Any) -> dict[str, Any]:
    op = get([], body, **extra)
    op["requestBody"] = {"content": {"application/json": {"schema": request}}}
    return op


def shaped(
    tmp_path: Path, ops: dict[str, tuple[str, str, dict[str, Any]]], **config: Any
) -> tuple[Api, DiagnosticSink]:
    """`ops`: operationId → (method, path, operation)."""
    paths: dict[str, Any] = {}
    for op_id, (method, path, op) in ops.items():
        paths.setdefault(path, {})[method] = {**op, "operationId": op_id}
    doc = spec_doc(paths, {"Item": ITEM}, **config.pop("document", {}))
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(doc))
    sink = DiagnosticSink(file=str(spec))
    target = read_target(
        {
            "name": "t",
            "spec": str(spec),
            "output": str(tmp_path / "out"),
            "package": "shop",
            "client_name": "Shop",
            "env_prefix": "SHOP",
            **config,
        },
        "test",
        "",
    )
    return shape(build_api(load_spec(spec, sink), sink), target, sink), sink


def page_of(api: Api, op_id: str) -> Pagination | None:
    op = next(o for o in api.operations if o.id == op_id)
    return next((r.pagination for r in op.results if r.pagination is not None), None)


def one(tmp_path: Path, method: str, op: dict[str, Any], **config: Any) -> Pagination | None:
    api, _ = shaped(tmp_path, {"op": (method, "/items", op)}, **config)
    return page_of(api, "op")


# --- each style, as a spec says it ---------------------------------------------------------------
STYLES: dict[str, tuple[str, dict[str, Any], str, dict[str, Any]]] = {
    # id: (method, operation, manifest style, Pagination fields expected)
    "page number + totals": (
        "get",
        get([q("page"), q("per_page")], obj(data=ITEMS, total_pages=INT)),
        "page_number",
        {"page_param": "page", "limit_param": "per_page", "total_pages_field": ("total_pages",)},
    ),
    "offset/limit in the query, a bare array": (
        "get",
        get([q("offset"), q("limit")], ITEMS),
        "offset_limit_query",
        {"page_param": "offset", "limit_param": "limit", "items_field": (), "start": 0},
    ),
    "offset/limit in a POST body": (
        "post",
        post(obj(offset=INT, limit=INT, filter=STR), obj(items=ITEMS, total=INT)),
        "offset_limit_body",
        {"page_param": "offset", "param_in": "body", "total_items_field": ("total",)},
    ),
    "next_cursor + cursor": (
        "get",
        get([q("cursor", STR), q("limit")], obj(data=ITEMS, next_cursor=STR)),
        "cursor_query",
        {"page_param": "cursor", "next_cursor": ("next_cursor",)},
    ),
    "nextPageToken + pageToken": (
        "get",
        get([q("pageToken", STR), q("pageSize")], obj(files=ITEMS, nextPageToken=STR)),
        "cursor_query",
        {"page_param": "pageToken", "next_cursor": ("nextPageToken",), "items_field": ("files",)},
    ),
    "Slack's response_metadata.next_cursor": (
        "get",
        get(
            [q("cursor", STR), q("limit")],
            obj(ok={"type": "boolean"}, members=ITEMS, response_metadata=obj(next_cursor=STR)),
        ),
        "cursor_query",
        {"page_param": "cursor", "next_cursor": ("response_metadata", "next_cursor")},
    ),
    "cursor + has_more": (
        "get",
        get([q("cursor", STR)], obj(data=ITEMS, cursor=STR, has_more={"type": "boolean"})),
        "cursor_query",
        {"next_cursor": ("cursor",), "has_more_field": ("has_more",)},
    ),
    "a cursor in a POST body": (
        "post",
        post(obj(cursor=STR, limit=INT), obj(results=ITEMS, next_cursor=STR)),
        "cursor_body",
        {"page_param": "cursor", "param_in": "body"},
    ),
    "Stripe starting_after + has_more": (
        "get",
        get(
            [q("starting_after", STR), q("ending_before", STR), q("limit")],
            obj(object=STR, data=ITEMS, has_more={"type": "boolean"}, url=STR),
        ),
        "starting_after",
        {"page_param": "starting_after", "before_param": "ending_before", "id_field": "id"},
    ),
    "a next URL in the body": (
        "get",
        get(
            [q("page"), q("page_size")],
            obj(count=INT, next={"type": "string", "format": "uri"}, results=ITEMS),
        ),
        "next_url_body",
        {"next_link": ("next",), "items_field": ("results",)},
    ),
    "Twilio meta.next_page_url": (
        "get",
        get(
            [q("PageSize"), q("Page"), q("PageToken", STR)],
            obj(workers=ITEMS, meta=obj(next_page_url={"type": "string", "format": "uri"})),
        ),
        "next_url_body",
        {"next_link": ("meta", "next_page_url"), "items_field": ("workers",)},
    ),
    "HAL _links.next.href": (
        "get",
        get(
            [q("page"), q("size")],
            obj(_embedded=obj(orders=ITEMS), _links=obj(next=obj(href=STR))),
        ),
        "next_url_body",
        {"next_link": ("_links", "next", "href"), "items_field": ("_embedded", "orders")},
    ),
    "GitHub per_page/page + a Link header": (
        "get",
        get(
            [q("per_page"), q("page")],
            ITEMS,
            response={"headers": {"Link": {"schema": STR}}},
        ),
        "link_header",
        {"page_param": "page", "limit_param": "per_page", "items_field": ()},
    ),
}


@pytest.mark.parametrize("case", sorted(STYLES))
def test_each_style_is_detected_where_knob_and_signal_agree(tmp_path: Path, case: str) -> None:
    method, op, style, fields = STYLES[case]
    found = one(tmp_path, method, op)
    assert found is not None, case
    assert style_name(found) == style
    assert found.source is PageSource.DETECTED
    for name, value in fields.items():
        assert getattr(found, name) == value, name


NOT_PAGED: dict[str, tuple[str, dict[str, Any]]] = {
    "no paging knob": ("get", get([q("status", STR)], obj(data=ITEMS, total=INT))),
    "only a page size": ("get", get([q("limit")], ITEMS)),
    "a string `page` and no counter": ("get", get([q("page", STR)], obj(data=ITEMS))),
    "items of no type": (
        "get",
        get([q("offset"), q("limit")], {"type": "array", "items": {}}),
    ),
    "a cursor knob but no next cursor": ("get", get([q("cursor", STR)], obj(data=ITEMS))),
    "starting_after, items without ids": (
        "get",
        get(
            [q("starting_after", STR)],
            obj(data={"type": "array", "items": STR}, has_more={"type": "boolean"}),
        ),
    ),
    "a next URL but no knob": (
        "get",
        get([], obj(results=ITEMS, next={"type": "string", "format": "uri"})),
    ),
    "a single resource": ("get", get([q("page")], ITEM)),
    "two lists, neither named as items": (
        "get",
        get([q("offset"), q("limit")], obj(added=ITEMS, removed=ITEMS)),
    ),
}


@pytest.mark.parametrize("case", sorted(NOT_PAGED))
def test_near_misses_are_not_paginated(tmp_path: Path, case: str) -> None:
    method, op = NOT_PAGED[case]
    assert one(tmp_path, method, op) is None


def test_operations_sharing_bodies_page_as_each_alone(tmp_path: Path) -> None:
    """Detection asks each distinct question about a response body once (`body.Bodies`): every
    style and near miss in one spec (the `Item` list is the body of several), each operation paged
    as it is alone, and each remembered answer the one `find_items` / `find_signals` give."""
    cases = [(m, op) for m, op, _, _ in STYLES.values()] + list(NOT_PAGED.values())
    # the same last path word everywhere: a question is the body and that word
    ops = {f"op{i}": (m, f"/v{i}/items", op) for i, (m, op) in enumerate(cases)}
    api, _ = shaped(tmp_path, ops)
    for i, (op_id, spec_op) in enumerate(ops.items()):
        (tmp_path / str(i)).mkdir()
        alone, _ = shaped(tmp_path / str(i), {op_id: spec_op})
        assert page_of(api, op_id) == page_of(alone, op_id), op_id
    bodies = Bodies(api.schemas)
    asked = 0
    for op in api.operations:
        word = resource_word(op.path)
        for r in op.results:
            if r.body is None:
                continue
            items = bodies.items(r.body, word)
            assert items == find_items(r.body, api.schemas, word)
            assert bodies.items(r.body, word) is items  # remembered
            skip = items.path if items is not None else ()
            signals = bodies.signals(r.body, skip)
            assert signals == find_signals(r.body, api.schemas, skip)
            assert bodies.signals(r.body, skip) is signals
            asked += 1
    assert asked >= len(ops)


# --- vendor extensions -------------------------------------------------------------------------
def test_x_ms_pageable_declares_next_link_and_null_switches_off(tmp_path: Path) -> None:
    body = obj(value=ITEMS, nextLink=STR)
    api, _ = shaped(
        tmp_path,
        {
            "paged": (
                "get",
                "/a",
                get([], body, **{"x-ms-pageable": {"nextLinkName": "nextLink"}}),
            ),
            "single": (
                "get",
                "/b",
                get([q("$top")], body, **{"x-ms-pageable": {"nextLinkName": None}}),
            ),
        },
    )
    paged = page_of(api, "paged")
    assert paged is not None and style_name(paged) == "ms_pageable"
    assert (paged.next_link, paged.items_field) == (("nextLink",), ("value",))
    assert page_of(api, "single") is None


def test_x_speakeasy_and_x_fern_declare_their_styles(tmp_path: Path) -> None:
    speakeasy = {
        "type": "offsetLimit",
        "inputs": [
            {"name": "skip", "in": "parameters", "type": "offset"},
            {"name": "take", "in": "parameters", "type": "limit"},
        ],
        "outputs": {"results": "$.rows"},
    }
    fern = {
        "cursor": "$request.after",
        "next_cursor": "$response.page.after",
        "results": "$response.entries",
    }
    api, _ = shaped(
        tmp_path,
        {
            "speak": (
                "get",
                "/s",
                get(
                    [q("skip"), q("take")], obj(rows=ITEMS), **{"x-speakeasy-pagination": speakeasy}
                ),
            ),
            "fern": (
                "get",
                "/f",
                get(
                    [q("after", STR)],
                    obj(entries=ITEMS, page=obj(after=STR)),
                    **{"x-fern-pagination": fern},
                ),
            ),
        },
    )
    speak = page_of(api, "speak")
    assert speak is not None and speak.source is PageSource.SPEAKEASY
    assert (style_name(speak), speak.page_param, speak.limit_param) == (
        "offset_limit_query",
        "skip",
        "take",
    )
    assert speak.items_field == ("rows",)
    fern_page = page_of(api, "fern")
    assert fern_page is not None and fern_page.source is PageSource.FERN
    assert (fern_page.page_param, fern_page.next_cursor) == ("after", ("page", "after"))


def test_an_extension_that_does_not_fit_is_a_warning(tmp_path: Path) -> None:
    op = get([], obj(value=ITEMS), **{"x-ms-pageable": {"nextLinkName": "missing"}})
    api, sink = shaped(tmp_path, {"op": ("get", "/a", op)})
    assert page_of(api, "op") is None
    (warning,) = [d for d in sink.sorted() if d.code == "pagination-extension"]
    assert "missing" in warning.message


# --- configuration -----------------------------------------------------------------------------
def test_config_switches_off_and_declares_per_operation(tmp_path: Path) -> None:
    detected = get([q("offset"), q("limit")], ITEMS)
    undetected = post(
        obj(skip=INT, take=INT), obj(ids={"type": "array", "items": STR}, documents=ITEMS)
    )
    api, sink = shaped(
        tmp_path,
        {"listA": ("get", "/a", detected), "search": ("post", "/b", undetected)},
        pagination={
            "operations": {
                "listA": False,
                "search": {
                    "style": "offset",
                    "param": "skip",
                    "limit_param": "take",
                    "items": "ids",
                },
            }
        },
    )
    assert not sink.sorted()
    assert page_of(api, "listA") is None
    declared = page_of(api, "search")
    assert declared is not None and declared.source is PageSource.CONFIG
    assert (style_name(declared), declared.items_field) == ("offset_limit_body", ("ids",))
    search = next(o for o in api.operations if o.id == "search")
    assert search.results[0].item is not None  # the page's items are typed: str


def test_a_declaration_that_does_not_fit_is_an_error_saying_why(tmp_path: Path) -> None:
    op = get([q("page")], obj(data=ITEMS))
    api, sink = shaped(
        tmp_path,
        {"listA": ("get", "/a", op)},
        pagination={"operations": {"listA": {"style": "cursor", "param": "token", "next": "next"}}},
    )
    assert page_of(api, "listA") is None
    (error,) = [d for d in sink.sorted() if d.code == "pagination-config"]
    assert "token" in error.message and "listA" in error.message


def test_an_unknown_operation_in_the_config_is_an_error(tmp_path: Path) -> None:
    _, sink = shaped(
        tmp_path,
        {"listA": ("get", "/a", get([], ITEMS))},
        pagination={"exclude": ["listB"]},
    )
    assert [d.code for d in sink.sorted()] == ["pagination-config"]


def test_target_default_applies_where_it_fits_and_detect_can_be_off(tmp_path: Path) -> None:
    fits = get([q("after", STR)], obj(data=ITEMS, meta=obj(next=STR)))
    misses = get([], obj(data=ITEMS))
    offset = get([q("offset"), q("limit")], ITEMS)
    api, sink = shaped(
        tmp_path,
        {"a": ("get", "/a", fits), "b": ("get", "/b", misses), "c": ("get", "/c", offset)},
        pagination={
            "detect": False,
            "default": {"style": "cursor", "param": "after", "next": "meta.next"},
        },
    )
    assert not sink.sorted()
    a = page_of(api, "a")
    assert a is not None and (a.next_cursor, a.source) == (("meta", "next"), PageSource.CONFIG)
    assert page_of(api, "b") is None
    assert page_of(api, "c") is None  # detection is off


def test_a_declaration_needs_its_keys() -> None:
    with pytest.raises(SpecError, match="needs `next`"):
        read_target(
            {
                "name": "t",
                "spec": "s.json",
                "output": "out/x",
                "package": "x",
                "client_name": "X",
                "env_prefix": "X",
                "pagination": {"operations": {"a": {"style": "cursor", "param": "c"}}},
            },
            "test",
            "",
        )
