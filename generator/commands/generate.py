"""`clientgen generate`: regenerate the configured targets (all by default), or one spec (a file
or a URL) with -o (`pipeline.generate`). A plain `generate` that needs no rendering, or only a
prose-only replay, is answered before this command by `quick.py`; the targets it wrote are reported
here."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from .. import quick
from ..console import TerminalProgress, report_target
from ..diagnostics import SpecError
from ..exitcode import ExitCode
from .support import CommandFailed, download, exit_with, select, spec_timeout

if TYPE_CHECKING:
    from ..pipeline import TargetResult


@click.command("generate")
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
@spec_timeout
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
    from ..config import adhoc_target
    from ..pipeline import generate
    from ..target_cache import remember

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
