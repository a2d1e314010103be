"""Prose-only regeneration (issue 18): an operation's `summary`/`description` or a parameter's
`description` edited, nothing else.

A full `generate` keeps, per output folder (`.cache/clientgen/stages/`, outside the output folder), a
snapshot of what it built: the IR after the shape stage, the names, the diagnostics, each
operation's api.md doc, for each module a prose edit may leave as it is (types modules, resource modules and their test modules, `types/__init__`,
`operations.json`) a stub of its import lines and its module-cache key, and the spec's prose — where
each string value of a `summary`/`description` key sits (`validation_cache.scan_prose`: its offset in
the text with those values emptied, and its JSON token), checked one by one against the parsed
document's values with their JSON pointers. The snapshot's key is a SHA-256 over the generator
fingerprint, the Python version, the pydantic and openapi-pydantic versions, the target's configuration
digest, the spec's path and label, and the text with the prose emptied. The snapshot is made by a
forked child off the run's critical path and renamed into place once the package is written
(`stage/writer.py`). The file holds the IR's schemas in pieces (one per types module) and an index
of the rest, each with a CRC-32 (`stage/snapshot.py`): a replay reads the index and only the pieces of
the schemas it asks for — those its edited resources reach.

The next `generate` scans the spec's text (no JSON parse). Same key and same offsets: the text is the
snapshot's with some prose tokens replaced, each of which must decode as a JSON string — so the new
document is the old one with those string values replaced, and nothing else. A YAML spec has no such
scan: it is parsed as the full path parses it, and its key covers the document with every prose value
emptied (`scan_document`); the values are then compared in place. When every changed value is one
`patched` knows (no `$ref` into `/paths` or out of the document, checked when the snapshot was made),
nothing is parsed or named:

- parse reads an operation object's `summary`/`description` only as `_text(...)` into the
  `Operation`'s fields of the same name, and a parameter object's `description` only into its
  `Parameter.doc` and `says_uuid` (`patched` says when that is exact); the shape stage, the naming
  pass and the features never read those fields (`tests/cli/test_stage_cache.py` pins the modules that
  do), and only `Api.operations` holds operations. So the new IR is the snapshot's with those fields
  replaced as parse computes them, and the names are the snapshot's.
- rendered again: the resource and test modules of every operation that was patched or holds a
  patched parameter, api.md, README and the package-level files, and any resource module with
  features' extras; api.md's doc of each operation (`apidoc_views.MethodDoc`: its call sample,
  signature and links, which the README lists too) is the snapshot's unless the operation was
  patched or holds a patched parameter; every other module listed above gets its formatted bytes from the module cache
  under the key the full run recorded (the types modules' view code never reaches an operation, the
  manifest reads no prose: pinned by the same tests).
- the diagnostics are the snapshot's (openapi-pydantic's do not depend on prose, `validation_cache`;
  parse and naming never quote these fields); a rendering diagnostic the full run did not have sends
  the run down the full path.

`check` uses the same replay to render what the spec produces (it never writes a snapshot).

Anything else — `generate --full`, no snapshot, another key, other offsets, a structural edit, prose
anywhere else (a schema's, a property's, a response's or a tag's description), a parameter description
that names UUIDs or is blank, a damaged or forged file, a module-cache entry gone, any failure while
replaying — is the full path, which writes a new snapshot. Changes are taken relative to the snapshot
of the last full run or served structural edit (`stage/rekey.py`), which prose replays do not rewrite. The file is a pickle read by an
unpickler that admits only the generator's own classes and a few builtins; deleting it costs only
speed, and `CLIENTGEN_CACHE=off` turns it off.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .edit import Edit, edited
from .keys import Scan, read_spec, scan, scan_parsed
from .prose import Change, Places, Prose, patched, prose_of
from .snapshot import MAGIC, Snapshot, load, save, stage_file, unlink
from .spill import Spill

if TYPE_CHECKING:
    from ..diagnostics import Diagnostic
    from ..escape import Made
    from ..ir import Api
    from ..naming.names import Names
    from ..render.apidoc_views import MethodDoc
    from ..render.readme_views import ExamplePart
    from ..render.splice import Before
    from ..validate import Validation

__all__ = [  # what the pipeline, the benchmark and the tests take from here
    "MAGIC",
    "Change",
    "Edit",
    "Recorder",
    "Replay",
    "Scan",
    "edited",
    "import_stub",
    "load",
    "patched",
    "prose_of",
    "read_spec",
    "replay",
    "save",
    "scan",
    "stage_file",
    "unlink",
]

_IMPORT_LINE = "from typing_extensions import"
_JSON_STUB = f"{_IMPORT_LINE} _\n"  # a JSON text's stub line, when it has that text (`import_stub`)


@dataclass
class Replay:
    """A prose-only run's inputs: the patched IR and what the snapshot gives."""

    api: Api
    names: Names
    diagnostics: list[Diagnostic]
    spec_file: str
    stubs: dict[str, str]  # path → import stub of each module not rendered again (`plan_files`)
    formatted: dict[str, bytes]  # path → the module-cache key of its finished bytes
    changed: int  # prose values that differ from the snapshot's
    docs: dict[str, MethodDoc]  # the api.md docs of the operations no change reaches
    examples: dict[str, ExamplePart]  # … and their README example parts
    features: tuple[str, ...]  # the features the full run found active (the replay imports those)
    manifest: dict[str, Made] = field(default_factory=dict)  # `Reuse.manifest` (`structural.py`)
    # a structural replay's validation of the changed path items, still running (`structural.valid`)
    validation: Validation | None = None
    learnt: list[Callable[[], None]] = field(default_factory=list)  # told once it is served
    before: Before | None = None  # the full run's side (`render.splice`: modules made from pieces)


