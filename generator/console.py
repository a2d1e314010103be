"""What the commands print: one summary line per target, diagnostics, short diffs, live-check outcomes.

Presentation only (click.echo / click.style); the commands in `cli.py` decide what to run, the pipeline
and `workflow/` compute it. Imports stay light: `clientgen check` loads this on its fast path.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from .diagnostics import Severity

if TYPE_CHECKING:
    from .pipeline import TargetResult
    from .workflow.live import LiveResult


def report_target(result: TargetResult, verb: str, verbose: bool) -> None:
    d = result.diff
    warnings = [x for x in result.diagnostics if x.severity is Severity.WARNING]
    parts = [f"{result.target.name}: {verb}"]
    if result.api is not None:
        parts.append(f"{result.operations} operations, {result.models} models")
    parts.append(
        f"{len(d.added) + len(d.changed)} files written"
        if verb == "generated"
        else f"{len(d.stale)} stale files"
    )
    parts.append(f"{d.unchanged} unchanged")
    if result.api is not None:
        parts.append(f"{len(warnings)} warnings")
    if result.fast_path:
        parts.append("fast path")
    parts.append(f"{result.seconds:.2f}s")
    click.echo(", ".join(parts))
    shown = result.diagnostics if verbose else result.diagnostics[:20]
    for diag in shown:
        click.echo("  " + diag.render().replace("\n", "\n  "), err=True)
    if len(result.diagnostics) > len(shown):
        click.echo(f"  … {len(result.diagnostics) - len(shown)} more (use --verbose)", err=True)


def short_diff(result: TargetResult, out: Path, limit: int = 40) -> str:
    """The first lines of a unified diff of the changed files (committed → what the spec produces)."""
    import difflib

    lines: list[str] = []
    for rel in sorted(
        result.diff.changed, key=lambda r: (r == "GENERATION.toml", r)
    ):  # provenance last
        old = (out / rel).read_text(encoding="utf-8", errors="replace").splitlines()
        new = result.rendered.get(rel, b"").decode("utf-8", errors="replace").splitlines()
        lines += difflib.unified_diff(
            old,
            new,
            f"{out.name}/{rel} (committed)",
            f"{out.name}/{rel} (from spec)",
            n=1,
            lineterm="",
        )
        if len(lines) > limit:
            break
    shown = lines[:limit]
    if len(lines) > limit:
        shown.append(f"… (diff cut at {limit} lines)")
    return "\n".join("  " + line for line in shown)


def print_live(result: LiveResult, prose: bool, fmt: str, verbose: bool) -> None:
    """The outcome of one live check (`clientgen fetch`, `clientgen check --live`)."""
    from .workflow.changes import Level
    from .workflow.markdown_json import render_json, render_markdown
    from .workflow.text import render_text

    name, report, url = result.target.name, result.report, result.fetched.url
    status_err = fmt != "text"  # keep stdout a clean JSON/Markdown document
    how = "not modified since the last fetch" if result.fetched.not_modified else "downloaded"
    docs = len(report.of(Level.PROSE))
    if not result.drift:
        note = (
            f"; {docs} documentation-only changes not counted (--prose counts them)"
            if docs and not prose
            else ""
        )
        click.echo(
            f"{name}: no drift: {result.committed} matches {url} ({how}{note})", err=status_err
        )
    elif not report.changes:
        click.echo(
            f"{name}: no committed spec at {result.committed} yet; {url} has one", err=status_err
        )
    else:
        click.echo(
            click.style(f"{name}: drift: {url} differs from {result.committed}", bold=True),
            err=status_err,
        )
    if report.changes and (result.drift or fmt != "text" or verbose):
        if fmt == "json":
            click.echo(render_json(report))
        elif fmt == "markdown":
            click.echo(render_markdown(report, prose_is_drift=prose), color=False)
        else:
            click.echo("")
            click.echo(render_text(report, verbose=verbose, prose_is_drift=prose))
    if result.generated is not None:
        g = result.generated
        click.echo(
            f"{name}: wrote {result.committed} and regenerated {Path(result.target.output).name}/ "
            f"({len(g.diff.added) + len(g.diff.changed)} files written, {len(g.diff.removed)} removed)",
            err=status_err,
        )
    elif result.drift:
        click.echo(
            f"Take it with `clientgen fetch {name} --update` (writes the spec and regenerates).",
            err=True,
        )
