"""The change report as Markdown (for a pull-request comment or a CI job summary) and as JSON."""

from __future__ import annotations

import json

from .changes import Change, Layer, Level, Report
from .text import heading

_ICON = {Level.BREAKING: "❌", Level.NON_BREAKING: "✅", Level.PROSE: "📝"}


def render_json(report: Report) -> str:
    bump, version = report.semver()
    doc = {
        "old": {"label": report.old.label, "api_version": report.old.api_version},
        "new": {"label": report.new.label, "api_version": report.new.api_version},
        "package": report.package,
        "breaking": report.breaking,
        "counts": report.counts(),
        "semver": {"bump": bump, "from": report.old.package_version, "to": version},
        "changes": [c.as_json() for c in report.changes],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _code(text: str) -> str:
    if not text:
        return ""
    return f"`` {_cell(text)} ``" if "`" in text else f"`{_cell(text)}`"


def _table(changes: list[Change]) -> list[str]:
    rows = ["| change | where | what | operations |", "| --- | --- | --- | --- |"]
    for c in changes:
        ops = sorted(op for op in c.operations if op != c.subject)
        shown = ", ".join(_code(op) for op in ops[:3]) + (
            f" +{len(ops) - 3} more" if len(ops) > 3 else ""
        )
        rows.append(f"| {heading(c.code)} | {_code(c.subject)} | {_cell(c.message)} | {shown} |")
    return rows


def render_markdown(report: Report, *, prose_is_drift: bool | None = None) -> str:
    counts = report.counts()
    bump, version = report.semver()
    lines = [f"## API change report: `{report.old.label}` → `{report.new.label}`", ""]
    lines.append(
        f"**{counts['breaking']} breaking** · {counts['non-breaking']} non-breaking · "
        f"{counts['prose']} documentation-only"
    )
    lines.append("")
    if bump == "none":
        lines.append(f"No changes: `{report.package}` stays {report.old.package_version}.")
    else:
        lines.append(
            f"Suggested version for `{report.package}`: **{version}** ({bump}; was "
            f"{report.old.package_version})."
        )
    for level in (Level.BREAKING, Level.NON_BREAKING):
        changes = report.of(level)
        if not changes:
            continue
        title = f"{_ICON[level]} {'Breaking for clients' if level is Level.BREAKING else 'Non-breaking'}"
        lines += ["", f"### {title} ({len(changes)})"]
        folded = level is Level.NON_BREAKING
        for layer in Layer:
            group = [c for c in changes if c.layer is layer]
            if not group:
                continue
            name = "HTTP contract" if layer is Layer.WIRE else f"Python client (`{report.package}`)"
            if folded:
                lines += ["", f"<details><summary>{name} ({len(group)})</summary>", ""]
            else:
                lines += ["", f"#### {name}", ""]
            lines += _table(group)
            if folded:
                lines += ["", "</details>"]
    prose = report.of(Level.PROSE)
    if prose:
        note = {None: "", True: " — counted as drift (--prose)", False: " — not counted as drift"}[
            prose_is_drift
        ]
        summary = f"{_ICON[Level.PROSE]} Documentation-only changes ({len(prose)}){note}"
        lines += ["", f"<details><summary>{summary}</summary>", ""]
        lines += [f"- {_code(c.subject)}: {c.message}" for c in prose]
        lines += ["", "</details>"]
    return "\n".join(lines)
