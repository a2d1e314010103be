"""The stage cache's snapshot file (`stage/cache.py`): what it holds, and how it is written and read
— pickles of the generator's own classes (each slotted IR object one call with its slot values): the
IR's schemas in pieces, then an index of the rest; each with a CRC-32 checked before it is unpickled,
by an unpickler that admits nothing else. A replay reads only the pieces it needs."""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import functools
import io
import operator
import os
import pickle
import zlib
from array import array
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from types import CodeType, FunctionType
from typing import IO, TYPE_CHECKING, Any

from ..cache_files import cache_file
from ..ir.models import MISSING, _Missing
from .ahead import taken
from .layout import Layout, byte_offsets
from .prose import Places

if TYPE_CHECKING:
    from ..diagnostics import Diagnostic
    from ..ir import Api, Schema
    from ..naming.names import Names
    from ..render.apidoc_views import MethodDoc
    from ..render.readme_views import ExamplePart

MAGIC = b"clientgen stage cache 13\n"
KIND = "stages"


@dataclass
class Snapshot:
    """What a full run leaves for the next prose-only one."""

    places: Places
    aliased: set[
        str
    ]  # `$ref` targets reached from elsewhere than a `parameters` entry (`prose_of`)
    offsets: list[int]  # where each prose value sits in the text with them emptied (`scan_prose`)
    tokens: list[str]  # each value's JSON string token as the text spelled it
    api: Api
    names: Names
    diagnostics: list[Diagnostic]
    spec_file: str
    files: dict[str, tuple[str, bytes]]  # module path → (import stub, module-cache key)
    docs: dict[str, MethodDoc]  # operation key → its api.md doc (`apidoc_views.method_docs`)
    examples: dict[
        str, ExamplePart
    ]  # operation key → its README part (`readme_views.example_parts`)
    features: tuple[str, ...] = ()  # the features active in the run (`features.active`)


# ---- the snapshot file -------------------------------------------------------------------------------
# MAGIC and the key; the head (`Head`: the shape's digest, the spec text's CRC-32 and length) and
# that text, as the run read it (a replay compares the new text with it: `stage/edit.py`); the IR's schemas in pieces (a types module's members each, the schemas no module
# holds in runs of `_RUN`), each pickled alone; the prose's places, offsets and tokens in pieces of
# `_PROSE`; the `Names` tables of `LAZY_NAMES`, a piece each; then the index — the snapshot with
# the schemas, those tables and the prose left out, the schemas' order, each one's piece, each
# piece's size and CRC-32, the tables' pieces, the prose's count and pieces — and its length and
# CRC-32. A prose-only run reads the index, compares the prose a piece at a time (`load`'s
# `prose`) and reads only the pieces of the schemas it asks for (`LazySchemas`), and a table of
# `LAZY_NAMES` only when it is first used (`LazyTable`).
_RUN = 64
_PROSE = 4096  # prose values in a piece
# the `Names` tables only types modules and a few method bodies read (GitHub's: 37,700 fields and
# 3,000 enums, ≈ a quarter of the index's unpickling), in pieces of their own
LAZY_NAMES = ("fields", "members")
_TAIL = 12  # the index's length (8 bytes) and CRC-32 (4)
_PIECE = 1 << 20  # bytes of the index read at a time for its CRC
# after MAGIC: key, shape, CRC-32 of text, spans and layout, their lengths
_HEAD = 32 + 32 + 4 + 8 + 8 + 8


@dataclass(frozen=True)
class Head:
    """The start of a snapshot file: its key, the SHA-256 of the spec's text with the prose
    emptied (`keys.Scan.shape`, which the key covers), and where the spec's text, its prose
    tokens' spans and its layout are (`text_of`), with their CRC-32 (as each piece's: a check
    against damage, not a key — what a replay compares the kept text with is the spec's own
    bytes, as read)."""

    key: bytes
    shape: bytes
    crc: int  # the CRC-32 of the text's bytes, the spans' and the layout's
    at: int
    text_size: int
    spans_size: int
    layout_size: int = 0


