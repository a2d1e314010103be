"""Provenance recorded in each generated package (GENERATION.toml): no timestamps, only hashes."""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from . import __version__

FILE = "GENERATION.toml"


@cache
def generator_fingerprint() -> str:
    """Hash of the generator's own code, templates and ruff version: the output is a function of these."""
    from .paths import templates_dir

    root = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    tpl = templates_dir()
    # installed as a wheel, the templates live inside the package: count them once, as templates
    files = [
        p
        for p in sorted(root.rglob("*.py")) + sorted(root.rglob("*.toml"))
        if not p.is_relative_to(tpl)
    ]
    files += sorted(
        p for p in tpl.rglob("*") if p.is_file() and p.suffix in (".py", ".jinja", ".typed")
    )
    for path in files:
        rel = path.relative_to(tpl if path.is_relative_to(tpl) else root).as_posix()
        digest.update(rel.encode() + b"\0" + path.read_bytes() + b"\0")

    from importlib.metadata import version

    digest.update(b"ruff " + version("ruff").encode())
    return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class Provenance:
    spec: str
    spec_sha256: str
    config_sha256: str
    generator_version: str
    generator_sha256: str
    tree_sha256: str = ""

    def render(self) -> str:
        return (
            f"# {_header()}\n"
            "# Provenance of this package: regenerating with the same inputs gives byte-identical files.\n"
            f"spec = {_q(self.spec)}\n"
            f"spec_sha256 = {_q(self.spec_sha256)}\n"
            f"config_sha256 = {_q(self.config_sha256)}\n"
            f"generator_version = {_q(self.generator_version)}\n"
            f"generator_sha256 = {_q(self.generator_sha256)}\n"
            f"tree_sha256 = {_q(self.tree_sha256)}\n"
        )

    def same_inputs(self, other: Provenance) -> bool:
        return (self.spec_sha256, self.config_sha256, self.generator_sha256) == (
            other.spec_sha256,
            other.config_sha256,
            other.generator_sha256,
        )


def read(folder: Path) -> Provenance | None:
    try:
        data = tomllib.loads((folder / FILE).read_text(encoding="utf-8"))
        return Provenance(**{k: str(data.get(k, "")) for k in Provenance.__dataclass_fields__})
    except (OSError, tomllib.TOMLDecodeError, TypeError):
        return None


def tree_hash(files: dict[str, bytes]) -> str:
    digest = hashlib.sha256()
    for rel in sorted(files):
        if rel != FILE:
            digest.update(rel.encode() + b"\0" + hashlib.sha256(files[rel]).digest())
    return digest.hexdigest()


def current(spec: str, spec_sha256: str, config_sha256: str) -> Provenance:
    return Provenance(spec, spec_sha256, config_sha256, __version__, generator_fingerprint())


def _q(value: str) -> str:
    from .escape import toml_string

    return toml_string(value)


def _header() -> str:
    from .paths import HEADER

    return HEADER
