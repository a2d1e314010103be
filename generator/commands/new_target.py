"""`clientgen init`: add a starter `[tool.clientgen.targets.NAME]` table for a spec (a file or a
URL, then downloaded to specs/NAME/) to ./pyproject.toml (`project_edit`)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import click

from ..diagnostics import SpecError
from .support import CommandFailed, download, read_spec, relative, spec_timeout


@click.command("init")
@click.argument("spec")
@click.option("--name", help="Target name (default: from the spec's title).")
@click.option("-o", "--output", help="Output folder (default: generated/NAME).")
@click.option("--package", help="Python package name (default: NAME).")
@click.option("--client-name", help="Client class name (default: from the package name).")
@spec_timeout
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
    from ..load import parse_text
    from ..project_edit import add_target, starter

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
