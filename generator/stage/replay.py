"""The stage cache's replay (`stage/cache.py`): a prose-only edit rendered from the last full run's
snapshot, for `generate` and `check` (`pipeline.prepare`, `pipeline.check`) and for the CLI before it
reads the configuration properly (`pipeline.generate_replayed`, through the configuration's cached
reading: a summary edit imports neither pydantic nor the loader). Anything that fails here is a miss:
the full path does it properly."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from .. import provenance
from ..diagnostics import Diagnostic, DiagnosticSink
from ..memo import Memo

if TYPE_CHECKING:
    from ..ir import Api


# `prepare`'s replay (no staging folder): a spec larger than this is let go once scanned and read
# again for its copy after render (graph-beta's is 47 MB, GitHub's 11 MB)
KEEP_SPEC_UP_TO = 16 << 20


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
        """The whole package in memory (`prepare`): the finished bytes of the files not rendered
        again read from the module cache (`generate` and `check` stage them unread: `streamed.py`,
        `checked.py`)."""
        from ..write import Formatted

        tree: dict[str, str | bytes] = dict(self.files)
        for rel, key in self.known.items():
            tree[rel] = Formatted(self.memo.read(key))
        return tree


class Stager(Protocol):
    """Where a replay hands each file as it is rendered (`staging.Staging` has it)."""

    def add(self, rel: str, text: Any) -> None: ...
    def add_known(self, rel: str, key: bytes) -> None: ...


def replayed(
    target: Target,
    source: str,
    label: str,
    stages: Path | None,
    memo: Memo | None,
    staging: Stager | None = None,
) -> Replayed | None:
    """`_replay`, or None when there is no stage cache or anything in it fails. `source`: how
    messages name the spec (see `pipeline._render`); `label`: how its provenance names it.
    `staging`: takes every file as it is rendered (`streamed.write_replayed`, `checked.py`) —
    the module-cache keys of those not rendered again, the texts of the others, the spec's copy;
    the `Replayed` then holds no file."""
    from ..tree_index import read_again

    if stages is None or memo is None:
        read_again(Path(target.spec))  # the bytes the no-op answer read: let go
        return None
    try:
        return _replay(target, source, label, stages, memo, staging)
    except Exception:  # noqa: BLE001 - a cache: any failure is a miss
        return None


def _replay(
    target: Target,
    source: str,
    label: str,
    stages: Path,
    memo: Memo,
    staging: Stager | None = None,
) -> Replayed | None:
    """A prose-only regeneration from the stage cache (`stage/cache.py`), or None for the full path.
    The spec's bytes are let go before the snapshot is loaded: staged as its copy (`staging`), or,
    when large, read again for it after render (which must find the same SHA-256)."""
    from ..features import features
    from ..render.plan import Reuse, plan_files
    from ..spec_copy import copy_name, copy_parts
    from ..tree_index import read_again
    from .cache import read_spec, replay, scan
    from .writer import settle

    spec = Path(target.spec)
    named = source or target.spec
    kept = read_again(spec)  # the spec's bytes and SHA-256 as the no-op answer just read them
    read = read_spec(spec, kept[0] if kept is not None else None)
    now = None if read is None else scan(read[1], str(spec), named, target.digest())
    if read is None or now is None:
        return None  # the full path says what is wrong
    raw = read[0]
    sha256 = kept[1] if kept is not None and kept[0] is raw else hashlib.sha256(raw).digest()
    del read, kept
    name = copy_name(spec, {})  # (a bundled spec leaves no snapshot)
    if staging is not None:  # staged as it is, in pieces (graph-beta's is 47 MB)
        staging.add(name, copy_parts(name, raw, {}))
    held = raw if staging is None and len(raw) <= KEEP_SPEC_UP_TO else None  # else read again
    del raw
    settle(stages)  # a full run's snapshot still being written (`stage/writer.py`)
    again = replay(stages, now, memo)
    del now
    if again is None or again.spec_file != name:
        return None
    sink = DiagnosticSink(file=named)
    known = again.formatted
    staged: set[str] = set()
    emit = None
    if staging is not None:

        def emit(rel: str, text: str | list[str]) -> None:
            key = known.get(rel)
            if key is not None:  # the module cache's bytes: not rendered again (or the same)
                staging.add_known(rel, key)
            else:
                staging.add(rel, text)
            staged.add(rel)

    files, names = plan_files(
        again.api,
        sink,
        features=features(again.features),  # only the active ones are imported
        spec_file=name,
        reuse=Reuse(again.names, again.stubs, again.docs, again.examples),
        emit=emit,
    )
    if not set(sink.sorted()) <= set(again.diagnostics):
        return None  # something the full run did not say: let it say it
    prov = provenance.current(label, sha256.hex(), target.digest())
    diagnostics, classes = list(again.diagnostics), len(names.schema_class)
    if staging is not None:
        for rel in sorted(set(known) - staged):
            staging.add_known(rel, known[rel])
        return Replayed(again.api, diagnostics, classes, {}, {}, prov, memo)  # all staged
    copy = _spec_copy(spec, name, sha256, held)
    if copy is None:
        return None  # the spec changed since it was scanned
    tree: dict[str, str | bytes] = {**files, name: copy}
    return Replayed(again.api, diagnostics, classes, tree, known, prov, memo)


def _spec_copy(spec: Path, name: str, sha256: bytes, raw: bytes | None) -> bytes | None:
    """The spec's copy in the package, from its bytes as scanned (`raw`) or read again (None: not
    those scanned)."""
    from ..spec_bytes import read_bytes
    from ..spec_copy import copy_bytes

    if raw is None:
        raw = read_bytes(spec)
        if hashlib.sha256(raw).digest() != sha256:
            return None
    return copy_bytes(name, raw, {})
