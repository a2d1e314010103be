"""Where clientgen's caches live: below `.cache/clientgen/` of the project, one file per output folder
and kind (modules, trees, validation), named by a hash of the folder's path. No project or
`CLIENTGEN_CACHE=off` means no cache file at all; deleting any of them costs only speed."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

ROOT = Path(".cache") / "clientgen"  # below the project root


def caches_off() -> bool:
    return os.environ.get("CLIENTGEN_CACHE", "").lower() in ("off", "0", "no")


def cache_file(root: Path | None, out: Path, kind: str, suffix: str) -> Path | None:
    """The `kind` cache file of output folder `out` in the project at `root` (None when off)."""
    if root is None or caches_off():
        return None
    try:
        slot = out.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        slot = out.resolve().as_posix()
    return root / ROOT / kind / f"{hashlib.sha256(slot.encode()).hexdigest()[:32]}{suffix}"
