"""Compare a target's committed spec with the live one; optionally take the live one and regenerate."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ..config import TargetConfig
from ..diagnostics import SpecError
from ..pipeline import TargetResult, spec_label, take
from .changes import Report, Side
from .diff import diff_sides
from .fetch import Fetched, FetchError, fetch_spec, remember
from .sides import UNREADABLE, describe, read_side, side_from_document

CACHE = Path(".cache") / "clientgen" / "live"


class NoLiveUrl(Exception):
    """The target has no live_url and no --url was given (a configuration problem: exit 2)."""


@dataclass
class LiveResult:
    target: TargetConfig
    fetched: Fetched
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
    spec = Path(target.spec)
    committed = spec_label(target, root)
    old_bytes = spec.read_bytes() if spec.is_file() else None
    try:
        new = side_from_document(fetched.document, fetched.body, target, source)
    except SpecError as exc:
        raise FetchError(
            f"the live document cannot be used: {exc.diagnostic.message}",
            exc.diagnostic.hint or "nothing was written",
        ) from None
    except UNREADABLE as exc:  # a malformed document the parser does not anticipate
        raise FetchError(
            f"the live document has a structure clientgen cannot read ({describe(exc)})",
            "a truncated download or a broken publish; nothing was written",
        ) from None
    remember(fetched, cache_dir)
    if old_bytes is None:
        report = Report(
            Side(committed, "", ""),
            Side(source, new.api.version, new.package_version),
            target.package,
            [],
        )
        drift, changed = True, True
    elif old_bytes == fetched.body:
        report = Report(
            Side(committed, new.api.version, new.package_version),
            Side(source, new.api.version, new.package_version),
            target.package,
            [],
        )
        drift = changed = False
    else:
        report = diff_sides(read_side(spec, target, label=committed), new)
        drift, changed = report.drift(prose), report.drift(prose=True)
    result = LiveResult(target, fetched, committed, report, drift)
    if update and changed:
        result.generated = _take(target, root, fetched.body, old_bytes)
    return result


def _take(target: TargetConfig, root: Path | None, body: bytes, old: bytes | None) -> TargetResult:
    """Regenerate from the live spec and write it over the committed one. The whole package is built
    first (the `$ref` rules, escaping, names, formatting: everything but writing; staged as
    `generate` stages it), so a live spec that cannot be used is refused before anything is
    written; the old spec is put back if writing fails."""
    spec = Path(target.spec)
    written: list[bool] = []

    def write_spec() -> None:  # the package is formatted: the spec first, then the package
        spec.parent.mkdir(parents=True, exist_ok=True)
        _atomic_write(spec, body)
        written.append(True)

    try:
        return take(target, root, body, write_spec)
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


def _put_back(spec: Path, old: bytes | None, written: list[bool]) -> None:
    """The committed spec back in place of the live one, if that was written."""
    if not written:
        return
    if old is None:
        spec.unlink(missing_ok=True)
    else:
        _atomic_write(spec, old)


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.clientgen-tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
