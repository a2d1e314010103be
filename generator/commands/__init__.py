"""Command line: every `clientgen` command is declared in this package (`cli.main` runs them, after
asking `quick.py` for the answers that need no click); the work is done by library functions.

    generate.py    `generate`: the configured targets, or one spec with -o (→ pipeline.py)
    check.py       `check`: is generated/ what the specs produce? (with --live, also live.py)
    live.py        `fetch`: a target's live spec compared, --update takes it (→ workflow/live.py)
    diff.py        `diff`: the change report between two specs (→ workflow/diff.py)
    new_target.py  `init`: a starter target table in pyproject.toml (→ project_edit.py)
    watch.py       `watch`: `generate` again whenever a spec or the configuration changes (→ watch.py)

What the commands share (target selection, spec downloads, the live-spec options, the error that
carries a spec error to the exit) is `support.py`; what they print is `generator/console.py`.

Exit codes are `ExitCode` (generator/exitcode.py): 0 success / up to date; 1 stale output, warnings
under --strict, a breaking change or drift; 2 a spec, the configuration or the command line cannot be
used (a clear message says where and why); 3 a live spec could not be fetched; 130 interrupted.

Heavy modules (the renderer, httpx, the differ) are imported inside the commands that need them:
`clientgen check` (the pre-commit hook) answers from the provenance fast path without them.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from ..diagnostics import SpecError
from ..exitcode import ExitCode
from ..quick import writes
from ..version import __version__
from .check import check_cmd
from .diff import diff_cmd
from .generate import generate_cmd
from .live import fetch_cmd
from .new_target import init_cmd
from .support import CommandFailed
from .watch import watch_cmd

if TYPE_CHECKING:
    from ..pipeline import TargetResult


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="clientgen")
def cli() -> None:
    """Generate typed Python clients from OpenAPI 3.0/3.1 specs."""


for _command in (generate_cmd, init_cmd, check_cmd, fetch_cmd, diff_cmd, watch_cmd):
    cli.add_command(_command)


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
