"""`clientgen diff`, `clientgen fetch` and `clientgen check --live` (installed on the existing command).

Exit codes: 0 nothing breaks / no drift; 1 something breaks a client (diff) or the live spec drifted
(fetch, check --live) or generated/ is stale (check); 2 a spec or the configuration cannot be used;
3 the live spec could not be fetched (offline, HTTP error, HTML page, truncated or invalid document).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..config import TargetConfig
from ..diagnostics import SpecError
from .changes import EXIT_BREAKING, EXIT_FETCH, EXIT_OK, EXIT_UNREADABLE, Level

if TYPE_CHECKING:
    from .live import LiveResult

# The comparison, HTTP and report modules are imported inside the commands: `clientgen check` (the
# pre-commit hook) starts without paying for httpx and the differ.

FORMATS = click.Choice(["text", "json", "markdown"])


def _emit(text: str, color: bool | None = None, err: bool = False) -> None:
    click.echo(text, color=color, err=err)


# ---- diff -------------------------------------------------------------------------------------
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
    from .diff import diff_files
    from .markdown_json import render_json, render_markdown
    from .sides import UNREADABLE, describe
    from .text import render_text

    config = _config_for(Path(old), Path(new), target)
    labels = {Path(old): old, Path(new): new}
    for which, path in (("old", Path(old)), ("new", Path(new))):
        if not path.is_file():
            _fail(
                f"clientgen diff: the {which} spec {labels[path]} does not exist", EXIT_UNREADABLE
            )
    try:
        report = diff_files(Path(old), Path(new), config, old_label=old, new_label=new)
    except SpecError as exc:
        which = "old" if Path(exc.diagnostic.file or "").resolve() == Path(old).resolve() else "new"
        _fail(
            f"clientgen diff: cannot read the {which} spec:\n  {exc.diagnostic.render()}",
            EXIT_UNREADABLE,
        )
    except UNREADABLE as exc:
        _fail(
            f"clientgen diff: a spec has a structure clientgen cannot read ({describe(exc)})",
            EXIT_UNREADABLE,
        )
    if fmt == "json":
        _emit(render_json(report))
    elif fmt == "markdown":
        _emit(render_markdown(report), color=False)
    else:
        _emit(render_text(report, verbose=verbose), color=color)
    sys.exit(report.exit_code())


def _config_for(old: Path, new: Path, name: str | None) -> TargetConfig:
    from .targets import TargetLookupError, target_for

    try:
        return target_for(old, new, name, Path.cwd())[0]
    except TargetLookupError as exc:
        raise click.UsageError(str(exc)) from None


def _fail(message: str, code: int) -> None:
    click.echo(message, err=True)
    sys.exit(code)


# ---- fetch and check --live ---------------------------------------------------------------------
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


def _live_params() -> list[click.Option]:
    return [click.Option(list(decls), **kwargs) for decls, kwargs in _LIVE_OPTIONS]


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
    from ..cli import _project

    targets, root = _project((target,) if target else ())
    if len(targets) != 1:
        raise click.UsageError(f"name the target to fetch: {', '.join(t.name for t in targets)}")
    sys.exit(
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
) -> int:
    """Run one live check, print its outcome, return the exit code."""
    from .fetch import FetchError
    from .live import NoLiveUrl, live_check
    from .sides import UNREADABLE, describe

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
        return EXIT_UNREADABLE
    except FetchError as exc:
        click.echo(
            f"clientgen: could not fetch the live spec of {target.name}: {exc.message}", err=True
        )
        if exc.hint:
            click.echo(f"  hint: {exc.hint}", err=True)
        click.echo("Nothing was written.", err=True)
        return EXIT_FETCH
    except (SpecError, *UNREADABLE) as exc:
        why = exc.diagnostic.render() if isinstance(exc, SpecError) else describe(exc)
        click.echo(
            f"clientgen: the committed spec of {target.name} cannot be read: {why}", err=True
        )
        click.echo("Nothing was written.", err=True)
        return EXIT_UNREADABLE
    _print_live(result, prose, fmt, verbose)
    return EXIT_BREAKING if result.drift and result.generated is None else EXIT_OK


def _print_live(result: LiveResult, prose: bool, fmt: str, verbose: bool) -> None:
    from .markdown_json import render_json, render_markdown
    from .text import render_text

    name, report, url = result.target.name, result.report, result.fetched.url
    status_err = fmt != "text"  # keep stdout a clean JSON/Markdown document
    how = "not modified since the last fetch" if result.fetched.not_modified else "downloaded"
    docs = len(report.of(Level.PROSE))
    if not result.drift:
        note = (
            f"; {docs} documentation-only changes not counted (--prose counts them)"
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
            f"({len(g.diff.added) + len(g.diff.changed)} files written, {len(g.diff.removed)} removed)",
            err=status_err,
        )
    elif result.drift:
        click.echo(
            f"Take it with `clientgen fetch {name} --update` (writes the spec and regenerates).",
            err=True,
        )


def install_live_check(check_cmd: click.Command) -> None:
    """Add --live (and its options) to the existing `clientgen check` command."""
    original = check_cmd.callback
    assert original is not None
    check_cmd.params.append(
        click.Option(
            ["--live"],
            is_flag=True,
            help="Also compare each target's "
            "committed spec with its live_url (exit 1 on drift, 3 if it "
            "cannot be fetched).",
        )
    )
    check_cmd.params.extend(_live_params())

    def callback(
        names: tuple[str, ...],
        live: bool,
        url: str | None,
        update: bool,
        prose: bool,
        timeout: float,
        retries: int,
        no_cache: bool,
        **rest: Any,
    ) -> None:
        if not live:
            if url or update or prose:
                raise click.UsageError("--url, --update and --prose go with --live")
            original(names=names, **rest)
            return
        from ..cli import _project

        targets, root = _project(names)
        chosen = [t for t in targets if t.live_url or url]
        for t in targets:
            if t not in chosen:
                click.echo(f"{t.name}: no live_url, live check skipped", err=True)
        if url and len(chosen) != 1:
            raise click.UsageError(
                "--url applies to one target: name it, e.g. `clientgen check NAME --live --url …`"
            )
        codes = []
        if not update:
            codes.append(_offline(original, names, rest))
        if not chosen:
            click.echo(
                "clientgen: no target has a live_url; set one in [tool.clientgen.targets.NAME]",
                err=True,
            )
            codes.append(EXIT_UNREADABLE)
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
            codes.append(_offline(original, names, rest))
        code = max(codes)
        if code:
            sys.exit(code)

    check_cmd.callback = callback


def _offline(original: Callable[..., Any], names: tuple[str, ...], rest: dict[str, Any]) -> int:
    try:
        original(names=names, **rest)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else EXIT_BREAKING
    return EXIT_OK
