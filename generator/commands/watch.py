"""`clientgen watch`: regenerate the configured targets each time their specs or the configuration
change, from a process that keeps the generator's modules imported (`generator/watch.py`)."""

from __future__ import annotations

import click

from ..exitcode import ExitCode
from .support import exit_with


@click.command("watch")
@click.argument("names", nargs=-1)
@click.option(
    "--interval",
    type=click.FloatRange(0.01, 60.0),
    default=0.05,
    show_default=True,
    help="Seconds between two looks at the watched files.",
)
@click.option(
    "--settle",
    type=click.FloatRange(0.0, 10.0),
    default=0.03,
    show_default=True,
    help="Seconds the files must hold still after a change before the regeneration starts.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(1.0, 86400.0),
    default=900.0,
    show_default=True,
    help="Seconds one regeneration may take before it is stopped.",
)
@click.option(
    "--runs",
    type=click.IntRange(1),
    default=None,
    help="Stop after this many regenerations (the first, at start, counts).",
)
@click.option("--strict", is_flag=True, help="Passed to each `generate`.")
@click.option("-v", "--verbose", is_flag=True, help="Passed to each `generate`.")
@click.option("-q", "--quiet", is_flag=True, help="Passed to each `generate`; and no line per run.")
def watch_cmd(
    names: tuple[str, ...],
    interval: float,
    settle: float,
    timeout: float,
    runs: int | None,
    strict: bool,
    verbose: bool,
    quiet: bool,
) -> None:
    """Regenerate the configured targets (all by default) now and whenever their specs or
    pyproject.toml change, until Ctrl-C. Each regeneration is `clientgen generate NAMES` (the same
    output, messages and exit status), run from a process that stays warm."""
    from ..watch import Unusable, say_on_stderr, watch

    flags = [f for f, on in (("--strict", strict), ("-v", verbose), ("-q", quiet)) if on]
    try:
        code = watch(
            names,
            flags,
            interval=interval,
            settle=settle,
            timeout=timeout,
            say=(lambda text: None) if quiet else say_on_stderr,
            runs=runs,
        )
    except Unusable as exc:
        click.echo(f"clientgen: {exc}", err=True)
        exit_with(ExitCode.UNUSABLE)
        return
    exit_with(code)
