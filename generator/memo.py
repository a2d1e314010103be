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
grow (`check` reads it and never writes it).
It is plain data (nothing is unpickled from it): a magic line, then entries of a 32-byte key, an 8-byte
length and the bytes. A missing, unreadable or malformed file is an empty cache; deleting it is always
safe, and `CLIENTGEN_CACHE=off` turns it off.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from .cache_files import cache_file

MAGIC = b"clientgen module cache 1\n"
FOLDER = Path(".cache") / "clientgen" / "modules"  # below the project root
_LEN = 8


class Memo:
    """The entries of one output folder: read once, looked up while building, then saved."""

    def __init__(self, path: Path | None, salt: str = "") -> None:
        self.path = path
        self._salt = salt.encode()
        self._old: dict[bytes, bytes] | None = None
        self._new: dict[bytes, bytes] = {}
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

    # ---- lookups ----------------------------------------------------------------------------------
    def _entries(self) -> dict[bytes, bytes]:
        if self._old is None:
            self._old = _load(self.path) if self.path is not None else {}
        return self._old

    def get(self, key: bytes) -> bytes | None:
        data = self._new.get(key)
        if data is None:
            data = self._entries().get(key)
            if data is not None:
                self._new[key] = data
        if data is None:
            self.misses += 1
        else:
            self.hits += 1
        return data

    def put(self, key: bytes, data: bytes) -> None:
        self._new[key] = data

    def save(self) -> None:
        """Write the entries this run used or made (and no others); failures cost only speed."""
        if self.path is None or (self._old is not None and self._old.keys() == self._new.keys()):
            return  # no cache, or exactly the entries it holds: nothing to write
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
            with open(tmp, "wb") as f:
                f.write(MAGIC)
                for key in sorted(self._new):
                    data = self._new[key]
                    f.write(key + len(data).to_bytes(_LEN, "big"))
                    f.write(data)
            os.replace(tmp, self.path)
        except OSError:
            pass


def _load(path: Path) -> dict[bytes, bytes]:
    try:
        blob = path.read_bytes()
    except OSError:
        return {}
    if not blob.startswith(MAGIC):
        return {}
    out: dict[bytes, bytes] = {}
    view = memoryview(blob)
    at = len(MAGIC)
    while at < len(blob):
        if at + 32 + _LEN > len(blob):
            return {}  # truncated: nothing in it is trusted
        key = bytes(view[at : at + 32])
        size = int.from_bytes(view[at + 32 : at + 32 + _LEN], "big")
        at += 32 + _LEN
        if at + size > len(blob):
            return {}
        out[key] = bytes(view[at : at + size])
        at += size
    return out
