"""The files below a folder as `write.read_tree` finds them (bytecode and mypy caches left out,
symbolic links to folders not followed), each read only when asked for (`FolderTree`: `check`
compares the output folder a file at a time, `checked.py`)."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator, Mapping
from pathlib import Path

CACHES = ("__pycache__", ".mypy_cache")
PIECE = 1 << 20  # bytes of a file read at a time for its digest


def listed(folder: Path) -> dict[str, str]:
    """Relative POSIX path → path of every file below `folder`, in path order (plain `os` calls:
    the output folder holds thousands of files)."""
    if not folder.is_dir():
        return {}
    base = os.fspath(folder)
    found: dict[str, str] = {}
    for dirpath, dirnames, filenames in os.walk(base):
        dirnames[:] = [d for d in dirnames if d not in CACHES]
        rel = os.path.relpath(dirpath, base).replace(os.sep, "/")
        prefix = "" if rel == "." else rel + "/"
        for name in filenames:
            if name not in CACHES:
                found[prefix + name] = os.path.join(dirpath, name)
    return {rel: found[rel] for rel in sorted(found, key=lambda r: r.split("/"))}


def read(path: str, size: int = -1) -> bytes | None:
    """A file's bytes (its first `size`), or None: gone meanwhile, or a dangling link."""
    try:
        with open(path, "rb") as f:
            return f.read(size)
    except (FileNotFoundError, IsADirectoryError):
        return None


class FolderTree(Mapping[str, bytes]):
    """The files below a folder (as `listed` finds them, those gone before they are read left
    out), each read when asked for."""

    def __init__(self, paths: dict[str, str]) -> None:
        self._paths = paths

    @classmethod
    def of(cls, folder: Path) -> FolderTree:
        return cls({rel: p for rel, p in listed(folder).items() if os.path.isfile(p)})

    def head(self, rel: str) -> bytes:
        """The file's first 512 bytes (where clientgen's header is looked for)."""
        return read(self._paths[rel], 512) or b""

    def digest(self, rel: str) -> bytes:
        """The file's SHA-256, read a piece at a time (that of no bytes: gone meanwhile)."""
        digest = hashlib.sha256()
        try:
            with open(self._paths[rel], "rb") as f:
                while piece := f.read(PIECE):
                    digest.update(piece)
        except (FileNotFoundError, IsADirectoryError):
            return hashlib.sha256().digest()
        return digest.digest()

    def without(self, rels: list[str]) -> FolderTree:
        gone = set(rels)
        return FolderTree({rel: p for rel, p in self._paths.items() if rel not in gone})

    def __getitem__(self, rel: str) -> bytes:
        return read(self._paths[rel]) or b""

    def __contains__(self, rel: object) -> bool:
        return rel in self._paths

    def __iter__(self) -> Iterator[str]:
        return iter(self._paths)

    def __len__(self) -> int:
        return len(self._paths)
