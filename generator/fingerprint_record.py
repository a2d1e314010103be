"""The generator fingerprint kept beside the bytecode, keyed by the stat data of what it hashes (issue
18, imp24).

`provenance.generator_fingerprint` hashes the generator's code and templates (≈ 280 files, 1.7 MB) in
every command, the no-op answer's included: ≈ 7 ms of CPU and 10–15 ms of wall reading and hashing
them. A record of the last hash is kept with, for every file hashed, its path, size, mtime and ctime
in nanoseconds, inode and device — and the extension modules' names and ruff's version, the hash's
other inputs: when a run finds the same files with the same stat data and the same ruff, the hash is
the record's. It cannot take a changed file for the same: a write changes ctime, which no program
can set, and a replacement changes the inode (the tree index's argument, `tree_index.py`); as there,
a file changed less than `RACY_NS` before the hash was taken is never recorded (a later run records
it; as there, on Windows, where `st_ctime` is the creation time, an edit that keeps the size and
puts the mtime back by hand is not seen). A new or removed file changes the list. The record lives
where the module's bytecode does (`__pycache__`, or below `PYTHONPYCACHEPREFIX`), is written
atomically and only when bytecode is (`sys.dont_write_bytecode`), and not at all for a module
compiled with mypyc; a record that cannot be read is none (the files are hashed).
"""

from __future__ import annotations

import json
import os
import sys
import time
from typing import Any

NAME = "clientgen-fingerprint.json"


def location(module_file: str, name: str = NAME) -> str | None:
    """The path of a record `name` kept for the module at `module_file` (a `.py` file), else None
    (`naming/runtime.py` keeps one too)."""
    if not module_file.endswith(".py"):
        return None
    from importlib.util import cache_from_source

    try:
        return os.path.join(os.path.dirname(cache_from_source(module_file)), name)
    except (NotImplementedError, ValueError):
        return None


def stat_data(paths: list[str]) -> list[list[int]] | None:
    """Each file's size, mtime and ctime (ns), inode and device; None when one cannot be read."""
    found = []
    for path in paths:
        try:
            st = os.stat(path)
        except OSError:
            return None
        found.append([st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev])
    return found


def recalled(path: str, key: list[Any]) -> str | None:
    """The fingerprint recorded for exactly `key`, or None."""
    try:
        with open(path, "rb") as f:
            record = json.loads(f.read())
        found = record["fingerprint"] if record["key"] == key else None
    except (OSError, ValueError, TypeError, KeyError):
        return None
    return found if isinstance(found, str) else None


def record(path: str, key: list[Any], fingerprint: str, seen: list[list[int]]) -> None:
    """Keep `fingerprint` for `key`, unless a file changed within the racy window or bytecode is not
    written; nothing when the folder cannot be written."""
    from .tree_index import RACY_NS

    if sys.dont_write_bytecode or any(max(s[1], s[2]) >= _now() - RACY_NS for s in seen):
        return
    from .dataclass_code import write_whole

    write_whole(path, json.dumps({"key": key, "fingerprint": fingerprint}).encode())


def _now() -> int:
    """The clock the racy window is measured on (a function of its own, so tests can move it)."""
    return time.time_ns()
