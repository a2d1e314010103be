"""Orchestration only: load → parse → name → plan → render → format → write (or compare)."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from . import provenance
from .diagnostics import Diagnostic, DiagnosticSink
from .gcpause import cycle_collection_paused as _no_cycle_collection
from .keep import hold_until_exit
from .memo import Memo
from .ownership import ownership
from .progress import SILENT, Progress
from .tree_index import TreeIndex
from .validation_cache import FindingsCache
from .write import TreeDiff

if TYPE_CHECKING:
    from .config import TargetConfig
    from .ir import Api
    from .render.plan import Apart
    from .spec_copy import Parts
    from .stage import cache as stage_cache
    from .stage.replay import Replayed
    from .stage.writer import Writer
    from .streamed import Emit


class Target(Protocol):
    """What the provenance answers need of a target: a `TargetConfig`, or the configuration's cached
    reading (`target_cache.CachedTarget`), which spares the no-op commands pydantic."""

    @property
    def name(self) -> str: ...
    @property
    def spec(self) -> str: ...
    @property
    def output(self) -> str: ...
    @property
    def package(self) -> str: ...
    def digest(self) -> str: ...


@dataclass
class TargetResult:
    """What a run did for one target: the API, the changes, the diagnostics."""

    target: Target
    api: Api | None = None
    diff: TreeDiff = field(default_factory=TreeDiff)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    seconds: float = 0.0
    fast_path: bool = False
    replayed: bool = False  # a prose-only edit regenerated from the stage cache (`stage/cache.py`)
    rendered: Mapping[str, bytes] = field(default_factory=dict)  # check: the spec's files
    classes: int = 0  # schema classes the package defines (not every IR schema gets one)
    # the stage cache's snapshot being written (`stage.writer.Writer`): committed once written
    snapshot: Writer | None = field(default=None, repr=False, compare=False)

    @property
    def operations(self) -> int:
        return len(self.api.operations) if self.api else 0

    @property
    def models(self) -> int:
        return self.classes


def spec_label(target: Target, root: Path | None) -> str:
    spec = Path(target.spec)
    if root is not None:
        try:
            return spec.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            pass
    return spec.name


def _render(
    target: TargetConfig,
    root: Path | None,
    progress: Progress,
    source: str = "",
    raw: Path | None = None,
    known: FindingsCache | None = None,
    recorder: stage_cache.Recorder | None = None,
    emit: Callable[[str, str | list[str] | bytes | Parts], None] | None = None,
    apart: Apart | None = None,
) -> tuple[TargetResult, dict[str, str | bytes], provenance.Provenance]:
    """`source`: how to name the spec in messages and provenance when `target.spec` is a local copy
    (a downloaded spec: its URL). `raw`: a file holding the spec's bytes, read as if it were the file
    `target.spec` (a downloaded spec that is not written yet: a private copy); else that file is read. `known`: the validation
    findings of the last run (reused when only prose changed; the new ones are noted in it).
    `recorder`: notes what the stage cache keeps (`stage/cache.py`). `emit(path, text, bytes or the
    pieces of bytes)`: takes each file as soon as it exists (`staging.Staging.add`); the returned
    files are then empty. `apart`: where the render child writes its types modules, formatted in
    the background (`staging.Apart`; with `emit`)."""
    from .features import features
    from .load import open_spec  # the heavy part: not needed by the check fast path
    from .parse import build_api
    from .parse.canonical import Canonical
    from .render.plan import plan_files
    from .shape.stage import shape
    from .spec_bytes import read_bytes
    from .spec_copy import BUNDLED, copy_bytes, copy_name, copy_parts

    start = time.perf_counter()
    sink = DiagnosticSink(file=source or target.spec)
    progress.stage("reading the spec")
    # validation runs alongside parse + render; parse's key-sorted form made while decoding when it
    # can be (the stage cache's recorder then reads the text again: `Recorder.document`)
    loaded, validation = open_spec(Path(target.spec), sink, raw=raw, known=known, canonical=True)
    try:
        # the spec's copy, made now, while little else is in memory (graph-beta's is 47 MB): its
        # name, and for a bundled spec the bundled document serialised, else the spec's bytes
        spec_file = copy_name(Path(target.spec), loaded.document)
        parts: Parts = (
            (copy_bytes(spec_file, b"", loaded.document),)
            if BUNDLED in loaded.document
            else copy_parts(spec_file, read_bytes(raw or Path(target.spec)), {})
        )
        copy = b"".join(parts) if emit is None else None
        if emit is not None:  # staged as it is, in pieces: not copied again
            emit(spec_file, parts)
        del parts
        progress.stage("building the model")
        if recorder is not None:
            recorder.document(
                loaded.document,
                str(Path(target.spec)),
                source or target.spec,
                target.digest(),
                key_sorted=loaded.canonical is not None,
            )
            recorder.spec_file = spec_file
        # parse reads only this copy: the document can go (graph-beta's is 166 MB)
        canonical = loaded.canonical or Canonical(loaded.document)
        loaded = dataclasses.replace(loaded, document={}, canonical=None)
        validation.release()
        api = build_api(loaded, sink, canonical)
        del canonical
        api = shape(api, target, sink)
        progress.stage("rendering modules")
        files, names = plan_files(
            api,
            sink,
            on_module=progress.step,
            features=features(),
            spec_file=spec_file,
            emit=emit,
            on_docs=recorder.seen_docs if recorder is not None else None,
            apart=apart,
        )
        if recorder is not None:
            recorder.names = names
        progress.stage("validating the spec")
        validation.wait(sink)
    finally:
        validation.cancel()
    tree: dict[str, str | bytes] = dict(files) if copy is None else {**files, spec_file: copy}
    prov = provenance.current(source or spec_label(target, root), loaded.sha256, target.digest())
    result = TargetResult(
        target,
        api,
        diagnostics=sink.sorted(),
        seconds=time.perf_counter() - start,
        classes=len(names.schema_class),
    )
    return result, tree, prov


def generate(
    target: TargetConfig,
    root: Path | None = None,
    *,
    progress: Progress = SILENT,
    source: str = "",
    full: bool = False,
) -> TargetResult:
    """Render the package and write what changed. When the output folder already holds what this
    build of the generator made from the same spec and configuration (the `check` fast path: recorded
    hashes, a verified key, the diagnostics of that run kept), nothing is rendered or written; `full`
    always renders."""
    start = time.perf_counter()
    out = Path(target.output)
    if not full:
        fast = answer_generate(target, root)
        if fast is not None:
            fast.seconds = time.perf_counter() - start
            return fast
    known = FindingsCache.for_output(root, out)
    memo = Memo.for_output(root, out)
    # a prose-only edit: replayed from the stage cache (`generate_replayed`, as the CLI tries first);
    # else each file is staged as it is rendered (`streamed.py`), with the project's caches or not
    again = _generate_replayed(target, root, source) if memo and not full else None
    if again is not None:
        result = again
    else:
        from .streamed import generate_streamed
        from .tree_index import forget

        forget()  # what the no-op answer kept for a replay (graph-beta's index: not held meanwhile)

        def render(
            emit: Emit, recorder: stage_cache.Recorder | None, apart: Apart | None
        ) -> tuple[TargetResult, provenance.Provenance]:
            result, _, prov = _render(
                target, root, progress, source, None, known, recorder, emit, apart
            )
            return result, prov

        with _no_cycle_collection():
            result = generate_streamed(target, root, out, progress, source, memo, render)
    known.save()  # the validation findings, for the next run (only after one that succeeded)
    remember_written(root, out, result)
    result.seconds = time.perf_counter() - start
    return hold_until_exit(result)


def remember_written(root: Path | None, out: Path, result: TargetResult) -> None:
    """After a `generate` that wrote its package: the next no-op one answers from provenance.
    Outside a project (no `root`) nothing is remembered, and the record is not read back."""
    if root is None:
        return
    recorded = provenance.read(out)
    if recorded is not None:
        provenance.remember_verified(root, out, recorded)
        provenance.remember_diagnostics(root, out, recorded, result.diagnostics)


def answer_generate(target: Target, root: Path | None) -> TargetResult | None:
    """`generate`'s answer from provenance (nothing rendered or written), or None when it must render:
    the `check` fast path plus the diagnostics of the run that produced the tree. Imports nothing of
    the renderer (and no pydantic): the CLI tries it before it reads the configuration properly."""
    start = time.perf_counter()
    out = Path(target.output)
    fast = _fast_check(target, root, out, save_index=True)
    recorded = provenance.read(out) if fast is not None else None
    known = None if recorded is None else provenance.recall_diagnostics(root, out, recorded)
    if fast is None or known is None:
        return None
    fast.diagnostics = known
    fast.seconds = time.perf_counter() - start
    return fast


def take(
    target: TargetConfig, root: Path | None, raw: Path, before_write: Callable[[], None]
) -> TargetResult:
    """`generate --full` from the file `raw`, read as if it were the file `target.spec`
    (`fetch --update`'s live spec, not yet written: a private copy, read as `generate` reads its spec): the package is rendered, staged and formatted
    first — a spec that cannot be used raises SpecError before anything is written — then
    `before_write` runs (it writes the spec) and the package is written, as `generate` writes it."""
    from .streamed import generate_streamed

    out = Path(target.output)

    def render(
        emit: Emit, recorder: stage_cache.Recorder | None, apart: Apart | None
    ) -> tuple[TargetResult, Any]:
        result, _, prov = _render(target, root, SILENT, "", raw, None, recorder, emit, apart)
        return result, prov

    with _no_cycle_collection():
        memo = Memo.for_output(root, out)
        return generate_streamed(target, root, out, SILENT, "", memo, render, before_write)


def _replayed(
    target: Target,
    root: Path | None,
    source: str,
    memo: Memo | None,
    st: Any,
    *,
    writes: bool = True,
) -> tuple[TargetResult, Replayed] | None:
    """A prose-only or structural edit rendered from the stage cache (`stage/replay.py`), or None;
    `st`: the staging folder that takes each file as it is rendered (`streamed.write_replayed`);
    `writes`: the run may note what it learnt in the stage cache (`check` writes nothing)."""
    from .stage.cache import stage_file
    from .stage.replay import replayed

    start, stages = time.perf_counter(), stage_file(root, Path(target.output))
    label = source or spec_label(target, root)
    configure = partial(_configured, target, root)
    again = replayed(target, source, label, stages, memo, st, configure, writes=writes)
    if again is None:
        return None
    result = TargetResult(target, again.api, diagnostics=again.diagnostics, classes=again.classes)
    result.replayed, result.seconds = True, time.perf_counter() - start
    return result, again


def _configured(target: Target, root: Path | None) -> TargetConfig | None:
    """The target's configuration (a structural replay's shape stage reads it: `stage/structural.py`):
    `target` itself, or for the configuration's cached reading (`target_cache.CachedTarget`) the
    project's target of that name read now — when it is the one that reading was made of (the same
    digest, spec and output) — else None."""
    from .config_types import TargetConfig

    if isinstance(target, TargetConfig):
        return target
    if root is None:
        return None
    from .target_cache import configured

    found = configured(target.name, root)  # (the tables kept with the cached reading)
    if found is None:
        try:
            from .config import select_targets

            (found,), _ = select_targets([target.name], root)
        except Exception:  # noqa: BLE001 - any doubt: the full command reads it and says what is wrong
            return None
    same = found.digest() == target.digest() and all(
        Path(a).resolve() == Path(b).resolve()
        for a, b in ((found.spec, target.spec), (found.output, target.output))
    )
    return found if same else None


def generate_replayed(target: Target, root: Path | None) -> TargetResult | None:
    """`generate` of a prose-only edit from the stage cache with any `Target` (the CLI's cached
    reading of the configuration: no pydantic), or None — nothing written; the full command then
    reads the configuration and renders."""
    return _generate_replayed(target, root, "")


def _generate_replayed(target: Target, root: Path | None, source: str) -> TargetResult | None:
    from .streamed import write_replayed

    start, out = time.perf_counter(), Path(target.output)
    memo = Memo.for_output(root, out)
    if memo is None:
        return None
    with _no_cycle_collection():  # each file staged as it is rendered (graph-beta's memory)
        replay = partial(_replayed, target, root, source, memo)
        result = write_replayed(target, root, memo, replay)  # (and saves the module cache)
    if result is None:
        return None
    remember_written(root, out, result)
    result.seconds = time.perf_counter() - start
    return hold_until_exit(result)


def check(
    target: TargetConfig,
    root: Path | None = None,
    *,
    full: bool = False,
    progress: Progress = SILENT,
) -> TargetResult:
    """Compare the output folder with what the spec produces. Fast path: unchanged provenance hashes
    that this build of the generator has verified before; otherwise a full render, compared by bytes."""
    start = time.perf_counter()
    out = Path(target.output)
    owner = ownership(out, target.package)
    if not full:
        fast = answer_check(target, root)
        if fast is not None:
            fast.seconds = time.perf_counter() - start
            return fast
    from .checked import compare_folder, render_checked  # each file staged as it is rendered

    memo = Memo.for_output(root, out)  # read, never written: `check` changes nothing in the project
    known = FindingsCache.for_output(root, out)  # read, never saved: `check` changes nothing
    render = partial(_render, target, root, progress, known=known)  # (given `emit`)
    with _no_cycle_collection():  # a prose-only edit: from the stage cache (read only)
        replay = None if full else partial(_replayed, target, root, "", memo, writes=False)
        result, rendered = render_checked(target, owner, memo, progress, replay, render)
    result.rendered = rendered
    result.diff = compare_folder(rendered, out, owner)
    if not result.diff.stale:
        recorded = provenance.read(out)
        if recorded is not None:
            provenance.remember_verified(root, out, recorded)
    result.seconds = time.perf_counter() - start
    return hold_until_exit(result)


def answer_check(target: Target, root: Path | None) -> TargetResult | None:
    """`check`'s answer from provenance, or None when it must render (reads, never writes)."""
    start = time.perf_counter()
    fast = _fast_check(target, root, Path(target.output), save_index=False)
    if fast is not None:
        fast.seconds = time.perf_counter() - start
    return fast


def _fast_check(
    target: Target, root: Path | None, out: Path, *, save_index: bool
) -> TargetResult | None:
    recorded = provenance.read(out)
    spec = Path(target.spec)
    if recorded is None or not spec.is_file():
        return None
    index = TreeIndex.for_output(root, out)
    spec_digest = index.digest(spec)
    if spec_digest is None:
        return None
    now = provenance.current(spec_label(target, root), spec_digest.hex(), target.digest())
    if not recorded.same_inputs(now):
        if save_index:  # `generate`: a replay may write the package next (`write_replayed`)
            index.keep()
        return None
    owner = ownership(out, target.package)
    seen = index.scan(out)
    ours = {rel: s.digest for rel, s in seen.items() if not owner.users(rel, s.headed)}
    user = sorted(rel for rel in seen if rel not in ours)
    if save_index:
        index.save()
    if provenance.tree_hash_of(ours) != recorded.tree_sha256:
        return None
    if not provenance.is_verified(root, out, recorded):
        return None  # another build of the generator wrote it: compare what this one renders
    diff = TreeDiff(unchanged=len(ours), user=user)
    return TargetResult(target, None, diff, fast_path=True)
