"""A JSON spec's new text against the text its snapshot was made from (issue 18: the one-operation
edit's cost): one prose token replaced is found without scanning the new text.

The snapshot keeps the spec's text T it was made from, where each prose token sits in it, and the
SHA-256 of T with the prose emptied (its `shape`, which the key covers), all checked by a CRC-32
(`snapshot.Head`, `snapshot.text_of`). The new text N is compared with T from both ends: when they
differ only inside the span [s, e) of one prose token of T — N = T[:s] + X + T[e:] — and X is one
JSON string token, N is T with that string value replaced and nothing else, so N with its prose
emptied is T's (`scan_prose` finds no key inside a string token, whose quotes are all escaped, and
the token X replaces is one too): the same shape, the same offsets, the same tokens but that one.
The key is then `keys.key_of` over T's shape and this run's generator, configuration and spec, and
the scan of N (0.05 s of CPU for GitHub's spec) is not needed. Anything else — a YAML spec, no text
kept or not the kept one, an edit across more than one token or outside them, an X that is not one
JSON string — is `keys.scan`'s work, as before.
"""

from __future__ import annotations

import json
import re
from array import array
from bisect import bisect_right
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from ..common_ends import common_head, common_tail
from .keys import key_of
from .layout import Layout
from .snapshot import Kept, peek, text_of

# a JSON text's start: a BOM, white space, `{` (not a copy of GitHub's 13 MB, as `lstrip` makes)
_JSON = re.compile(rb"(?:\xef\xbb\xbf)?[ \t\n\r]*\{")  # (`codecs.BOM_UTF8`)
# one JSON string token, whole (`validation_cache._VALUE`'s token)
_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)


@dataclass(frozen=True)
class Edit:
    """The new text is the snapshot's with the prose token number `index` (-1: none, the texts are
    the same) spelled `new` instead of `old`."""

    key: bytes
    index: int
    old: str
    new: str


class Text(Protocol):
    """A text as `edit_of` and `region` read it: its length and its slices (a `str`, or `Utf8`)."""

    def __len__(self) -> int: ...
    def __getitem__(self, at: slice, /) -> str: ...


class Utf8:
    """A spec's bytes read as the text they decode to, by offsets into the bytes (the snapshot
    keeps its spans and layout so: `layout.byte_offsets`): their length, and a slice decoded when
    asked for — raising `UnicodeDecodeError` (a `ValueError`) for a slice that is not whole UTF-8.
    The text is never decoded whole: GitHub's 13 MB, with one character beyond U+FFFF, decode to
    52 MB of `str` (≈ 0.1–0.15 s with the pages touched), twice a run."""

    __slots__ = ("data",)

    def __init__(self, data: bytes) -> None:
        self.data = data

    def __len__(self) -> int:
        return len(self.data)

    def __getitem__(self, at: slice, /) -> str:
        return self.data[at].decode("utf-8")


def kept_text(
    path: Path, text: bytes, spec: str, label: str, config: str
) -> tuple[bytes, Kept] | None:
    """For a JSON `text` (the spec's bytes): the snapshot at `path`'s key and what it kept of the
    text it was made from (`snapshot.text_of`) — when the snapshot was made for this spec, label and
    configuration by this generator (`keys.key_of` over its own shape) — else None."""
    if _JSON.match(text) is None:
        return None  # (else `keys.scan` says what it is)
    head = peek(path)
    if head is None or head.key != key_of(b"json", head.shape, spec, label, config):
        return None
    kept = text_of(path, head)
    return None if kept is None else (head.key, kept)


@dataclass(frozen=True)
class Against:
    """A JSON text against the text its snapshot was made from (`kept_text`), read and compared
    once for `edit_of` and `region.located`: the snapshot's key, both texts' bytes (`Utf8`: neither
    is decoded whole), the kept one's prose tokens' spans and its layout (`Kept`'s), and where the
    two differ — `old[start:end]` and the new text's part between the same ends (`start == end ==
    len(old) == len(new)`: the same text)."""

    key: bytes
    old: Utf8
    new: Utf8
    spans: array[int]
    layout: Layout | None
    start: int
    end: int


def against(path: Path, text: bytes, spec: str, label: str, config: str) -> Against | None:
    """The spec's bytes `text` against the snapshot at `path` (compared as bytes), or None (see
    `kept_text`). Whatever is read of them is decoded as it is read: a slice that does not decode
    is no edit `edit_of` or `region` serves (the full path reports it), and one that decodes,
    between two places where both texts have the kept text's bytes, makes the whole new text
    UTF-8 (the kept text was)."""
    found = kept_text(path, text, spec, label, config)
    if found is None:
        return None
    key, kept = found
    data = kept.text
    start = common_head(data, text)
    end = len(data) - common_tail(data, text, start)
    return Against(key, Utf8(data), Utf8(text), kept.spans, kept.layout, start, end)


def edited(path: Path, text: str | bytes, spec: str, label: str, config: str) -> Edit | None:
    """`text` (the spec's bytes, or its text: as UTF-8) against the snapshot at `path` (see the
    module), or None: scan it."""
    data = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text
    found = against(path, data, spec, label, config)
    return None if found is None else edit_of(found)


def edit_of(found: Against) -> Edit | None:
    """`edited`, of a text already compared with the kept one (`against`)."""
    old, text, start, end = found.old, found.new, found.start, found.end
    if start == len(old) == len(text):
        return Edit(found.key, -1, "", "")
    spans = found.spans
    index = _containing(spans, start, end)
    if index < 0:
        return None
    s, e = spans[2 * index], spans[2 * index + 1]
    try:
        new, was = text[s : e + len(text) - len(old)], old[s:e]
    except UnicodeDecodeError:
        return None  # (not UTF-8 there: the full path says so)
    if _TOKEN.fullmatch(new) is None:
        return None
    try:
        if not isinstance(json.loads(new), str):  # (a string token: always; invalid escapes raise)
            return None
    except ValueError:
        return None
    return Edit(found.key, index, was, new)


def _containing(spans: array[int], start: int, end: int) -> int:
    """The number of the token whose span holds [start, end), or -1."""
    index = bisect_right(spans[0::2], start) - 1
    if index < 0 or end > spans[2 * index + 1]:
        return -1
    return index
