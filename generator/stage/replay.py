"""The stage cache's replay (`stage/cache.py`): a prose-only edit rendered from the last full run's
snapshot, for `generate` and `check` (`pipeline.prepare`, `pipeline.check`) and for the CLI before it
reads the configuration properly (`pipeline.generate_replayed`, through the configuration's cached
reading: a summary edit imports neither pydantic nor the loader). Anything that fails here is a miss:
the full path does it properly."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from .. import provenance
from ..diagnostics import Diagnostic, DiagnosticSink
from ..memo import Memo

if TYPE_CHECKING:
    from ..ir import Api


class Target(Protocol):
    """What a replay reads of a target (`pipeline.Target` has it)."""

    @property
    def spec(self) -> str: ...
    def digest(self) -> str: ...


@dataclass
class Replayed:
    """What a replay renders: the patched IR, the snapshot's diagnostics, the package's files (the
    texts rendered again and the spec's copy; the module-cache keys of the others) and their
    provenance."""

    api: Api
    diagnostics: list[Diagnostic]
    classes: int  # schema classes the package defines
    files: dict[str, str | bytes]  # rendered again (texts) and the spec's copy (bytes)
    known: dict[str, bytes]  # the files not rendered again: their module-cache keys
    prov: provenance.Provenance
    memo: Memo

    def tree(self) -> dict[str, str | bytes]:
        """The whole package in memory (`check`, `prepare`): the finished bytes of the files not
        rendered again read from the module cache (`generate` stages them unread: `streamed.py`)."""
        from ..write import Formatted

        tree: dict[str, str | bytes] = dict(self.files)
        for rel, key in self.known.items():
            tree[rel] = Formatted(self.memo.read(key))
        return tree


def replayed(
    target: Target, source: str, label: str, stages: Path | None, memo: Memo | None
) -> Replayed | None:
    """`_replay`, or None when there is no stage cache or anything in it fails. `source`: how
    messages name the spec (see `pipeline._render`); `label`: how its provenance names it."""
    from ..tree_index import read_again

    # the spec's bytes as the no-op answer tried first read them (let go here in any case)
    kept = read_again(Path(target.spec))
    if stages is None or memo is None:
        return None
    try:
        return _replay(target, source, label, stages, memo, kept)
    except Exception:  # noqa: BLE001 - a cache: any failure is a miss
        return None


def _replay(
    target: Target,
    source: str,
    label: str,
    stages: Path,
    memo: Memo,
    kept: tuple[bytes, bytes] | None = None,
) -> Replayed | None:
    """A prose-only regeneration from the stage cache (`stage/cache.py`), or None for the full path.
    `kept`: the spec's bytes and SHA-256 as just read (`tree_index.read_again`)."""
    from ..features import features
    from ..render.plan import Reuse, plan_files
    from ..spec_copy import copy_bytes
    from .cache import read_spec, replay, scan
    from .writer import settle

    spec = Path(target.spec)
    named = source or target.spec
    read = read_spec(spec, kept[0] if kept is not None else None)
    now = None if read is None else scan(read[1], str(spec), named, target.digest())
    if read is None or now is None:
        return None  # the full path says what is wrong
    raw = read[0]
    del read
    settle(stages)  # a full run's snapshot still being written (`stage/writer.py`)
    again = replay(stages, now, memo)
    if again is None:
        return None
    sink = DiagnosticSink(file=named)
    files, names = plan_files(
        again.api,
        sink,
        features=features(again.features),  # only the active ones are imported
        spec_file=again.spec_file,
        reuse=Reuse(again.names, again.stubs, again.docs, again.examples),
    )
    if not set(sink.sorted()) <= set(again.diagnostics):
        return None  # something the full run did not say: let it say it
    tree: dict[str, str | bytes] = dict(files)
    tree[again.spec_file] = copy_bytes(again.spec_file, raw, {})
    sha256 = kept[1] if kept is not None and kept[0] is raw else hashlib.sha256(raw).digest()
    prov = provenance.current(label, sha256.hex(), target.digest())
    diagnostics = list(again.diagnostics)
    return Replayed(
        again.api, diagnostics, len(names.schema_class), tree, again.formatted, prov, memo
    )