# ---- the prose-only path ------------------------------------------------------------------------------
def replay(path: Path, now: Scan | Edit, memo: Any) -> Replay | None:
    """The prose-only run's inputs, or None when the snapshot cannot prove them (see the module).

    The snapshot's text T was valid JSON, and its prose values were checked to be, in order, the
    decoded `tokens` at `offsets`. The new text has the same key, so the same text with the prose
    emptied; with the same offsets it is T with the tokens at those places replaced; each token
    that differs is decoded as a JSON string (and must be one): so it is T's document with those
    string values replaced, and nothing else. (An `Edit` says so of one token: `stage/edit.py`.)"""
    changes: list[Change] = []
    compared = [0]  # prose values compared so far
    if isinstance(now, Edit):
        return _replay_edit(path, now, memo)

    def compare(at: int, places: Places, offsets: list[int], tokens: list[str]) -> bool:
        """One piece of the snapshot's prose against the text's (`load` lets each go)."""
        end = at + len(tokens)
        if now.offsets[at:end] != offsets or len(now.tokens) < end:
            return False
        if now.places is not None and now.places[at:end] != places:
            return False  # (a YAML spec: the same key with other places cannot happen; checked)
        for i, (new, old) in enumerate(zip(now.tokens[at:end], tokens, strict=True)):
            if new != old:
                values: list[Any] = [old, new]
                if now.places is None:  # JSON tokens
                    try:
                        values = [json.loads(old), json.loads(new)]
                    except ValueError:
                        return False
                if not all(isinstance(v, str) for v in values):
                    return False
                where, key = places[i]
                changes.append(Change(where, key, values[0], values[1]))
        compared[0] = end
        return True

    snapshot = load(path, now.key, compare)
    if (
        snapshot is None
        or len(now.tokens) != compared[0]
        or len(now.offsets) not in (0, compared[0])
    ):
        return (
            None  # (the snapshot's pieces hold as many values as it says: `load`; YAML: no offsets)
        )
    return _inputs(snapshot, changes, memo)


def _replay_edit(path: Path, now: Edit, memo: Any) -> Replay | None:
    """`replay` of a text that is the snapshot's with one prose token replaced (or none)."""
    changes: list[Change] = []
    compared = [0]

    def compare(at: int, places: Places, offsets: list[int], tokens: list[str]) -> bool:
        end = at + len(tokens)
        if at <= now.index < end:
            i = now.index - at
            if tokens[i] != now.old:
                return False  # (the kept text's token is the snapshot's: checked when written)
            if now.new != now.old:
                values = json.loads(now.old), json.loads(now.new)
                if not all(isinstance(v, str) for v in values):
                    return False
                changes.append(Change(*places[i], *values))
        compared[0] = end
        return True

    try:
        snapshot = load(path, now.key, compare)
    except ValueError:  # (a token that does not decode: checked in `edited`)
        return None
    if snapshot is None or now.index >= compared[0]:
        return None
    return _inputs(snapshot, changes, memo)


