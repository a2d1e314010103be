"""The stage cache's replay (`stage/cache.py`): a prose-only edit rendered from the last full run's
snapshot, for `generate` and `check` (`streamed.write_replayed`, `checked.py`) and for the CLI before it
reads the configuration properly (`pipeline.generate_replayed`, through the configuration's cached
reading: a summary edit imports neither pydantic nor the loader). Anything that fails here is a miss:
the full path does it properly."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from .. import provenance
from ..diagnostics import Diagnostic, DiagnosticSink
from ..memo import Memo

if TYPE_CHECKING:
    from ..config_types import TargetConfig
    from ..ir import Api
    from .cache import Replay
    from .rekey import Rekey


class Target(Protocol):
    """What a replay reads of a target, and where it writes it (`pipeline.Target` has it)."""

    @property
    def spec(self) -> str: ...
    @property
    def output(self) -> str: ...
    @property
    def package(self) -> str: ...
    def digest(self) -> str: ...


@dataclass
class Replayed:
    """What a replay renders, its files all staged (`Stager`): the patched IR, the snapshot's
    diagnostics and the package's provenance."""

    api: Api
    diagnostics: list[Diagnostic]
    classes: int  # schema classes the package defines
    prov: provenance.Provenance
    # a served structural edit's: what its snapshot is re-keyed with once written (`rekey.py`)
    rekey: Rekey | None = None


class Stager(Protocol):
    """Where a replay hands each file as it is rendered (`staging.Staging` has it); `observe`:
    told each text staged and its module-cache key."""

    observe: Callable[[str, str | list[str], bytes], None] | None

    def add(self, rel: str, text: Any) -> None: ...
    def add_known(self, rel: str, key: bytes) -> None: ...


def replayed(
    target: Target,
    source: str,
    label: str,
    stages: Path | None,
    memo: Memo | None,
    staging: Stager,
    configure: Callable[[], TargetConfig | None] = lambda: None,
    *,
    writes: bool = True,
) -> Replayed | None:
    """`_replay`, or None when there is no stage cache or anything in it fails. `source`: how
    messages name the spec (see `pipeline._render`); `label`: how its provenance names it.
    `staging`: takes every file as it is rendered (`streamed.write_replayed`, `checked.py`) —
    the module-cache keys of those not rendered again, the texts of the others, the spec's copy
    (a miss leaves what it staged there: the caller's folder is let go). `configure`: the target's
    configuration, which a structural edit needs (`structural.py`), or None. `writes`: the path
    items a structural replay validated are noted beside the snapshot (`check`: not)."""
    from ..tree_index import read_again

    if stages is None or memo is None:
        read_again(Path(target.spec))  # the bytes the no-op answer read: let go
        return None
    try:
        return _replay(target, source, label, stages, memo, staging, configure, writes)
    except Exception:  # noqa: BLE001 - a cache: any failure is a miss
        return None


