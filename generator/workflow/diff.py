"""Two specs → one `Report`: wire changes, Python-surface changes, documentation-only changes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..config import TargetConfig
from .changes import Collector, Layer, Level, Report, Side
from .complete import check_complete
from .meaning import semantic_differences
from .prose import humanize, prose_changes
from .py_diff import PythonComparer
from .sides import SpecSide, default_config, package_name, read_side
from .surface import build_surface
from .wire_hooks import WebhookComparer, webhook_payloads
from .wire_ops import OperationComparer

_ORDER = {Level.BREAKING: 0, Level.NON_BREAKING: 1, Level.PROSE: 2}


def diff_files(
    old: Path,
    new: Path,
    config: TargetConfig | None = None,
    *,
    old_label: str = "",
    new_label: str = "",
    old_config: TargetConfig | None = None,
) -> Report:
    """Raises SpecError when either file cannot be read as a spec, or looks cut short. `old_config`:
    the configuration the old side was generated with, when it was another (renames in it show)."""
    cfg = config or default_config(new)
    old_side = read_side(old, old_config or cfg, old_label)
    new_side = read_side(new, cfg, new_label)
    check_complete(old_side, new_side)
    return diff_sides(old_side, new_side)


def diff_sides(old: SpecSide, new: SpecSide) -> Report:
    out = Collector()
    operations = OperationComparer(old.api, new.api, out, (old.document, new.document))
    operations.run()
    WebhookComparer(webhook_payloads(old), webhook_payloads(new), operations.schemas, out).run()
    package = package_name(new)
    PythonComparer(build_surface(old, package), build_surface(new, package), out).run()
    return finish(
        out,
        old.document,
        new.document,
        Side(old.label, old.api.version, old.package_version),
        Side(new.label, new.api.version, new.package_version),
        package,
    )


def finish(
    out: Collector,
    old_document: dict[str, Any],
    new_document: dict[str, Any],
    old: Side,
    new: Side,
    package: str,
) -> Report:
    """The report from what the comparers found in `out`: the documents' differences no rule
    itemises (only when nothing else differs) and their documentation-only changes added."""
    if not out.changes():
        for pointer in semantic_differences(old_document, new_document):
            out.add(
                Layer.WIRE,
                Level.NON_BREAKING,
                "other-change",
                humanize(pointer),
                f"changed (no rule itemises it; see {pointer})",
            )
    for pointer, how in prose_changes(old_document, new_document):
        out.add(Layer.WIRE, Level.PROSE, "prose-changed", humanize(pointer), f"text {how}")
    changes = sorted(out.changes(), key=lambda c: (_ORDER[c.level], c.layer is not Layer.WIRE))
    return Report(old=old, new=new, package=package, changes=changes)
