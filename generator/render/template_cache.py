"""Compiled templates kept between runs, the way Python keeps its own bytecode (issue 18).

Compiling the package templates costs about 0.15 s of every generation; loading their compiled code
costs under 0.01 s. Jinja's bytecode cache stores, per template, the code object our code generator
(`environment.py`) made from it, with the SHA-1 of the template's source: an edited template is
compiled again. What else determines that code is part of the folder's name — a digest of Jinja's
version and of the two modules that generate the code (`environment.py`, `contexts.py`) — so a
changed generator never loads code compiled by another; Jinja's own header carries its format and
Python's version. The folder is where Python puts the generator's bytecode: `__pycache__/` beside the
templates, or below `sys.pycache_prefix` (PYTHONPYCACHEPREFIX). Like Python, nothing is written when
`sys.dont_write_bytecode` is set (PYTHONDONTWRITEBYTECODE) — what is there is still read — and
`CLIENTGEN_CACHE=off` neither reads nor writes. A folder that cannot be written, or a damaged file,
is a cache miss: the template is compiled as it would be without the cache.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sys
import tempfile
from pathlib import Path

import jinja2
from jinja2.bccache import Bucket

from ..cache_files import caches_off
from ..paths import templates_dir

_CODE_GENERATOR = ("environment.py", "contexts.py")


def cache_folder(templates: Path) -> Path:
    """Where the compiled templates of `templates` go: its `__pycache__`, or the same place below
    `sys.pycache_prefix`, in a folder named after what the compiled code depends on."""
    digest = hashlib.sha256(jinja2.__version__.encode())
    here = Path(__file__).resolve().parent
    for name in _CODE_GENERATOR:
        digest.update(b"\0" + (here / name).read_bytes())
    leaf = f"jinja-{digest.hexdigest()[:20]}"
    templates = templates.resolve()
    if sys.pycache_prefix:
        return Path(sys.pycache_prefix, *templates.parts[1:], leaf)
    return templates / "__pycache__" / leaf


class TemplateCache(jinja2.BytecodeCache):
    """Jinja's file cache, with every failure a miss (never an error) and writes only where Python
    would write bytecode."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _file(self, bucket: Bucket) -> Path:
        return self.folder / f"{bucket.key}.cache"

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            with open(self._file(bucket), "rb") as f:
                bucket.load_bytecode(f)
        except OSError:
            return
        except Exception:  # noqa: BLE001 - a damaged file: compiled again
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        if sys.dont_write_bytecode:
            return
        target = self._file(bucket)
        tmp = ""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=target.name, suffix=".tmp")
            with os.fdopen(fd, "wb") as f:
                bucket.write_bytecode(f)
            os.replace(tmp, target)  # readers see the old file or the whole new one
        except OSError:
            if tmp:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)


def template_cache() -> TemplateCache | None:
    """The cache for the package templates, or None (`CLIENTGEN_CACHE=off`)."""
    if caches_off():
        return None
    try:
        return TemplateCache(cache_folder(templates_dir()))
    except OSError:
        return None
