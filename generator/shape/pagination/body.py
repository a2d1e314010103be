"""What a response body offers a pager: where its items are, and the fields that tell where the next
page is (a URL, a cursor) or whether there is one (a flag, totals). Fields are found by what their
names mean (`norm`: lower case, letters and digits only) and checked by their types."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from ...ir import AnyType, Kind, ListOf, MapOf, Model, ModelRef, Primitive, Schema, TypeRef, UnionOf
from ...ir.models import Alias

Path = tuple[str, ...]  # wire names from the body's root; () = the body itself

# Fields holding the items, by preference when a body has several lists.
ITEM_NAMES = (
    "data",
    "items",
    "results",
    "value",
    "values",
    "entries",
    "records",
    "elements",
    "nodes",
    "content",
    "list",
    "rows",
    "hits",
    "objects",
)
ITEM_HOLDERS = frozenset({"embedded"})  # HAL `_embedded.{name}`
LINK_HOLDERS = frozenset({"links", "link", "navigation", "paging"})
NEXT_URLS = frozenset(
    {
        "nextpageurl",
        "nextpageuri",
        "nexturl",
        "nexturi",
        "nextlink",
        "odatanextlink",
        "nextpagelink",
        "nexthref",
    }
)
NEXT_CURSORS = frozenset(
    {
        "nextcursor",
        "nextpagetoken",
        "nexttoken",
        "nextpagecursor",
        "continuationtoken",
        "nextcontinuationtoken",
        "nextmarker",
        "continue",
        "endcursor",
        "nextkey",
        "nextpagekey",
    }
)
HAS_MORE = frozenset(
    {"hasmore", "hasnextpage", "hasnext", "moreavailable", "hasmoreitems", "hasmoreresults"}
)
TOTAL_PAGES = frozenset({"totalpages", "pagecount", "pages", "numpages", "totalpagecount"})
TOTAL_ITEMS = frozenset(
    {
        "total",
        "totalcount",
        "totalitems",
        "totalresults",
        "totalrecords",
        "totalsize",
        "totalelements",
        "totalhits",
        "totalentries",
    }
)
PAGE = frozenset({"page", "currentpage", "pagenumber", "pageindex", "pageno", "pagenum"})
LIMIT = frozenset({"limit", "pagesize", "perpage", "maxresults", "pagelimit"})
_URL_WORDS = re.compile(r"\b(url|uri|link|href)\b", re.IGNORECASE)
_CURSOR_WORDS = re.compile(r"\b(cursor|token)\b", re.IGNORECASE)
MAX_DEPTH = 3  # `_links.next.href`, `meta.pagination.next_cursor`


_NOT_ALNUM = re.compile(r"[^0-9a-z]")


@lru_cache(maxsize=16384)  # GitHub's spec: 33,000 calls, a few thousand distinct names
def norm(name: str) -> str:
    """A name as its meaning is looked up: `next_page_url`, `nextPageUrl`, `@odata.nextLink` alike."""
    return _NOT_ALNUM.sub("", name.lower())


def resolve(t: TypeRef, schemas: Mapping[str, Schema]) -> TypeRef:
    """`t` with named aliases followed to what they stand for."""
    seen: set[str] = set()
    while isinstance(t, ModelRef) and t.id not in seen:
        seen.add(t.id)
        schema = schemas.get(t.id)
        if not isinstance(schema, Alias):
            return t
        t = schema.target
    return t


def model_of(t: TypeRef, schemas: Mapping[str, Schema]) -> Model | None:
    t = resolve(t, schemas)
    schema = schemas.get(t.id) if isinstance(t, ModelRef) else None
    return schema if isinstance(schema, Model) else None


def kind_of(t: TypeRef, schemas: Mapping[str, Schema]) -> Kind | None:
    t = resolve(t, schemas)
    return t.kind if isinstance(t, Primitive) else None


def is_typed(item: TypeRef, schemas: Mapping[str, Schema]) -> bool:
    """A list's items say what they are: not `any`, not a free-form map of `any`."""
    item = resolve(item, schemas)
    if isinstance(item, AnyType):
        return False
    return not (isinstance(item, MapOf) and isinstance(resolve(item.value, schemas), AnyType))


@dataclass(frozen=True, slots=True)
class Items:
    """Where a page's items are in its body, and their type."""

    path: Path
    item: TypeRef


def list_item(t: TypeRef, schemas: Mapping[str, Schema]) -> TypeRef | None:
    t = resolve(t, schemas)
    return t.item if isinstance(t, ListOf) else None


def find_items(body: TypeRef, schemas: Mapping[str, Schema], resource: str = "") -> Items | None:
    """The body's typed list of items: the body itself, its one list field, or the list a known name
    (`data`, `items`, …; `_embedded.<name>`; the path's last word) picks among several. None when the
    choice is not clear."""
    item = list_item(body, schemas)
    if item is not None:
        return Items((), item) if is_typed(item, schemas) else None
    model = model_of(body, schemas)
    if model is None:
        return None
    lists = [(f.wire_name, list_item(f.type, schemas)) for f in model.fields]
    found: list[tuple[Path, TypeRef]] = [((name,), it) for name, it in lists if it is not None]
    for f in model.fields:
        inner = model_of(f.type, schemas) if norm(f.wire_name) in ITEM_HOLDERS else None
        for g in inner.fields if inner is not None else ():
            it = list_item(g.type, schemas)
            if it is not None:
                found.append(((f.wire_name, g.wire_name), it))
    chosen = _choose(found, schemas, norm(resource))
    if chosen is None or not is_typed(chosen[1], schemas):
        return None
    return Items(*chosen)


