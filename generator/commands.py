"""Command line: every `clientgen` command is declared here (`cli.main` runs them, after asking
`quick.py` for the answers that need no click); the work is done by library functions.

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
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import click

from . import quick
from .cli_support import (
    CommandFailed,
    config_for,
    download,
    exit_with,
    fail,
    live_options,
    read_spec,
    relative,
    select,
    write_version,
)
from .console import TerminalProgress, print_live, report_target, short_diff
from .diagnostics import SpecError
from .exitcode import ExitCode
from .quick import writes
from .version import __version__

if TYPE_CHECKING:
    from .config import TargetConfig
    from .pipeline import TargetResult

FORMATS = click.Choice(["text", "json", "markdown"])


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
    help="Output folder (ad-hoc mode: NAMES is one spec file or http(s) URL).",
)
@click.option("--package", help="Python package name (ad-hoc mode).")
@click.option("--client-name", help="Client class name (ad-hoc mode).")
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False),
    help="TOML file holding one target table: the keys of docs/configuration.md (ad-hoc mode).",
)
@click.option("--strict", is_flag=True, help="Exit 1 when the spec produced warnings.")
@click.option(
    "--full", is_flag=True, help="Always render (skip the provenance answer when nothing changed)."
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=30.0,
    show_default=True,
    help="Seconds to wait for a spec given as a URL.",
)
@click.option(
    "-v", "--verbose", is_flag=True, help="Print every diagnostic and every file written."
)
@click.option("-q", "--quiet", is_flag=True, help="Print only errors (no summary, no warnings).")
@click.pass_obj
def generate_cmd(
    quick_tried: object,
    names: tuple[str, ...],
    output: str | None,
    package: str | None,
    client_name: str | None,
    config_file: str | None,
    strict: bool,
    full: bool,
    timeout: float,
    verbose: bool,
    quiet: bool,
) -> None:
    """Regenerate the configured targets (all by default), or one spec (a file or a URL) with -o."""
    tried = isinstance(quick_tried, dict)  # `quick.answer` tried this command line first
    answered: dict[str, TargetResult] = quick_tried if isinstance(quick_tried, dict) else {}
    if output is None and config_file is None and not full and not tried:
        # nothing changed (answered from provenance) or only prose (regenerated from the stage
        # cache): through the configuration's cached reading, without pydantic
        answers = quick.answered(names, "generated", answered)
        if answers is not None:
            for result in answers:
                report_target(result, "generated", verbose, quiet)
            if strict and any(result.diagnostics for result in answers):
                exit_with(ExitCode.WARNINGS)
            return
    from .config import adhoc_target
    from .pipeline import generate
    from .target_cache import remember

    root: Path | None
    source = ""
    if output is not None:
        if len(names) != 1:
            raise click.UsageError("with -o/--output give exactly one spec file or URL")
        spec = names[0]
        if spec.startswith(("http://", "https://")):
            source, spec = spec, download(spec, timeout)
        targets = [adhoc_target(spec, output, package, client_name, config_file, live_url=source)]
        root = None
    else:
        if config_file is not None:
            raise click.UsageError(
                "--config is for one spec with -o; configured targets are read from pyproject.toml"
            )
        targets, root = select(names)
    warned = False
    done: list[str] = []
    for target in targets:
        progress = TerminalProgress(target.name, enabled=False if quiet else None)
        try:
            result = answered.get(target.name) or generate(
                target, root, progress=progress, source=source, full=full
            )
        except SpecError as exc:
            progress.clear()
            before = f" ({', '.join(done)} generated before it)" if done else ""
            raise CommandFailed(
                exc, f"Nothing was written for {target.name}{before}." if done else ""
            ) from None
        progress.clear()
        report_target(result, "generated", verbose, quiet)
        done.append(target.name)
        warned = warned or bool(result.diagnostics)
    if root is not None:
        remember(root)  # the next no-op generate or check reads the configuration from here
    if strict and warned:
        exit_with(ExitCode.WARNINGS)


# ---- init ---------------------------------------------------------------------------------------
@cli.command("init")
@click.argument("spec")
@click.option("--name", help="Target name (default: from the spec's title).")
@click.option("-o", "--output", help="Output folder (default: generated/NAME).")
@click.option("--package", help="Python package name (default: NAME).")
@click.option("--client-name", help="Client class name (default: from the package name).")
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=30.0,
    show_default=True,
    help="Seconds to wait for a spec given as a URL.",
)
def init_cmd(
    spec: str,
    name: str | None,
    output: str | None,
    package: str | None,
    client_name: str | None,
    timeout: float,
) -> None:
    """Add a starter [tool.clientgen.targets.NAME] table for SPEC to ./pyproject.toml.

    SPEC is a spec file, or an http(s) URL: then it is downloaded to specs/NAME/ and becomes the
    target's live_url. An existing table or file content is never changed; pyproject.toml is created
    when there is none.
    """
    from .load import parse_text
    from .project_edit import add_target, starter

    here = Path.cwd()
    pyproject = here / "pyproject.toml"
    url = spec if spec.startswith(("http://", "https://")) else ""
    body = Path(download(url, timeout)).read_bytes() if url else read_spec(spec)
    try:
        info = parse_text(body.decode("utf-8-sig"), spec).get("info")
    except (SpecError, UnicodeDecodeError):
        info = None
    title = str(info.get("title", "")) if isinstance(info, dict) else ""
    key = name or title or (Path(spec).stem if not url else "api")
    plan = starter(
        key, "", output=output or "", package=package or "", client_name=client_name or ""
    )
    if url:
        suffix = ".json" if body.lstrip()[:1] == b"{" else ".yaml"
        local = Path("specs") / plan.name / f"openapi{suffix}"
        plan = replace(plan, spec=local.as_posix(), live_url=url)
    else:
        plan = replace(plan, spec=relative(Path(spec), here))
    existed = pyproject.is_file()
    try:
        add_target(pyproject, plan)
    except SpecError as exc:
        raise CommandFailed(exc, f"{pyproject.name} was not changed.") from None
    verb = "added" if existed else "created pyproject.toml with"
    click.echo(f"{verb} [tool.clientgen.targets.{plan.name}]")
    if url:
        target_spec = here / plan.spec
        if target_spec.exists():
            click.echo(f"kept the existing {plan.spec} (not replaced by the download)")
        else:
            target_spec.parent.mkdir(parents=True, exist_ok=True)
            target_spec.write_bytes(body)
            click.echo(f"wrote {plan.spec} (downloaded from {url})")
    click.echo(f"next: clientgen generate {plan.name}")


# ---- check [--live] -----------------------------------------------------------------------------
@cli.command("check")
@click.argument("names", nargs=-1)
@click.option("--full", is_flag=True, help="Always re-render (skip the provenance fast path).")
@click.option(
    "-v", "--verbose", is_flag=True, help="Print every diagnostic and every user file kept."
)
@click.option(
    "-q", "--quiet", is_flag=True, help="Print only what is stale and errors (no summary)."
)
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
    verbose: bool,
    quiet: bool,
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
        exit_with(_check_offline(names, full, verbose, quiet))
        return
    targets, root = select(names)
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
        codes.append(_check_offline(names, full, verbose, quiet))
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
        codes.append(_check_offline(names, full, verbose, quiet))
    exit_with(max(codes))


def _check_offline(names: Sequence[str], full: bool, verbose: bool, quiet: bool) -> ExitCode:
    if not full:
        answers = quick.answered(names, "checked")
        if answers is not None:  # up to date: answered from provenance without pydantic
            for result in answers:
                report_target(result, "checked", verbose, quiet)
            return ExitCode.OK
    from .pipeline import check

    targets, root = select(names)
    stale = False
    for target in targets:
        progress = TerminalProgress(target.name, enabled=False if quiet else None)
        try:
            result = check(target, root, full=full, progress=progress)
        except SpecError as exc:
            progress.clear()
            raise CommandFailed(
                exc, f"{target.name}: not checked (check writes nothing; fix the input and rerun)."
            ) from None
        progress.clear()
        report_target(result, "checked", verbose, quiet)
        for rel in result.diff.stale:
            click.echo(f"  stale: {Path(target.output).name}/{rel}")
        if result.diff.changed and not quiet:
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
    targets, root = select((target,) if target else ())
    if len(targets) != 1:
        raise click.UsageError(f"name the target to fetch: {', '.join(t.name for t in targets)}")
    exit_with(
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
    except SpecError as exc:
        if exc.diagnostic.code.startswith(("output-", "bad-output")):  # writing the package failed
            click.echo(f"clientgen: {exc.diagnostic.render()}", err=True)
            click.echo(f"Nothing was written; {target.spec} is as it was.", err=True)
            return ExitCode.UNUSABLE
        click.echo(
            f"clientgen: the committed spec of {target.name} cannot be read: "
            f"{exc.diagnostic.render()}",
            err=True,
        )
        click.echo("Nothing was written.", err=True)
        return ExitCode.UNUSABLE
    except UNREADABLE as exc:
        click.echo(
            f"clientgen: the committed spec of {target.name} cannot be read: {describe(exc)}",
            err=True,
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
@click.option(
    "--old-config",
    type=click.Path(dir_okay=False, exists=True),
    help="The configuration OLD was generated with, if another: a pyproject.toml (the same target) "
    "or a file with one target table. Renames it made show as changes.",
)
@click.option("-v", "--verbose", is_flag=True, help="List every change (no compact groups).")
@click.option(
    "--color/--no-color",
    default=None,
    help="Force colours on or off (default: only on a terminal).",
)
@click.option(
    "--apply-version",
    is_flag=True,
    help="Write the suggested version into the target's package_version in pyproject.toml.",
)
def diff_cmd(
    old: str,
    new: str,
    fmt: str,
    target: str | None,
    old_config: str | None,
    verbose: bool,
    color: bool | None,
    apply_version: bool,
) -> None:
    """Report what changed between two specs, for the wire and for the generated Python client.

    Exit 0 when nothing breaks a client, 1 when something does, 2 when a spec cannot be read.
    """
    from .config import config_as_of
    from .workflow.diff import diff_files
    from .workflow.markdown_json import render_json, render_markdown
    from .workflow.sides import UNREADABLE, describe
    from .workflow.text import render_text

    config, project = config_for(Path(old), Path(new), target)
    if apply_version and project is None:
        raise click.UsageError(
            "--apply-version needs a configured target: name it with --target, or diff the "
            "spec file of a target in [tool.clientgen.targets]"
        )
    labels = {Path(old): old, Path(new): new}
    for which, path in (("old", Path(old)), ("new", Path(new))):
        if not path.is_file():
            fail(f"clientgen diff: the {which} spec {labels[path]} does not exist")
    try:
        before = config_as_of(config, Path(old_config)) if old_config else None
        report = diff_files(
            Path(old), Path(new), config, old_label=old, new_label=new, old_config=before
        )
    except SpecError as exc:
        which = "old" if Path(exc.diagnostic.file or "").resolve() == Path(old).resolve() else "new"
        fail(f"clientgen diff: cannot read the {which} spec:\n  {exc.diagnostic.render()}")
    except UNREADABLE as exc:
        fail(f"clientgen diff: a spec has a structure clientgen cannot read ({describe(exc)})")
    if fmt == "json":
        click.echo(render_json(report))
    elif fmt == "markdown":
        click.echo(render_markdown(report), color=False)
    else:
        click.echo(render_text(report, verbose=verbose), color=color)
    if apply_version and project is not None:
        write_version(report.semver(), config, project, err=fmt != "text")
    exit_with(report.exit_code())


# ---- entry point (`cli.main`) ------------------------------------------------------------------
def run(tried: dict[str, TargetResult] | None = None, args: list[str] | None = None) -> None:
    """Run the command line (`args`, default: `sys.argv[1:]`). `tried`: `quick.answer` tried it
    first (`generate`: the targets it regenerated, which the command reports and does not redo)."""
    try:
        cli.main(args, standalone_mode=False, obj=tried)
    except CommandFailed as exc:
        click.echo(f"clientgen: {exc.error.diagnostic.render()}", err=True)
        click.echo(exc.note or "Nothing was written.", err=True)
        sys.exit(ExitCode.UNUSABLE)
    except SpecError as exc:  # a configuration or spec error before anything was written
        click.echo(f"clientgen: {exc.diagnostic.render()}", err=True)
        if writes(sys.argv[1:]):
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
