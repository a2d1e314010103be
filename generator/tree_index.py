"""The tree index: what each file of an output folder held when clientgen last read it, by stat data.

The `check` and no-op `generate` answers compare an output folder with the tree hash GENERATION.toml
records. Reading and hashing every file (6,747 for GitHub's client) is most of their cost, so the
project keeps, outside the output folder (`.cache/clientgen/trees/`, one plain JSON file per folder), the
SHA-256 and the header flag of every file it has read, with the file's stat data (size, mtime and
ctime in nanoseconds, inode, device). A file whose stat data equal the recorded ones is not read again;
any other file is read and hashed, as without the index.

Why a stale entry cannot be accepted: writing a file changes its ctime, which no program can set
(`os.utime` sets mtime and atime only), and replacing it changes its inode. The one gap is the
timestamps' granularity — a write in the same clock tick as the write before it can leave both times
unchanged — so, as git does for its index, a file whose mtime or ctime is less than `RACY_NS` before the
moment it was read is never recorded: it is read and hashed every time until it is older. A missing,
damaged or foreign index is an empty one; deleting it costs only speed, and `CLIENTGEN_CACHE=off`
turns it off. (On Windows `st_ctime` is the creation time: there a content change that keeps the size and
restores the mtime by hand would not be seen; use `check --full` / `generate --full` after such edits.)
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .cache_files import cache_file
from .ownership import HEADER_WITHIN, has_header

FOLDER = Path(".cache") / "clientgen" / "trees"  # below the project root
RACY_NS = 2_000_000_000  # a file changed less than this before it was read is not recorded
_VERSION = 1
_CACHES = {"__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache"}  # as write.read_tree
_PIECE = 1 << 20  # bytes of a file read at a time
# a file the index cannot answer for, when the tree about to be written has a file there, is compared
# with that file's bytes (up to this size: read whole) instead of hashed (`scan`'s `against`)
COMPARED_UP_TO = 8 << 20
DIFFERS = b""  # `Seen.digest` of a file found to differ from the one about to be written there

# the tree about to be written (`write.apply_package`): a path → that file's SHA-256 and its bytes
# (in pieces), or None when it has no file there
Against = Callable[[str], "tuple[bytes, Iterable[bytes | memoryview]] | None"]


def now_ns() -> int:
    """The clock the racy window is measured on (a function of its own, so tests can move it)."""
    return time.time_ns()


_Entry = list[Any]  # [stat key, SHA-256 hex, header flag]: as stored (JSON), compared as they are

# the last file outside a folder that `TreeIndex.digest` read: (path, stat key after the read, its
# bytes, their SHA-256); one at most, taken by `read_again` or dropped by `forget`
_kept: list[tuple[str, str, bytes, bytes]] = []


def _stat_key(st: os.stat_result) -> str:
    return f"{st.st_size} {st.st_mtime_ns} {st.st_ctime_ns} {st.st_ino} {st.st_dev}"


def read_again(path: Path) -> tuple[bytes, bytes] | None:
    """The bytes and SHA-256 of `path` as `TreeIndex.digest` last read them, when its stat data are
    still those it had after that read (as the index answers for a file); else None: read it. The
    kept bytes are let go either way."""
    kept = _kept.pop() if _kept else None
    if kept is None or kept[0] != os.fspath(path):
        return None
    try:
        now = _stat_key(os.stat(path))
    except OSError:
        return None
    return (kept[2], kept[3]) if now == kept[1] else None


# the entries a no-op answer loaded and did not use (`TreeIndex.keep`): (the index file's path, its
# stat key when they were read, the entries); one at most, taken by the next `for_output` of the
# same file while that file is unchanged, or dropped by `forget`
_handed: list[tuple[str, str, dict[str, _Entry]]] = []


def forget() -> None:
    """Let go of what `digest` kept (a run that will not ask `read_again`) and of an index
    `TreeIndex.keep` handed on."""
    _kept.clear()
    _handed.clear()


@dataclass(frozen=True, slots=True)
class Seen:
    """One file as the index knows it: its SHA-256 and whether it carries clientgen's header.
    Scanned against a new tree (`scan`), a file read and found to differ from that tree's file
    there has `DIFFERS` (never a SHA-256) instead: it was not hashed."""

    digest: bytes
    headed: bool


@dataclass
class TreeIndex:
    path: Path | None
    _old: dict[str, _Entry] = field(default_factory=dict)
    _new: dict[str, _Entry] = field(default_factory=dict)
    read: int = 0  # files read and hashed in this run (the others answered from the index)
    _stat: str = ""  # the index file's stat key when `_old` was read from it ("": not read)
    _scanned: bool = False  # `scan` ran (its entries may be saved: the file is no longer `_old`)

    @classmethod
    def for_output(cls, root: Path | None, out: Path) -> TreeIndex:
        """The index of `out` in the project at `root` (none without a project or when turned off):
        the entries an earlier answer of this process handed on (`keep`) when the index file has
        not changed since they were read from it, else the file's."""
        path = cache_file(root, out, FOLDER.name, ".json")
        if path is None:
            return cls(None)
        handed = _handed.pop() if _handed else None
        stat = _file_stat(path)
        if handed is not None and handed[0] == os.fspath(path) and handed[1] == stat and stat:
            return cls(path, handed[2], _stat=stat)
        return cls(path, _load(path), _stat=stat)

    def keep(self) -> None:
        """Hand the entries read from the index file on to the next `for_output` of it in this
        process (the no-op answer's, to the replay that writes the package next: the file is not
        parsed twice). Only an index that has not scanned (nor saved): `_old` is then the file's.
        Any version of the file would be as safe: an entry answers only for a file whose stat
        data are the recorded ones (see the module)."""
        if self.path is not None and self._stat and not self._scanned:
            _handed[:] = [(os.fspath(self.path), self._stat, self._old)]

    def scan(self, folder: Path, against: Against | None = None) -> dict[str, Seen]:
        """Every file below `folder` as `write.read_tree` finds them (the same walk: links to folders
        not followed, caches left out), each with its SHA-256 and header flag: from the index when
        its stat data match, else read. In no particular order. `against`: the tree about to be
        written there; a file the index cannot answer for (up to `COMPARED_UP_TO`) is read and
        compared with that tree's bytes instead of hashed — the same bytes: that file's SHA-256
        (recorded as a hashed file's would be); else `DIFFERS` (not recorded: it is rewritten).
        A replay rewrites the same few large files each time (the spec's copy, the edited
        resource's module, api.md), which the next replay's scan finds changed."""
        found: dict[str, Seen] = {}
        self._scanned = True
        if folder.is_dir():
            self._walk(os.fspath(folder), "", found, now_ns(), against)
        return found

    def _walk(
        self, path: str, prefix: str, found: dict[str, Seen], now: int, against: Against | None
    ) -> None:
        with os.scandir(path) as entries:
            listed = list(entries)
        for entry in listed:
            if entry.name in _CACHES:
                continue
            rel = prefix + entry.name
            try:
                folder = entry.is_dir()
            except OSError:
                folder = False
            if folder:
                if not entry.is_symlink():
                    self._walk(entry.path, rel + "/", found, now, against)
                continue
            seen = self._file(entry.path, rel, now, against=against)
            if seen is not None:
                found[rel] = seen

    def digest(self, path: Path) -> bytes | None:
        """The SHA-256 of one file outside the folder (the spec), through the same index. When it
        had to be read, its bytes are kept for `read_again` (the prose-only replay that follows a
        no-op answer's miss reads the same spec: `stage/replay.py`)."""
        file = os.fspath(path)
        seen = self._file(file, f"\0{path.resolve()}", now_ns(), keep=True)
        return None if seen is None else seen.digest

    def _file(
        self, path: str, rel: str, now: int, keep: bool = False, against: Against | None = None
    ) -> Seen | None:
        try:
            st = os.stat(path)
        except (FileNotFoundError, NotADirectoryError):  # a dangling link, gone meanwhile
            return None
        key = _stat_key(st)
        known = self._old.get(rel)
        if known is not None and known[0] == key:
            self._new[rel] = known
            return Seen(bytes.fromhex(known[1]), known[2] == 1)
        theirs = against(rel) if against is not None and st.st_size <= COMPARED_UP_TO else None
        if theirs is not None:
            return self._compared(path, rel, st, now, *theirs)
        try:
            with open(path, "rb") as f:
                # the spec (`keep`) whole, for `read_again`; an output file a piece at a time
                # (graph-beta's largest is 31 MB)
                data = first = f.read() if keep else f.read(_PIECE)
                digest, size = hashlib.sha256(first), len(first)
                while not keep and (piece := f.read(_PIECE)):
                    digest.update(piece)
                    size += len(piece)
        except (FileNotFoundError, IsADirectoryError):
            return None
        self.read += 1
        seen = Seen(digest.digest(), has_header(first))
        after = self._note(rel, path, st, now, size, seen)
        if keep and after is not None:
            _kept[:] = [(path, _stat_key(after), data, seen.digest)]
        return seen

    def _note(
        self, rel: str, path: str, st: os.stat_result, now: int, size: int, seen: Seen
    ) -> os.stat_result | None:
        """Record what was read of a file (`size` bytes, stat data `st` before the read) unless it
        changed meanwhile or is racy (see the module); its stat data after the read, or None when
        it changed meanwhile."""
        after = os.stat(path)
        settled = max(st.st_mtime_ns, st.st_ctime_ns) < now - RACY_NS
        unchanged = (after.st_size, after.st_mtime_ns, after.st_ctime_ns) == (
            st.st_size,
            st.st_mtime_ns,
            st.st_ctime_ns,
        )
        if unchanged and size == st.st_size:
            if settled:
                self._new[rel] = [_stat_key(st), seen.digest.hex(), int(seen.headed)]
            return after
        return None

    def _compared(
        self,
        path: str,
        rel: str,
        st: os.stat_result,
        now: int,
        digest: bytes,
        pieces: Iterable[bytes | memoryview],
    ) -> Seen | None:
        """`_file` of a file compared with the bytes (`pieces`, whose SHA-256 is `digest`) about
        to be written there rather than hashed. A file of another size differs: only its first
        bytes are read, for the header flag (a replay's spec copy, module and api.md change size
        with most edits: 10 MB of GitHub's not read)."""
        pieces = tuple(pieces)
        size = sum(memoryview(piece).nbytes for piece in pieces)
        try:
            with open(path, "rb") as f:
                self.read += 1
                if os.fstat(f.fileno()).st_size != size:  # (the file as opened, not as listed)
                    return Seen(DIFFERS, has_header(f.read(HEADER_WITHIN)))
                data = f.read()
        except (FileNotFoundError, IsADirectoryError):
            return None
        at = 0
        for piece in pieces:  # (`startswith` compares in place: no slice, no copy)
            if not data.startswith(piece, at):
                return Seen(DIFFERS, has_header(data))
            at += memoryview(piece).nbytes
        if at != len(data):
            return Seen(DIFFERS, has_header(data))
        seen = Seen(digest, has_header(data))
        self._note(rel, path, st, now, len(data), seen)
        return seen

    def save(self) -> None:
        """Keep the entries of the last scan (and no others); failures cost only speed. When the
        scan learnt nothing the file lacks (its entries are the file's but those of files it found
        changed: a replay's rewritten ones), the file is left as it is: an entry answers only for
        its own stat data, which a changed file no longer has."""
        self._scanned = True
        if self.path is None or self._new.items() <= self._old.items():
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
            tmp.write_text(json.dumps({"version": _VERSION, "files": self._new}), encoding="utf-8")
            os.replace(tmp, self.path)
        except OSError:
            pass


def _file_stat(path: Path) -> str:
    """The index file's stat key ("" when it cannot be read)."""
    try:
        return _stat_key(os.stat(path))
    except OSError:
        return ""


def _load(path: Path) -> dict[str, _Entry]:
    """The stored entries; anything malformed makes the whole index empty (it is only a cache)."""
    try:
        data = json.loads(path.read_bytes())
        files = data["files"] if data.get("version") == _VERSION else {}
        for entry in files.values():
            if not (
                isinstance(entry, list)
                and len(entry) == 3
                and isinstance(entry[0], str)
                and isinstance(entry[1], str)
                and len(entry[1]) == 64
            ):
                return {}
        return files if isinstance(files, dict) else {}
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return {}