def peek(path: Path) -> Head | None:
    """The snapshot's head, or None (no file, another format, too short)."""
    try:
        with open(path, "rb") as f:
            data = f.read(len(MAGIC) + _HEAD)
    except OSError:
        return None
    if len(data) != len(MAGIC) + _HEAD or not data.startswith(MAGIC):
        return None
    at = len(MAGIC)
    text, spans, layout = (
        int.from_bytes(data[i : i + 8], "big") for i in (at + 68, at + 76, at + 84)
    )
    return Head(
        data[at : at + 32],
        data[at + 32 : at + 64],
        int.from_bytes(data[at + 64 : at + 68], "big"),
        at + _HEAD,
        text,
        spans,
        layout,
    )


@dataclass(frozen=True)
class Kept:
    """What `text_of` reads: the spec's text (its bytes), where each prose token sits in them
    (`spans`: start and end of each, in the prose's order), and where its parts sit (`layout`,
    None when it has none: `stage/layout.py`), by offsets into those bytes."""

    text: bytes
    spans: array[int]
    layout: Layout | None


def text_of(path: Path, head: Head) -> Kept | None:
    """The spec's text the snapshot was made from (a JSON text), its spans and layout, or None
    (none kept, or not what was kept: their CRC-32 is checked)."""
    if head.text_size == 0:
        return None
    try:
        with open(path, "rb") as f:
            f.seek(head.at)
            data = f.read(head.text_size)
            spans = f.read(head.spans_size)
            layout = f.read(head.layout_size)
    except OSError:
        return None
    size = head.text_size + head.spans_size + head.layout_size
    if len(data) + len(spans) + len(layout) != size or _crc(data, spans, layout) != head.crc:
        return None
    found = array("q")
    found.frombytes(spans)
    parts = None
    if layout:
        try:
            parts = _Unpickler(io.BytesIO(layout)).load()
        except Exception:  # noqa: BLE001 - whatever the unpickler says: none (checked above)
            return None
    return Kept(data, found, parts)


def _crc(*parts: bytes) -> int:
    crc = 0
    for part in parts:
        crc = zlib.crc32(part, crc)
    return crc


def stage_file(root: Path | None, out: Path) -> Path | None:
    return cache_file(root, out, KIND, ".bin")


def spans(
    offsets: list[int], tokens: list[str], moved: Callable[[int], int] | None = None
) -> array[int]:
    """Where each prose token sits in the text (start, end), from where its emptied `""` sits in the
    text with the prose emptied (`scan_prose`): the tokens before it are that much longer.
    `moved`: each such offset into the text's bytes (`layout.byte_offsets`)."""
    out = array("q")
    shift = 0
    for at, token in zip(offsets, tokens, strict=True):
        out.append(at + shift)
        out.append(at + shift + len(token))
        shift += len(token) - 2
    return out if moved is None else array("q", map(moved, out))


