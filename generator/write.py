"""Materialise a package: render into a staging folder, format it there, then update the output folder.

The staging folder is on tmpfs (`/dev/shm`) when there is room for it, else a hidden sibling of the output
folder; it is removed afterwards. Only the files whose bytes changed are written into the output folder
(a changed file atomically: a hidden temporary file renamed over it; a new file in place, since there is
nothing to replace), files the spec no longer produces are removed, and GENERATION.toml is written last
(atomically), so an interrupted run leaves a tree that `clientgen check` reports as stale. A new or empty
output folder is written whole into a hidden sibling that is then renamed into place. Unchanged files are
not touched. A folder that exists, is not empty and was not made by clientgen is never touched.

The user's files in the output folder (`ownership.py`: `.clientgenignore`, `src/<package>/custom/`, files
without clientgen's header) are never written, replaced or deleted; the diff lists them as `user`.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import provenance, write_files
from .diagnostics import SpecError, fatal
from .folder_tree import listed, read
from .format import FORMATTED, format_tree
from .memo import Memo
from .ownership import Ownership, has_header
from .paths import HEADER
from .progress import SILENT, Progress
from .tree_index import Against, Seen, TreeIndex


@dataclass
class TreeDiff:
    changed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    user: list[str] = field(default_factory=list)  # the user's files, kept as they are

    @property
    def stale(self) -> list[str]:
        return sorted(self.changed + self.added + self.removed)


class Formatted(bytes):
    """A file's finished bytes (header and ruff applied), taken as they are by `build_tree`."""


def with_header(rel: str, text: str | bytes) -> bytes:
    """The file's bytes: text with clientgen's header line (per its kind); bytes (data a package
    ships as it is, such as its spec's copy) already carry theirs."""
    if isinstance(text, bytes):
        return text
    return _headed(rel, "").encode() + text.encode()  # (not one str: the header's dash widens it)


def _headed(rel: str, text: str) -> str:
    if rel.endswith((".py", ".toml", ".typed")):
        return f"# {HEADER}\n{text}"
    if rel.endswith(".md"):
        return f"<!-- {HEADER} -->\n{text}"
    return text


def build_tree(
    files: Mapping[str, str | bytes],
    prov: provenance.Provenance,
    staging: Path,
    memo: Memo | None = None,
) -> dict[str, bytes]:
    """Write files (with headers) under `staging`, format them, add GENERATION.toml; return the bytes.
    A `dict` is emptied as its files are staged (callers hand over their own copy or their last use).
    With `memo` (the module cache) only the files whose text it has not seen are written and
    formatted; the others get the bytes they were formatted to before, and what is formatted here is
    stored in it."""
    folders = write_files.Folders()
    done: dict[str, bytes] = {}
    keys: dict[str, bytes] = {}
    rels = list(files)
    for rel in rels:
        # a dict handed over (`consume`) is emptied as it is staged: each text is let go once it is
        # written, so the texts and the formatted bytes are not all in memory together
        text = files.pop(rel) if isinstance(files, dict) else files[rel]
        raw = with_header(rel, text)
        if isinstance(text, bytes) and not rel.endswith(".py"):  # data shipped as it is (the
            done[rel] = raw  # spec's copy): not staged and read back, graph-beta's alone is 47 MB
            continue
        if isinstance(text, Formatted):  # finished bytes from an earlier run (`stage/cache.py`)
            done[rel] = bytes(text)
            continue
        if memo is not None:
            keys[rel] = memo.text_key(rel, raw)
            known = memo.get(keys[rel])
            if known is not None:
                done[rel] = known
                continue
        write_files.put(folders, os.path.join(staging, rel), raw)
        del raw, text
    if any(rel.endswith(FORMATTED) for rel in rels if rel not in done):  # also api.md alone
        format_tree(staging)
    for rel in rels:
        if rel not in done:
            done[rel] = _get(os.path.join(staging, rel))
            if memo is not None:
                memo.put(keys[rel], done[rel])
    digests = {rel: hashlib.sha256(done[rel]).digest() for rel in sorted(rels)}
    final = dataclasses.replace(prov, tree_sha256=provenance.tree_hash_of(digests))
    record = final.render().encode()
    (staging / provenance.FILE).write_bytes(record)
    out = Hashed((rel, done[rel]) for rel in digests)
    out[provenance.FILE] = record
    digests[provenance.FILE] = hashlib.sha256(record).digest()
    out.digests = digests  # (the tree hash needs them anyway: `apply_package` compares by them)
    return out


