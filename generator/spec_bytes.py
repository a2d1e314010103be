"""Reading a spec file's bytes, bounded (`load.py` and the stage cache's replay, which needs no YAML)."""

from __future__ import annotations

import stat
from pathlib import Path

from .diagnostics import fatal

MAX_SPEC_BYTES = 256 * 1024 * 1024
MAX_NODES = 10_000_000  # after expanding YAML aliases; a "billion laughs" document stops here


def read_bytes(path: Path, limit: int | None = None) -> bytes:
    """The bytes of a regular file of at most `limit` bytes (default `MAX_SPEC_BYTES`). A device, FIFO
    or folder is refused before it is opened (reading /dev/zero would never end)."""
    file = str(path)
    limit = MAX_SPEC_BYTES if limit is None else limit
    try:
        info = path.stat()
    except FileNotFoundError:
        raise fatal(
            "file-not-found",
            f"spec file {file} does not exist",
            file=file,
            hint="check the path (relative paths are taken from the current directory)",
        ) from None
    except OSError as exc:
        raise fatal("unreadable", f"cannot read {file}: {exc.strerror or exc}", file=file) from None
    if stat.S_ISDIR(info.st_mode):
        raise fatal("not-a-file", f"{file} is a directory, not a spec file", file=file)
    if not stat.S_ISREG(info.st_mode):
        raise fatal(
            "not-a-file",
            f"{file} is not a regular file (a device, FIFO or socket); clientgen reads only files",
            file=file,
        )
    if info.st_size > limit:
        raise fatal(
            "too-large", f"spec file is {info.st_size} bytes; the limit is {limit}", file=file
        )
    try:
        with path.open("rb") as f:
            raw = f.read(limit + 1)
    except OSError as exc:
        raise fatal("unreadable", f"cannot read {file}: {exc.strerror or exc}", file=file) from None
    if len(raw) > limit:
        raise fatal("too-large", f"spec file is over the limit of {limit} bytes", file=file)
    return raw
