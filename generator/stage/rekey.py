"""The stage snapshot re-keyed after a served structural edit (issue 18): the snapshot, and the notes
beside it, rewritten to the replay's state — so the next edit is compared with the text this run
read (a summary after a structural edit is a prose replay again; a second structural edit has fewer
changed path items).

A structural replay (`stage/structural.py`) serves an edit only when it has proved the new output
equals a full run's: the operations it parsed, shaped and named are the full path's, every other
operation, schema and name is the snapshot's. So the snapshot a full run of the new text would
write is made of what the replay holds — its IR, names and diagnostics, the api.md docs and README
parts its render made (`plan_files`' `on_docs`), the stubs and module-cache keys of the modules it
rendered again (`Staging.observe`) beside the snapshot's own of the others — and of what is read
from the new text as a full run's writer reads it (its prose, scan, key and layout:
`Recorder.keep`). It is written the way a full run's is, by the forked writer (`stage/writer.py`),
off the critical path, renamed into place only once the package is written; the module cache is
saved there too first (the snapshot names the replay's new entries, which a replay does not save
otherwise: `streamed.write_replayed`).

The notes are keyed by the snapshot's key: `.valid` is carried over (a path item's validity does
not depend on the snapshot: its digest is of the item's own text); `.naming` — what the operation
pass says of the snapshot's API — is only written after the pass has run on the new API in the
writer and given exactly the re-keyed names (when the old snapshot had one: an operation was added
or removed before). Anything that fails leaves the old snapshot, which serves only its own text,
or none (`Recorder.keep` removes it when it cannot write one): never a wrong one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..diagnostics import Diagnostic
    from ..ir import Api
    from ..memo import Memo
    from ..naming.names import Names
    from ..render.apidoc_views import MethodDoc
    from ..render.readme_views import ExamplePart
    from .writer import Writer


@dataclass
class Rekey:
    """What a served structural replay leaves for its snapshot's rewriting (`start`)."""

    path: Path  # the snapshot
    key: bytes  # its key (the old one: its notes are read by it)
    api: Api
    names: Names
    diagnostics: list[Diagnostic]
    files: dict[str, tuple[str, bytes]]  # the snapshot's modules not rendered again
    spec_file: str
    spec: str  # the spec's path, its label and the configuration's digest (`keys.scan`)
    label: str
    config: str
    sha256: str  # of the spec's bytes the replay read
    docs: dict[str, MethodDoc] | None = None  # (`plan_files`' `on_docs`)
    examples: dict[str, ExamplePart] = field(default_factory=dict)
    # the modules rendered again: each one's import stub and module-cache key (`note`)
    staged: dict[str, tuple[str | None, bytes]] = field(default_factory=dict)
    # the files made from the full run's pieces (`render.splice`), staged as their final text: each
    # put in the module cache by the writer, keyed by its own bytes (`note_final`)
    finals: dict[str, str] = field(default_factory=dict)
    # operations.json's key and cut, when it was staged in pieces (`note`): kept in the module
    # cache by the writer, for the next replay's `structural._manifest`
    manifest_cut: tuple[bytes, bytes] | None = None

    def seen_docs(self, docs: dict[str, MethodDoc], examples: dict[str, ExamplePart]) -> None:
        self.docs, self.examples = docs, examples

    def note(self, rel: str, text: str | list[str], key: bytes) -> None:
        """`Staging.observe` while the replay renders: as a full run's recorder notes a module
        (`Recorder.note`: its import stub, not its text)."""
        from .cache import Recorder

        recorder = Recorder(self.path)
        recorder.note(rel, text, key)
        self.staged.update(recorder.noted())
        if recorder.manifest_cut is not None:
            self.manifest_cut = recorder.manifest_cut

    def note_final(self, rel: str, text: str) -> None:
        """A file staged as its finished text (`render.splice.Formatted`: header and formatting
        included), not through the module cache: the writer keeps its bytes there (`_finals`)."""
        self.finals[rel] = text


