"""Command line: every `clientgen` command is declared here; the work is done by library functions.

    generate   regenerate the configured targets, or one spec with -o     (generator/pipeline.py)
    check      is generated/ what the specs produce? --live: and do the specs still match the live ones?
    fetch      download a target's live spec, compare it, --update takes it (generator/workflow/live.py)
    diff       change report between two specs                           (generator/workflow/diff.py)

Exit codes are `ExitCode` (generator/exitcode.py): 0 success / up to date; 1 stale output, warnings
under --strict, a breaking change or drift; 2 a spec, the configuration or the command line cannot be
used (a clear message says where and why); 3 a live spec could not be fetched; 130 interrupted.

Heavy modules (the renderer, httpx, the differ) are imported inside the commands that need them:
`clientgen check` (the pre-commit hook) answers from the provenance fast path without them.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click

from . import __version__
from .config import TargetConfig, TargetSelectionError, adhoc_target, select_targets
from .console import print_live, report_target, short_diff
from .diagnostics import SpecError
from .exitcode import ExitCode
from .pipeline import check, generate

FORMATS = click.Choice(["text", "json", "markdown"])


def _select(names: Sequence[str]) -> tuple[list[TargetConfig], Path]:
    try:
        return select_targets(names, Path.cwd())
    except TargetSelectionError as exc:
        raise click.UsageError(str(exc)) from None


def _exit(code: int) -> None:
    if code:
        sys.exit(int(code))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="clientgen")
def cli() -> None:
    """Generate typed Python clients from OpenAPI 3.0/3.1 specs."""


# ---- generate -----------------------------------------------------------------------------------
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
    root: Path | None
    if output is not None:
        if len(names) != 1:
            raise click.UsageError("with -o/--output give exactly one spec file")
        targets, root = [adhoc_target(names[0], output, package, client_name)], None
    else:
        targets, root = _select(names)
    warned = False
    for target in targets:
        result = generate(target, root)
        report_target(result, "generated", verbose)
        warned = warned or bool(result.diagnostics)
    if strict and warned:
        _exit(ExitCode.WARNINGS)


# ---- check [--live] -----------------------------------------------------------------------------
_LIVE_OPTIONS: list[tuple[tuple[str, ...], dict[str, Any]]] = [
    (("--url",), {"help": "Fetch from this URL instead of the target's live_url."}),
    (
        ("--update",),
        {
            "is_flag": True,
            "help": "Take the live spec: write it over the committed one and regenerate.",
        },
    ),
    (("--prose",), {"is_flag": True, "help": "Count documentation-only changes as drift."}),
    (
        ("--timeout",),
        {
            "type": click.FloatRange(min=0.1),
            "default": 30.0,
            "show_default": True,
            "help": "Seconds to wait for the server.",
        },
    ),
    (
        ("--retries",),
        {
            "type": click.IntRange(0, 10),
            "default": 2,
            "show_default": True,
            "help": "Retries after a network error, 429 or 5xx (with backoff).",
        },
    ),
    (
        ("--no-cache",),
        {
            "is_flag": True,
            "help": "Neither send nor store ETags (the cache is "
            ".cache/clientgen/live/ next to pyproject.toml).",
        },
    ),
]


def live_options(f: Callable[..., Any]) -> Callable[..., Any]:
    for decls, kwargs in reversed(_LIVE_OPTIONS):
        f = click.option(*decls, **kwargs)(f)
    return f


@cli.command("check")
@click.argument("names", nargs=-1)
@click.option("--full", is_flag=True, help="Always re-render (skip the provenance fast path).")
@click.option(
    "--live",
    is_flag=True,
    help="Also compare each target's committed spec with its live_url (exit 1 on drift, 3 if it "
    "cannot be fetched).",
)
@live_options
def check_cmd(
    names: tuple[str, ...],
    full: bool,
    live: bool,
    url: str | None,
    update: bool,
    prose: bool,
    timeout: float,
    retries: int,
    no_cache: bool,
) -> None:
    """Exit 0 when generated/ is exactly what the specs produce, 1 (listing stale files) otherwise."""
    if not live:
        if url or update or prose:
            raise click.UsageError("--url, --update and --prose go with --live")
        _exit(_check_offline(names, full))
        return
    targets, root = _select(names)
    chosen = [t for t in targets if t.live_url or url]
    for t in targets:
        if t not in chosen:
            click.echo(f"{t.name}: no live_url, live check skipped", err=True)
    if url and len(chosen) != 1:
        raise click.UsageError(
            "--url applies to one target: name it, e.g. `clientgen check NAME --live --url …`"
        )
    codes: list[int] = []
    if not update:
        codes.append(_check_offline(names, full))
    if not chosen:
        click.echo(
            "clientgen: no target has a live_url; set one in [tool.clientgen.targets.NAME]",
            err=True,
        )
        codes.append(ExitCode.UNUSABLE)
    for t in chosen:
        codes.append(
            _run_live(
                t,
                root,
                url=url,
                update=update,
                prose=prose,
                timeout=timeout,
                retries=retries,
                cache=not no_cache,
            )
        )
    if update:
        codes.append(_check_offline(names, full))
    _exit(max(codes))


def _check_offline(names: Sequence[str], full: bool) -> ExitCode:
    targets, root = _select(names)
    stale = False
    for target in targets:
        result = check(target, root, full=full)
        report_target(result, "checked", verbose=False)
        for rel in result.diff.stale:
            click.echo(f"  stale: {Path(target.output).name}/{rel}")
        if result.diff.changed:
            click.echo(short_diff(result, Path(target.output)))
        stale = stale or bool(result.diff.stale)
    if stale:
        click.echo("generated code is out of date: run `clientgen generate`", err=True)
        return ExitCode.STALE
    return ExitCode.OK


# ---- fetch --------------------------------------------------------------------------------------
@cli.command("fetch")
@click.argument("target", required=False)
@live_options
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True)
@click.option("-v", "--verbose", is_flag=True, help="List every change.")
def fetch_cmd(
    target: str | None,
    url: str | None,
    update: bool,
    prose: bool,
    timeout: float,
    retries: int,
    no_cache: bool,
    fmt: str,
    verbose: bool,
) -> None:
    """Download TARGET's live spec and compare it with the committed one (semantically).

    Exit 0 no drift (or --update took it), 1 drift, 2 unusable spec/config, 3 could not fetch.
    """
    targets, root = _select((target,) if target else ())
    if len(targets) != 1:
        raise click.UsageError(f"name the target to fetch: {', '.join(t.name for t in targets)}")
    _exit(
        _run_live(
            targets[0],
            root,
            url=url,
            update=update,
            prose=prose,
            timeout=timeout,
            retries=retries,
            cache=not no_cache,
            fmt=fmt,
            verbose=verbose,
        )
    )


def _run_live(
    target: TargetConfig,
    root: Path | None,
    *,
    url: str | None,
    update: bool,
    prose: bool,
    timeout: float,
    retries: int,
    cache: bool,
    fmt: str = "text",
    verbose: bool = False,
) -> ExitCode:
    """Run one live check, print its outcome, return the exit code."""
    from .workflow.fetch import FetchError
    from .workflow.live import NoLiveUrl, live_check
    from .workflow.sides import UNREADABLE, describe

    try:
        result = live_check(
            target,
            root,
            url=url or "",
            prose=prose,
            update=update,
            timeout=timeout,
            retries=retries,
            cache=cache,
        )
    except NoLiveUrl as exc:
        click.echo(f"clientgen: {exc}", err=True)
        return ExitCode.UNUSABLE
    except FetchError as exc:
        click.echo(
            f"clientgen: could not fetch the live spec of {target.name}: {exc.message}", err=True
        )
        if exc.hint:
            click.echo(f"  hint: {exc.hint}", err=True)
        click.echo("Nothing was written.", err=True)
        return ExitCode.FETCH_FAILED
    except (SpecError, *UNREADABLE) as exc:
        why = exc.diagnostic.render() if isinstance(exc, SpecError) else describe(exc)
        click.echo(
            f"clientgen: the committed spec of {target.name} cannot be read: {why}", err=True
        )
        click.echo("Nothing was written.", err=True)
        return ExitCode.UNUSABLE
    print_live(result, prose, fmt, verbose)
    return ExitCode.DRIFT if result.drift and result.generated is None else ExitCode.OK


# ---- diff ---------------------------------------------------------------------------------------
@cli.command("diff")
@click.argument("old", type=click.Path(dir_okay=False))
@click.argument("new", type=click.Path(dir_okay=False))
@click.option(
    "--format",
    "fmt",
    type=FORMATS,
    default="text",
    show_default=True,
    help="text for a terminal or CI log, markdown for a PR comment, json for tools.",
)
@click.option(
    "--target",
    help="Name the generated client after this configured target (default: the "
    "target whose spec is OLD or NEW, else generic names).",
)
@click.option("-v", "--verbose", is_flag=True, help="List every change (no compact groups).")
@click.option(
    "--color/--no-color",
    default=None,
    help="Force colours on or off (default: only on a terminal).",
)
def diff_cmd(
    old: str, new: str, fmt: str, target: str | None, verbose: bool, color: bool | None
) -> None:
    """Report what changed between two specs, for the wire and for the generated Python client.

    Exit 0 when nothing breaks a client, 1 when something does, 2 when a spec cannot be read.
    """
    from .workflow.diff import diff_files
    from .workflow.markdown_json import render_json, render_markdown
    from .workflow.sides import UNREADABLE, describe
    from .workflow.text import render_text

    config = _config_for(Path(old), Path(new), target)
    labels = {Path(old): old, Path(new): new}
    for which, path in (("old", Path(old)), ("new", Path(new))):
        if not path.is_file():
            _fail(f"clientgen diff: the {which} spec {labels[path]} does not exist")
    try:
        report = diff_files(Path(old), Path(new), config, old_label=old, new_label=new)
    except SpecError as exc:
        which = "old" if Path(exc.diagnostic.file or "").resolve() == Path(old).resolve() else "new"
        _fail(f"clientgen diff: cannot read the {which} spec:\n  {exc.diagnostic.render()}")
    except UNREADABLE as exc:
        _fail(f"clientgen diff: a spec has a structure clientgen cannot read ({describe(exc)})")
    if fmt == "json":
        click.echo(render_json(report))
    elif fmt == "markdown":
        click.echo(render_markdown(report), color=False)
    else:
        click.echo(render_text(report, verbose=verbose), color=color)
    _exit(report.exit_code())


def _config_for(old: Path, new: Path, name: str | None) -> TargetConfig:
    """--target's configuration, else the target whose spec is OLD or NEW, else generic names."""
    from .config import find_project_file, load_targets
    from .workflow.sides import default_config

    project = find_project_file(Path.cwd())
    if name is not None:
        if project is None:
            raise click.UsageError(
                "--target needs a pyproject.toml with [tool.clientgen] here or above"
            )
        targets = {t.name: t for t in load_targets(project)}
        if name not in targets:
            raise click.UsageError(
                f"unknown target {name!r}; configured: {', '.join(targets) or 'none'}"
            )
        return targets[name]
    if project is not None:
        try:
            targets_list = load_targets(project)
        except SpecError:
            targets_list = []
        wanted = {old.resolve(), new.resolve()}
        for t in targets_list:
            if Path(t.spec).resolve() in wanted:
                return t
    return default_config(new)


def _fail(message: str) -> None:
    click.echo(message, err=True)
    sys.exit(ExitCode.UNUSABLE)


# ---- entry point --------------------------------------------------------------------------------
def main() -> None:
    try:
        cli.main(standalone_mode=False)
    except SpecError as exc:
        click.echo(f"clientgen: {exc.diagnostic.render()}", err=True)
        click.echo("Nothing was written.", err=True)
        sys.exit(ExitCode.UNUSABLE)
    except click.exceptions.Abort:
        sys.exit(ExitCode.INTERRUPTED)
    except click.ClickException as exc:
        exc.show()
        sys.exit(ExitCode.UNUSABLE if exc.exit_code == 2 else exc.exit_code)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        sys.exit(ExitCode.INTERRUPTED)