def save(
    path: Path,
    key: bytes,
    snapshot: Snapshot,
    ready: Callable[[], bool] = lambda: True,
    shape: bytes = bytes(32),
    text: bytes = b"",
    layout: Layout | None = None,
) -> bool:
    """Write the snapshot (False when it cannot serve: an operation object the IR holds twice).
    `ready()` is asked before the file is renamed into place: False throws it away (the run that
    made it did not write its package, `stage/writer.py`), and the old file stays. Everything is
    pickled straight into the file: no second copy in memory. `shape`: the key's digest of the
    text with the prose emptied; `text`: the spec's text it was made from (for `stage/edit.py`),
    `layout`: where its parts sit (`stage/structural.py`), and the snapshot's prose offsets, in
    that text decoded (`keys.read_spec`); the file keeps them in its bytes."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    api = snapshot.api
    groups = _groups(api.schemas, snapshot.names.schema_module)
    # a loaded snapshot's schemas in the same pieces (a structural replay's: `stage/rekey.py`): the
    # pieces' bytes as they are, each checked; else every schema, loaded, pickled again
    copied = _pieces_as_they_are(api.schemas, groups)
    schemas: Mapping[str, Schema] = (
        api.schemas if isinstance(api.schemas, dict) or copied is not None else dict(api.schemas)
    )
    shell = copy.copy(api)
    object.__setattr__(shell, "schemas", {})
    aliases = _aliases(api.schemas if copied is not None else schemas)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "wb") as f:
            # kept by their offsets into the text's bytes (what a replay compares: `stage/edit.py`)
            moved = byte_offsets(text)
            located = spans(snapshot.offsets, snapshot.tokens, moved).tobytes() if text else b""
            if layout is not None and moved is not None:
                layout = layout.moved(moved)
            parts = pickle.dumps(layout, protocol=5) if text and layout is not None else b""
            crc = _crc(text, located, parts).to_bytes(4, "big")
            sizes = b"".join(len(b).to_bytes(8, "big") for b in (text, located, parts))
            f.write(MAGIC + key + shape + crc + sizes)
            f.write(text)
            f.write(located)
            f.write(parts)
            del located, parts
            table = []
            where: dict[str, int] = {}
            for n, members in enumerate(groups):
                if copied is not None:
                    f.write(copied[n][0])
                    table.append((len(copied[n][0]), copied[n][1]))
                else:
                    summed = _Summed(f)
                    _Pickler(summed).dump({sid: schemas[sid] for sid in members})
                    table.append((summed.size, summed.crc))
                where.update(dict.fromkeys(members, n))
            lazy = [_write_table(f, getattr(snapshot.names, name)) for name in LAZY_NAMES]
            prose = []  # the prose's places, offsets and tokens, _PROSE of each a piece
            for at in range(0, len(snapshot.tokens), _PROSE):
                summed = _Summed(f)
                chunk = slice(at, at + _PROSE)
                pickle.dump(
                    (snapshot.places[chunk], snapshot.offsets[chunk], snapshot.tokens[chunk]),
                    summed,
                    protocol=5,
                )
                prose.append((summed.size, summed.crc))
            summed = _Summed(f)
            pickler = _Pickler(summed)
            names = dataclasses.replace(snapshot.names, **{name: {} for name in LAZY_NAMES})
            rest = dataclasses.replace(
                snapshot, api=shell, names=names, places=[], offsets=[], tokens=[]
            )
            pickler.dump(
                (rest, list(schemas), where, table, lazy, (len(snapshot.tokens), prose), aliases)
            )
            f.write(summed.size.to_bytes(8, "big") + summed.crc.to_bytes(4, "big"))
        if pickler.operations != len(api.operations) or not ready():
            tmp.unlink()
            return pickler.operations == len(api.operations)
        os.replace(tmp, path)
    except (OSError, pickle.PicklingError, Damaged):
        with contextlib.suppress(OSError):
            tmp.unlink()
        return False
    return True


def _write_table(f: IO[bytes], table: Mapping[Any, Any]) -> tuple[int, int]:
    """One table of `LAZY_NAMES` written as a piece (a loaded snapshot's not yet unpickled: its
    bytes as they are, checked); its size and CRC-32."""
    raw = table.raw() if isinstance(table, LazyTable) else None
    if raw is not None and zlib.crc32(raw[0]) == raw[1]:  # (damaged: `dict` below raises)
        f.write(raw[0])
        return len(raw[0]), raw[1]
    summed = _Summed(f)
    _Pickler(summed).dump(dict(table))
    return summed.size, summed.crc


def _pieces_as_they_are(
    schemas: Mapping[str, Schema], groups: list[list[str]]
) -> list[tuple[Any, int]] | None:
    """Each group's piece of a loaded snapshot (`LazySchemas`) as its bytes and CRC-32, when the
    snapshot held exactly these groups in these pieces (as many, each group's schemas all in its
    piece: so each piece holds its group, in the schemas' order, and unpickles to what pickling
    them would give) and every piece's bytes are still what was written; else None."""
    if not isinstance(schemas, LazySchemas) or len(groups) != len(schemas._table):
        return None  # (`groups` are `_groups(schemas, …)`: each schema in one of them)
    out = []
    for n, members in enumerate(groups):
        if any(schemas._where[sid] != n for sid in members):
            return None
        size, crc = schemas._table[n]
        chunk = schemas._data[schemas._offsets[n] : schemas._offsets[n] + size]
        if len(chunk) != size or zlib.crc32(chunk) != crc:
            return None
        out.append((chunk, crc))
    return out


def _groups(schemas: Mapping[str, Schema], modules: Mapping[str, str]) -> list[list[str]]:
    """The schemas' ids by piece: the members of one types module, or a run of schemas no module
    holds (in the schemas' order)."""
    groups: dict[str, list[str]] = {}
    loose = 0
    for sid in schemas:
        module = modules.get(sid)
        if module is None:
            module = f"\0{loose // _RUN}"
            loose += 1
        groups.setdefault(module, []).append(sid)
    return list(groups.values())


