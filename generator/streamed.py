"""`generate`'s full path: each file staged as it is rendered (issue 18, graph-beta's memory).

`plan_files` hands every file to `staging.Staging.add` the moment it exists, ruff formats the
staging folder once, and `write.apply_package` reads the finished files back one at a time, so the
package's texts and bytes (graph-beta's are 324 MB each) are never all in memory. With a project's
caches the same holds: the module cache (`memo.py`) is looked up a file at a time and read and
written an entry at a time, and the stage cache's recorder (`stage.cache.Recorder.note`) takes each
module's import stub and module-cache key as it is staged instead of reading a dict of every text.
A prose-only edit is not rendered here: the stage cache replays it (`pipeline.generate_replayed`),
and `write_replayed` stages and writes it the same way (only the files rendered again are staged)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from .memo import Memo
from .ownership import ownership
from .progress import SILENT, Progress
from .tree_index import TreeIndex
from .write import apply_package

if TYPE_CHECKING:
    from .config import TargetConfig
    from .diagnostics import Diagnostic
    from .ir import Api
    from .provenance import Provenance
    from .stage.cache import Recorder
    from .stage.replay import Replayed, Target
    from .stage.writer import Writer
    from .staging import Apart, Staging
    from .write import TreeDiff


Emit = Callable[[str, Any], None]  # `staging.Staging.add`


class Result(Protocol):
    """What is filled in of `pipeline.TargetResult`."""

    api: Api | None
    diagnostics: list[Diagnostic]
    diff: TreeDiff
    snapshot: Writer | None


R = TypeVar("R", bound=Result)


def generate_streamed(
    target: TargetConfig,
    root: Path | None,
    out: Path,
    progress: Progress,
    source: str,
    memo: Memo | None,
    render: Callable[[Emit, Recorder | None, Apart | None], tuple[R, Provenance]],
    before_write: Callable[[], None] | None = None,
) -> R:
    """Render (`render`: `pipeline._render`, handing each file to the staging folder — the render
    child's types modules written by it and formatted in the background, `staging.Apart`, when
    there is no cache; the run's result and the package's provenance), stage, format and write
    the package; `memo`: the
    project's module cache (None: no caches, so no stage cache either). `before_write`: runs once
    the package is formatted, before it is written (`fetch --update` writes the live spec then:
    no snapshot is made of a spec that is not its file yet)."""
    from .staging import Staging  # not needed by the no-op answer

    owner = ownership(out, target.package)
    recorder: Recorder | None = None
    if memo is not None and before_write is None:  # without caches: no stage cache (nor its import)
        from .stage.cache import Recorder, stage_file

        stages = stage_file(root, out)
        recorder = Recorder(stages) if stages is not None else None
    with Staging.open(out, owner, memo, _spec_size(target)) as staging:
        if recorder is not None:
            recorder.spill_to_disk()  # the stubs and docs wait on disk, not in this process
            staging.observe = recorder.note
        result, prov = render(staging.add, recorder, staging.apart())
        # the modules' stubs and keys were noted as they were staged: no files
        begin_snapshot(recorder, None, result, memo, target, source, prov)
        # a forked child makes the snapshot from its copy: the names, api.md's docs and the stubs
        # are let go here (an inline writer keeps what it needs in its own closure)
        staging.observe = None
        del recorder
        tree = staging.finish(prov, progress)
        if before_write is not None:
            before_write()
        index = TreeIndex.for_output(root, out) if root is not None else None
        try:
            result.diff = apply_package(tree, out, owner, progress, index)
            if result.snapshot is not None:
                result.snapshot.commit()  # the package is written: its snapshot may serve
        finally:
            if result.snapshot is not None:
                result.snapshot.close()
    if memo is not None:
        memo.save()
    return result


def write_replayed(
    target: Target,
    root: Path | None,
    memo: Memo,
    replay: Callable[[Staging], tuple[R, Replayed] | None],
) -> R | None:
    """Replay a prose-only edit (`replay`: `stage/replay.py`, given the staging folder) and write it
    as the full path does: each file is staged as it is rendered — the module-cache keys of those
    not rendered again (read from it, one at a time, only when written: graph-beta's unchanged
    files are ≈ 320 MB), the texts of the others; only those are formatted. None: a miss (nothing
    written)."""
    from .diagnostics import SpecError
    from .keep import hold_with_result
    from .stage.rekey import start as start_rekey
    from .staging import OUTPUT_PER_SPEC_BYTE, Staging

    out = Path(target.output)
    owner = ownership(out, target.package)
    with contextlib.ExitStack() as stack:
        try:  # staged: the spec's copy, api.md, the README, the modules rendered again (≈ 2× spec)
            size = 2 * _spec_size(target) // OUTPUT_PER_SPEC_BYTE
            staging = stack.enter_context(Staging.open(out, owner, memo, size))
        except SpecError:
            return None  # (the output folder is not clientgen's, …: the full path says so)
        staging.format_early()  # the few large texts rendered again: formatted while rendering
        again = replay(staging)
        if again is None:
            return None
        result, prov, rekey = again[0], again[1].prov, again[1].rekey
        del again  # (its files are all staged)
        tree = staging.finish(prov)
        index = TreeIndex.for_output(root, out) if root is not None else None
        # the files the write replaces are held (`write_files.held`) when a writer will take them
        replaced: list[int] | None = [] if rekey is not None else None
        try:
            result.diff = apply_package(tree, out, owner, SILENT, index, replaced)
            if rekey is not None:
                # a structural edit's: its snapshot re-keyed by a forked child (with the module
                # cache's new entries) once the package is written — not before, where it took a
                # core and made the write's pages copies — which also takes the last reference to
                # each replaced file and to the module cache's old file (freed when it ends)
                start_rekey(rekey, memo, tuple(replaced or ())).commit()
        finally:
            for fd in replaced or ():
                os.close(fd)
        hold_with_result(rekey)  # (the command line frees nothing it built: `keep.py`)
        del rekey
    # not saved here: a prose replay's entries are all the last full run's (`stage.cache.replay`
    # finds them all) but its own few (the edited resource's, api.md's, README's), texts the next
    # edit changes again; rewriting the whole file (GitHub's: 11 MB) would cost a replay more than
    # its ruff. A structural replay's writer saves it (its snapshot names the new entries).
    memo.close()
    return result


def begin_snapshot(
    recorder: Recorder | None,
    files: dict[str, Any] | None,
    result: Result,
    memo: Memo | None,
    target: TargetConfig,
    source: str,
    prov: Provenance,
) -> None:
    """Start the stage cache's snapshot of a full run (`stage.cache.Recorder.begin`): made by a
    forked child, renamed into place once the package is written (`result.snapshot.commit`)."""
    if recorder is not None and recorder.names is not None and result.api is not None:
        result.snapshot = recorder.begin(
            files,
            result.api,
            result.diagnostics,
            memo,
            str(Path(target.spec)),
            source or target.spec,
            target.digest(),
            prov.spec_sha256,
        )


def _spec_size(target: Target) -> int:
    """The spec's size in bytes (0 when it cannot be read: loading it reports why)."""
    try:
        return Path(target.spec).stat().st_size
    except OSError:
        return 0