def _inputs(snapshot: Snapshot, changes: list[Change], memo: Any) -> Replay | None:
    """The replay's inputs from the snapshot and the prose values that changed."""
    api = patched(snapshot.api, changes, snapshot.aliased)
    if api is None:
        return None
    again, edited = _touched(api, snapshot.names, changes)
    return reused(snapshot, api, snapshot.names, again, edited, len(changes), memo)


# rendered again by every replay; its key kept for its pieces (`render.splice`: a streamed run's)
REMADE = frozenset({"api.md"})


def reused(
    snapshot: Snapshot,
    api: Api,
    names: Names,
    again: set[str],
    edited: set[str],
    changed: int,
    memo: Any,
) -> Replay | None:
    """The replay's inputs: `api` and `names`, the modules of `again` rendered again, the api.md
    docs and README parts of the operations `edited` made again, the rest from the snapshot (and
    the module cache, which must hold every file it names)."""
    from ..render.splice import Before

    formatted = {}
    stubs = {}
    previous = {}  # the full run's formatted bytes of the modules rendered again (their keys)
    for rel, (stub, memo_key) in snapshot.files.items():
        found = memo.find(memo_key)  # looked up for every file: the module cache keeps what it is
        if rel in again or rel in REMADE:  # asked for: a later edit elsewhere finds these bytes
            if found:
                previous[rel] = memo_key
            continue
        if not found:
            return None
        formatted[rel] = memo_key  # (its bytes are not read here: `replay.Replayed.known`)
        stubs[rel] = stub
    return Replay(
        api=api,
        names=names,
        diagnostics=snapshot.diagnostics,
        spec_file=snapshot.spec_file,
        stubs=stubs,
        formatted=formatted,
        changed=changed,
        docs={k: d for k, d in snapshot.docs.items() if k not in edited},
        examples={k: p for k, p in snapshot.examples.items() if k not in edited},
        features=snapshot.features,
        before=Before(
            snapshot.api, snapshot.names, frozenset(edited), previous, memo.read, memo.get
        ),
    )


def _touched(api: Api, names: Names, changes: list[Change]) -> tuple[set[str], set[str]]:
    """The resource modules of the resources holding the operations the changes are at, or an
    operation with a parameter they are at (their methods' docstrings read the prose:
    `resource_views`), with their test modules when a value on either side names CSV (the only
    prose a call sample reads: `call_samples.CSV`), and the keys of those operations (their api.md
    docs read the same: `apidoc_views`)."""
    from ..naming.names import op_key
    from ..render.call_samples import CSV

    places = {c.where for c in changes}
    samples = any(CSV in value.lower() for c in changes for value in (c.old, c.new))
    package = api.target.package.name
    out = set()
    edited = set()
    for op in api.operations:
        if op.pointer in places or any(p.pointer in places for p in op.parameters):
            key = op_key(op)
            edited.add(key)
            module = names.resources[names.op_resource[key]].module
            out.add(f"src/{package}/resources/{module}.py")
            if samples:
                out.add(f"tests/api_resources/test_{module}.py")
    return out, edited


