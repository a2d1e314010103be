"""Compare a target's committed spec with the live one; optionally take the live one and regenerate."""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from ..config import TargetConfig
from ..diagnostics import SpecError
from ..pipeline import TargetResult, spec_label, take
from . import isolated, split
from .changes import Report, Side
from .diff import diff_sides
from .fetch import Fetched, FetchError, fetch_spec, remember, validate
from .sides import live_document_errors, read_side, side_from_document

CACHE = Path(".cache") / "clientgen" / "live"


class NoLiveUrl(Exception):
    """The target has no live_url and no --url was given (a configuration problem: exit 2)."""


@dataclass
class LiveResult:
    target: TargetConfig
    url: str  # where the live spec came from
    not_modified: bool  # answered 304: the cached copy is current
    committed: str  # label of the committed spec
    report: Report
    drift: bool
    generated: TargetResult | None = None  # set when --update regenerated


def live_check(
    target: TargetConfig,
    root: Path | None,
    *,
    url: str = "",
    prose: bool = False,
    update: bool = False,
    timeout: float = 30.0,
    retries: int = 2,
    cache: bool = True,
    backoff: float = 0.5,
) -> LiveResult:
    """Raises FetchError (cannot fetch or not a usable spec), SpecError (the committed spec is unusable)
    or NoLiveUrl. Writes nothing unless `update` and the live spec differs."""
    source = url or target.live_url
    if not source:
        raise NoLiveUrl(
            f"target {target.name!r} has no live_url; set live_url in "
            f"[tool.clientgen.targets.{target.name}] or pass --url"
        )
    cache_dir = (root / CACHE) if (cache and root is not None) else None
    fetched = fetch_spec(source, cache_dir, timeout=timeout, retries=retries, backoff=backoff)
    committed = spec_label(target, root)
    live: Path | None = None
    try:
        report: Report | None = None
        if isolated.can_fork():
            # the comparison in forked children, one side at a time (`split`): the download's bytes
            # and document are let go first, so that no child starts with them
            live = _aside(fetched.body, ".live")
            fetched = replace(fetched, body=b"", document={})
            report = split.compare(target, fetched, live, committed, source, cache_dir)
            if report is None:  # a child did not deliver: as before, from the download
                fetched = _reloaded(fetched, live)
        if report is not None:
            drift, changed = report.drift(prose), report.drift(prose=True)
        else:
            # in a forked child (`isolated`) where one can be: the comparison's memory leaves
            # with it, and the regeneration below starts from this process's small heap
            report, drift, changed = isolated.run(
                lambda: _compare(target, fetched, committed, source, cache_dir, prose)
            )
        result = LiveResult(target, fetched.url, fetched.not_modified, committed, report, drift)
        if update and changed:
            if live is None:
                live = _aside(fetched.body, ".live")
            del fetched  # the live spec's bytes and document: its private copy is read as a spec is
            result.generated = _take(target, root, live)
    finally:
        if live is not None:
            live.unlink(missing_ok=True)
    return result


def _reloaded(fetched: Fetched, live: Path) -> Fetched:
    """The download again from its private copy (read as `fetch_spec` read it)."""
    body = live.read_bytes()
    return replace(fetched, body=body, document=validate(body, fetched.url))


def _compare(
    target: TargetConfig,
    fetched: Fetched,
    committed: str,
    source: str,
    cache_dir: Path | None,
    prose: bool,
) -> tuple[Report, bool, bool]:
    """The report of the committed spec against the live one, whether that is drift, and whether
    anything changed at all (documentation included). What it reads (both sides' models, the
    committed spec's bytes) is let go when it returns."""
    spec = Path(target.spec)
    old_bytes = spec.read_bytes() if spec.is_file() else None
    with live_document_errors():
        new = side_from_document(fetched.document, fetched.body, target, source)
    remember(fetched, cache_dir)
    if old_bytes is None:
        report = Report(
            Side(committed, "", ""),
            Side(source, new.api.version, new.package_version),
            target.package,
            [],
        )
        return report, True, True
    if old_bytes == fetched.body:
        report = Report(
            Side(committed, new.api.version, new.package_version),
            Side(source, new.api.version, new.package_version),
            target.package,
            [],
        )
        return report, False, False
    del old_bytes  # (the committed side is read next)
    report = diff_sides(read_side(spec, target, label=committed), new)
    return report, report.drift(prose), report.drift(prose=True)


def _take(target: TargetConfig, root: Path | None, live: Path) -> TargetResult:
    """Regenerate from the live spec (its private copy `live`) and write it over the committed one.
    The whole package is built first (the `$ref` rules, escaping, names, formatting: everything but
    writing; staged as `generate` stages it), so a live spec that cannot be used is refused before
    anything is written; the committed spec (kept aside in a private copy) is put back if writing
    fails."""
    spec = Path(target.spec)
    old = _aside(spec, ".old") if spec.is_file() else None
    written: list[bool] = []

    def write_spec() -> None:  # the package is formatted: the spec first, then the package
        spec.parent.mkdir(parents=True, exist_ok=True)
        _atomic_copy(live, spec)
        written.append(True)

    try:
        return take(target, root, live, write_spec)
    except SpecError as exc:
        if written or exc.diagnostic.code.startswith(("output-", "bad-output")):
            _put_back(spec, old, written)
            raise
        raise FetchError(
            f"the live document cannot be used: {exc.diagnostic.message}",
            exc.diagnostic.hint or "nothing was written",
        ) from None
    except BaseException:
        _put_back(spec, old, written)
        raise
    finally:
        if old is not None:
            old.unlink(missing_ok=True)


def _aside(data: bytes | Path, suffix: str) -> Path:
    """`data` (or the file's bytes) in a new private temporary file (created exclusively, readable
    by its owner only)."""
    fd, name = tempfile.mkstemp(prefix="clientgen-live-", suffix=suffix)
    try:
        with os.fdopen(fd, "wb") as file:
            if isinstance(data, Path):
                with data.open("rb") as source:
                    shutil.copyfileobj(source, file)
            else:
                file.write(data)
    except BaseException:
        os.unlink(name)
        raise
    return Path(name)


def _put_back(spec: Path, old: Path | None, written: list[bool]) -> None:
    """The committed spec back in place of the live one, if that was written."""
    if not written:
        return
    if old is None:
        spec.unlink(missing_ok=True)
    else:
        _atomic_copy(old, spec)


def _atomic_copy(source: Path, path: Path) -> None:
    tmp = path.with_name(f".{path.name}.clientgen-tmp")
    shutil.copyfile(source, tmp)
    os.replace(tmp, path)
