"""`fetch`'s comparison in three forked children, one after the other, none holding both sides
(issue 18): graph-beta's two documents, IRs and names together took 1,147 MB in one process.

1. the live side (its private copy read, parsed and built as `generate` builds, `lean.live`) is
   summarised (`pruned.summarise`): digests and stubs back to this process, its pieces to a private
   file; the download is remembered (ETag cache) once the side is built;
2. the committed side is built the same way (`lean.committed`) and compared with the live one's
   summary and the pieces it needs (`pruned.compare`); the changes found come back;
3. both documents are read again, alone, for what only they show (`diff.finish`: documentation-only
   changes, and the fallback differences when nothing else differs); the report comes back.

Each child's memory leaves with it. The errors the command handles come back as they were raised
(`isolated.attempt`), in the order the in-process comparison raises them (the live side first). Any
other outcome — a child that did not deliver, a side that cannot be summarised faithfully — and
`compare` returns None: the caller compares in-process, as before.
"""

from __future__ import annotations

import os
import pickle
import re
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from ..config import TargetConfig
from ..diagnostics import DiagnosticSink
from ..load import open_spec, parse_text
from . import isolated, lean
from .changes import Collector, Report, Side
from .diff import finish
from .fetch import Fetched, remember_file
from .lean import PathDigests
from .pieces import PieceReader, PieceWriter
from .pruned import NewSummary, summarise
from .pruned import compare as compare_pruned
from .sides import describe, live_document_errors, live_loaded


class _Failed(Exception):
    """A step after a side was built failed: not an error of the spec (the caller falls back)."""


def compare(
    target: TargetConfig,
    fetched: Fetched,
    live: Path,
    committed: str,
    source: str,
    cache_dir: Path | None,
) -> Report | None:
    """The report of the committed spec against the live one (`live`: the download's private copy;
    `fetched` without its bytes and document), or None when it could not be made apart."""
    pieces, summary = _private("clientgen-pieces-"), _private("clientgen-summary-")
    try:
        side, package = isolated.attempt(
            lambda: _new_side(target, fetched, live, source, cache_dir, pieces, summary)
        )
        spec = Path(target.spec)
        if not spec.is_file():
            return Report(Side(committed, "", ""), side, target.package, [])
        if _same_bytes(spec, live):
            old = Side(committed, side.api_version, side.package_version)
            return Report(old, side, target.package, [])
        out, old, same = isolated.attempt(lambda: _old_side(target, committed, pieces, summary))
        return isolated.attempt(
            lambda: _documents(target, live, source, out, old, side, package, same)
        )
    except isolated.NotDelivered:
        return None
    finally:
        pieces.unlink(missing_ok=True)
        summary.unlink(missing_ok=True)


def _private(prefix: str) -> Path:
    fd, name = tempfile.mkstemp(prefix=prefix)
    os.close(fd)
    return Path(name)


def _new_side(
    target: TargetConfig,
    fetched: Fetched,
    live: Path,
    source: str,
    cache_dir: Path | None,
    pieces: Path,
    summary: Path,
) -> tuple[Side, str]:
    """The live side built and summarised: its pieces and its summary written to their files."""
    with live_document_errors():
        built = lean.live(live, fetched.url, target, source)
    remember_file(fetched, live, cache_dir)
    try:
        new = summarise(built, PieceWriter(pieces))
        del built  # its IR and names: the summary is pickled in the memory they leave
        with summary.open("wb") as file:
            pickle.dump(new, file, pickle.HIGHEST_PROTOCOL)
    except Exception as exc:  # noqa: BLE001 - not the spec's fault: compared in-process
        raise _Failed(describe(exc)) from None
    return new.side, new.package


def _old_side(
    target: TargetConfig, committed: str, pieces: Path, summary: Path
) -> tuple[Collector, Side, frozenset[str]]:
    """The committed side built, then (in the memory its build let go) the live side's summary
    read, and the two compared."""
    old = lean.committed(Path(target.spec), target, committed)
    out = Collector()
    try:
        with summary.open("rb") as file:
            new: NewSummary = pickle.load(file)  # written by this command's own child
        reader = PieceReader(pieces, new.index)
        compare_pruned(old, new, reader, out)
        reader.close()
        same = _same_paths(old.paths, new.paths)
    except Exception as exc:  # noqa: BLE001 - not the spec's fault: compared in-process
        raise _Failed(describe(exc)) from None
    return out, Side(old.label, old.api.version, old.package_version), same


def _documents(
    target: TargetConfig,
    live: Path,
    source: str,
    out: Collector,
    old: Side,
    new: Side,
    package: str,
    same: frozenset[str],
) -> Report:
    """Both documents read (the path items equal on both sides, `same`, left out as they are read)
    and compared as `diff.finish` compares them."""
    try:
        body = live.read_bytes()
        new_document = _without(_live_document(body, source, target), same)
        del body
        spec = Path(target.spec)
        loaded, validation = open_spec(spec, DiagnosticSink(file=str(spec)), background=False)
        validation.cancel()
        del validation
        old_document = _without(loaded.document, same)
        del loaded
        return finish(out, old_document, new_document, old, new, package)
    except Exception as exc:  # noqa: BLE001 - not the spec's fault: compared in-process
        raise _Failed(describe(exc)) from None


def _same_paths(old: PathDigests, new: PathDigests) -> frozenset[str]:
    """The path items the documents' comparison may leave out: equal on both sides (their digests),
    and each the only one of its template on both sides (`prose` pairs a new path with an old one of
    the same template); none when anything may point into `paths`. Two equal path items show no
    prose change and no difference in meaning, and nothing else is compared through them."""
    if old.referenced or new.referenced:
        return frozenset()
    templates = Counter(_template(p) for p in old.items) + Counter(_template(p) for p in new.items)
    return frozenset(
        p
        for p, d in new.items.items()
        if old.items.get(p) == d and templates[_template(p)] == 2  # this path, once a side
    )


def _without(document: dict[str, Any], same: frozenset[str]) -> dict[str, Any]:
    """`document` with each path item in `same` an empty mapping (the same on both sides)."""
    paths = document.get("paths")
    if same and isinstance(paths, dict):
        for path in same:
            if path in paths:
                paths[path] = {}
    return document


def _template(path: str) -> str:
    return re.sub(r"{[^{}]*}", "{}", path)


def _live_document(body: bytes, source: str, target: TargetConfig) -> dict[str, Any]:
    return live_loaded(parse_text(body.decode("utf-8-sig"), source), body, target, source)[
        0
    ].document


def _same_bytes(a: Path, b: Path) -> bool:
    """Do two files hold the same bytes (read a MiB at a time)?"""
    if a.stat().st_size != b.stat().st_size:
        return False
    with a.open("rb") as fa, b.open("rb") as fb:
        while True:
            x, y = fa.read(1 << 20), fb.read(1 << 20)
            if x != y:
                return False
            if not x:
                return True
