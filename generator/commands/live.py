"""`clientgen fetch`, and the live check it shares with `clientgen check --live` (`run_live`):
download a target's live spec, compare it with the committed one, --update takes it
(`workflow.live.live_check`); the outcome is printed by `console.print_live`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..console import print_live
from ..diagnostics import SpecError
from ..exitcode import ExitCode
from .support import FORMATS, exit_with, live_options, select

if TYPE_CHECKING:
    from ..config import TargetConfig


@click.command("fetch")
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
        run_live(
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


def run_live(
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
    from ..workflow.fetch import FetchError
    from ..workflow.live import NoLiveUrl, live_check
    from ..workflow.sides import UNREADABLE, describe

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