# told each piece of the prose as it is read: its first value's number and its places, offsets
# and tokens (False: this snapshot cannot serve)
ProseCheck = Callable[[int, Places, list[int], list[str]], bool]


def load(
    path: Path, key: bytes, prose: ProseCheck | None = None, *, with_prose: bool = True
) -> Snapshot | None:
    """The snapshot, its schemas read when first asked for (`LazySchemas`), or None. The file is
    read, not mapped (it stays free to be replaced): the index checked a piece at a time, then
    unpickled from the file (graph-beta's is ≈ 110 MB: not held as bytes beside what it unpickles
    to); the schemas' pieces as one `bytes`; the prose a piece at a time, each handed to `prose`
    and let go (graph-beta's 145,000 values are ≈ 50 MB as objects; without `prose` they are
    kept in the snapshot's `places`, `offsets` and `tokens`). Not `with_prose`: the prose is
    not read at all (a structural replay reads none of it), the snapshot's left empty. Without
    prose, the one `clientgen watch` loaded ahead for this file, if it still is (`ahead.py`)."""
    if not with_prose and prose is None:
        ahead = taken(path, key)
        if isinstance(ahead, Snapshot):
            return ahead
    head = MAGIC + key
    try:
        with open(path, "rb") as f:
            total = os.fstat(f.fileno()).st_size
            if total < len(MAGIC) + _HEAD + _TAIL or f.read(len(head)) != head:
                return None
            sizes = f.read(_HEAD - 32)[-24:]  # the text's, the spans' and the layout's (`Head`)
            base = (
                len(MAGIC)
                + _HEAD
                + sum(int.from_bytes(sizes[i : i + 8], "big") for i in (0, 8, 16))
            )
            f.seek(total - _TAIL)
            tail = f.read(_TAIL)
            size = int.from_bytes(tail[:8], "big")
            start = total - _TAIL - size - base  # the pieces' length
            if start < 0 or len(tail) != _TAIL:
                return None
            f.seek(base + start)
            if _crc32(f, size) != int.from_bytes(tail[8:], "big"):
                return None  # damaged (a flipped byte in a text would still unpickle), or truncated
            f.seek(base + start)
            try:
                snapshot, order, where, table, lazy, (count, spans), aliases = _Unpickler(f).load()
                schemas = sum(n for n, _ in table)
                tables = sum(n for n, _ in lazy)
                if (
                    not isinstance(snapshot, Snapshot)
                    or not isinstance(aliases, list)
                    or len(lazy) != len(LAZY_NAMES)
                    or schemas + tables + sum(n for n, _ in spans) != start
                ):
                    return None
            except Exception:  # noqa: BLE001 - a damaged cache is no cache, whatever the unpickler says
                return None
            f.seek(base)
            pieces = f.read(schemas + tables)
            if len(pieces) != schemas + tables:
                return None
            if with_prose and not _prose(f, spans, count, snapshot, prose):
                return None
    except OSError:
        return None
    data = memoryview(pieces)
    object.__setattr__(
        snapshot.api,
        "schemas",
        LazySchemas(data[:schemas], order, where, table, base, frozenset(aliases)),
    )
    at = schemas
    for name, (size, crc) in zip(LAZY_NAMES, lazy, strict=True):
        setattr(snapshot.names, name, LazyTable(data[at : at + size], crc))
        at += size
    return snapshot


def _prose(
    f: IO[bytes],
    spans: list[tuple[int, int]],
    count: int,
    snapshot: Snapshot,
    check: ProseCheck | None,
) -> bool:
    """Read the prose's pieces (after the schemas'), each checked and handed to `check`, or kept
    in `snapshot` when there is none; False: damaged, or `check` said no."""
    at = 0
    for size, crc in spans:
        data = f.read(size)
        if len(data) != size or zlib.crc32(data) != crc:
            return False
        try:
            places, offsets, tokens = _Unpickler(io.BytesIO(data)).load()
        except Exception:  # noqa: BLE001 - damaged
            return False
        del data
        if len(places) != len(tokens) or len(offsets) not in (0, len(tokens)) or not tokens:
            return False
        if check is not None and not check(at, places, offsets, tokens):
            return False
        if check is None:
            snapshot.places += places
            snapshot.offsets += offsets
            snapshot.tokens += tokens
        at += len(tokens)
    return at == count


