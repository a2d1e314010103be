"""`check`'s render, compared with the output folder a file at a time (issue 18, graph-beta's memory).

What the spec produces is staged as `generate` stages it (`staging.Staging`, each file as it is
rendered: a prose-only edit replayed from the stage cache, else the full render), in a folder of
the system's (`check` writes nothing beside the output folder and needs no ownership of it). The
finished package is then kept in an unnamed temporary file — the files the module cache knew by
their keys, read from it — as `TargetResult.rendered` (`Kept`, which the diff `check` prints reads),
and compared with the output folder one file at a time (`compare_folder`), so neither tree is ever
whole in memory (graph-beta's are ≈ 320 MB each)."""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from .folder_tree import FolderTree
from .memo import Memo
from .ownership import Ownership, has_header
from .progress import Progress
from .staging import OUTPUT_PER_SPEC_BYTE, StagedTree, Staging
from .write import TreeDiff

if TYPE_CHECKING:
    from .provenance import Provenance
    from .stage.replay import Replayed, Target

R = TypeVar("R")


def render_checked(
    target: Target,
    owner: Ownership,
    memo: Memo | None,
    progress: Progress,
    replay: Callable[[Staging], tuple[R, Replayed] | None] | None,
    render: Callable[..., tuple[R, object, Provenance]],
) -> tuple[R, Kept]:
    """What the spec produces, staged and kept (`Kept`): `replay(staging)` (a prose-only edit from
    the stage cache; None: a miss), else `render(emit=…)` (`pipeline._render`, handing each file
    to `emit`). The run's result, and the package."""
    out = Path(target.output)
    size = _size(Path(target.spec))
    if replay is not None and memo is not None:
        # staged: the spec's copy, api.md, the README, the modules rendered again (≈ 2× the spec)
        with Staging.open(
            out, owner, memo, 2 * size // OUTPUT_PER_SPEC_BYTE, aside=True
        ) as staging:
            again = replay(staging)
            if again is not None:
                return again[0], Kept(staging.finish(again[1].prov, progress))
    with Staging.open(out, owner, memo, size, aside=True) as staging:
        result, _, prov = render(emit=staging.add)
        return result, Kept(staging.finish(prov, progress))


def compare_folder(new: Mapping[str, bytes], out: Path, owner: Ownership | None) -> TreeDiff:
    """`write.compare(new, read_tree(out), owner)`, each file of the output folder read (and
    hashed) a piece at a time and compared by SHA-256 with what `new` knows (`Kept.digest`: graph-
    beta's spec copy, api.md and operations.json are 30–47 MB each)."""
    old = FolderTree.of(out)
    diff = TreeDiff()
    if owner is not None:
        produced = set(new)
        diff.user = sorted(
            rel for rel in old if owner.users(rel, has_header(old.head(rel)), produced)
        )
        old = old.without(diff.user)
    digest = new.digest if isinstance(new, Kept) else lambda rel: hashlib.sha256(new[rel]).digest()
    for rel in new:
        if rel not in old:
            diff.added.append(rel)
        elif old.digest(rel) != digest(rel):
            diff.changed.append(rel)
        else:
            diff.unchanged += 1
    diff.removed = sorted(set(old) - set(new))
    return diff


class Kept(Mapping[str, bytes]):
    """A finished package that outlives its staging folder: the bytes of the files staged there
    in an unnamed temporary file (gone with the process), those the module cache knew read from
    it by their keys (`StagedTree.key`), each when asked for."""

    def __init__(self, tree: StagedTree) -> None:
        self._file = tempfile.TemporaryFile(prefix="clientgen-check-")  # noqa: SIM115 - read later
        self._memo = tree.memo
        self._where: dict[str, tuple[int, int]] = {}
        self._keys: dict[str, bytes] = {}
        at = 0
        for rel in tree:
            key = tree.key(rel)
            if key is not None:
                self._keys[rel] = key
                continue
            size = 0
            for chunk in tree.chunks(rel):
                size += self._file.write(chunk)
            self._where[rel] = (at, size)
            at += size
        self._file.flush()
        self._digests = tree.digests

    def digest(self, rel: str) -> bytes:
        """The file's SHA-256 (known since it was staged)."""
        return self._digests[rel]

    def __getitem__(self, rel: str) -> bytes:
        key = self._keys.get(rel)
        if key is not None and self._memo is not None:
            return self._memo.read(key)
        at, size = self._where[rel]
        return os.pread(self._file.fileno(), size, at)

    def __contains__(self, rel: object) -> bool:
        return rel in self._where or rel in self._keys

    def __iter__(self) -> Iterator[str]:
        return iter(self._digests)

    def __len__(self) -> int:
        return len(self._digests)


def _size(spec: Path) -> int:
    try:
        return spec.stat().st_size
    except OSError:
        return 0
