"""Vendor extensions that declare an operation's pagination, read into `Declaration`s:
`x-ms-pageable` (AutoRest), `x-speakeasy-pagination`, `x-fern-pagination` (with the document's own
`x-fern-pagination` for operations that say `true`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...ir import JsonValue, PageSource, PageStyle
from .body import Path
from .declared import Declaration, Unfit

OFF = "off"  # the extension declares the operation not paginated (`nextLinkName: null`)


def declared_by_extension(
    extensions: Mapping[str, JsonValue], document: Mapping[str, JsonValue]
) -> Declaration | str | None:
    """The operation's declaration, `OFF`, or None (no extension); raises `Unfit` for one that
    cannot be read."""
    if "x-ms-pageable" in extensions:
        return _ms_pageable(extensions["x-ms-pageable"])
    if "x-speakeasy-pagination" in extensions:
        return _speakeasy(extensions["x-speakeasy-pagination"])
    fern = extensions.get("x-fern-pagination")
    if fern is True:
        fern = document.get("x-fern-pagination")
        if not isinstance(fern, dict):
            raise Unfit("x-fern-pagination: true, but the document declares no x-fern-pagination")
    if fern is not None and fern is not False:
        return _fern(fern)
    return None


def _ms_pageable(raw: JsonValue) -> Declaration | str:
    """`{nextLinkName, itemName = "value"}`; `nextLinkName: null` is one page, not paginated."""
    if not isinstance(raw, dict):
        raise Unfit("x-ms-pageable must be an object")
    if "nextLinkName" not in raw or raw["nextLinkName"] is None:
        return OFF
    next_link, item = raw["nextLinkName"], raw.get("itemName", "value")
    if not isinstance(next_link, str) or not isinstance(item, str) or not next_link or not item:
        raise Unfit("x-ms-pageable: nextLinkName and itemName must be property names")
    return Declaration(
        PageStyle.NEXT_LINK, PageSource.MS_PAGEABLE, items=(item,), next=(next_link,)
    )


def _speakeasy(raw: JsonValue) -> Declaration:
    """`{type: offsetLimit | cursor | url, inputs: [{name, in, type}], outputs: {results, …}}`."""
    if not isinstance(raw, dict):
        raise Unfit("x-speakeasy-pagination must be an object")
    kind = raw.get("type")
    inputs = raw.get("inputs") if isinstance(raw.get("inputs"), list) else []
    outputs = raw.get("outputs") if isinstance(raw.get("outputs"), dict) else {}
    assert isinstance(inputs, list) and isinstance(outputs, dict)
    by_type: dict[str, tuple[str, str]] = {}
    for entry in inputs:
        if isinstance(entry, dict) and isinstance(entry.get("name"), str):
            place = "body" if entry.get("in") == "requestBody" else "query"
            by_type.setdefault(str(entry.get("type", "")), (str(entry["name"]), place))
    results = _json_path(outputs.get("results"), "$", "outputs.results")
    limit = by_type.get("limit", ("", ""))[0]
    common: dict[str, Any] = {
        "source": PageSource.SPEAKEASY,
        "items": results,
        "limit_param": limit,
        "total_pages": _json_path(outputs.get("numPages"), "$", "outputs.numPages"),
    }
    if kind == "offsetLimit":
        style, key = (
            (PageStyle.OFFSET, "offset") if "offset" in by_type else (PageStyle.PAGE_NUMBER, "page")
        )
        if key not in by_type:
            raise Unfit("x-speakeasy-pagination offsetLimit needs an `offset` or `page` input")
        name, place = by_type[key]
        return Declaration(style, param=name, param_in=place, **common)
    if kind == "cursor":
        if "cursor" not in by_type:
            raise Unfit("x-speakeasy-pagination cursor needs a `cursor` input")
        name, place = by_type["cursor"]
        raw_next = outputs.get("nextCursor")
        last = _last_item_field(raw_next, results)
        if last is not None:
            return Declaration(
                PageStyle.STARTING_AFTER, param=name, param_in=place, id_field=last, **common
            )
        nxt = _json_path(raw_next, "$", "outputs.nextCursor")
        return Declaration(PageStyle.CURSOR, param=name, param_in=place, next=nxt, **common)
    if kind in ("url", "link"):
        nxt = _json_path(outputs.get("nextUrl"), "$", "outputs.nextUrl")
        return Declaration(PageStyle.NEXT_LINK, next=nxt, **common)
    raise Unfit(f"x-speakeasy-pagination type {kind!r} is not offsetLimit, cursor or url")


def _fern(raw: JsonValue) -> Declaration:
    """`{cursor: $request.x, next_cursor: $response.y, results: $response.z}`, or `{offset:
    $request.x, results, step?, has-next-page?}` (no step: a page number), or `next_uri`."""
    if not isinstance(raw, dict):
        raise Unfit("x-fern-pagination must be an object (or true)")
    results = _json_path(raw.get("results"), "$response", "results")
    has_more = _json_path(raw.get("has-next-page"), "$response", "has-next-page")
    common: dict[str, Any] = {"source": PageSource.FERN, "items": results, "has_more": has_more}
    if "cursor" in raw:
        param = _request_name(raw["cursor"], "cursor")
        nxt = _json_path(raw.get("next_cursor"), "$response", "next_cursor")
        return Declaration(PageStyle.CURSOR, param=param, next=nxt, **common)
    if "offset" in raw:
        param = _request_name(raw["offset"], "offset")
        step = raw.get("step")
        if step is None:
            return Declaration(PageStyle.PAGE_NUMBER, param=param, **common)
        limit = _request_name(step, "step")
        return Declaration(PageStyle.OFFSET, param=param, limit_param=limit, **common)
    if "next_uri" in raw:
        nxt = _json_path(raw["next_uri"], "$response", "next_uri")
        return Declaration(PageStyle.NEXT_LINK, next=nxt, **common)
    raise Unfit("x-fern-pagination needs `cursor`, `offset` or `next_uri`")


def _json_path(raw: JsonValue, root: str, what: str) -> Path | None:
    """`$.a.b` (or `$response.a.b`) → ("a", "b"); None when absent. Only plain member names."""
    if raw is None:
        return None
    if not isinstance(raw, str) or not (raw == root or raw.startswith(root + ".")):
        raise Unfit(f"{what}: {raw!r} is not a path like {root}.field")
    parts = tuple(raw[len(root) + 1 :].split(".")) if raw != root else ()
    if any(not p or "[" in p or "*" in p for p in parts):
        raise Unfit(f"{what}: {raw!r} is not a path of plain field names")
    return parts


def _last_item_field(raw: JsonValue, results: Path | None) -> str | None:
    """`$.data[-1].id` (the last result's field): Stripe-style `starting_after`."""
    if not isinstance(raw, str) or "[-1]." not in raw or results is None:
        return None
    head, _, field = raw.partition("[-1].")
    if _json_path(head, "$", "outputs.nextCursor") != results or "." in field:
        return None
    return field


def _request_name(raw: JsonValue, what: str) -> str:
    if not isinstance(raw, str) or not raw.startswith("$request."):
        raise Unfit(f"x-fern-pagination {what}: {raw!r} is not a $request.name")
    name = raw.removeprefix("$request.")
    if not name or "." in name:
        raise Unfit(f"x-fern-pagination {what}: {raw!r} is not a top-level request parameter")
    return name