def _crc32(file: IO[bytes], size: int) -> int | None:
    """The CRC-32 of the next `size` bytes of `file`, read a piece at a time (None: shorter)."""
    crc = 0
    while size > 0:
        piece = file.read(min(size, _PIECE))
        if not piece:
            return None
        crc = zlib.crc32(piece, crc)
        size -= len(piece)
    return crc


class Damaged(Exception):
    """A piece of the snapshot is not what was written: the run that reads it takes the full path."""


def _aliases(schemas: Mapping[str, Schema]) -> list[str]:
    """The ids of the `Alias` schemas (a loaded snapshot's as its index said: the same pieces)."""
    if isinstance(schemas, LazySchemas):
        return sorted(schemas.aliases)
    from ..ir import Alias

    return sorted(sid for sid, schema in schemas.items() if type(schema) is Alias)


class LazySchemas(Mapping[str, "Schema"]):
    """The IR's schemas of a loaded snapshot, in their order; each piece is checked and unpickled
    when one of its schemas is first asked for (a damaged one raises `Damaged`: the replay fails
    and the run takes the full path)."""

    def __init__(
        self,
        data: Any,
        order: list[str],
        where: dict[str, int],
        table: list[tuple[int, int]],
        origin: int = 0,
        aliases: frozenset[str] = frozenset(),
    ) -> None:
        """`data`: the pieces, one after the other (sizes and CRC-32s in `table`); `origin`: where
        they start in the file; `aliases`: the ids of the schemas that are `Alias`es (the index
        keeps them: a question that needs only that reads no piece)."""
        self.aliases = aliases
        self._data = data
        self._order = order
        self._where = where
        self._table = table
        self._origin = origin
        self._offsets: list[int] = []
        at = 0
        for size, _ in table:
            self._offsets.append(at)
            at += size
        self._loaded: dict[str, Schema] = {}
        self.read: set[int] = set()  # the pieces read so far

    def __getitem__(self, sid: str) -> Schema:
        found = self._loaded.get(sid)
        if found is None:
            piece = self._where[sid]  # KeyError: no such schema
            self._read(piece)
            found = self._loaded[sid]
        return found

    def _read(self, piece: int) -> None:
        if piece in self.read:
            raise Damaged(f"piece {piece} lacks a schema it should hold")
        length, crc = self._table[piece]
        start = self._offsets[piece]
        chunk = self._data[start : start + length]
        if len(chunk) != length or zlib.crc32(chunk) != crc:
            raise Damaged(f"piece {piece} is damaged")
        try:
            found = _Unpickler(io.BytesIO(chunk)).load()
        except Exception as error:  # whatever the unpickler says: damaged
            raise Damaged(f"piece {piece} does not unpickle") from error
        if not isinstance(found, dict):
            raise Damaged(f"piece {piece} is no piece")
        self._loaded.update(found)
        self.read.add(piece)

    @property
    def spans(self) -> list[tuple[int, int]]:
        """Where each piece sits in the file: (offset, length)."""
        return [
            (self._origin + at, size)
            for at, (size, _) in zip(self._offsets, self._table, strict=True)
        ]

    def __contains__(self, sid: object) -> bool:
        return sid in self._where

    def __iter__(self) -> Iterator[str]:
        return iter(self._order)

    def __len__(self) -> int:
        return len(self._order)


