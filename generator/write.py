"""Materialise a package: render into a staging folder, format, then swap it into place atomically.

The generator writes only inside the output folder (plus a hidden staging sibling that it removes). A
folder that exists, is not empty and was not made by clientgen is never touched. Files whose content did
not change keep their modification time.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from . import provenance
from .diagnostics import fatal
from .format import format_tree
from .paths import HEADER


@dataclass
class TreeDiff:
    changed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0

    @property
    def stale(self) -> list[str]:
        return sorted(self.changed + self.added + self.removed)


def with_header(rel: str, text: str) -> str:
    if rel.endswith((".py", ".toml", ".typed")):
        return f"# {HEADER}\n{text}"
    if rel.endswith(".md"):
        return f"<!-- {HEADER} -->\n{text}"
    return text


def build_tree(files: dict[str, str], prov: provenance.Provenance, staging: Path) -> dict[str, bytes]:
    """Write files (with headers) under `staging`, format them, add GENERATION.toml; return the bytes."""
    for rel, text in files.items():
        path = staging / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(with_header(rel, text), encoding="utf-8", newline="\n")
    format_tree(staging)
    out = {p.relative_to(staging).as_posix(): p.read_bytes() for p in sorted(staging.rglob("*")) if p.is_file()}
    final = dataclasses.replace(prov, tree_sha256=provenance.tree_hash(out))
    text = final.render().encode()
    (staging / provenance.FILE).write_bytes(text)
    out[provenance.FILE] = text
    return out


def read_tree(folder: Path) -> dict[str, bytes]:
    if not folder.is_dir():
        return {}
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and "__pycache__" not in p.parts and ".mypy_cache" not in p.parts}


def diff_trees(new: dict[str, bytes], old: dict[str, bytes]) -> TreeDiff:
    d = TreeDiff()
    for rel, data in new.items():
        if rel not in old:
            d.added.append(rel)
        elif old[rel] != data:
            d.changed.append(rel)
        else:
            d.unchanged += 1
    d.removed = sorted(set(old) - set(new))
    return d


def ensure_ours(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise fatal("output-not-folder", f"output path {out} exists and is not a folder",
                    hint="choose another output folder")
    if out.is_dir() and any(out.iterdir()) and not (out / provenance.FILE).is_file():
        raise fatal("output-not-generated", f"output folder {out} is not empty and was not made by clientgen "
                    f"(no {provenance.FILE}); refusing to overwrite it",
                    hint="choose an empty or new folder, or delete this one yourself")


def write_package(files: dict[str, str], prov: provenance.Provenance, out: Path) -> TreeDiff:
    out = out.resolve()
    ensure_ours(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.clientgen-", dir=out.parent))
    os.chmod(staging, 0o755)
    try:
        new = build_tree(files, prov, staging)
        old = read_tree(out)
        diff = diff_trees(new, old)
        if not diff.stale:
            return diff
        for rel, data in new.items():  # unchanged files keep their mtime
            if old.get(rel) == data:
                st = (out / rel).stat()
                os.utime(staging / rel, ns=(st.st_atime_ns, st.st_mtime_ns))
        _swap(staging, out)
        return diff
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


def _swap(staging: Path, out: Path) -> None:
    if not out.exists():
        os.replace(staging, out)
        return
    backup = out.with_name(f".{out.name}.clientgen-old")
    if backup.exists():
        shutil.rmtree(backup)
    os.replace(out, backup)
    try:
        os.replace(staging, out)
    except OSError:
        os.replace(backup, out)
        raise
    shutil.rmtree(backup, ignore_errors=True)


def render_for_check(files: dict[str, str], prov: provenance.Provenance) -> dict[str, bytes]:
    with tempfile.TemporaryDirectory(prefix="clientgen-check-") as tmp:
        return build_tree(files, prov, Path(tmp))