def _forgets(name: str) -> Any:
    """`dict`'s method `name`, forgetting the tree's digests first."""
    method = getattr(dict, name)

    def forgetting(self: Hashed, *args: Any, **kwargs: Any) -> Any:
        self.digests = None
        return method(self, *args, **kwargs)

    return forgetting


class Hashed(dict[str, bytes]):
    """A finished tree that knows each file's SHA-256 (`digests`, which `apply_package` compares
    by); any change to it forgets them (then they are computed again)."""

    digests: dict[str, bytes] | None = None

    __setitem__, __delitem__ = _forgets("__setitem__"), _forgets("__delitem__")
    __ior__, update, setdefault = _forgets("__ior__"), _forgets("update"), _forgets("setdefault")
    pop, popitem, clear = _forgets("pop"), _forgets("popitem"), _forgets("clear")


def read_tree(folder: Path) -> dict[str, bytes]:
    """Every file below `folder` (bytecode and mypy caches left out; symbolic links to folders not
    followed), by relative POSIX path in path order (`folder_tree.listed`)."""
    found = {rel: read(path) for rel, path in listed(folder).items()}
    return {rel: data for rel, data in found.items() if data is not None}


def diff_trees(new: Mapping[str, bytes], old: Mapping[str, bytes]) -> TreeDiff:
    d = TreeDiff()
    for rel in new:  # a file only added is not read (`new` may read its files lazily)
        if rel not in old:
            d.added.append(rel)
        elif old[rel] != new[rel]:
            d.changed.append(rel)
        else:
            d.unchanged += 1
    d.removed = sorted(set(old) - set(new))
    return d


def compare(new: Mapping[str, bytes], old: dict[str, bytes], owner: Ownership | None) -> TreeDiff:
    """`diff_trees` of what the generator produces and clientgen's part of the output folder."""
    if owner is None:
        return diff_trees(new, old)
    ours, user = owner.split(old, set(new))
    diff = diff_trees(new, ours)
    diff.user = user
    return diff


def ours_only(
    files: Mapping[str, str | bytes], owner: Ownership | None
) -> Mapping[str, str | bytes]:
    """The rendered files minus those the user claims (`.clientgenignore`, the custom folder)."""
    if owner is None:
        return files
    return {rel: text for rel, text in files.items() if not owner.claimed(rel)}


def _handed_over(
    files: Mapping[str, str | bytes], owner: Ownership | None, consume: bool
) -> Mapping[str, str | bytes]:
    """What `build_tree` stages: `ours_only(files)`; a copy unless the caller hands `files` over
    (`consume`, a dict it no longer needs: the user's files are taken out of it in place)."""
    if not consume or not isinstance(files, dict):
        return dict(ours_only(files, owner))
    if owner is not None:
        for rel in [rel for rel in files if owner.claimed(rel)]:
            del files[rel]
    return files


def ensure_ours(out: Path, owner: Ownership | None = None) -> None:
    if out.exists() and not out.is_dir():
        raise fatal(
            "output-not-folder",
            f"output path {out} exists and is not a folder",
            hint="choose another output folder",
        )
    if (
        out.is_dir()
        and not (out / provenance.FILE).is_file()
        and any(
            owner is None or not owner.claimed(p.relative_to(out).as_posix())
            for p in out.rglob("*")
            if p.is_file()
        )
    ):
        raise fatal(
            "output-not-generated",
            f"output folder {out} is not empty and was not made by clientgen "
            f"(no {provenance.FILE}); refusing to overwrite it",
            hint="choose an empty or new folder, or delete this one yourself",
        )