class LazyTable(MutableMapping[Any, Any]):
    """A table of a loaded snapshot's `Names` (`LAZY_NAMES`), unpickled when it is first used
    (a damaged piece raises `Damaged`, as `LazySchemas`' do); then a dict like any other's."""

    def __init__(self, data: Any, crc: int) -> None:
        self._data: Any = data  # the piece (None once unpickled)
        self._crc = crc
        self._table: dict[Any, Any] | None = None

    def table(self) -> dict[Any, Any]:
        """The table, unpickled (once)."""
        if self._table is None:
            if zlib.crc32(self._data) != self._crc:
                raise Damaged("a table of the names is damaged")
            try:
                found = _Unpickler(io.BytesIO(self._data)).load()
            except Exception as error:  # whatever the unpickler says: damaged
                raise Damaged("a table of the names does not unpickle") from error
            if not isinstance(found, dict):
                raise Damaged("a table of the names is no table")
            self._table, self._data = found, None
        return self._table

    def raw(self) -> tuple[Any, int] | None:
        """The piece's bytes and CRC-32 while it is not unpickled (`save` copies them as they are),
        else None."""
        return None if self._table is not None else (self._data, self._crc)

    def __getitem__(self, key: Any) -> Any:
        return self.table()[key]

    def get(self, key: Any, default: Any = None) -> Any:
        return self.table().get(key, default)

    def __contains__(self, key: object) -> bool:
        return key in self.table()

    def __setitem__(self, key: Any, value: Any) -> None:
        self.table()[key] = value

    def __delitem__(self, key: Any) -> None:
        del self.table()[key]

    def __iter__(self) -> Iterator[Any]:
        return iter(self.table())

    def __len__(self) -> int:
        return len(self.table())


class _Summed:
    """A file that keeps the CRC-32 and the size of what is written to it."""

    def __init__(self, f: IO[bytes]) -> None:
        self._f = f
        self.crc = 0
        self.size = 0

    def write(self, data: Any) -> int:
        self.crc = zlib.crc32(data, self.crc)
        self.size += memoryview(data).nbytes
        return self._f.write(data)


def unlink(path: Path | None) -> None:
    if path is not None:
        try:
            path.unlink()
        except OSError:
            pass


# ---- pickling the IR ---------------------------------------------------------------------------------
# The IR is frozen slotted dataclasses; their generated `__getstate__`/`__setstate__` make the default
# pickle slow (0.39 s to load GitHub's). Here each is one call with its slot values. In the compiled
# build (pyproject.toml's mypyc hook) a class of a compiled module is a native class: no `__slots__`
# in its namespace, its attributes named in `__mypyc_attrs__`, and its own pickling restores a frozen
# one through `__setattr__`, which refuses (so no snapshot was ever written): it is pickled here too.
_SLOTS: dict[type, tuple[str, ...] | None] = {}
_MAKERS: dict[type, Any] = {}


def _slots(cls: type) -> tuple[str, ...] | None:
    names = _SLOTS.get(cls, ())
    if names == ():
        found: tuple[str, ...] | None = None
        if dataclasses.is_dataclass(cls) and cls.__module__.startswith("generator."):
            names_ = tuple(
                n
                for c in reversed(cls.__mro__)
                for n in c.__dict__.get("__slots__", c.__dict__.get("__mypyc_attrs__", ()))
                if n not in ("__weakref__", "__dict__")
            )
            found = names_ or None
        _SLOTS[cls] = names = found
    return names


def _maker_of(cls: type) -> Any:
    """The maker of IR class `cls` (`_maker`): each pickle names it once (`_MakerOf`, memoized),
    then calls it for each instance with its slot values — one call an object (no `__init__`: the
    state is restored as it was)."""
    if _slots(cls) is None:
        raise pickle.UnpicklingError(f"{cls!r} is not an IR class")
    maker = _MAKERS.get(cls)
    if maker is None:
        maker = _MAKERS[cls] = _maker(cls)
    return maker


class _MakerOf:
    """What `_Pickler` writes for the maker of `cls` (as `_maker_of(cls)`): one of these a class, so
    that pickle's memo writes it once and refers to it after."""

    __slots__ = ("cls",)

    def __init__(self, cls: type) -> None:
        self.cls = cls

    def __call__(self, *values: Any) -> Any:  # (what it stands for; pickle asks for a callable)
        return _maker_of(self.cls)(*values)


def _maker(cls: type) -> Any:
    """`make(v0, v1, …)`: one statement per slot, each the slot descriptor's own `__set__` (C)."""
    names = _slots(cls) or ()
    # `cls.__new__`: `object.__new__` for a plain class, the type's own for a native (compiled) one,
    # which refuses `object.__new__`; neither calls `__init__`
    scope: dict[str, Any] = {"new": cls.__new__, "cls": cls}
    for i, name in enumerate(names):
        scope[f"set{i}"] = getattr(cls, name).__set__
    return FunctionType(_make_code(len(names)), scope, "make")


