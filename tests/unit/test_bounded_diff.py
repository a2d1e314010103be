"""`clientgen check`'s short diff at a bounded cost (`generator/bounded_diff.py`): a large file's changed
region alone goes to difflib, numbered as in the whole file; a region too large is one line."""

from __future__ import annotations

import difflib
from typing import Any

import pytest

from generator import bounded_diff
from generator.bounded_diff import REGION_BYTES, REGION_LINES, WHOLE, file_diff


def _whole(old: bytes, new: bytes) -> list[str]:
    return list(
        difflib.unified_diff(
            old.decode().splitlines(), new.decode().splitlines(), "a", "b", n=1, lineterm=""
        )
    )


def _file(n: int, tail: bytes = b"\n") -> list[bytes]:
    return [b"line %d of the file: some words" % i for i in range(n)] + ([b""] if tail else [])


EDITS = {
    "one line in the middle": lambda ls: ls[:1500] + [b"edited"] + ls[1501:],
    "the first line": lambda ls: [b"edited"] + ls[1:],
    "the last line": lambda ls: ls[:-2] + [b"edited", b""],
    "a line inserted": lambda ls: ls[:700] + [b"new", b"lines"] + ls[700:],
    "lines removed": lambda ls: ls[:900] + ls[905:],
    "two places": lambda ls: ls[:10] + [b"x"] + ls[11:990] + [b"y"] + ls[991:],
    "a line end added at the end": lambda ls: ls[:-1] + [b"more", b""],
}


@pytest.mark.parametrize("edit", list(EDITS))
def test_a_large_files_region_diff_is_the_whole_files_diff(
    edit: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past `WHOLE` bytes (here lowered to 1 KB) the common head and tail are cut off before difflib:
    the hunks and their line numbers are those of difflib over the whole file."""
    monkeypatch.setattr(bounded_diff, "WHOLE", 1024)
    old = b"\n".join(_file(3000))
    new = b"\n".join(EDITS[edit](_file(3000)))
    assert file_diff(old, new, "a", "b") == _whole(old, new)
    assert file_diff(old, new, "a", "b") != []
    bare = old.rstrip(b"\n")  # no line end at the end of the file
    assert file_diff(bare, bare + b"x", "a", "b") == _whole(bare, bare + b"x")


def test_a_small_file_is_diffed_whole_as_before() -> None:
    old = b"a\r\nb\nc\n"  # splitlines' line ends, as check's diff always read them
    new = b"a\r\nB\nc\n"
    assert file_diff(old, new, "a", "b") == _whole(old, new)


def test_a_large_file_gives_difflib_only_its_changed_region(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A 2.5 MB file (past the real bound) with one line edited: difflib sees a few lines a side."""
    given: list[tuple[int, int]] = []
    real = difflib.unified_diff

    def spy(a: list[str], b: list[str], *args: Any, **kwargs: Any) -> Any:
        given.append((len(a), len(b)))
        return real(a, b, *args, **kwargs)

    monkeypatch.setattr(bounded_diff.difflib, "unified_diff", spy)
    lines = _file(80_000)
    old = b"\n".join(lines)
    assert len(old) > WHOLE
    lines[40_000] = b"edited"
    diff = file_diff(old, b"\n".join(lines), "a", "b")
    assert diff == ["--- a", "+++ b", "@@ -40000,3 +40000,3 @@", *_hunk(40_000)]
    assert given == [(3, 3)]


def _hunk(at: int) -> list[str]:
    return [
        f" line {at - 1} of the file: some words",
        f"-line {at} of the file: some words",
        "+edited",
        f" line {at + 1} of the file: some words",
    ]


def test_a_changed_region_past_the_bound_is_one_line_with_the_sizes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(bounded_diff.difflib, "unified_diff", None)  # never reached
    lines = _file(80_000)
    old = b"\n".join(lines)
    lines[10] = lines[10 + REGION_LINES + 5] = b"edited"  # a region one line too many apart
    new = b"\n".join(lines)
    diff = file_diff(old, new, "a (committed)", "b (from spec)")
    assert diff[:2] == ["--- a (committed)", "+++ b (from spec)"] and len(diff) == 3
    assert f"{len(old):,} → {len(new):,} bytes" in diff[2] and "git diff" in diff[2]


def test_one_long_changed_line_past_the_bound_is_one_line_with_the_sizes() -> None:
    """A minified document is one line: a change in it is not printed (it is the whole file)."""
    old = b"{\n" + b'"key": "value", ' * 80_000 + b"\n}\n"
    new = old.replace(b"value", b"other", 1)
    diff = file_diff(old, new, "a", "b")
    assert len(diff) == 3 and f"{len(old):,} → {len(new):,} bytes" in diff[2]
    assert len(old) > REGION_BYTES