def import_stub(text: str, json_text: bool = False) -> str | None:
    """What `plan_files` reads of a rendered module (`runtime_modules`' imports and `client_view`'s
    typing_extensions check), as a few lines that read the same: one `from ._x import _` per `_`
    module it imports, and `from typing_extensions import _` when it has that line — so most
    modules share one of a few stubs (`Recorder.stubs` keeps one copy of each); None when the
    stub would not read the same as the text. `json_text`: a JSON text (`operations.json`, or a
    piece of it that begins at an item: `escape.item_pieces`), which imports nothing — `_imported`
    counts a `from .` only where nothing but indentation precedes it on its line, and no line of a
    JSON text begins so (a string's line breaks are escaped; every other token begins otherwise)
    — so only the typing_extensions line is looked for (GitHub's manifest: ≈ 70 ms less)."""
    from ..render.plan import _imported, imports_of

    if json_text:
        return _JSON_STUB if _IMPORT_LINE in text else ""
    imported = imports_of(text)  # (`Planned.add` has just read the same text)
    lines = [f"from .{module} import _\n" for module in sorted(imported)]
    if _IMPORT_LINE in text:
        lines.append(f"{_IMPORT_LINE} _\n")
    stub = "".join(lines)
    return stub if _imported(stub) == imported else None


# ---- what a full run records -------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Noted:
    """A streamed run's staged module, as `Recorder.note` took it: its stub and module-cache key."""

    stub: str | None
    key: bytes


