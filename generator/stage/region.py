"""Where a JSON spec's new text differs from the text the stage snapshot was made from, when that is
inside some operations of `paths` (the structural replay's first step: `stage/structural.py`). The
texts are compared from both ends (`common_ends`, as `stage/edit.py` does); the differing region
must lie inside whole path items (`layout.py` says where each sits), which are decoded on both sides
and compared as parse reads them; the operations whose objects differ are the edit."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from .. import pointer as jp
from .edit import Against, Text, against
from .layout import Layout, members
from .prose import PROSE_KEYS

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
MAX_CHANGED = 16  # operations changed at most (more: the full path)


@dataclass(frozen=True)
class Changed:
    """One operation whose object differs: its path, method and both objects as decoded."""

    path: str
    method: str
    old: dict[str, Any] | None  # None: a new operation
    new: dict[str, Any] | None  # None: a removed one


@dataclass(frozen=True)
class Region:
    """The path items the edit is inside, as they were and as they are."""

    old: dict[str, Any]
    new: dict[str, Any]
    changed: list[Changed]


def region(old: Text, new: Text, layout: Layout, ends: tuple[int, int]) -> Region | None:
    """The path items holding everything that differs between the two texts, or None. `ends`:
    where the difference starts and ends in `old` (`common_head`, and `len(old)` less
    `common_tail`: `edit.against` compares them)."""
    start, end = ends
    if start == len(old) == len(new):
        return None
    top = layout.top.get("paths")
    if top is None or not (top[1] < start and end < top[2]):
        return None  # (outside `paths`' braces)
    items = layout.paths
    first = next((i for i in range(len(items) - 1, -1, -1) if items[i][1][0] <= start), None)
    last = next((i for i, (_, span) in enumerate(items) if span[2] >= end), None)
    if first is None or last is None or last < first:
        return None  # (before the first path item's key, or after the last one's value)
    lo, hi = items[first][1][0], items[last][1][2]
    if not (lo <= start and end <= hi):
        return None
    try:
        before = members(old[lo:hi])
        after = members(new[lo : hi + len(new) - len(old)])
    except UnicodeDecodeError:
        return None  # (not UTF-8 there: the full path says so)
    if before is None or after is None or len(before) != last - first + 1:
        return None  # (a key given twice)
    outside = {p for i, (p, _) in enumerate(items) if not first <= i <= last}
    if outside & after.keys():
        return None  # (a path item named as one outside the region: given twice)
    changed: list[Changed] = []
    for path in [*before, *(p for p in after if p not in before)]:
        item, now = before.get(path), after.get(path)
        if same(item, now):
            continue
        if any(x is not None and (not isinstance(x, dict) or "$ref" in x) for x in (item, now)):
            return None
        if item is not None and now is not None and not same(_shared(item), _shared(now)):
            return None  # (the path item's own parameters, servers, …: every operation of it)
        for method in METHODS:
            was = item.get(method) if item is not None else None
            will = now.get(method) if now is not None else None
            if same(was, will):
                continue
            if any(x is not None and not isinstance(x, dict) for x in (was, will)):
                return None
            changed.append(Changed(path, method, was, will))
    if not changed or len(changed) > MAX_CHANGED:
        return None
    touched = {c.path for c in changed}
    return Region(
        {p: v for p, v in before.items() if p in touched},
        {p: v for p, v in after.items() if p in touched},
        changed,
    )


def _shared(item: dict[str, Any]) -> dict[str, Any]:
    """A path item's own members (what its operations share)."""
    return {k: v for k, v in item.items() if k not in METHODS}


def same(a: Any, b: Any) -> bool:
    """The same JSON values, as parse would read them: `==` takes `1` for `1.0` and `true`, and
    `0.0` for `-0.0`, which the generated code prints apart; their JSON texts do not."""
    if a != b:
        return False
    dump = partial(json.dumps, sort_keys=True, ensure_ascii=False)
    return bool(dump(a) == dump(b))


def _refs(node: Any) -> Iterator[str]:
    stack = [node]
    while stack:
        node = stack.pop()
        if type(node) is dict:
            ref = node.get("$ref")
            if type(ref) is str:
                yield ref
            stack += [v for v in node.values() if type(v) is dict or type(v) is list]
        elif type(node) is list:
            stack += [v for v in node if type(v) is dict or type(v) is list]


def components(text: Text, layout: Layout, roots: list[Any]) -> dict[str, Any] | None:
    """The `components` entries the nodes `roots` reach through `$ref`s (and those reach), decoded
    from the kept text; None for a `$ref` that leaves `components` or the document (the full path
    reads it: a dangling one is its warning)."""
    out: dict[str, dict[str, Any]] = {}
    seen: set[tuple[str, str]] = set()
    stack = [ref for root in roots for ref in _refs(root)]
    while stack:
        ref = stack.pop()
        if not ref.startswith("#/components/"):
            return None
        try:
            tokens = jp.split(ref)
        except ValueError:
            return None
        if len(tokens) < 3:
            return None
        entry = (tokens[1], tokens[2])
        if entry in seen:
            continue
        seen.add(entry)
        span = layout.components.get(entry)
        if span is None:
            return None
        try:
            found = members(text[span[0] : span[2]])
        except UnicodeDecodeError:
            return None
        if found is None:
            return None
        value = found[entry[1]]
        out.setdefault(entry[0], {})[entry[1]] = value
        stack += _refs(value)
    return out


def top(text: Text, layout: Layout, key: str) -> Any:
    """The top-level member `key` of the kept `text`, decoded (None: none)."""
    span = layout.top.get(key)
    if span is None:
        return None
    try:
        found = members(text[span[0] : span[2]])
    except UnicodeDecodeError:
        return None
    return None if found is None else found.get(key)


@dataclass(frozen=True)
class Located:
    """An edit `locate` found inside `paths`: the snapshot's key, its kept text, the path items."""

    key: bytes
    old: Text
    layout: Layout
    region: Region

    @property
    def prose_only(self) -> bool:
        """Every changed operation differs only in `summary`/`description` strings: the prose
        replay's (`stage/cache.py`), which costs less."""
        return all(
            c.old is not None and c.new is not None and prose_only(c.old, c.new)
            for c in self.region.changed
        )


def locate(path: Path, text: str | bytes, spec: str, label: str, config: str) -> Located | None:
    """Where a JSON `text` (the spec's bytes, or its text: as UTF-8) differs from the text the
    snapshot at `path` was made with (`config`: the target's configuration digest), when that is
    inside some operations of `paths` (see the module); else None."""
    data = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text
    found = against(path, data, spec, label, config)
    return None if found is None else located(found)


def located(found: Against) -> Located | None:
    """`locate`, of a text already compared with the kept one (`edit.against`: the kept text read
    and compared once, for `edit.edit_of` and here)."""
    if found.layout is None:
        return None
    changed = region(found.old, found.new, found.layout, (found.start, found.end))
    return None if changed is None else Located(found.key, found.old, found.layout, changed)


def prose_only(old: Any, new: Any) -> bool:
    """The two JSON values differ in `summary`/`description` strings at most."""
    if type(old) is not type(new):
        return False
    if type(old) is dict:
        if old.keys() != new.keys():
            return False
        return all(
            (k in PROSE_KEYS and type(v) is str and type(new[k]) is str) or prose_only(v, new[k])
            for k, v in old.items()
        )
    if type(old) is list:
        return len(old) == len(new) and all(prose_only(a, b) for a, b in zip(old, new))
    return same(old, new)
