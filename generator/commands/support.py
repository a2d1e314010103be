"""What the commands share: target selection, the exception that carries a spec error to the exit,
spec downloads and reads, the live-spec options and the report formats, the version bump of
`diff --apply-version`.

Plain helpers of the one CLI room (the package `generator/commands/` declares every command);
nothing here is a command."""

from __future__ import annotations

import atexit
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..diagnostics import SpecError
from ..exitcode import ExitCode

if TYPE_CHECKING:
    from ..config import TargetConfig


def select(names: Sequence[str]) -> tuple[list[TargetConfig], Path]:
    from ..config import TargetSelectionError, select_targets  # pydantic: not for the no-op answers

    try:
        return select_targets(names, Path.cwd())
    except TargetSelectionError as exc:
        raise click.UsageError(str(exc)) from None


def exit_with(code: int) -> None:
    if code:
        sys.exit(int(code))


class CommandFailed(Exception):
    """A spec or configuration error, with a true sentence about what the command did not do."""

    def __init__(self, error: SpecError, note: str = "") -> None:
        super().__init__(error.diagnostic.render())
        self.error, self.note = error, note


def download(url: str, timeout: float) -> str:
    """Fetch a spec given as a URL (the same timeout, size bound and HTML detection as `clientgen
    fetch`) into a private temporary folder; the path of the copy."""
    import shutil
    import tempfile

    from ..workflow.fetch import FetchError, fetch_spec

    try:
        fetched = fetch_spec(url, None, timeout=timeout)
    except FetchError as exc:
        click.echo(f"clientgen: could not fetch {url}: {exc.message}", err=True)
        if exc.hint:
            click.echo(f"  hint: {exc.hint}", err=True)
        click.echo("Nothing was written.", err=True)
        sys.exit(ExitCode.FETCH_FAILED)
    folder = tempfile.mkdtemp(prefix="clientgen-spec-")
    atexit.register(shutil.rmtree, folder, True)
    suffix = ".json" if fetched.body.lstrip()[:1] == b"{" else ".yaml"
    path = Path(folder) / f"openapi{suffix}"
    path.write_bytes(fetched.body)
    return str(path)


def read_spec(spec: str) -> bytes:
    try:
        return Path(spec).read_bytes()
    except OSError as exc:
        raise click.UsageError(f"cannot read the spec {spec}: {exc.strerror or exc}") from None


def relative(path: Path, start: Path) -> str:

    return Path(os.path.relpath(path.resolve(), start.resolve())).as_posix()


FORMATS = click.Choice(["text", "json", "markdown"])

spec_timeout = click.option(  # `generate -o URL`, `init URL`
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=30.0,
    show_default=True,
    help="Seconds to wait for a spec given as a URL.",
)

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
            "help": "Seconds the whole download may take (every attempt and pause included).",
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


def write_version(
    suggestion: tuple[str, str], config: TargetConfig, project: Path, err: bool
) -> None:
    from ..project_edit import set_package_version

    bump, version = suggestion
    if bump == "none":
        click.echo(f"{config.name}: no change, package_version left as it is", err=err)
        return
    try:
        previous = set_package_version(project, config.name, version)
    except SpecError as exc:
        raise CommandFailed(exc, f"{project.name} was not changed.") from None
    click.echo(
        f"{config.name}: package_version {previous or '(unset)'} → {version} ({bump}) in "
        f"{project.name}; run `clientgen generate {config.name}`",
        err=err,
    )


def config_for(old: Path, new: Path, name: str | None) -> tuple[TargetConfig, Path | None]:
    """The configured target the comparison is about (see `workflow.targets`), and its pyproject.toml
    (None with generic names)."""
    from ..workflow.targets import TargetLookupError, target_for

    try:
        return target_for(old, new, name, Path.cwd())
    except TargetLookupError as exc:
        raise click.UsageError(str(exc)) from None


def fail(message: str) -> None:
    click.echo(message, err=True)
    sys.exit(ExitCode.UNUSABLE)
