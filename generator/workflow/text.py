"""The change report for a terminal or a CI log: grouped by level, layer and kind of change.

Styles are ANSI escapes (the codes click.style writes); the CLI prints with click.echo, which drops them
when stdout is not a terminal, so piped output and CI logs get plain text. No progress output, ever.
"""

from __future__ import annotations

from .changes import Change, Layer, Level, Report

_ANSI = {"red": 31, "green": 32, "yellow": 33, "blue": 34}


def style(text: str, fg: str = "", bold: bool = False) -> str:
    """`text` wrapped in ANSI colour / bold codes (as click.style does)."""
    codes = (f"\x1b[{_ANSI[fg]}m" if fg else "") + ("\x1b[1m" if bold else "")
    return f"{codes}{text}\x1b[0m" if codes else text


_LEVEL_TITLE = {
    Level.BREAKING: "Breaking for clients",
    Level.NON_BREAKING: "Non-breaking",
    Level.PROSE: "Documentation only",
}
_LEVEL_COLOUR = {Level.BREAKING: "red", Level.NON_BREAKING: "green", Level.PROSE: "blue"}
COMPACT_OVER = 20  # non-breaking groups longer than this list subjects only (unless verbose)
PROSE_SHOWN = 10
OPS_SHOWN = 3  # operations listed after a change; more are summed up under the shared schema
SCHEMA_OPS_SHOWN = 8  # operations listed for a shared schema (all with --verbose)
_METHOD_PREFIXES = ("GET ", "PUT ", "POST ", "DELETE ", "OPTIONS ", "HEAD ", "PATCH ", "TRACE ")


def heading(code: str) -> str:
    return code.replace("-", " ")


def ops_suffix(change: Change, limit: int = OPS_SHOWN) -> str:
    ops = sorted(change.operations)
    if not ops or ops == [change.subject]:
        return ""
    schema = shared_schema(change)
    if len(ops) > limit and schema:
        return f"  [{schema}: {len(ops)} operations]"
    shown = ", ".join(ops[:limit]) + (f", +{len(ops) - limit} more" if len(ops) > limit else "")
    return f"  [{shown}]"


def shared_schema(change: Change) -> str:
    """`SentCaseDetail` for `SentCaseDetail.cmsId`: the component a change was found in, when its
    subject names one (not an operation, a webhook or a Python name)."""
    subject = change.subject
    if change.layer is not Layer.WIRE or subject.startswith((*_METHOD_PREFIXES, "webhook ")):
        return ""
    return subject.split(".", 1)[0].split("[", 1)[0]


def _shared_lines(group: list[Change], verbose: bool) -> list[str]:
    """One line per shared schema whose changes reach many operations: which ones."""
    reach: dict[str, set[str]] = {}
    for c in group:
        schema = shared_schema(c)
        if schema and len(c.operations) > OPS_SHOWN:
            reach.setdefault(schema, set()).update(c.operations)
    lines = []
    for schema, ops in reach.items():
        listed = sorted(ops)
        shown = listed if verbose else listed[:SCHEMA_OPS_SHOWN]
        more = f", +{len(listed) - len(shown)} more" if len(listed) > len(shown) else ""
        lines.append(f"      {schema} — affects {len(listed)} operations: {', '.join(shown)}{more}")
    return ["    reached through shared schemas", *lines] if lines else []


def summary_lines(report: Report) -> list[str]:
    counts = report.counts()
    bump, version = report.semver()
    breaking = f"{counts['breaking']} breaking"
    lines = [
        style(f"{report.old.label} → {report.new.label}", bold=True),
        (style(breaking, fg="red", bold=True) if counts["breaking"] else breaking)
        + f", {counts['non-breaking']} non-breaking, {counts['prose']} documentation-only",
    ]
    if bump == "none":
        lines.append(f"No changes: {report.package} stays {report.old.package_version}")
    else:
        lines.append(
            f"Suggested version for {report.package}: {version} "
            f"({bump}; was {report.old.package_version})"
        )
    return lines


def render_text(
    report: Report, *, verbose: bool = False, prose_is_drift: bool | None = None
) -> str:
    """prose_is_drift: None for a plain diff; True/False for a drift check (says whether wording counts)."""
    lines = summary_lines(report)
    for level in Level:
        changes = report.of(level)
        if not changes:
            continue
        title = _LEVEL_TITLE[level]
        lines += ["", style(f"{title} ({len(changes)})", fg=_LEVEL_COLOUR[level], bold=True)]
        if level is Level.PROSE and prose_is_drift is not None:
            lines[-1] += (
                " — counted as drift (--prose)" if prose_is_drift else " — not counted as drift"
            )
        if level is Level.PROSE:
            shown = changes if verbose else changes[:PROSE_SHOWN]
            lines += [f"  {c.subject}: {c.message}" for c in shown]
            if len(changes) > len(shown):
                lines.append(f"  … {len(changes) - len(shown)} more (use --verbose)")
            continue
        for layer in Layer:
            group = [c for c in changes if c.layer is layer]
            if group:
                name = (
                    "HTTP contract" if layer is Layer.WIRE else f"Python client ({report.package})"
                )
                lines.append(style(f"  {name}", bold=True))
                lines += _codes(group, compact=level is Level.NON_BREAKING and not verbose)
                lines += _shared_lines(group, verbose)
    return "\n".join(lines)


def _codes(group: list[Change], compact: bool) -> list[str]:
    by_code: dict[str, list[Change]] = {}
    for c in group:
        by_code.setdefault(c.code, []).append(c)
    lines = []
    for code, changes in by_code.items():
        lines.append(
            f"    {heading(code)} ({len(changes)})" if len(changes) > 1 else f"    {heading(code)}"
        )
        if compact and len(changes) > COMPACT_OVER:
            lines += _wrap([c.subject for c in changes])
            continue
        lines += [f"      {c.subject}: {c.message}{ops_suffix(c)}" for c in changes]
    return lines


def _wrap(items: list[str], width: int = 110, indent: str = "      ") -> list[str]:
    """Comma-separated items, wrapped between items only (a subject is never split)."""
    lines, cur = [], ""
    for i, item in enumerate(items):
        piece = item + ("," if i < len(items) - 1 else "")
        if cur and len(indent) + len(cur) + 1 + len(piece) > width:
            lines.append(indent + cur)
            cur = piece
        else:
            cur = f"{cur} {piece}" if cur else piece
    if cur:
        lines.append(indent + cur)
    return lines
