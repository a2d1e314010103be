"""Edits of the project's pyproject.toml: `clientgen init` adds a target table, `clientgen diff
--apply-version` sets a target's package_version. Nothing else in the file changes (comments, order and
formatting are kept), a table that exists is never replaced, and the file is replaced atomically."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from .config import read_toml
from .config_schema import TargetConfig
from .diagnostics import fatal
from .naming import pascal, snake, upper_snake


@dataclass(frozen=True)
class Starter:
    name: str
    spec: str  # relative to the pyproject.toml folder, POSIX
    output: str
    package: str
    client_name: str
    env_prefix: str
    live_url: str = ""


def starter(
    name: str, spec: str, *, output: str = "", package: str = "", client_name: str = ""
) -> Starter:
    """Defaults for a new target called `name` (a TOML bare key: letters, digits, `_`)."""
    key = snake(name) or "api"
    pkg = package or key
    return Starter(
        name=key,
        spec=spec,
        output=output or f"generated/{key}",
        package=pkg,
        client_name=client_name or pascal(pkg) or "Client",
        env_prefix=upper_snake(pkg),
    )


def target_table(s: Starter) -> str:
    from .escape import toml_string as q

    live = (
        f"live_url = {q(s.live_url)}  # `clientgen check --live` compares the spec with it\n"
        if s.live_url
        else '# live_url = "https://…/openapi.yaml"  # where the vendor publishes it (`check --live`)\n'
    )
    return (
        f"[tool.clientgen.targets.{s.name}]\n"
        f"spec = {q(s.spec)}  # the OpenAPI 3.0/3.1 document, YAML or JSON\n"
        f"output = {q(s.output)}  # the package project clientgen writes (it owns this folder)\n"
        f"package = {q(s.package)}  # import name\n"
        f"client_name = {q(s.client_name)}  # {s.client_name} and Async{s.client_name}\n"
        f"env_prefix = {q(s.env_prefix)}  # {s.env_prefix}_API_KEY, {s.env_prefix}_BASE_URL, …\n"
        + live
        + "# Every other key (distribution, package_version, pagination, …): docs/configuration.md\n"
    )


def add_target(pyproject: Path, s: Starter) -> None:
    """Append `[tool.clientgen.targets.NAME]` to `pyproject` (created when absent). Raises SpecError
    when the target exists or the result would not be a valid configuration; then nothing is written."""
    old = pyproject.read_bytes() if pyproject.is_file() else b""
    if old:
        data = read_toml(pyproject)
        targets = data.get("tool", {}).get("clientgen", {}).get("targets", {})
        if isinstance(targets, dict) and s.name in targets:
            raise fatal(
                "bad-config",
                f"{pyproject.name} already has [tool.clientgen.targets.{s.name}]; it was left as is",
                file=str(pyproject),
                hint="choose another name with --name, or edit the table by hand",
            )
    text = old.decode("utf-8")
    if text:  # the existing bytes stay as they are; one blank line before the new table
        text += ("" if text.endswith("\n") else "\n") + "\n"
    new = text + target_table(s)
    try:
        table = tomllib.loads(new)["tool"]["clientgen"]["targets"][s.name]
        TargetConfig.model_validate({"name": s.name, **table})
    except (tomllib.TOMLDecodeError, KeyError, TypeError, ValueError) as exc:
        raise fatal(
            "bad-config",
            f"cannot add [tool.clientgen.targets.{s.name}] to {pyproject.name} ({exc}); "
            "it was left as is",
            file=str(pyproject),
            hint="add the table by hand (see docs/configuration.md)",
        ) from None
    _replace(pyproject, new.encode("utf-8"))


def set_package_version(pyproject: Path, target: str, version: str) -> str:
    """Set `package_version` of `[tool.clientgen.targets.<target>]`; the previous value ("" if none)."""
    import tomlkit

    read_toml(pyproject)  # a syntax error is reported like everywhere else
    doc = tomlkit.parse(pyproject.read_text(encoding="utf-8"))
    try:
        table = doc["tool"]["clientgen"]["targets"][target]
    except (KeyError, TypeError):
        raise fatal(
            "bad-config",
            f"{pyproject.name} has no [tool.clientgen.targets.{target}] table",
            file=str(pyproject),
        ) from None
    previous = str(table.get("package_version", ""))
    table["package_version"] = version
    _replace(pyproject, tomlkit.dumps(doc).encode("utf-8"))
    return previous


def _replace(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.clientgen-tmp")
    try:
        tmp.write_bytes(data)
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o7777)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
