"""Command line: `clientgen generate`, `clientgen check`.

Exit codes: 0 success / up to date; 1 stale output (check) or warnings under --strict;
2 the spec or configuration cannot be used (a clear message says where and why).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__
from .config import TargetConfig, adhoc_target, find_project_file, load_targets
from .diagnostics import Severity, SpecError
from .pipeline import TargetResult, check, generate

EXIT_OK, EXIT_STALE, EXIT_SPEC = 0, 1, 2


def _project(ctx_targets: tuple[str, ...]) -> tuple[list[TargetConfig], Path | None]:
    project = find_project_file(Path.cwd())
    if project is None:
        raise click.UsageError(
            "no [tool.clientgen] table in a pyproject.toml here or above; "
            "use `clientgen generate SPEC -o OUT` for a single spec"
        )
    targets = load_targets(project)
    if ctx_targets:
        known = {t.name: t for t in targets}
        missing = [n for n in ctx_targets if n not in known]
        if missing:
            raise click.UsageError(
                f"unknown target(s) {', '.join(missing)}; configured: {', '.join(known)}"
            )
        targets = [known[n] for n in ctx_targets]
    return targets, project.parent


def _report(result: TargetResult, verb: str, verbose: bool) -> None:
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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="clientgen")
def cli() -> None:
    """Generate typed Python clients from OpenAPI 3.0/3.1 specs."""


@cli.command("generate")
@click.argument("names", nargs=-1)
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False),
    help="Output folder (ad-hoc mode: NAMES is one spec file).",
)
@click.option("--package", help="Python package name (ad-hoc mode).")
@click.option("--client-name", help="Client class name (ad-hoc mode).")
@click.option("--strict", is_flag=True, help="Exit 1 when the spec produced warnings.")
@click.option("-v", "--verbose", is_flag=True, help="Print every diagnostic.")
def generate_cmd(
    names: tuple[str, ...],
    output: str | None,
    package: str | None,
    client_name: str | None,
    strict: bool,
    verbose: bool,
) -> None:
    """Regenerate the configured targets (all by default), or one spec with -o."""
    if output is not None:
        if len(names) != 1:
            raise click.UsageError("with -o/--output give exactly one spec file")
        targets, root = [adhoc_target(names[0], output, package, client_name)], None
    else:
        targets, root = _project(names)
    warned = False
    for target in targets:
        result = generate(target, root)
        _report(result, "generated", verbose)
        warned = warned or bool(result.diagnostics)
    if strict and warned:
        sys.exit(EXIT_STALE)


@cli.command("check")
@click.argument("names", nargs=-1)
@click.option("--full", is_flag=True, help="Always re-render (skip the provenance fast path).")
def check_cmd(names: tuple[str, ...], full: bool) -> None:
    """Exit 0 when generated/ is exactly what the specs produce, 1 (listing stale files) otherwise."""
    targets, root = _project(names)
    stale = False
    for target in targets:
        result = check(target, root, full=full)
        _report(result, "checked", verbose=False)
        for rel in result.diff.stale:
            click.echo(f"  stale: {Path(target.output).name}/{rel}")
        if result.diff.changed:
            click.echo(_short_diff(result, Path(target.output)))
        stale = stale or bool(result.diff.stale)
    if stale:
        click.echo("generated code is out of date: run `clientgen generate`", err=True)
        sys.exit(EXIT_STALE)


def _short_diff(result: TargetResult, out: Path, limit: int = 40) -> str:
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


def main() -> None:
    try:
        cli.main(standalone_mode=False)
    except SpecError as exc:
        click.echo(f"clientgen: {exc.diagnostic.render()}", err=True)
        click.echo("Nothing was written.", err=True)
        sys.exit(EXIT_SPEC)
    except click.exceptions.Abort:
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(EXIT_SPEC if exc.exit_code == 2 else exc.exit_code)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        sys.exit(130)


# Regeneration workflow (issue 5): `clientgen diff`, `clientgen fetch`, `clientgen check --live`.
from .workflow.commands import diff_cmd, fetch_cmd, install_live_check

cli.add_command(diff_cmd)
cli.add_command(fetch_cmd)
install_live_check(check_cmd)
