"""`clientgen check`: is generated/ what the specs produce (`pipeline.check`, or the provenance
answer of `quick.answered`)? With --live also: do the committed specs still match the live ones
(`live.run_live`, as `clientgen fetch`)?"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import click

from .. import quick
from ..console import TerminalProgress, report_target, short_diff
from ..diagnostics import SpecError
from ..exitcode import ExitCode
from .live import run_live
from .support import CommandFailed, exit_with, live_options, select


@click.command("check")
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
            run_live(
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
    from ..pipeline import check

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
