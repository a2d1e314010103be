"""Where a JSON spec's top-level members, path items and component entries sit in its text
(`stage/structural.py`: a structural edit inside `paths` decodes only what it needs).

Made when the snapshot is written (in the writer child, off the run's critical path) from the very
text the snapshot keeps, decoded as a `str`; kept with its offsets into that text's bytes
(`byte_offsets`: `stage/edit.py` compares the new text's bytes with them, and decodes only what it
reads). A mapping at these levels that names a key twice has no layout: which of the values counts
would then rest on the decoder's rule, not on a place."""

from __future__ import annotations

import codecs
import json
import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from json.decoder import WHITESPACE, scanstring  # type: ignore[attr-defined]
from typing import Any

_DECODER = json.JSONDecoder()

Span = tuple[int, int, int]  # where the member's key starts, where its value starts and ends


@dataclass(frozen=True)
class Layout:
    """`top`: each top-level member's span; `paths`: each path item's, in the text's order;
    `components`: each `components/<kind>/<name>` entry's."""

    top: dict[str, Span] = field(default_factory=dict)
    paths: list[tuple[str, Span]] = field(default_factory=list)
    components: dict[tuple[str, str], Span] = field(default_factory=dict)

    def moved(self, at: Callable[[int], int]) -> Layout:
        """The same layout, each offset `o` now `at(o)` (`byte_offsets`)."""

        def span(s: Span) -> Span:
            return at(s[0]), at(s[1]), at(s[2])

        return Layout(
            {k: span(s) for k, s in self.top.items()},
            [(k, span(s)) for k, s in self.paths],
            {k: span(s) for k, s in self.components.items()},
        )


_WIDE = re.compile(rb"[\x80-\xff]+")  # a run of bytes outside ASCII: whole characters of UTF-8


def byte_offsets(data: bytes) -> Callable[[int], int] | None:
    """Where an offset into the text `data` decodes to (as `keys.read_spec` decodes it: UTF-8, a
    BOM left out) sits in `data`, for an offset at an ASCII character or the end — what a layout's
    and the prose tokens' spans hold (a JSON token begins and ends with one). Each run of bytes
    outside ASCII is whole characters (ASCII bytes are never part of one), `len(run)` bytes for
    `len(run.decode())` characters. None: each offset is its own (ASCII)."""
    if data.isascii():
        return None
    bom = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    ends: list[int] = []  # where each run ends in the text
    extra: list[int] = [0]  # bytes more than characters before it, and after each run
    for run in _WIDE.finditer(data, bom):
        extra.append(extra[-1] + len(run.group()) - len(run.group().decode("utf-8")))
        ends.append(run.end() - bom - extra[-1])

    def at(offset: int) -> int:
        return offset + bom + extra[bisect_right(ends, offset)]

    return at


def layout_of(text: str) -> Layout | None:
    """The text's layout, or None (not a JSON object, a key given twice where it is noted, any
    syntax the decoder refuses)."""
    try:
        top = _members(text, _skip(text, 0))
    except (ValueError, RecursionError):
        return None
    if top is None:
        return None
    out = Layout(dict(top))
    if len(out.top) != len(top):
        return None
    try:
        if "paths" in out.top:
            paths = _members(text, out.top["paths"][1])
            if paths is None or len({k for k, _ in paths}) != len(paths):
                return None  # (not a mapping: nothing to serve)
            out.paths.extend(paths)
        if "components" in out.top:
            kinds = _members(text, out.top["components"][1])
            if kinds is None or len({k for k, _ in kinds}) != len(kinds):
                return None
            for kind, span in kinds:
                entries = _members(text, span[1])
                if entries is None:
                    continue  # (not a mapping: a `$ref` into it is read as the full path reads it)
                if len({k for k, _ in entries}) != len(entries):
                    return None
                out.components.update({(kind, name): s for name, s in entries})
    except (ValueError, RecursionError):
        return None
    return out


def _skip(text: str, at: int) -> int:
    return int(WHITESPACE.match(text, at).end())


def _members(text: str, at: int) -> list[tuple[str, Span]] | None:
    """The members of the JSON object whose `{` is at `at` (each value decoded to find its end),
    or None when the value there is no object."""
    if text[at : at + 1] != "{":
        return None
    out: list[tuple[str, Span]] = []
    at = _skip(text, at + 1)
    if text[at : at + 1] == "}":
        return out
    while True:
        if text[at : at + 1] != '"':
            raise ValueError("a key expected")
        start = at
        key, at = scanstring(text, at + 1)
        at = _skip(text, at)
        if text[at : at + 1] != ":":
            raise ValueError("':' expected")
        at = _skip(text, at + 1)
        _, end = _DECODER.raw_decode(text, at)
        out.append((key, (start, at, end)))
        at = _skip(text, end)
        if text[at : at + 1] == "}":
            return out
        if text[at : at + 1] != ",":
            raise ValueError("',' expected")
        at = _skip(text, at + 1)


def members(text: str) -> dict[str, Any] | None:
    """`text` (a JSON object's members without their braces, as a slice of the spec's text holds
    them) decoded, or None when it is not such a list or names a key twice."""
    seen: list[int] = [0]

    def unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        made = dict(pairs)
        if len(made) != len(pairs):
            seen[0] += 1
        return made

    try:
        found = json.loads("{" + text + "}", object_pairs_hook=unique)
    except (ValueError, RecursionError):
        return None
    return found if isinstance(found, dict) and not seen[0] else None
