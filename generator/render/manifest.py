"""`operations.json`: every operation of the package, with the Python call that performs it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .. import escape
from ..ir import Api, Location, Operation, PageSource, PageStyle, Pagination
from ..naming.names import Names, op_key
from ..paths import HEADER
from ..version import __version__
from .cuts import Cut
from .resource_views import MethodView
from .safe import Name


def call_of(names: Names, op: Operation) -> Name:
    return Name(f"{names.resource_of(op).access}.{names.op_method[op_key(op)]}")


@dataclass(frozen=True, slots=True)
class OpFacts:
    """What `operations.json` takes from an operation's method view (the file plan keeps this, not
    the view: graph-beta's 22,361 views are ≈ 90 MB)."""

    body: tuple[str, Name | None, tuple[tuple[str, Name], ...]] | None  # media, argument, fields
    returns: str  # the annotation as users read it


def op_facts(m: MethodView) -> OpFacts:
    body = (
        None
        if m.body_arg is None and not m.body_fields
        else (
            m.body_media,
            m.body_arg.name if m.body_arg else None,
            tuple((a.wire, a.name) for a in m.body_fields),
        )
    )
    # resource modules name models `_types.X` (the lazy types package); class names never contain
    # a dot
    return OpFacts(body, m.returns.replace("_types.", ""))


def manifest(
    api: Api,
    names: Names,
    facts: Mapping[str, OpFacts],
    kept: Mapping[str, escape.Made] | None = None,
) -> list[str]:
    """`operations.json`'s text, in pieces (one per operation: see `escape.json_document_pieces`).
    `facts`: operation key → `op_facts` of its method view; `kept`: operation key → its piece as
    an earlier run wrote it (`pieces`), for the operations that have no facts here."""
    ops = (
        kept[key] if kept is not None and key in kept else _operation(names, op, facts[key])
        for op in api.operations
        for key in (op_key(op),)
    )
    # one operation at a time (memory)
    return escape.json_document_pieces(_shell(api), "operations", ops)


def pieces(api: Api, text: str, kept: bytes | None = None) -> dict[str, escape.Made] | None:
    """Operation key → its piece of an `operations.json` text `manifest` wrote for `api`'s
    operations (None: not such a text). `kept`: the text's cut, kept when a replay wrote it
    (`pieces_cut`, `stage/rekey.py`): taken when it fits the text and its shell, else the text
    is cut again."""
    found: list[escape.Made] | None = None
    if kept is not None:
        found = _kept(text, _shell(api), kept)
    if found is None:
        found = escape.item_pieces(text, _shell(api), "operations")
    if found is None or len(found) != len(api.operations):
        return None
    return {op_key(op): piece for op, piece in zip(api.operations, found, strict=True)}


PIECES_SIGNATURE = '["operations.json"]'  # what its cut is kept for (`cuts.cut_key`)
_BETWEEN = ",\n    "  # what `escape.json_document_pieces` puts between two items


def pieces_cut(text: list[str]) -> bytes | None:
    """The cut (`cuts.Cut.encode`) of the text `manifest` wrote as these pieces: its shell
    and each item's piece, as `pieces` reads it; None for a document without items."""
    if len(text) < 3:
        return None
    items = [len(p) for p in text[1:-1]]
    items[:-1] = [n - len(_BETWEEN) for n in items[:-1]]
    return Cut.encoded([len(text[0]), len(text[-1])], [items], [_BETWEEN])


def _kept(text: str, data: dict[str, object], kept: bytes) -> list[escape.Made] | None:
    cut = Cut.of(text, kept)
    if cut is None or len(cut.groups) != 1 or cut.seps != (_BETWEEN,):
        return None
    if cut.leads != escape.document_shell(data, "operations"):
        return None
    return [escape.Made(p) for p in cut.groups[0]]


def _shell(api: Api) -> dict[str, object]:
    package = api.target.package
    return {
        "_generated": HEADER,
        "generator": __version__,
        "package": package.name,
        "client": package.client,
        "async_client": f"Async{package.client}",
    }


def _operation(names: Names, op: Operation, m: OpFacts) -> dict[str, object]:
    key = op_key(op)
    return {
        "operation_id": op.id,
        "method": op.method.upper(),
        "path": op.path,
        "call": call_of(names, op),
        "tags": list(op.tags),
        "parameters": [
            {
                "name": p.wire_name,
                "in": p.location.value,
                "python_name": names.params[(key, p.location.value, p.wire_name)],
                "required": p.required,
                "positional": p.location is Location.PATH,
            }
            for p in op.parameters
        ],
        "body": None
        if m.body is None
        else {
            "media_type": m.body[0],
            "python_name": m.body[1],
            "fields": dict(m.body[2]),
            "required": bool(op.body and op.body.required),
        },
        "returns": m.returns,
        "paginated": any(r.pagination is not None for r in op.results),
        "pagination": _pagination(op),
    }


def _pagination(op: Operation) -> dict[str, object] | None:
    """How the operation pages, in the words of the pagination styles people name (`page_number`,
    `offset_limit_query`, `cursor_body`, `next_url_body`, `link_header`, `jsonapi`, `ms_pageable`…)
    and what carries it."""
    p = next((r.pagination for r in op.results if r.pagination is not None), None)
    if p is None:
        return None
    return {
        "style": style_name(p),
        "source": p.source.value,
        "items": list(p.items_field),
        "param": p.page_param,
        "in": p.param_in,
        "limit_param": p.limit_param,
        "next": list(p.next_cursor or p.next_link or ()) or None,
    }


def style_name(p: Pagination) -> str:
    if p.source is PageSource.JSONAPI:
        return "jsonapi"
    if p.source is PageSource.MS_PAGEABLE:
        return "ms_pageable"
    return {
        PageStyle.PAGE_NUMBER: "page_number",
        PageStyle.OFFSET: f"offset_limit_{p.param_in}",
        PageStyle.CURSOR: f"cursor_{p.param_in}",
        PageStyle.STARTING_AFTER: "starting_after",
        PageStyle.NEXT_LINK: "next_url_body",
        PageStyle.LINK_HEADER: "link_header",
    }[p.style]