def _finals(rekey: Rekey, memo: Memo) -> None:
    """Each finished text of `rekey.finals` put in the module cache, keyed as a rendered text equal
    to those bytes would be (ruff's formatting leaves a formatted text as it is, so the entry is
    what that key means), and noted as `note` notes a staged module: the re-keyed snapshot names
    the bytes this run wrote, never the full run's; the cut a text was put together from is kept
    beside it (`render.cuts.cut_key`), for the next replay's splice."""
    from ..render.cuts import cut_key
    from ..render.splice import Formatted
    from .cache import Recorder

    recorder = Recorder(rekey.path)
    for rel, text in rekey.finals.items():
        data = text.encode()
        key = memo.text_key(rel, data)
        if not memo.find(key):
            memo.put(key, data)
        recorder.note(rel, text, key)
        if isinstance(text, Formatted) and text.cut is not None:  # (its pieces: the next replay's)
            signature, cut = text.cut
            memo.put(cut_key(key, signature), cut.encode())
    rekey.staged.update(recorder.noted())
    if rekey.manifest_cut is not None:
        from ..render.manifest import PIECES_SIGNATURE

        memo.put(cut_key(rekey.manifest_cut[0], PIECES_SIGNATURE), rekey.manifest_cut[1])


def start(rekey: Rekey, memo: Memo, held: tuple[int, ...] = ()) -> Writer:
    """Begin rewriting the snapshot (a forked child, `writer.start`): commit the writer once the
    package is written. `memo`: the module cache, saved by the child (this process only closes
    it). `held`: descriptors the child keeps until it ends (the files the write replaced:
    `write_files.held`), as it keeps the module cache's."""
    from .writer import start as fork

    return fork(
        rekey.path,
        lambda: None,
        lambda ready: write(rekey, memo, ready),
        (*memo.descriptors(), *held),
    )


def write(rekey: Rekey, memo: Memo, ready: Callable[[], bool]) -> None:
    """The re-keyed snapshot written (see the module), then its notes."""
    from .cache import Recorder, read_spec
    from .notes import said_before, validated
    from .snapshot import peek

    _finals(rekey, memo)
    memo.save()  # first: the snapshot names the replay's entries
    naming = said_before(rekey.path, rekey.key) is not None
    valid = validated(rekey.path, rekey.key)
    recorder = Recorder(rekey.path)
    recorder.deferred = True  # a JSON spec (a structural replay serves nothing else)
    recorder.spec_file = rekey.spec_file
    recorder.docs, recorder.examples = rekey.docs, rekey.examples
    names = ordered(rekey.api, rekey.names)
    noted: dict[str, tuple[str | None, bytes]] = {**rekey.files, **rekey.staged}
    recorder.noted_stubs(noted, names, rekey.api.target.package.name)
    recorder.keep(
        rekey.api,
        rekey.diagnostics,
        read_spec(Path(rekey.spec)),
        rekey.sha256,
        rekey.spec,
        rekey.label,
        rekey.config,
        ready,
    )
    head = peek(rekey.path)
    if head is None or head.key == rekey.key:
        return  # not re-keyed (no snapshot now, or not ready: the old one)
    _notes(rekey, names, head.key, valid, naming)


def ordered(api: Api, names: Names) -> Names:
    """`names` with the argument tables in the naming pass's order (by operation; a replay that
    named one operation's arguments again put them last)."""
    from .structural import _arguments_of

    return replace(
        names,
        params=_arguments_of(api, set(), {}, names.params),
        body_fields=_arguments_of(api, set(), {}, names.body_fields),
    )


def _notes(rekey: Rekey, names: Names, key: bytes, valid: set[str], naming: bool) -> None:
    """The notes for the re-keyed snapshot (`key`): the validated path items carried over; what
    the operation pass says of its API when the old snapshot had that note — after the pass gave
    exactly its names (else the snapshot is removed: a doubt)."""
    from .notes import remember_valid, said_now
    from .snapshot import unlink

    if valid:
        remember_valid(rekey.path, key, sorted(valid))
    if naming and not said_now(rekey.path, key, rekey.api, names, rekey.label):
        unlink(rekey.path)