TMPFS = Path("/dev/shm")


def scratch_parent(files: Mapping[str, str | bytes], fallback: Path) -> Path:
    """tmpfs when it exists and has room for the tree several times over (ruff rewrites files), else
    `fallback` (a folder on the output's file system)."""
    return scratch_for(sum(len(text) for text in files.values()), fallback)


def scratch_for(size: int, fallback: Path) -> Path:
    """`scratch_parent` for a tree of `size` bytes (known or estimated)."""
    try:
        usable = TMPFS.is_dir() and os.access(TMPFS, os.W_OK | os.X_OK)
        if usable and shutil.disk_usage(TMPFS).free > 3 * size + (64 << 20):
            return TMPFS
    except OSError:
        pass
    return fallback


def write_package(
    files: Mapping[str, str | bytes],
    prov: provenance.Provenance,
    out: Path,
    owner: Ownership | None = None,
    progress: Progress = SILENT,
) -> TreeDiff:
    """Build the package (formatted, in a staging folder) and write it into `out`."""
    return apply_package(build_package(files, prov, out, owner, progress), out, owner, progress)


def build_package(
    files: Mapping[str, str | bytes],
    prov: provenance.Provenance,
    out: Path,
    owner: Ownership | None = None,
    progress: Progress = SILENT,
    memo: Memo | None = None,
    *,
    consume: bool = False,
) -> dict[str, bytes]:
    """The finished files (headers, ruff, GENERATION.toml), built in a staging folder; nothing in `out`
    is touched. A file system problem is a fatal diagnostic naming `out`, never a traceback.
    `consume`: `files` is a dict the caller no longer needs, emptied as it is staged (memory)."""
    _check_relative(files)
    try:
        out = out.resolve()
        ensure_ours(out, owner)
        files = _handed_over(files, owner, consume)
        progress.stage("formatting")
        fallback = out.parent if out.parent.is_dir() else Path(tempfile.gettempdir())
        staging = Path(
            tempfile.mkdtemp(prefix=f".{out.name}.clientgen-", dir=scratch_parent(files, fallback))
        )
        try:
            return build_tree(files, prov, staging, memo)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    except OSError as exc:
        raise _unwritable(exc, out) from None


def apply_package(
    new: Mapping[str, bytes],
    out: Path,
    owner: Ownership | None = None,
    progress: Progress = SILENT,
    index: TreeIndex | None = None,
    hold: list[int] | None = None,
) -> TreeDiff:
    """Make clientgen's part of `out` hold exactly the files of `new` (only changed files written,
    GENERATION.toml last; the user's files kept). A file system problem (the parent is a file, no
    permission, a read-only or virtual file system such as /proc) is a fatal diagnostic naming the
    folder, never a traceback. `index`: the folder's tree index, which answers for the files whose
    stat data did not change (compared by SHA-256; the others are read). `new` may be a
    `staging.StagedTree`, which reads each file's bytes only when it is written. `hold`: takes a
    descriptor of each file an update replaces or removes (`write_files.held`; the caller closes
    them)."""
    try:
        out = out.resolve()
        ensure_ours(out, owner)
        out.parent.mkdir(parents=True, exist_ok=True)
        if index is None:
            old = read_tree(out)
            diff = compare(new, old, owner)
            conflicts = [rel for rel in diff.changed if not has_header(old[rel])]
        else:
            digests = _digests(new)
            seen = index.scan(out, _against(new, digests))
            diff, conflicts = _compare_indexed(new, seen, owner, digests)
            index.save()
        if conflicts:
            raise fatal(
                "output-user-file",
                f"{out / conflicts[0]} was not written by clientgen (it has no "
                f"'{HEADER}' header) and the spec produces a file there; refusing to replace it",
                hint="keep yours by listing it in .clientgenignore in the output folder, "
                "or delete it to take the generated one",
            )
        progress.stage("writing")
        if diff.stale and not (out.exists() and any(out.iterdir())):
            write_files.create(out, new, getattr(new, "prewrite", None))
        elif diff.stale:
            write_files.update(out, new, diff.changed, diff.added, diff.removed, hold)
    except OSError as exc:
        raise _unwritable(exc, out) from None
    return diff


