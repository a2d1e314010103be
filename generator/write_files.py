"""Writing files into an output folder: a new folder whole into a hidden sibling renamed into place
(`create`), an existing one file by file (`update`: a changed file atomically, a new one exclusively,
GENERATION.toml last), folders a removal emptied pruned. `write.py` decides what to write; this module
only writes it (SECURITY.md, guarantee 3).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, cast

from . import provenance
from .folder_tree import CACHES

# files an update holds at the most (`held`): a replay replaces a few; descriptors are a limited
# resource (often 1,024 a process) that the write itself needs
HOLD_AT_MOST = 64

if TYPE_CHECKING:
    from .prewrite import Prewrite


def create(out: Path, new: Mapping[str, bytes], prewrite: Prewrite | None = None) -> None:
    """A new (or empty) output folder: the whole tree is written into a hidden sibling that is renamed
    into place, so an interrupted first run leaves no half-written folder behind. `prewrite`: that
    sibling, made before rendering with a pool of empty files (`prewrite.py`), which are renamed to
    the files written and filled (never following a link)."""
    if prewrite is not None and os.path.isdir(prewrite.fresh):
        tmp = prewrite.fresh
        prewrite.take()
    else:
        prewrite = None
        tmp = str(out.parent / f".{out.name}.clientgen-new-{os.getpid()}-{secrets.token_hex(4)}")
        os.mkdir(tmp)  # not mkdtemp: the folder keeps the permissions a plain mkdir gives it
    try:
        folders = Folders()
        folders.known.add(tmp)
        for rel in sorted(new):
            path = os.path.join(tmp, rel)
            folders.ensure(os.path.dirname(path))
            made = prewrite is not None and prewrite.claim(path)
            put(folders, path, _content(new, rel), exclusive=None if made else True)
        if prewrite is not None:
            prewrite.finish()  # the pool's files left over
        if out.exists():
            out.rmdir()  # empty: checked above
        os.rename(tmp, out)
    except BaseException:
        if prewrite is not None:
            prewrite.stop()
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def update(
    out: Path,
    new: Mapping[str, bytes],
    changed: Iterable[str],
    added: Iterable[str],
    removed: Iterable[str],
    hold: list[int] | None = None,
) -> None:
    """Write the changed and added files, remove the removed ones; GENERATION.toml last. `hold`:
    takes a reference to each file replaced or removed (`held`), so that what freeing its blocks
    costs is paid by whoever lets go of it last, not by the rename or the unlink."""
    out.mkdir(exist_ok=True)
    folders = Folders()
    for rel in sorted(changed):
        if rel != provenance.FILE:
            if hold is not None:
                held(os.path.join(out, rel), hold)
            write_atomic(folders, os.path.join(out, rel), _content(new, rel))
    # an added file has nothing to replace: written in place (GENERATION.toml still comes last)
    for rel in sorted(added):
        if rel != provenance.FILE:
            try:
                put(folders, os.path.join(out, rel), _content(new, rel), exclusive=True)
            except FileExistsError:  # appeared since the folder was read: replace it atomically
                write_atomic(folders, os.path.join(out, rel), _content(new, rel))
    emptied = set()
    for rel in removed:
        if hold is not None:
            held(os.path.join(out, rel), hold)
        (out / rel).unlink(missing_ok=True)
        emptied.add((out / rel).parent)
    for folder in sorted(emptied, key=lambda f: len(f.parts), reverse=True):  # deepest first
        _prune(out, folder)
    if hold is not None:
        held(os.path.join(out, provenance.FILE), hold)
    write_atomic(folders, os.path.join(out, provenance.FILE), new[provenance.FILE])


class Folders:
    """The folders known to exist, so that writing 2,600 files does not stat their folders 2,600 times."""

    def __init__(self) -> None:
        self.known: set[str] = set()

    def ensure(self, folder: str) -> None:
        if folder not in self.known:
            os.makedirs(folder, exist_ok=True)
            self.known.add(folder)


def put(
    folders: Folders,
    path: str,
    data: bytes | Iterable[bytes | memoryview],
    *,
    exclusive: bool | None = False,
) -> None:
    """Write `data` (or its pieces) to `path`; `exclusive`: the file must not exist yet (never
    replaces anything); None: an empty file made ahead (`prewrite.py`) is filled, never a link
    followed (not opened with O_TRUNC: ext4 allocates a truncated file's blocks at once on close,
    which made filling 1,680 files 3× as slow; one that is not empty is emptied first)."""
    folders.ensure(os.path.dirname(path))
    if exclusive is None:
        mode = getattr(os, "O_NOFOLLOW", 0)
    else:
        mode = os.O_EXCL if exclusive else os.O_TRUNC
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | mode, 0o644)
    try:
        if exclusive is None and os.fstat(fd).st_size:
            os.ftruncate(fd, 0)
        for part in (data,) if isinstance(data, bytes) else data:
            view = memoryview(part)
            while view:
                view = view[os.write(fd, view) :]
    finally:
        os.close(fd)


def _content(new: Mapping[str, bytes], rel: str) -> bytes | Iterable[bytes | memoryview]:
    """The bytes of `new[rel]`, or their pieces when `new` is a `StagedTree`, which reads them a
    piece at a time (graph-beta's spec copy: 47 MB)."""
    chunks = getattr(new, "chunks", None)
    return new[rel] if chunks is None else cast("Iterable[bytes | memoryview]", chunks(rel))


def held(path: str, hold: list[int]) -> None:
    """A reference to the file at `path` appended to `hold` (nothing when it cannot be had, or
    `hold` has `HOLD_AT_MOST`): an `O_PATH` descriptor, which opens nothing (no device or FIFO is
    opened, no link followed) but keeps the file's inode, so that replacing or removing the file
    only drops its name. The inode, and the blocks of its bytes, are freed when the last descriptor
    is closed — on ext4 with `discard`, 8 ms for a 7 MB file (the spec's copy), which a replay's
    snapshot writer pays instead of the command (`streamed.write_replayed`)."""
    flags = getattr(os, "O_PATH", 0)
    if not flags or len(hold) >= HOLD_AT_MOST:
        return  # (not Linux, or enough held: the rename frees it, as it did)
    with contextlib.suppress(OSError):
        hold.append(os.open(path, flags | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)))


def write_atomic(folders: Folders, path: str, data: bytes | Iterable[bytes | memoryview]) -> None:
    """Write a hidden temporary file beside `path`, then rename it over `path`."""
    folder, name = os.path.split(path)
    tmp = os.path.join(folder, f".{name}.clientgen-tmp")
    try:
        put(folders, tmp, data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _prune(out: Path, folder: Path) -> None:
    """Remove folders a removal left without files (bytecode caches do not count)."""
    while folder != out and folder.is_dir():
        with os.scandir(folder) as entries:
            if any(e.name not in CACHES for e in entries):
                return
        shutil.rmtree(folder, ignore_errors=True)
        folder = folder.parent
