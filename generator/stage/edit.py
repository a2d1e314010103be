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
    """A text as `edit_of` and `region` read it: its length and its slices (a `str`, or `Ascii`)."""

    def __len__(self) -> int: ...
    def __getitem__(self, at: slice, /) -> str: ...


class Ascii:
    """An ASCII text's bytes read as the `str` they decode to (their offsets are its offsets): its
    length, and a slice decoded when asked for — the text is never decoded whole (GitHub's 7 MB:
    a copy, and its pages touched, twice a run)."""

    __slots__ = ("data",)

    def __init__(self, data: bytes) -> None:
        self.data = data

    def __len__(self) -> int:
        return len(self.data)

    def __getitem__(self, at: slice, /) -> str:
        return self.data[at].decode("ascii")


def kept_text(
    path: Path, text: str | bytes, spec: str, label: str, config: str
) -> tuple[bytes, Kept] | None:
    """For a JSON `text`: the snapshot at `path`'s key and what it kept of the text it was made
    from (`snapshot.text_of`) — when the snapshot was made for this spec, label and configuration
    by this generator (`keys.key_of` over its own shape) — else None."""
    if not (text.lstrip().startswith("{") if isinstance(text, str) else _json(text)):
        return None
    head = peek(path)
    if head is None or head.key != key_of(b"json", head.shape, spec, label, config):
        return None
    kept = text_of(path, head)
    return None if kept is None else (head.key, kept)


def _json(data: bytes) -> bool:
    return data.lstrip().startswith(b"{")


@dataclass(frozen=True)
class Against:
    """A JSON text against the text its snapshot was made from (`kept_text`), read and compared
    once for `edit_of` and `region.located`: the snapshot's key, both texts (`Ascii` when both are:
    then neither is decoded whole, else `str`), the kept one's prose tokens' spans and its layout
    (`Kept`'s, not its bytes: graph-beta's are 47 MB), and where the two differ — `old[start:end]`
    and the new text's part between the same ends (`start == end == len(old) == len(new)`: the
    same text)."""

    key: bytes
    old: Text
    new: Text
    spans: array[int]
    layout: Layout | None
    start: int
    end: int


def against(path: Path, text: str | bytes, spec: str, label: str, config: str) -> Against | None:
    """`text` — the spec's, decoded as `keys.read_spec` decodes it, or its bytes when they are
    ASCII (`bytes.isascii`: the same text, offsets and all) — against the snapshot at `path`, or
    None (see `kept_text`). The texts are compared as bytes when both are ASCII, else decoded."""
    found = kept_text(path, text, spec, label, config)
    if found is None:
        return None
    key, kept = found
    spans, layout, data = kept.spans, kept.layout, kept.text
    del kept, found
    if isinstance(text, bytes) and data.isascii():
        start = common_head(data, text)
        end = len(data) - common_tail(data, text, start)
        return Against(key, Ascii(data), Ascii(text), spans, layout, start, end)
    try:
        old = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    del data  # (its bytes)
    new = text if isinstance(text, str) else text.decode("ascii")
    start = common_head(old, new)
    end = len(old) - common_tail(old, new, start)
    return Against(key, old, new, spans, layout, start, end)


def edited(path: Path, text: str | bytes, spec: str, label: str, config: str) -> Edit | None:
    """`text` (as `against` takes it) against the snapshot at `path` (see the module), or None:
    scan it."""
    found = against(path, text, spec, label, config)
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
    new = text[s : e + len(text) - len(old)]
    if _TOKEN.fullmatch(new) is None:
        return None
    try:
        if not isinstance(json.loads(new), str):  # (a string token: always; invalid escapes raise)
            return None
    except ValueError:
        return None
    return Edit(found.key, index, old[s:e], new)


def _containing(spans: array[int], start: int, end: int) -> int:
    """The number of the token whose span holds [start, end), or -1."""
    index = bisect_right(spans[0::2], start) - 1
    if index < 0 or end > spans[2 * index + 1]:
        return -1
    return index
