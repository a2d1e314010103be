"""What a request offers a pager: the parameters (query, or top-level fields of a JSON body) that
select a page — its number, an offset, a cursor, Stripe's `starting_after` — and its size."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ...ir import JsonValue, Kind, Location, MediaKind, Operation, Schema, TypeRef
from ...ir.models import MISSING
from .body import kind_of, model_of, norm

PAGE = frozenset({"page", "pagenumber", "pageno", "pagenum", "pageindex", "pageidx", "currentpage"})
OFFSET = frozenset(
    {"offset", "skip", "start", "startindex", "startat", "from", "startrow", "firstresult"}
)
LIMIT = frozenset(
    {
        "limit",
        "perpage",
        "pagesize",
        "size",
        "count",
        "maxresults",
        "maxitems",
        "pagelimit",
        "top",
        "rows",
        "displaysize",
        "max",
        "maxrecords",
        "resultsperpage",
        "itemsperpage",
        "pagelength",
    }
)
CURSOR = frozenset(
    {
        "cursor",
        "pagetoken",
        "nexttoken",
        "continuationtoken",
        "continue",
        "marker",
        "after",
        "startingtoken",
        "pagecursor",
        "paginationtoken",
        "nextpagetoken",
        "nextcursor",
        "skiptoken",
        "startkey",
        "pagekey",
    }
)
STARTING_AFTER = "startingafter"
ENDING_BEFORE = "endingbefore"


@dataclass(frozen=True, slots=True)
class Knob:
    """A parameter that can steer pagination: its name, kind and default."""

    name: str  # the wire name
    kind: Kind | None  # its primitive kind (None: not a primitive)
    default: int | None = None  # its declared integer default

    @property
    def numeric(self) -> bool:
        return self.kind in (Kind.INTEGER, Kind.NUMBER)


@dataclass(frozen=True, slots=True)
class Knobs:
    """An operation's pagination parameters, in the query or the body."""

    where: str  # "query" or "body"
    all: tuple[Knob, ...]

    def named(self, names: frozenset[str] | tuple[str, ...]) -> Knob | None:
        """The first knob whose name means one of `names`."""
        return next((k for k in self.all if norm(k.name) in names), None)

    def exact(self, name: str) -> Knob | None:
        return next((k for k in self.all if k.name == name), None)

    def page(self, extra: str = "") -> Knob | None:
        return self.named(PAGE | {norm(extra)} if extra else PAGE)

    def offset(self) -> Knob | None:
        knob = self.named(OFFSET)
        return knob if knob is not None and knob.numeric else None

    def limit(self, extra: str = "") -> Knob | None:
        return self.named(LIMIT | {norm(extra)} if extra else LIMIT)

    def cursors(self) -> tuple[Knob, ...]:
        return tuple(k for k in self.all if norm(k.name) in CURSOR)

    def any_paging(self) -> bool:
        """Some knob selects a page or its size."""
        return bool(self.page() or self.offset() or self.limit() or self.cursors()) or bool(
            self.named(frozenset({STARTING_AFTER, "since", "before"}))
        )


def knobs_of(op: Operation, schemas: Mapping[str, Schema]) -> Knobs:
    """The operation's paging knobs: those of its JSON body when the body has one that selects a
    page (a POST search), else its query parameters."""
    query = query_knobs(op, schemas)
    body = body_knobs(op, schemas)
    selecting = PAGE | OFFSET | CURSOR | {STARTING_AFTER}
    if body and any(norm(k.name) in selecting for k in body):
        return Knobs("body", body)
    return Knobs("query", query)


def query_knobs(op: Operation, schemas: Mapping[str, Schema]) -> tuple[Knob, ...]:
    return tuple(
        _knob(p.wire_name, p.type, schemas, p.default)
        for p in op.parameters
        if p.location is Location.QUERY
    )


def body_knobs(op: Operation, schemas: Mapping[str, Schema]) -> tuple[Knob, ...]:
    """The top-level fields of the operation's JSON request body."""
    if op.body is None or not op.body.media:
        return ()
    sent = op.body.sent
    model = model_of(sent.type, schemas) if sent.kind is MediaKind.JSON else None
    if model is None:
        return ()
    return tuple(
        _knob(f.wire_name, f.type, schemas, f.default) for f in model.fields if not f.read_only
    )


def _knob(name: str, t: TypeRef, schemas: Mapping[str, Schema], default: object) -> Knob:
    value: JsonValue | None = None if default is MISSING else default  # type: ignore[assignment]
    number = value if isinstance(value, int) and not isinstance(value, bool) else None
    return Knob(name, kind_of(t, schemas), number)
