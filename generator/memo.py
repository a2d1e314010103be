"""The module cache: the formatted bytes of every file an earlier run formatted, keyed by what determines them.

`ruff format`'s output is a function of the text it is given, the file's path, ruff's version and its
configuration, and nothing else. The key of an entry is a SHA-256 over all of these (the generator
fingerprint, `provenance.generator_fingerprint`, covers ruff's version and `ruff_generated.toml`, and the
generator's code and templates besides) and the rendered text with its header. So a regeneration after a
small spec edit writes to the staging folder and formats only the files whose rendered text changed; every
other file gets the bytes it was formatted to before. A stale entry cannot be found: any change to what a
file says is a change to its key.

The cache is one file per output folder below the project (`.cache/clientgen/modules/`, git-ignored; outside
the output folder), rewritten after each `generate` with exactly the entries that run used, so it does not
grow (`check` reads it and never writes it; nor does a prose-only replay, `streamed.write_replayed`, whose
entries all come from the last full run's file; a structural replay's snapshot writer saves it,
`stage/rekey.py`).
It is plain data (nothing is unpickled from it): a magic line, then entries of a 32-byte key, the
SHA-256 of the bytes (so a regeneration knows the digest of every file it takes from the cache without
reading it), an 8-byte length and the bytes; it is read an entry at a time, never whole (issue 18: graph-beta's is 324 MB). A missing, unreadable or malformed file is an empty cache; deleting it is always
safe, and `CLIENTGEN_CACHE=off` turns it off.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

from .cache_files import cache_file

MAGIC = b"clientgen module cache 2\n"
FOLDER = Path(".cache") / "clientgen" / "modules"  # below the project root
_LEN = 8
_HEAD = 32 + 32 + _LEN  # an entry's key, SHA-256 and length
_PIECE = 1 << 20  # bytes of a large file hashed at a time


_Where = tuple[BinaryIO, int, int, bytes]  # an entry's file, offset, size and SHA-256


class Memo:
    """The entries of one output folder: looked up while building, then saved. Neither the old file's
    entries nor the new ones are held in memory (graph-beta's package is 324 MB of them): the old
    file is indexed (key → where its bytes are) and read an entry at a time; a new entry is
    appended to an unnamed spill file beside the cache; `save` copies the entries this run used or
    made from both, one at a time."""

    def __init__(self, path: Path | None, salt: str = "") -> None:
        self.path = path
        self._salt = salt.encode()
        # key → (offset, size, SHA-256) in `_file`
        self._old: dict[bytes, tuple[int, int, bytes]] | None = None
        self._file: BinaryIO | None = None  # the cache file as it was read
        self._spill: BinaryIO | None = None  # the entries this run made
        self._new: dict[bytes, _Where] = {}  # key → where its bytes are, and their SHA-256
        self.hits = 0
        self.misses = 0

    @classmethod
    def for_output(cls, root: Path | None, out: Path) -> Memo | None:
        """The cache of `out` in the project at `root`; None without a project or when turned off."""
        path = cache_file(root, out, FOLDER.name, ".bin")
        if path is None:
            return None
        from .provenance import generator_fingerprint

        return cls(path, generator_fingerprint())

    # ---- keys -------------------------------------------------------------------------------------
    def _key(self, kind: bytes, rel: str, *parts: bytes) -> bytes:
        digest = hashlib.sha256(self._salt + b"\0" + kind + b"\0" + rel.encode())
        for part in parts:
            digest.update(b"\0" + len(part).to_bytes(_LEN, "big") + part)
        return digest.digest()

    def text_key(self, rel: str, text: bytes) -> bytes:
        """The key of `text` (rendered, with its header) formatted as the file `rel`."""
        return self._key(b"text", rel, text)

    def file_key(self, rel: str, path: str) -> bytes:
        """`text_key` of the bytes of the file at `path`, read a piece at a time."""
        digest = hashlib.sha256(self._salt + b"\0text\0" + rel.encode())
        digest.update(b"\0" + os.path.getsize(path).to_bytes(_LEN, "big"))
        with open(path, "rb") as f:
            while piece := f.read(_PIECE):
                digest.update(piece)
        return digest.digest()

    # ---- lookups ----------------------------------------------------------------------------------
    def _entries(self) -> dict[bytes, tuple[int, int, bytes]]:
        if self._old is None:
            self._old, self._file = _index(self.path) if self.path is not None else ({}, None)
        return self._old

    def get(self, key: bytes) -> bytes | None:
        return self.read(key) if self.find(key) else None

    def find(self, key: bytes) -> bool:
        """Whether the cache has the entry (a hit or a miss, as `get` counts them), without
        reading its bytes."""
        where = self._new.get(key)
        if where is None:
            old = self._entries().get(key)
            if old is not None and self._file is not None:
                where = self._new[key] = (self._file, *old)
        if where is None:
            self.misses += 1
            return False
        self.hits += 1
        return True

    def sha256(self, key: bytes) -> bytes:
        """The SHA-256 of an entry this run used or made (kept beside its bytes)."""
        return self._new[key][3]

    def read(self, key: bytes) -> bytes:
        """The bytes of an entry this run used or made (`get` found it, or `put` it)."""
        file, offset, size, _ = self._new[key]
        return _read(file, offset, size)

    def put(self, key: bytes, data: bytes, sha256: bytes | None = None) -> None:
        """An entry (`sha256`: its bytes' SHA-256, when the caller has it)."""
        self.put_parts(key, (data,), sha256)

    def put_parts(self, key: bytes, parts: Iterable[bytes], sha256: bytes | None = None) -> None:
        """An entry whose bytes are `parts` joined (a large file: never whole in memory)."""
        try:
            spill = self._spill_file()
            at = spill.seek(0, os.SEEK_END)
            digest = hashlib.sha256()
            for part in parts:
                spill.write(part)
                if sha256 is None:
                    digest.update(part)
            spill.flush()
            self._new[key] = (spill, at, spill.tell() - at, sha256 or digest.digest())
        except OSError:
            pass  # a cache: the entry is not kept

    def _spill_file(self) -> BinaryIO:
        if self._spill is None:
            where = None
            if self.path is not None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                where = self.path.parent
            self._spill = tempfile.TemporaryFile(dir=where)  # noqa: SIM115 - closed by `close`
        return self._spill

    def descriptors(self) -> tuple[int, ...]:
        """The open files the entries are read from (a forked child that saves the cache keeps
        them: `stage/rekey.py`)."""
        return tuple(f.fileno() for f in (self._file, self._spill) if f is not None)

    def save(self) -> None:
        """Write the entries this run used or made (and no others); failures cost only speed. The
        cache is done with then (`close`)."""
        try:
            self._save()
        finally:
            self.close()

    def close(self) -> None:
        for f in (self._file, self._spill):
            if f is not None:
                f.close()
        self._file = self._spill = None
        self._old, self._new = None, {}

    def _save(self) -> None:
        if self.path is None or (self._old is not None and self._old.keys() == self._new.keys()):
            return  # no cache, or exactly the entries it holds: nothing to write
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with open(tmp, "wb") as f:
                f.write(MAGIC)
                for key in sorted(self._new):
                    file, offset, size, sha = self._new[key]
                    f.write(key + sha + size.to_bytes(_LEN, "big"))
                    # a MiB at a time: graph-beta's operations.json and api.md are ≈ 30 MB each
                    for at in range(offset, offset + size, _PIECE):
                        want = min(_PIECE, offset + size - at)
                        piece = _read(file, at, want)
                        if len(piece) != want:
                            raise OSError("a cache file is shorter than its index says")
                        f.write(piece)
            os.replace(tmp, self.path)
        except OSError:
            try:
                tmp.unlink(missing_ok=True)
            except OSError:
                pass


def _read(file: BinaryIO, offset: int, size: int) -> bytes:
    return os.pread(file.fileno(), size, offset)


def _index(path: Path) -> tuple[dict[bytes, tuple[int, int, bytes]], BinaryIO | None]:
    """Where each entry's bytes are in the cache file (and the file, open); an empty index when it
    is missing, unreadable or malformed."""
    try:
        f = open(path, "rb")  # noqa: SIM115 - kept open: entries are read from it as they are asked
    except OSError:
        return {}, None
    try:
        end = os.fstat(f.fileno()).st_size
        if f.read(len(MAGIC)) != MAGIC:
            f.close()
            return {}, None
        out: dict[bytes, tuple[int, int, bytes]] = {}
        at = len(MAGIC)
        while at < end:
            head = f.read(_HEAD)
            if len(head) < _HEAD:
                f.close()
                return {}, None  # truncated: nothing in it is trusted
            size = int.from_bytes(head[64:], "big")
            at += _HEAD
            if at + size > end:
                f.close()
                return {}, None
            out[head[:32]] = (at, size, head[32:64])
            at = f.seek(size, os.SEEK_CUR)
    except OSError:
        f.close()
        return {}, None
    return out, f
