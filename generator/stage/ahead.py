"""The stage snapshot loaded ahead of a structural edit, by `clientgen watch` (issue 18).

Between two regenerations the watcher loads each target's snapshot as a structural replay reads it
(`watch.load_ahead`: `snapshot.load(..., with_prose=False)`; GitHub's is 22 MB, ≈ 40 ms to read),
keeping it with the file's stat data (size, mtime and ctime in nanoseconds, inode, device) and key.
The child forked for the next regeneration inherits it: when its replay asks `load` for that file
with that key, and the file's stat data are still those, it is handed the object loaded ahead
instead of reading the file again. The file is only ever replaced by a rename (`stage/writer.py`),
which changes the inode, and a write in place would change ctime, so an object loaded ahead is
never taken for a file that changed; the key is checked as `load` checks it. The watcher itself
never uses what it loaded (only its children do, each its own copy-on-write copy), so each
child is handed an object exactly as `load` would have made it.
"""

from __future__ import annotations

import os
from pathlib import Path

LIMIT = 64 << 20  # bytes: a larger snapshot (graph-beta's ≈ 110 MB) is not kept in the watcher
Stat = tuple[int, int, int, int, int]
_kept: dict[str, tuple[Stat, bytes, object]] = {}  # (a `snapshot.Snapshot`: not imported here)


def stat_of(path: Path) -> Stat | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev)


def keep(path: Path, stat: Stat, key: bytes, snapshot: object) -> None:
    """Keep `snapshot`, loaded with `key` from `path` while its stat data were `stat`."""
    _kept[str(path)] = (stat, key, snapshot)


def kept_stat(path: Path) -> Stat | None:
    """The stat data of the file the snapshot kept for `path` was loaded from (None: none kept)."""
    kept = _kept.get(str(path))
    return None if kept is None else kept[0]


def taken(path: Path, key: bytes) -> object:
    """The snapshot loaded ahead for `path`, if it is of the file as it is now and has `key`; it
    is handed out once (the process that takes it will change it)."""
    if not _kept:
        return None
    kept = _kept.pop(str(path), None)
    if kept is None or kept[1] != key or stat_of(path) != kept[0]:
        return None
    return kept[2]


def forget(path: Path | None = None) -> None:
    """Let go of the snapshot kept for `path` (None: of every one)."""
    if path is None:
        _kept.clear()
    else:
        _kept.pop(str(path), None)
