"""What an operation's route and operationId say about its name: path segments, FastAPI's default ids,
ids that only spell out the route, and the CRUD verb a method + path shape implies.

Pure functions over strings; the naming pass (`naming/operations.py`) decides with them."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from ..ir.quick_init import quick_init
from .rules import singular, words

HTTP_VERBS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
# `v1`, `v2beta1`, `v1.1`, `2010-04-01`, `1.0`: a version, never a resource
_VERSION = re.compile(
    r"^(v\d+(?:[._-]\d+)*(?:[a-z]+\d*)?|\d{4}-\d{2}-\d{2}|\d+(?:\.\d+)+)$", re.IGNORECASE
)
_PREFIX = frozenset({"api", "apis", "rest"})  # a leading segment that only says "this is the API"
_EXTENSION = re.compile(r"\.(json|xml|ya?ml|csv|txt|html)$", re.IGNORECASE)
# Verbs an operationId may use for "read" that say no more than GET does.
READ_VERBS = frozenset(
    {"get", "fetch", "read", "retrieve", "find", "query", "list", "show", "load"}
)
# Verbs that say no more than the HTTP method + path shape (an id made of them and route words is generic).
CRUD_VERBS = READ_VERBS | frozenset(
    {"post", "put", "patch", "delete", "create", "add", "new", "update", "modify", "remove", "all"}
)


def is_version(segment: str) -> bool:
    return _VERSION.match(segment) is not None


@dataclass(frozen=True, slots=True)
class Segment:
    """One segment of a path: its text and whether it is a parameter."""

    text: str  # as written, without a file extension (`Calls.json` → `Calls`) or braces
    param: bool
    end: int  # where it ends in the path: `path[:end]` is the route up to it


@lru_cache(maxsize=16384)
def segments(path: str) -> tuple[Segment, ...]:
    """`/v1/customers/{customer}/sources` → v1, customers, {customer}, sources."""
    out = []
    start = 0
    for raw in path.split("/"):
        end = start + len(raw)
        start = end + 1
        if not raw:
            continue
        param = raw.startswith("{") and raw.endswith("}")
        # (an extension has its dot: most segments have none, and are not searched)
        text = raw[1:-1] if param else _EXTENSION.sub("", raw) if "." in raw else raw
        out.append(Segment(text, param, end))
    return tuple(out)


def route_words(path: str) -> frozenset[str]:
    """Every word of a path (literal and parameter segments), singular and as written."""
    return frozenset(w for s in segments(path) for x in words(s.text) for w in (x, singular(x)))


_SPRINGFOX = re.compile(r"^(.+?)Using(GET|POST|PUT|DELETE|PATCH|HEAD|OPTIONS|TRACE)(_\d+)?$")


def generated_function(operation_id: str, method: str, path: str) -> str | None:
    """The name a person chose inside an operationId a framework made: FastAPI's
    `{function}{path}_{method}` (see `fastapi_function`) or springfox's `{function}Using{METHOD}[_n]`
    (`getUserUsingGET_1` → `getUser`); None for any other id."""
    found = fastapi_function(operation_id, method, path)
    if found is None and (m := _SPRINGFOX.match(operation_id)):
        found = m.group(1)
    return found


def fastapi_function(operation_id: str, method: str, path: str) -> str | None:
    """The function name in FastAPI's default operationId, `{function}{path}_{method}` with every
    non-word character of the path as `_` (`read_item_items__item_id__get` for GET /items/{item_id}
    → `read_item`); None when the id does not end in the operation's own route and an HTTP verb (a
    hand-written id that merely ends in `_get` is not one). Any verb is accepted after the route:
    FastAPI names every method of a multi-method route after the first."""
    route = re.sub(r"\W", "_", path)
    for verb in (method.lower(), *HTTP_VERBS):
        suffix = f"{route}_{verb}"
        if operation_id.endswith(suffix) and len(operation_id) > len(suffix):
            return operation_id[: -len(suffix)]
    return None


def says_only_route(operation_id: str, path: str) -> bool:
    """The id's words are HTTP/CRUD verbs and words of its own path, nothing more: `GetCustomersCustomer`
    (GET /v1/customers/{customer}), `PostCustomers`, `fetchCalendarEvents` (GET /calendars/{id}/events).
    Such an id names nothing a person chose, so the method is named from the method + path shape."""
    ids = words(operation_id)
    known = route_words(path)
    return bool(ids) and all(w in CRUD_VERBS or w in known or singular(w) in known for w in ids)


def is_plural(word: str) -> bool:
    """`customers`, `people`, `task_queues` (by the last word); `status`, `sms`, `news` are not."""
    last = (words(word) or ("",))[-1]
    one = singular(last)
    return one != last and len(one) >= 2


@dataclass(frozen=True, slots=True)
class Shape:
    """What the route of one operation looks like, relative to the resource that holds it."""

    method: str  # lower case
    ends_in_param: bool  # `/customers/{id}`
    action: (
        str  # a trailing literal segment that is a verb on its parent (`cancel`, `search`), or ""
    )
    collection: bool  # GET/POST on a literal segment that holds many (plural, or `listed`)
    singleton: (
        bool  # a singular literal segment that also answers GET (`/account`: POST updates it)
    )
    listed: bool = False  # known to hold many: the response is a list, or `/x/{id}` is beside `/x`
    nouns: tuple[
        str, ...
    ] = ()  # route words the resource does not already say (`order` in /store/order)
    siblings: frozenset[str] = frozenset()  # the HTTP methods of the same path


def crud_verb(shape: Shape) -> str:
    """The method name a route implies: GET /customers → list, POST /customers → create,
    GET /customers/{id} → retrieve, POST|PUT|PATCH /customers/{id} → update (PUT beside a PATCH or an
    updating POST: replace), DELETE → delete; POST /charges/{id}/capture → capture; POST /account
    (which also answers GET) → update. Route words the resource does not say follow the verb."""
    if shape.action:
        return "_".join([shape.action, *shape.nouns])
    m = shape.method
    updates = shape.ends_in_param or shape.singleton
    if m == "get":
        verb = "list" if shape.collection and not shape.ends_in_param else "retrieve"
    elif m == "post":
        verb = "update" if updates else "create"
    elif m == "put":
        verb = (
            "replace"
            if "patch" in shape.siblings or (updates and "post" in shape.siblings)
            else "update"
        )
    elif m == "patch":
        verb = "update"
    elif m == "delete":
        verb = "delete"
    else:
        verb = m
    return "_".join([verb, *shape.nouns])


@dataclass(frozen=True, slots=True)
class RouteIndex:
    """The paths of the whole spec: how many operations each has, which extend which, and the literal
    segments every path starts with."""

    counts: dict[str, int]
    extended: frozenset[str]  # paths some longer path starts with
    collections: frozenset[str]  # paths with an item path below: `/customers` of `/customers/{id}`
    common: int  # leading segments shared by every path (each keeps a literal segment after them)

    @classmethod
    def of(cls, paths: Iterable[str]) -> RouteIndex:
        """The index of these paths (one per operation), made once a process for the same paths in
        the same order (`route_index`): a structural edit asks for the new API's twice."""
        return route_index(tuple(paths))

    @classmethod
    def _made(cls, paths: tuple[str, ...]) -> RouteIndex:
        counts: dict[str, int] = {}
        for p in paths:
            counts[p] = counts.get(p, 0) + 1
        keys = {p: route_key(p) for p in counts}  # each path's key once (not once per prefix)
        below = {key[:i] for key in keys.values() for i in range(len(key))}
        extended = frozenset(p for p in counts if keys[p] in below)
        holders = {key[:-1] for key in keys.values() if key[-1:] == ("{}",)}
        collections = frozenset(p for p in counts if keys[p] in holders)
        return cls(counts, extended, collections, _common_prefix([segments(p) for p in counts]))

    def moved(self, other: RouteIndex) -> set[str] | None:
        """The paths whose facts differ between the two indexes (how many operations, whether a path
        goes below it, whether it holds items); None when every path's may (the shared prefix
        differs). A path outside both has none. What `significant` and `is_action` say of a path
        not in this set is the same in both."""
        if self.common != other.common:
            return None
        counts, others = self.counts, other.counts
        moved = {p for p in counts.keys() | others.keys() if counts.get(p) != others.get(p)}
        return moved | (self.extended ^ other.extended) | (self.collections ^ other.collections)

    def significant(self, path: str) -> tuple[Segment, ...]:
        """The segments that name things: without the prefix every path shares, a leading `api`/`rest`
        segment, and versions (`v1`, `2010-04-01`) anywhere."""
        segs = segments(path)[self.common :]
        out: list[Segment] = []
        for s in segs:
            if not s.param and (is_version(s.text) or (not out and s.text.lower() in _PREFIX)):
                continue
            out.append(s)
        return tuple(out)

    def is_action(self, path: str, method: str, segs: Sequence[Segment]) -> bool:
        """A trailing literal segment is a verb on its parent (POST /charges/{id}/capture, GET
        /customers/search) when it has a parent, is not plural, is the only operation of its path, no
        path goes below it, and the method is GET or POST."""
        literal = [s for s in segs if not s.param]
        return (
            bool(segs)
            and not segs[-1].param
            and len(literal) >= 2
            and method in ("get", "post")
            and not is_plural(segs[-1].text)
            and self.counts.get(path, 0) == 1
            and path not in self.extended
        )


