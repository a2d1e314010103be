"""`clientgen diff`: what changed between two specs, for the wire and for the generated Python
client (`workflow.diff.diff_files`), as text, markdown or json; --apply-version writes the
suggested version into pyproject.toml."""

from __future__ import annotations

from pathlib import Path

import click

from ..diagnostics import SpecError
from .support import FORMATS, config_for, exit_with, fail, write_version


@click.command("diff")
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
    from ..config import config_as_of
    from ..workflow.diff import diff_files
    from ..workflow.markdown_json import render_json, render_markdown
    from ..workflow.sides import UNREADABLE, describe
    from ..workflow.text import render_text

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