class Recorder:
    """Filled by a full run (`pipeline._render`), then `keep` writes the snapshot."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.prose: Prose | None = None
        self.names: Names | None = None
        self._files: dict[str, tuple[str, bytes]] | None = None
        self.parsed: Scan | None = None
        self.spec_file: str | None = None  # the name of the spec's copy in the package
        self.aliased: set[str] = set()
        self.deferred = False  # a JSON spec: its prose is read when the snapshot is made
        self._texts: dict[str, str] | None = None
        self.docs: dict[str, MethodDoc] | None = None  # set by `plan_files` (`on_docs`)
        self.examples: dict[str, ExamplePart] = {}
        # a streamed run's staged texts: stub (None: none reads the same) and module-cache key
        self._noted: dict[str, tuple[str | None, bytes]] = {}
        self.spill: Spill | None = None  # a streamed run's: `_noted` and the docs kept on disk
        # operations.json's module-cache key and cut, when it was staged in pieces (`note`): kept
        # in the module cache (`begin`; a replay's: `rekey._finals`), for `structural._manifest`
        self.manifest_cut: tuple[bytes, bytes] | None = None

    def spill_to_disk(self) -> None:
        """A streamed run's: what `note` and `seen_docs` take goes to a file (`stage/spill.py`)."""
        try:
            self.spill = Spill(self.path.parent)
        except OSError:
            self.spill = None

    def seen_docs(self, docs: dict[str, MethodDoc], examples: dict[str, ExamplePart]) -> None:
        if self.spill is not None:
            self.spill.docs(docs, examples)
            return
        self.docs = docs
        self.examples = examples

    def document(
        self, document: dict[str, Any], spec: str, label: str, config: str, *, key_sorted: bool
    ) -> None:
        """The parsed document (before parse; `spec`, `label`, `config` as `scan` takes them). A JSON
        spec's prose is left to `keep`, which parses the text again (off the run's critical path,
        `stage/writer.py`); a YAML one's is read here (parsing YAML again would cost more), in the
        document's order. `key_sorted`: `document` was decoded from a JSON text into parse's
        key-sorted form (`load.open_spec(canonical=True)`): never read here, as its order is not the
        text's — the run's text is JSON, and `keep` reads only a file with the bytes the run read."""
        if key_sorted or _json_text(Path(spec)):
            self.deferred = True
            return
        self._read(document, spec, label, config)

    def _read(self, document: dict[str, Any], spec: str, label: str, config: str) -> None:
        from ..spec_copy import BUNDLED

        prose, alone, self.aliased = prose_of(document)
        # a snapshot that could never serve is not kept
        self.prose = prose if alone and BUNDLED not in document else None
        if self.prose is not None and not self.deferred and not _json_text(Path(spec)):
            self.parsed = scan_parsed(document, spec, label, config)  # YAML: from the document

    def note(self, rel: str, text: str | list[str], key: bytes) -> None:
        """A streamed run's hook (`staging.Staging.observe`): a staged text's import stub and
        module-cache key, taken as it is staged (the texts are not kept for `stubs`); `begin`
        without files then uses these."""
        if rel == "api.md":  # (its key only: a regeneration makes it from its pieces)
            stub: str | None = ""
        elif rel == "operations.json":  # (`import_stub`'s JSON answer of each piece, joined)
            pieces = [text] if isinstance(text, str) else text
            stub = "".join(_JSON_STUB for piece in pieces if _IMPORT_LINE in piece)
            if isinstance(text, list):
                from ..render.manifest import pieces_cut

                cut = pieces_cut(text)
                self.manifest_cut = None if cut is None else (key, cut)
        elif rel.endswith(".py"):
            pieces = [text] if isinstance(text, str) else text
            stubs = [import_stub(piece) for piece in pieces]
            stub = None if None in stubs else "".join(s for s in stubs if s is not None)
        else:
            return
        if self.spill is not None:
            self.spill.note(rel, stub, key)
        else:
            self._noted[rel] = (stub, key)

    def noted(self) -> dict[str, tuple[str | None, bytes]]:
        """What `note` took (without a spill): each module's stub and module-cache key."""
        return dict(self._noted)

    def noted_stubs(
        self, noted: dict[str, tuple[str | None, bytes]], names: Names, package: str
    ) -> None:
        """`stubs` of modules `note`d (a stub, or None when none reads the same, and a key)."""
        self.stubs({r: _Noted(*n) for r, n in noted.items()}, names, package, None)

    def begin(
        self,
        files: dict[str, Any] | None,
        api: Api,
        diagnostics: list[Diagnostic],
        memo: Any,
        spec: str,
        label: str,
        config: str,
        sha256: str,
    ) -> Any:
        """Start making the snapshot of a full run whose package is rendered (`files`, not yet
        handed over to be formatted; None: a streamed run's, `note`d as staged): a
        `stage.writer.Writer`, committed once the package is written."""
        from .writer import start

        names = self.names
        assert names is not None
        package = api.target.package.name
        diagnostics = list(diagnostics)
        stubbed = []

        spill, self.spill = self.spill, None
        noted: dict[str, tuple[str | None, bytes]] = {}
        if self.manifest_cut is not None and memo is not None:  # (saved with the module cache)
            from ..render.cuts import cut_key
            from ..render.manifest import PIECES_SIGNATURE

            memo.put(cut_key(self.manifest_cut[0], PIECES_SIGNATURE), self.manifest_cut[1])
        if files is None:
            noted, self._noted = self._noted, {}
        if spill is not None:
            spill.flush()  # (a forked child must not inherit bytes still to be written)

        def prepare() -> None:
            nonlocal noted
            if spill is not None:  # read back (in the child, or here with an inline writer)
                noted, docs = spill.read()
                if docs is not None:
                    self.seen_docs(*docs)
                if spill.failed:
                    noted, self.docs = {}, None  # (`keep` then leaves no snapshot)
            if files is None:
                self.noted_stubs(noted, names, package)
            else:
                self.stubs(files, names, package, memo)
            stubbed.append(True)

        def write(ready: Callable[[], bool]) -> None:
            if not stubbed:
                prepare()
            key = self.keep(
                api, diagnostics, read_spec(Path(spec)), sha256, spec, label, config, ready
            )
            if key is not None and self.deferred:  # JSON: what a structural replay will ask
                self.said(key, api, names, label)

        keep = () if spill is None else (spill.fileno(),)
        try:
            return start(self.path, prepare, write, keep)
        finally:
            if spill is not None:
                spill.close()  # (a forked child has its own descriptor)

    def stubs(self, files: dict[str, Any], names: Names, package: str, memo: Any) -> None:
        """Note the stubs and module-cache keys of the modules a prose-only run may take as they
        are (before the texts are handed over to be formatted)."""
        from ..write import with_header

        self.names = names
        pkg = f"src/{package}"
        rels = [f"{pkg}/types/{module}.py" for module in names.module_members]
        rels += [f"{pkg}/types/__init__.py", "operations.json", "api.md"]
        for resource in names.resources.values():
            rels += [
                f"{pkg}/resources/{resource.module}.py",
                f"tests/api_resources/test_{resource.module}.py",
            ]
        self._files = {}
        shared: dict[str, str] = {}  # one copy of each stub (most modules share a few)
        for rel in rels:
            text = files.get(rel)
            if isinstance(text, _Noted):  # a streamed run's (`note`)
                if text.stub is None:
                    self._files = None
                    return
                self._files[rel] = (shared.setdefault(text.stub, text.stub), text.key)
                continue
            if not isinstance(text, str) or rel in REMADE:
                continue  # a resource without operations has no test module
            stub = import_stub(text, rel == "operations.json")
            if stub is None:
                self._files = None
                return
            stub = shared.setdefault(stub, stub)
            self._files[rel] = (stub, memo.text_key(rel, with_header(rel, text)))

    def said(self, key: bytes, api: Api, names: Names, label: str) -> None:
        """Note beside the snapshot just written what the operation half of the naming pass says
        of its API (`notes.said_now`), so that the first structural edit adding or removing an
        operation does not run that pass on the old API; not for an API over `SAID_UP_TO`
        operations, nor when the pass does not give the run's names (then nothing is noted)."""
        from .notes import SAID_UP_TO, said_now
        from .snapshot import peek

        head = peek(self.path)  # (the snapshot `keep` wrote with `key`, if it is in place)
        if head is not None and head.key == key and len(api.operations) <= SAID_UP_TO:
            said_now(self.path, key, api, names, label)

    def keep(
        self,
        api: Api,
        diagnostics: list[Diagnostic],
        read: tuple[bytes, str] | None,
        sha256: str,
        spec: str,
        label: str,
        config: str,
        ready: Callable[[], bool] = lambda: True,
    ) -> bytes | None:
        """Write the snapshot, or remove the old one when this run cannot leave one. `read`: the
        spec file's bytes and text, read again (they must be what the run read: `sha256`);
        `ready`: see `save`. Its key when it was written (placed, or thrown away: not `ready`)."""
        from ..diagnostics import DiagnosticSink
        from ..features import active
        from .layout import layout_of

        kept = self._files
        found = None
        if read is not None and hashlib.sha256(read[0]).hexdigest() == sha256:
            if self.deferred:  # a JSON spec: its prose, from the text the run read
                from ..diagnostics import SpecError
                from ..load import parse_text

                try:
                    document = parse_text(read[1], spec)
                except SpecError:
                    document = None
                if isinstance(document, dict):
                    self._read(document, spec, label, config)
                del document
            found = (
                scan(read[1], spec, label, config)
                if read[1].lstrip().startswith("{")
                else self.parsed  # YAML: the scan of the document the run parsed
            )
        if (
            found is None
            or self.prose is None
            or self.names is None
            or kept is None
            or self.spec_file is None
            or self.docs is None
            or not (
                found.places == [(w, k) for w, k, _ in self.prose]
                if found.places is not None
                else _aligned(self.prose, found.tokens)
            )
        ):
            unlink(self.path)
            return None
        snapshot = Snapshot(
            [(where, key) for where, key, _ in self.prose],
            self.aliased,
            found.offsets,
            found.tokens,
            api,
            self.names,
            list(diagnostics),
            self.spec_file,
            kept,
            self.docs,
            self.examples,
            active(api, DiagnosticSink()),  # (a prose edit changes none of `analyse`'s inputs)
        )
        text = read[0] if read is not None and found.places is None else b""  # JSON: its text
        layout = layout_of(read[1]) if text and read is not None else None
        if not save(self.path, found.key, snapshot, ready, found.shape, text, layout):
            unlink(self.path)
            return None
        return found.key


def _json_text(spec: Path) -> bool:
    """Whether the spec file's text starts (after a BOM and white space) with `{` (as `load` tells
    JSON from YAML); a file that cannot be read is no JSON here (the snapshot then waits for
    `keep`, which reads it whole)."""
    try:
        with open(spec, "rb") as f:
            head = f.read(65536)
    except OSError:
        return False
    return head.decode("utf-8-sig", errors="replace").lstrip().startswith("{")


def _aligned(prose: Prose, tokens: list[str]) -> bool:
    """The text's prose tokens decode, one by one, to the document's prose values."""
    if len(prose) != len(tokens):
        return False
    try:
        return all(json.loads(t) == v for (_, _, v), t in zip(prose, tokens, strict=True))
    except ValueError:
        return False