def _compare_indexed(
    new: Mapping[str, bytes],
    seen: Mapping[str, Seen],
    owner: Ownership | None,
    digests: dict[str, bytes],
) -> tuple[TreeDiff, list[str]]:
    """`compare` (and the changed files without clientgen's header) from the tree index's digests
    (`digests`: those of `new`; a file scanned against `new` and found to differ has
    `tree_index.DIFFERS`, which equals no digest)."""
    produced = set(new)
    ours = {
        rel: s
        for rel, s in seen.items()
        if owner is None or not owner.users(rel, s.headed, produced)
    }
    old = {rel: s.digest for rel, s in ours.items()}
    diff = diff_trees(digests, old)
    diff.user = sorted(rel for rel in seen if rel not in ours)
    return diff, [rel for rel in diff.changed if not ours[rel].headed]


def _against(new: Mapping[str, bytes], digests: Mapping[str, bytes]) -> Against:
    """What the tree index compares a file it cannot answer for with: `new`'s file there, its
    SHA-256 and its bytes — when they are in memory (a `StagedTree` reads the others from the
    module cache or the staging folder: that file is hashed instead, as an unchanged module of
    a replay is never read from the cache)."""
    held = getattr(new, "held", None)

    def against(rel: str) -> tuple[bytes, Iterable[bytes | memoryview]] | None:
        digest = digests.get(rel)
        if digest is None:
            return None
        pieces = held(rel) if held is not None else (new[rel],)
        return None if pieces is None else (digest, pieces)

    return against


def _digests(new: Mapping[str, bytes]) -> dict[str, bytes]:
    """Each file's SHA-256 (a `StagedTree` knows them without reading its files)."""
    known = getattr(new, "digests", None)
    if isinstance(known, dict):
        return known
    return {rel: hashlib.sha256(data).digest() for rel, data in new.items()}


def _unwritable(exc: OSError, out: Path) -> SpecError:
    return fatal(
        "output-unwritable",
        f"cannot write the output folder: {_why(exc, out)}",
        file=str(out),
        hint="choose an output folder you can write to (-o / the target's `output`)",
    )


def _why(exc: OSError, out: Path) -> str:
    if isinstance(exc, (FileExistsError, NotADirectoryError)) and exc.filename:
        part = Path(exc.filename)
        while not part.exists() and part != part.parent:
            part = part.parent
        return f"{part} is a file, not a folder"
    where = str(exc.filename or "")
    shown = f" ({where})" if where and where != str(out) and ".clientgen-" not in where else ""
    return f"{exc.strerror or exc}{shown}"


def _check_relative(files: Iterable[str]) -> None:
    """Every planned file lies inside the package folder (the names are checked long before this; a
    path that could leave the output folder is a clientgen bug, stopped here before anything is written)."""
    for rel in files:
        if ".." not in rel and "\\" not in rel and rel[:1] not in ("/", ".", ""):
            continue  # (the common case: every check below passes)
        parts = [part for part in rel.split("/") if part not in ("", ".")]  # PurePosixPath's parts
        if not parts or rel.startswith("/") or ".." in parts or "\\" in rel:
            raise fatal(
                "bad-output-path",
                f"refusing to write {rel!r}: it is not a path inside the output folder",
                hint="this is a clientgen bug; please report it",
            )


def _get(path: str) -> bytes:
    with open(path, "rb") as f:
        return f.read()
