"""Target configuration: `[tool.clientgen.targets.<name>]` tables in pyproject.toml, or CLI flags."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from .config_types import (
    PACKAGE_CLASSES,
    ErrorCodeConfig,
    LinkHelperConfig,
    PageDeclaration,
    PaginationConfig,
    PresignedUploadConfig,
    SessionConfig,
    TargetConfig,
    cheap_target,
    identifier_problem,
)
from .diagnostics import fatal
from .naming import pascal, safe_identifier, snake, upper_snake

__all__ = [
    "PACKAGE_CLASSES",
    "ErrorCodeConfig",
    "LinkHelperConfig",
    "PageDeclaration",
    "PaginationConfig",
    "PresignedUploadConfig",
    "SessionConfig",
    "TargetConfig",
    "identifier_problem",
]


def read_target(data: dict[str, Any], where: str, file: str) -> TargetConfig:
    """The target of the table `data`: read without pydantic when the cheap reader vouches for it,
    otherwise validated by the schema (`config_schema`), which raises the `bad-config` error of the
    first problem (`where` names the table in it)."""
    target = cheap_target(data)
    if target is not None:
        return target
    from .config_schema import validated

    return validated(data, where, file)


def adhoc_target(
    spec: str,
    output: str,
    package: str | None,
    client_name: str | None,
    config_file: str | None = None,
    live_url: str = "",
) -> TargetConfig:
    """The target of `clientgen generate SPEC -o OUT [--package P] [--client-name C] [--config FILE]`.
    A package or client name given on the command line must be valid (a SpecError says why, with a
    suggestion); ones derived from the output folder's name are made valid. FILE holds one target
    table (see `target_file`); the command line's spec, output, package and client name win.
    `live_url`: where SPEC was downloaded from (relative server URLs resolve against it)."""
    for value, what, flag in (
        (package, "package", "--package"),
        (client_name, "class", "--client-name"),
    ):
        problem = identifier_problem(value, what) if value is not None else ""
        if problem:
            raise fatal("bad-name", f"{flag}: {problem}", file="command line")
    table = target_file(Path(config_file)) if config_file else {}
    stem = Path(output).name or Path(spec).stem
    given = table.get("package")
    pkg = package or (given if isinstance(given, str) else safe_identifier(snake(stem), "client"))
    data = {
        "client_name": _derived_client_name(pkg),
        "env_prefix": upper_snake(pkg) or "CLIENT",
        **table,
        "name": pkg,
        "spec": spec,
        "output": output,
        "package": pkg,
        "live_url": live_url or table.get("live_url", ""),
    }
    if client_name:
        data["client_name"] = client_name
    where = f"--config {config_file}" if config_file else "command line"
    return read_target(data, where, config_file or "")


def config_as_of(base: TargetConfig, path: Path) -> TargetConfig:
    """`base` as another configuration file has it (`clientgen diff --old-config FILE`): the table of the
    same target in a pyproject.toml (e.g. `git show main:pyproject.toml`), or the one target table of
    FILE (see `target_file`); the spec and output folder stay `base`'s."""
    data = read_toml(path)
    tables = data.get("tool", {}).get("clientgen", {}).get("targets")
    if isinstance(tables, dict) and base.name in tables:
        table = {k: v for k, v in tables[base.name].items() if k not in ("name", "spec", "output")}
    else:
        table = target_file(path)
    keep = {"name": base.name, "spec": base.spec, "output": base.output}
    defaults = {"package": base.package, "client_name": base.client_name}
    defaults["env_prefix"] = base.env_prefix
    return read_target({**defaults, **table, **keep}, f"--old-config {path}", str(path))


def target_file(path: Path) -> dict[str, Any]:
    """The target table of `--config FILE`: the file's top-level keys (`method_names = {...}`), or its
    one `[tool.clientgen.targets.NAME]` table when it is a pyproject.toml. The spec and output folder
    come from the command line, so the file may not name them."""
    data = read_toml(path)
    targets = data.get("tool", {}).get("clientgen", {}).get("targets")
    if isinstance(targets, dict):
        if len(targets) != 1:
            raise fatal(
                "bad-config",
                f"{path.name} configures {len(targets)} targets ({', '.join(targets) or 'none'}); "
                "--config takes a file with one target table",
                file=str(path),
                hint="write the keys of one target at the top level of a file of their own",
            )
        data = dict(next(iter(targets.values())))
    given = sorted(k for k in ("name", "spec", "output") if k in data)
    if given:
        raise fatal(
            "bad-config",
            f"{path.name} sets {', '.join(given)}: with --config the spec and the output folder "
            "come from the command line (`clientgen generate SPEC -o OUT --config FILE`)",
            file=str(path),
            hint=f"remove {', '.join(given)} from {path.name}",
        )
    return data


def _derived_client_name(package: str) -> str:
    name = pascal(package) or "Client"
    return name + "Client" if name in PACKAGE_CLASSES or f"Async{name}" in PACKAGE_CLASSES else name


def find_project_file(start: Path) -> Path | None:
    """The nearest pyproject.toml with a [tool.clientgen] table, in `start` or above. A pyproject.toml
    on the way that is not valid TOML is an error (it may be the one meant), never skipped."""
    for folder in [start, *start.parents]:
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            data = read_toml(candidate)
            if "clientgen" in data.get("tool", {}):
                return candidate
    return None


def read_toml(path: Path) -> dict[str, Any]:
    """A TOML file's data; a syntax error is one clear `bad-config` error with its line and column."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise fatal("bad-config", f"cannot read {path}: {exc}", file=str(path)) from None
    import tomllib  # (only where a file is read: not on `generate SPEC -o OUT`'s path)

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise fatal(
            "bad-config",
            f"{path.name} is not valid TOML: {exc}",
            file=str(path),
            hint="fix the TOML syntax at that line and column",
        ) from None


class TargetSelectionError(Exception):
    """No project, or a target name that is not configured (the CLI reports it as a usage error)."""


def select_targets(names: Sequence[str], start: Path) -> tuple[list[TargetConfig], Path]:
    """The configured targets named (all of them when `names` is empty), and the project folder.

    The project is the nearest pyproject.toml with a [tool.clientgen] table in `start` or above."""
    project = find_project_file(start)
    if project is None:
        raise TargetSelectionError(
            "no [tool.clientgen] table in a pyproject.toml here or above; "
            "use `clientgen generate SPEC -o OUT` for a single spec"
        )
    targets = load_targets(project)
    if names:
        known = {t.name: t for t in targets}
        missing = [n for n in names if n not in known]
        if missing:
            raise TargetSelectionError(
                f"unknown target(s) {', '.join(missing)}; configured: {', '.join(known)}"
            )
        targets = [known[n] for n in names]
    return targets, project.parent


def load_targets(project_file: Path) -> list[TargetConfig]:
    """Targets from `[tool.clientgen.targets.<name>]`; paths are relative to the project file."""
    return targets_from(read_toml(project_file), project_file)


def targets_from(data: dict[str, Any], project_file: Path) -> list[TargetConfig]:
    """`load_targets` of the project file's parsed TOML `data`."""
    tables = data.get("tool", {}).get("clientgen", {}).get("targets", {})
    root = project_file.parent
    targets = []
    for name, table in tables.items():
        where = f"[tool.clientgen.targets.{name}]"
        cfg = read_target({"name": name, **table}, where, str(project_file))
        spec, output = str((root / cfg.spec).resolve()), str((root / cfg.output).resolve())
        targets.append(replace(cfg, spec=spec, output=output))
    return targets