def _replay(
    target: Target,
    source: str,
    label: str,
    stages: Path,
    memo: Memo,
    staging: Stager,
    configure: Callable[[], TargetConfig | None],
    writes: bool,
) -> Replayed | None:
    """A prose-only regeneration from the stage cache (`stage/cache.py`), or a structural one
    (`structural.py`), or None for the full path. The spec's bytes are staged as its copy before
    the snapshot is loaded: a large spec's (graph-beta's 47 MB) written and let go, a smaller one's
    held in the pieces it is copied in until written (`staging.DATA_HELD_UP_TO`)."""
    from ..spec_copy import copy_name, copy_parts
    from ..tree_index import read_again
    from .cache import Edit, Scan, replay, scan
    from .edit import against, edit_of
    from .keys import decoded, read_raw
    from .writer import settle

    spec = Path(target.spec)
    named = source or target.spec
    kept = read_again(spec)  # the spec's bytes and SHA-256 as the no-op answer just read them
    raw = read_raw(spec, kept[0] if kept is not None else None)
    settle(stages)  # a full run's snapshot still being written (`stage/writer.py`)
    now: Scan | Edit | None = None
    if raw is None:
        return None  # the full path says what is wrong
    # compared with the kept text as bytes, read and compared once for both questions below, and
    # decoded (as `read_spec` decodes it) only to be scanned (`edit.against`)
    args = (str(spec), named, target.digest())
    found = against(stages, raw, *args)
    now = edit_of(found) if found is not None else None
    located = None
    if now is None:  # inside some operations: a structural edit is not scanned (`structural.py`)
        from .region import located as locate

        located = locate(found) if found is not None else None
        if located is None or located.prose_only:
            text = decoded(raw)
            if text is None:
                return None  # (not UTF-8: the full path says so)
            now = scan(text, *args)
            del text
    del found
    if now is None and located is None:
        return None
    sha256 = kept[1] if kept is not None and kept[0] is raw else hashlib.sha256(raw).digest()
    del kept
    name = copy_name(spec, {})  # (a bundled spec leaves no snapshot)
    staging.add(name, copy_parts(name, raw, {}))  # as it is, in pieces (graph-beta's is 47 MB)
    del raw
    again = replay(stages, now, memo) if now is not None else None
    del now
    rekey = None
    if again is None and located is not None:  # some operations changed: `structural.py`
        config = configure()  # (the shape stage reads it)
        if config is not None:
            from .structural import structural

            again = structural(stages, located, named, config, memo)
            if again is not None and writes:
                rekey = _rekey(again, stages, located.key, str(spec), named, target, sha256)
    del located
    if again is None:
        return None
    try:
        if not writes:
            again.learnt = []
        return _rendered(again, name, named, label, target, sha256, staging, rekey)
    finally:
        if again.validation is not None:
            again.validation.cancel()  # (reaped: after `structural.valid`, nothing to stop)


def _rendered(
    again: Replay,
    name: str,
    named: str,
    label: str,
    target: Target,
    sha256: bytes,
    staging: Stager,
    rekey: Rekey | None = None,
) -> Replayed | None:
    """The replay's files, each staged as it is rendered (see `_replay`); `rekey`: told the api.md
    docs and README parts."""
    from ..features import features
    from ..render.plan import Reuse, plan_files
    from ..render.splice import Formatted

    if again.spec_file != name:
        return None
    sink = DiagnosticSink(file=named)
    known = again.formatted
    staged: set[str] = set()

    def emit(rel: str, text: str | list[str]) -> None:
        key = known.get(rel)
        if key is not None:  # the module cache's bytes: not rendered again (or the same)
            staging.add_known(rel, key)
        elif isinstance(text, Formatted):  # made from the full run's pieces: final (`splice.py`)
            staging.add(rel, text.encode())
            if rekey is not None:  # (not seen by `observe`: the writer keys its bytes)
                rekey.note_final(rel, text)
        else:
            staging.add(rel, text)
        staged.add(rel)

    if rekey is not None:
        staging.observe = rekey.note  # (the modules rendered again: their stubs and keys)
    try:
        _, names = plan_files(
            again.api,
            sink,
            features=features(again.features),  # only the active ones are imported
            spec_file=name,
            reuse=Reuse(
                again.names, again.stubs, again.docs, again.examples, again.manifest, again.before
            ),
            emit=emit,
            on_docs=rekey.seen_docs if rekey is not None else None,
        )
    finally:
        staging.observe = None
    if not set(sink.sorted()) <= set(again.diagnostics):
        return None  # something the full run did not say: let it say it
    if again.validation is not None:
        from .structural import valid

        if not valid(again.validation):
            return None  # openapi-pydantic finds something in the changed operations
    for note in again.learnt:
        note()  # (what a structural replay learnt: `structural.py`)
    for rel in sorted(set(known) - staged):
        staging.add_known(rel, known[rel])
    prov = provenance.current(label, sha256.hex(), target.digest())
    return Replayed(again.api, list(again.diagnostics), len(names.schema_class), prov, rekey)


def _rekey(
    again: Replay, stages: Path, key: bytes, spec: str, named: str, target: Target, sha256: bytes
) -> Rekey:
    """What a served structural replay's snapshot is rewritten with (`rekey.py`)."""
    from .rekey import Rekey

    files = {rel: (again.stubs[rel], memo_key) for rel, memo_key in again.formatted.items()}
    return Rekey(
        stages,
        key,
        again.api,
        again.names,
        list(again.diagnostics),
        files,
        again.spec_file,
        spec,
        named,
        target.digest(),
        sha256.hex(),
    )