@lru_cache(maxsize=4)
def route_index(paths: tuple[str, ...]) -> RouteIndex:
    """`RouteIndex.of` these paths, remembered (the index is frozen; its tables are not changed)."""
    return RouteIndex._made(paths)


@lru_cache(maxsize=16384)
def route_key(path: str) -> tuple[str, ...]:
    """The path's segments with every parameter as `{}` (remembered as `segments` is: a structural
    edit indexes the old API's paths and the new one's)."""
    return tuple("{}" if s.param else s.text for s in segments(path))


def _common_prefix(all_segments: list[tuple[Segment, ...]]) -> int:
    """How many leading literal segments every path shares, such that each path keeps a literal
    segment after them (`/pets` and `/pets/{id}` share nothing that could go)."""
    if len(all_segments) < 2:
        return 0
    n = 0
    first = all_segments[0]
    while (
        n < len(first)
        and not first[n].param
        and all(len(s) > n and not s[n].param and s[n].text == first[n].text for s in all_segments)
    ):
        n += 1
    while n and not all(any(not x.param for x in s[n:]) for s in all_segments):
        n -= 1
    return n


# their quick `__init__` in the pure-Python install (`ir/quick_init.py`): called, not a decorator,
# so that mypyc keeps the compiled classes native
quick_init(Segment)
quick_init(Shape)
