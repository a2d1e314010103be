"""A unified diff of one changed file at a bounded cost (`clientgen check`'s short diff).

A file of at most `WHOLE` bytes on both sides is diffed whole by `difflib`, as it always was. A larger
one (graph-beta's api.md: 27 MB, a million lines) is not handed to `difflib`, whose time grows with the
lines it is given and whose memory holds them all: the common head and tail are found by comparing the
bytes (linear, a block at a time), and only the changed region between them — with its context lines —
is diffed, its hunk headers numbered as in the whole file (lines counted by `\\n`). A region of more
than `REGION_LINES` lines or `REGION_BYTES` bytes on either side is not diffed: one line says the file
changed, with both sizes.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator

from .common_ends import common_head, common_tail

WHOLE = 1024 * 1024  # bytes: files up to this size (both sides) are diffed whole
REGION_LINES = 2_000  # a larger file's changed region is diffed up to this many lines a side …
REGION_BYTES = 256 * 1024  # … and this many bytes (one line may be a whole minified document)
_HUNK = re.compile(r"@@ -(\d+)(,\d+)? \+(\d+)(,\d+)? @@")


def file_diff(old: bytes, new: bytes, old_name: str, new_name: str, context: int = 1) -> list[str]:
    """The unified diff's lines (no line ends) of `old` → `new`, at a cost bounded as above."""
    if len(old) <= WHOLE and len(new) <= WHOLE:
        return list(
            difflib.unified_diff(
                _text(old).splitlines(),
                _text(new).splitlines(),
                old_name,
                new_name,
                n=context,
                lineterm="",
            )
        )
    head = _line_start(old, common_head(old, new), context)
    tail = _line_end(old, len(old) - common_tail(old, new, head), context)
    new_end = len(new) - (len(old) - tail)
    if (
        max(tail - head, new_end - head) > REGION_BYTES
        or max(old.count(b"\n", head, tail), new.count(b"\n", head, new_end)) > REGION_LINES
    ):
        note = (
            f"changed: {len(old):,} → {len(new):,} bytes; the changed part spans more than "
            f"{REGION_LINES:,} lines or {REGION_BYTES // 1024:,} KiB, too much to show here (diff "
            "the folder after `clientgen generate`, e.g. with `git diff`)"
        )
        return [f"--- {old_name}", f"+++ {new_name}", note]
    before = old.count(b"\n", 0, head)  # lines above the region: the same on both sides
    lines = difflib.unified_diff(
        _lines(old[head:tail]),
        _lines(new[head:new_end]),
        old_name,
        new_name,
        n=context,
        lineterm="",
    )
    return list(_numbered(lines, before))


def _text(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")


def _lines(part: bytes) -> list[str]:
    lines = _text(part).split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # the region ends with a line end (or is empty)
    return lines


def _numbered(lines: Iterator[str], before: int) -> Iterator[str]:
    """The hunk headers of a region's diff, renumbered as lines of the whole file."""
    for line in lines:
        match = _HUNK.fullmatch(line) if line.startswith("@@") else None
        if match is None:
            yield line
            continue
        old_at, old_len, new_at, new_len = match.groups()
        yield (
            f"@@ -{int(old_at) + before}{old_len or ''} +{int(new_at) + before}{new_len or ''} @@"
        )


def _line_start(data: bytes, at: int, context: int) -> int:
    """The start of the line holding byte `at`, `context` lines earlier."""
    start = data.rfind(b"\n", 0, at) + 1
    for _ in range(context):
        if start == 0:
            break
        start = data.rfind(b"\n", 0, start - 1) + 1
    return start


def _line_end(data: bytes, at: int, context: int) -> int:
    """Just past the line end at or after byte `at` (the region's last line), `context` lines later."""
    end = max(at - 1, 0)  # the last byte that differs
    for _ in range(context + 1):
        found = data.find(b"\n", end)
        if found < 0:
            return len(data)
        end = found + 1
    return end
