"""Which files in an output folder belong to the user: clientgen never writes, replaces or deletes them.

A file is the user's when
- it is `.clientgenignore`, or matches one of its patterns (gitignore syntax, in the output folder),
- it is below the custom-code folder `src/<package>/custom/`, or
- clientgen would not produce it and it does not carry clientgen's "generated — do not edit" header
  (every file clientgen writes does; a wheel in `dist/` or a note you added does not).

`GENERATION.toml` is always clientgen's. A generated path that `.clientgenignore` matches is not written
(keep your own README.md that way); a generated path holding a file without the header is a conflict
that `generate` refuses to overwrite.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .paths import HEADER

if TYPE_CHECKING:
    from pathspec import GitIgnoreSpec

IGNORE_FILE = ".clientgenignore"
CUSTOM_FOLDER = "custom"  # src/<package>/custom/
_HEADER = HEADER.encode()
_PROVENANCE = "GENERATION.toml"


HEADER_WITHIN = 512  # bytes at the start of a file that `has_header` looks at


def has_header(data: bytes) -> bool:
    """Does the file carry clientgen's header in its first lines (as every generated file does)?"""
    return _HEADER in data[:HEADER_WITHIN]


@dataclass(frozen=True)
class Ownership:
    """Which files of an output folder are the user's rather than the generator's."""

    package: str
    patterns: GitIgnoreSpec | None = None

    @property
    def custom_prefix(self) -> str:
        return f"src/{self.package}/{CUSTOM_FOLDER}/"

    def claimed(self, rel: str) -> bool:
        """Is `rel` the user's by name (.clientgenignore, its patterns, the custom folder)?"""
        if rel == _PROVENANCE:
            return False
        if rel == IGNORE_FILE or rel.startswith(self.custom_prefix):
            return True
        return self.patterns is not None and self.patterns.match_file(rel)

    def split(
        self, tree: dict[str, bytes], produced: set[str] | None = None
    ) -> tuple[dict[str, bytes], list[str]]:
        """(clientgen's files, the user's file names). `produced`: what the generator writes now
        (None on the fast path: then every header-less file counts as the user's)."""
        ours: dict[str, bytes] = {}
        user: list[str] = []
        for rel, data in tree.items():
            if self.users(rel, has_header(data), produced):
                user.append(rel)
            else:
                ours[rel] = data
        return ours, sorted(user)

    def users(self, rel: str, headed: bool, produced: set[str] | None = None) -> bool:
        """Is the file `rel` the user's? `headed`: it carries clientgen's header (see `split`)."""
        return self.claimed(rel) or (
            rel != _PROVENANCE and not headed and (produced is None or rel not in produced)
        )


def ownership(out: Path, package: str) -> Ownership:
    """The rules for output folder `out` (its `.clientgenignore`, if any)."""
    try:
        lines = (out / IGNORE_FILE).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return Ownership(package)
    from pathspec import GitIgnoreSpec

    return Ownership(package, GitIgnoreSpec.from_lines(lines))