def _choose(
    found: list[tuple[Path, TypeRef]], schemas: Mapping[str, Schema], resource: str
) -> tuple[Path, TypeRef] | None:
    if len(found) == 1:
        return found[0]
    by_name = {norm(path[-1]): (path, item) for path, item in found}
    for name in ITEM_NAMES:
        if name in by_name:
            return by_name[name]
    if resource and resource in by_name:
        return by_name[resource]
    structured = [
        (path, item)
        for path, item in found
        if model_of(item, schemas) is not None or isinstance(resolve(item, schemas), UnionOf)
    ]
    return structured[0] if len(structured) == 1 else None


@dataclass(frozen=True, slots=True)
class Signals:
    """Where a body says what comes next (dotted paths from the body's root)."""

    next_link: Path | None = None
    next_cursor: Path | None = None
    weak_cursor: Path | None = None  # a field just called `cursor`: a next cursor beside has_more
    has_more: Path | None = None
    total_pages: Path | None = None
    total_items: Path | None = None
    page: Path | None = None
    limit: Path | None = None

    @property
    def counters(self) -> tuple[Path, ...]:
        """The fields a page-number or offset pager reads, found ones only."""
        found = (self.has_more, self.total_pages, self.total_items, self.page, self.limit)
        return tuple(p for p in found if p is not None)


def find_signals(body: TypeRef, schemas: Mapping[str, Schema], skip: Path = ()) -> Signals:
    """Every signal of the body, the shallowest of each kind (never inside the items)."""
    found: dict[str, Path] = {}
    model = model_of(body, schemas)
    if model is not None:
        _walk(model, (), schemas, skip, found)
    return Signals(**found)


def _walk(
    model: Model, at: Path, schemas: Mapping[str, Schema], skip: Path, found: dict[str, Path]
) -> None:
    """Breadth first: a signal at the top wins over one in a nested object."""
    level: list[tuple[Model, Path]] = [(model, at)]
    seen: set[str] = set()
    for _ in range(MAX_DEPTH):
        below: list[tuple[Model, Path]] = []
        for current, where in level:
            if current.id in seen:
                continue
            seen.add(current.id)
            parent = norm(where[-1]) if where else ""
            for f in current.fields:
                path = (*where, f.wire_name)
                if path == skip:
                    continue
                _classify(f.wire_name, f.type, f.doc, parent, path, schemas, found)
                inner = model_of(f.type, schemas)
                if inner is not None:
                    below.append((inner, path))
        level = below


def _classify(
    name: str,
    t: TypeRef,
    doc: str,
    parent: str,
    path: Path,
    schemas: Mapping[str, Schema],
    found: dict[str, Path],
) -> None:
    key = norm(name)
    kind = kind_of(t, schemas)
    text = kind in (Kind.STRING, Kind.URI)
    number = kind is Kind.INTEGER
    link = model_of(t, schemas)
    href = (
        next((g.wire_name for g in link.fields if norm(g.wire_name) == "href"), None)
        if link is not None
        else None
    )

    def put(what: str, where: Path) -> None:
        found.setdefault(what, where)

    nextish = key in ("next", "nextpage") or (parent in LINK_HOLDERS and key in ("nextpage",))
    if href is not None and (nextish or key in NEXT_URLS):
        put("next_link", (*path, href))
    elif text and (key in NEXT_URLS or (kind is Kind.URI and key.startswith("next"))):
        put("next_link", path)
    elif text and nextish:
        if parent in LINK_HOLDERS or kind is Kind.URI:
            put("next_link", path)
        elif key == "next":
            put("next_cursor" if _CURSOR_WORDS.search(doc) else "next_link", path)
        else:
            put("next_link" if _URL_WORDS.search(doc) else "next_cursor", path)
    elif (text or number) and key in NEXT_CURSORS:
        put("next_cursor", path)
    elif (text or number) and key == "cursor":
        put("weak_cursor", path)
    elif kind is Kind.BOOLEAN and key in HAS_MORE:
        put("has_more", path)
    elif number and key in TOTAL_PAGES:
        put("total_pages", path)
    elif number and key in TOTAL_ITEMS:
        put("total_items", path)
    elif number and key in PAGE:
        put("page", path)
    elif number and key in LIMIT:
        put("limit", path)


class Bodies:
    """`find_items` and `find_signals` over one mapping of schemas, each question answered once:
    operations share response bodies (GitHub: 952 and 526 questions, 610 and 302 distinct). The
    answers are frozen values, so a shared one cannot be changed by the operation it is given to."""

    def __init__(self, schemas: Mapping[str, Schema]) -> None:
        self.schemas = schemas
        self._items: dict[tuple[TypeRef, str], Items | None] = {}
        self._signals: dict[tuple[TypeRef, Path], Signals] = {}

    def items(self, body: TypeRef, resource: str = "") -> Items | None:
        key = (body, resource)
        try:
            return self._items[key]
        except KeyError:
            found = self._items[key] = find_items(body, self.schemas, resource)
            return found
        except TypeError:  # a body holding an unhashable value (a literal's list): not remembered
            return find_items(body, self.schemas, resource)

    def signals(self, body: TypeRef, skip: Path = ()) -> Signals:
        key = (body, skip)
        try:
            return self._signals[key]
        except KeyError:
            found = self._signals[key] = find_signals(body, self.schemas, skip)
            return found
        except TypeError:
            return find_signals(body, self.schemas, skip)
