"""The configuration's cached reading: a project's targets as plain data, for the no-op answers.

`clientgen generate` and `clientgen check` answer from provenance when nothing changed (pipeline
`answer_generate` / `answer_check`). Validating `[tool.clientgen.targets.*]` needs pydantic and the
configuration models, which cost more to import than the answer itself, and the answer needs five
things of a target: its name, spec, output folder, package and configuration hash. `generate` keeps
these (`remember`) in `.cache/clientgen/targets.json` below the project, keyed by the SHA-256 of the
pyproject.toml bytes they were read from and the generator fingerprint (its code, so the validation
rules too). `recall` finds the project as `config.select_targets` does and returns them only when
both keys match; any doubt (no cache, another pyproject.toml, an unknown target name, a file that does
not parse) is None, and the CLI then reads the configuration properly. The spec and output paths are
kept as written and resolved against the project folder at every use, as `load_targets` does. Deleting
the file costs only speed; `CLIENTGEN_CACHE=off` turns it off.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .cache_files import caches_off

if TYPE_CHECKING:
    from .config_types import TargetConfig

FILE = Path(".cache") / "clientgen" / "targets.json"  # below the project root
_VERSION = 2  # 2: the targets' tables kept as well (`configured`)


@dataclass(frozen=True, slots=True)
class CachedTarget:
    """The part of a `TargetConfig` the provenance answers use (`pipeline.Target`)."""

    name: str
    spec: str
    output: str
    package: str
    config_sha256: str

    def digest(self) -> str:
        return self.config_sha256


def _off() -> bool:
    return caches_off()


def _key(data: bytes) -> list[str]:
    from .provenance import generator_fingerprint

    return [hashlib.sha256(data).hexdigest(), generator_fingerprint()]


def remember(root: Path) -> None:
    """Read `root`'s pyproject.toml again (bytes first, so the key is of what was validated) and keep
    its targets; anything that goes wrong means nothing is kept (the cache costs only speed)."""
    if _off():
        return
    import tomllib

    from .config import targets_from

    project_file = root / "pyproject.toml"
    try:
        data = project_file.read_bytes()
        parsed = tomllib.loads(data.decode("utf-8"))
        targets = targets_from(parsed, project_file)
        tables = parsed["tool"]["clientgen"]["targets"]
        entries = [
            [t.name, tables[t.name]["spec"], tables[t.name]["output"], t.package, t.digest()]
            for t in targets
        ]
    except Exception:  # noqa: BLE001 - a configuration error is reported by the command itself
        return
    kept: dict[str, Any] = {"version": _VERSION, "key": _key(data), "targets": entries}
    try:
        if json.loads(json.dumps(tables)) == tables:  # (a TOML date is no JSON value: not kept)
            kept["tables"] = tables
    except (TypeError, ValueError):
        pass
    record = json.dumps(kept) + "\n"
    path = root / FILE
    try:
        if path.is_file() and path.read_bytes() == record.encode():
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_text(record, encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        pass


def recall(names: Sequence[str], start: Path) -> tuple[list[CachedTarget], Path] | None:
    """The targets named (all when `names` is empty) and the project folder, as `select_targets`
    would give them, from the cache; None when the cache cannot answer for certain."""
    if _off():
        return None
    for folder in [start, *start.parents]:
        candidate = folder / "pyproject.toml"
        if not candidate.is_file():
            continue
        try:
            data = candidate.read_bytes()
        except OSError:
            return None
        try:
            cached = json.loads((folder / FILE).read_bytes())
            if cached.get("version") == _VERSION and cached.get("key") == _key(data):
                return _select(cached["targets"], names, folder)
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            pass
        import tomllib  # (only where a pyproject.toml is found: not on `generate SPEC -o OUT`'s)

        try:  # no usable cache here: is this the project (then read it properly) or not?
            tool = tomllib.loads(data.decode("utf-8")).get("tool", {})
        except ValueError:  # not UTF-8, not TOML: the proper reading reports it
            return None
        if not isinstance(tool, dict) or "clientgen" in tool:
            return None
    return None


def configured(name: str, root: Path) -> TargetConfig | None:
    """Target `name` of the project at `root` as `config.select_targets([name], root)` reads it, from
    the tables `remember` kept (parsed from the same pyproject.toml bytes, under the same generator
    fingerprint): a structural replay's shape stage reads the configuration, and parsing the TOML
    again imports `tomllib` (≈ 2 ms). None when the cache cannot answer for certain."""
    if _off():
        return None
    project_file = root / "pyproject.toml"
    try:
        data = project_file.read_bytes()
        cached = json.loads((root / FILE).read_bytes())
        if cached.get("version") != _VERSION or cached.get("key") != _key(data):
            return None
        from .config import targets_from

        parsed = {"tool": {"clientgen": {"targets": cached["tables"]}}}
        found = [t for t in targets_from(parsed, project_file) if t.name == name]
    except Exception:  # noqa: BLE001 - any doubt: the configuration is read properly
        return None
    return found[0] if len(found) == 1 else None


def _select(
    entries: list[list[str]], names: Sequence[str], root: Path
) -> tuple[list[CachedTarget], Path] | None:
    known = {
        name: CachedTarget(
            name, str((root / spec).resolve()), str((root / output).resolve()), package, digest
        )
        for name, spec, output, package, digest in entries
    }
    if any(n not in known for n in names):
        return None  # the proper reading says which name is unknown
    return ([known[n] for n in names] if names else list(known.values())), root