@functools.cache
def _make_code(count: int) -> CodeType:
    """The code of a maker of `count` slots (its names `new`, `cls`, `set0`… are its globals'):
    compiled once a process for every class with as many (a structural replay makes ≈ 30 makers
    of 14 sizes)."""
    params = ", ".join(f"v{i}" for i in range(count))
    lines = [f"def make({params}):", "    o = new(cls)"]
    lines += [f"    set{i}(o, v{i})" for i in range(count)]
    lines.append("    return o")
    scope: dict[str, Any] = {}
    exec("\n".join(lines), scope)  # noqa: S102 - code made of slot numbers only
    code: CodeType = scope["make"].__code__
    return code


_GETTERS: dict[type, Any] = {}


def _getter(cls: type) -> Any:
    """The slot values of an instance of `cls` as a tuple (one C call), or False: not an IR class."""
    names = _slots(cls)
    if names is None:
        return False
    if len(names) == 1:
        one = operator.attrgetter(names[0])
        return lambda obj: (one(obj),)
    return operator.attrgetter(*names)


class _StrNew:
    """What `_Pickler` writes for a `render.safe` string's maker: a reference to `_str_new`, which
    the unpickler reads as `str.__new__` itself — so each string is made as it was (checked when
    it was first made) by one C call, with no Python frame (snapshot format 13; a Python `_safe`
    before: ≈ 25,000 calls in a structural replay of GitHub's)."""

    __slots__ = ()

    def __reduce__(self) -> str:
        return "_str_new"

    def __call__(self, cls: type[str], value: str) -> str:  # (what it stands for)
        return str.__new__(cls, value)


_str_new = _StrNew()


def _missing() -> _Missing:
    return MISSING


def _same(obj: Any) -> Any:
    """An IR value equal to one unpickled before, as that one (`sharing.py`)."""
    return obj


class _Pickler(pickle.Pickler):
    def __init__(self, file: _Summed) -> None:
        super().__init__(file, protocol=5)  # only its `write` is used
        self.operations = 0
        from ..ir import Operation
        from .sharing import Sharing

        self._operation = Operation
        self._sharing = Sharing(_slots)
        self._makers: dict[type, _MakerOf] = {}

    def reducer_override(self, obj: Any) -> Any:
        cls = type(obj)
        if cls is _Missing:
            return _missing, ()
        if cls is _MakerOf:
            return _maker_of, (obj.cls,)
        if cls is _StrNew:
            return NotImplemented  # (its `__reduce__`: a reference to `_str_new`)
        if cls is self._operation:
            self.operations += 1
        first = self._sharing.known(obj)
        if first is not None:  # pickled before (memoized): a reference to it
            return _same, (first,)
        if isinstance(obj, str) and cls.__module__ == "generator.render.safe":
            return _str_new, (cls, str(obj))
        getter = _GETTERS.get(cls)
        if getter is None:
            getter = _GETTERS[cls] = _getter(cls)
        if getter is False:
            return NotImplemented
        maker = self._makers.get(cls)
        if maker is None:
            maker = self._makers[cls] = _MakerOf(cls)
        return maker, getter(obj)


_BUILTINS = frozenset(("set", "frozenset", "complex", "bytearray", "slice", "range"))


_FOUND: dict[tuple[str, str], Any] = {}  # what `_Unpickler.find_class` admitted, by name


class _Unpickler(pickle.Unpickler):
    """Only the generator's own classes and functions and a few builtins (a cache file is not code).
    Each name is looked up once a process (a snapshot's pieces are pickles of their own, each naming
    the classes it holds again: ≈ 2,000 look-ups for a structural replay of GitHub's)."""

    def find_class(self, module: str, name: str) -> Any:
        found = _FOUND.get((module, name))
        if found is None:
            found = _FOUND[module, name] = self._admitted(module, name)
        return found

    def _admitted(self, module: str, name: str) -> Any:
        if module == __name__ and name in ("_maker_of", "_missing", "_same"):
            return super().find_class(module, name)
        if module == __name__ and name == "_str_new":
            return str.__new__  # (`_StrNew`: a `render.safe` class is one of the generator's)
        if module == "builtins" and name in _BUILTINS:
            return super().find_class(module, name)
        if module == "copyreg" and name == "__newobj__":
            return super().find_class(module, name)
        if module.startswith("generator."):
            found = super().find_class(module, name)
            if isinstance(found, type):  # a class of the generator's, never one of its functions
                return found
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in a stage cache")
