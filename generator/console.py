"""What the commands print: one summary line per target, diagnostics, short diffs, live-check outcomes.

Presentation only (`_say`, click.echo / click.style); the commands in `commands/` decide what to
run, the pipeline and `workflow/` compute it. Imports stay light: `clientgen check` and a prose-only
`generate` load this on their fast paths (`quick.py`: no click).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from .diagnostics import Severity

if TYPE_CHECKING:
    from .pipeline import TargetResult
    from .workflow.live import LiveResult


def _say(text: str, err: bool = False) -> None:
    """One line on stdout (or stderr), flushed, as `click.echo` writes plain text (no click here:
    `quick.py`)."""
    stream = sys.stderr if err else sys.stdout
    stream.write(text + "\n")
    stream.flush()


def plural(count: int, noun: str, plural_form: str = "") -> str:
    """`1 warning`, `2 warnings`, `0 stale files`."""
    return f"{count} {noun if count == 1 else plural_form or noun + 's'}"


def report_target(result: TargetResult, verb: str, verbose: bool, quiet: bool = False) -> None:
    """One summary line (`casebook: generated, 36 operations, …`), the files removed, the diagnostics.
    `quiet`: nothing (errors are reported by whoever raised them)."""
    if quiet:
        return
    d = result.diff
    out = Path(result.target.output).name
    warnings = [x for x in result.diagnostics if x.severity is Severity.WARNING]
    parts = [f"{result.target.name}: {verb}"]
    if result.api is not None:
        parts.append(f"{plural(result.operations, 'operation')}, {plural(result.models, 'model')}")
    if verb == "generated":
        parts.append(f"{plural(len(d.added) + len(d.changed), 'file')} written")
        if d.removed:
            parts.append(f"{len(d.removed)} removed")
    else:
        parts.append(plural(len(d.stale), "stale file"))
    parts.append(f"{d.unchanged} unchanged")
    if d.user:
        parts.append(f"{plural(len(d.user), 'user file')} kept")
    if result.api is not None:
        parts.append(plural(len(warnings), "warning"))
    if result.fast_path:
        parts.append("fast path")
    parts.append(f"{result.seconds:.2f}s")
    _say(", ".join(parts))
    if verb == "generated":
        for rel in d.removed:  # never silently: a deleted file is named
            _say(f"  removed: {out}/{rel}")
        if verbose:
            for rel in sorted(d.added + d.changed):
                _say(f"  written: {out}/{rel}")
    if verbose:
        for rel in d.user:
            _say(f"  user file (kept): {out}/{rel}")
    shown = result.diagnostics if verbose else result.diagnostics[:20]
    for diag in shown:
        _say("  " + diag.render().replace("\n", "\n  "), err=True)
    if len(result.diagnostics) > len(shown):
        _say(f"  … {len(result.diagnostics) - len(shown)} more (use --verbose)", err=True)


class TerminalProgress:
    """Draws `target: stage` and `modules rendered N/M` on one line of stderr, redrawn in place, when
    both stdout and stderr are terminals; otherwise (a pipe, a CI log, pre-commit) it prints nothing."""

    def __init__(self, label: str, stream: TextIO | None = None, enabled: bool | None = None):
        self.stream = stream or sys.stderr
        self.label = label
        if enabled is None:
            enabled = _is_terminal(sys.stdout) and _is_terminal(self.stream)
        self.enabled = enabled
        self._drawn = False
        self._last = 0.0

    def stage(self, name: str) -> None:
        self._draw(f"{self.label}: {name} …")

    def step(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self._last < 0.1:
            return  # at most ten redraws a second
        self._last = now
        self._draw(f"{self.label}: modules rendered {done}/{total}")

    def clear(self) -> None:
        if self._drawn:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self._drawn = False

    def _draw(self, text: str) -> None:
        if not self.enabled:
            return
        self.stream.write("\r\x1b[K" + text)
        self.stream.flush()
        self._drawn = True


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def short_diff(result: TargetResult, out: Path, limit: int = 40) -> str:
    """The first lines of a unified diff of the changed files (committed → what the spec produces);
    a large file's at a bounded cost (`bounded_diff`)."""
    from .bounded_diff import file_diff

    lines: list[str] = []
    for rel in sorted(
        result.diff.changed, key=lambda r: (r == "GENERATION.toml", r)
    ):  # provenance last
        lines += file_diff(
            (out / rel).read_bytes(),
            result.rendered.get(rel, b""),
            f"{out.name}/{rel} (committed)",
            f"{out.name}/{rel} (from spec)",
        )
        if len(lines) > limit:
            break
    shown = lines[:limit]
    if len(lines) > limit:
        shown.append(f"… (diff cut at {limit} lines)")
    return "\n".join("  " + line for line in shown)


def print_live(result: LiveResult, prose: bool, fmt: str, verbose: bool) -> None:
    """The outcome of one live check (`clientgen fetch`, `clientgen check --live`)."""
    import click

    from .workflow.changes import Level
    from .workflow.markdown_json import render_json, render_markdown
    from .workflow.text import render_text

    name, report, url = result.target.name, result.report, result.url
    status_err = fmt != "text"  # keep stdout a clean JSON/Markdown document
    how = "not modified since the last fetch" if result.not_modified else "downloaded"
    docs = len(report.of(Level.PROSE))
    if not result.drift:
        note = (
            f"; {plural(docs, 'documentation-only change')} not counted (--prose counts them)"
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
            f"({plural(len(g.diff.added) + len(g.diff.changed), 'file')} written, "
            f"{len(g.diff.removed)} removed)",
            err=status_err,
        )
    elif result.drift:
        click.echo(
            f"Take it with `clientgen fetch {name} --update` (writes the spec and regenerates).",
            err=True,
        )
