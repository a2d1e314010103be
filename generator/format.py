"""Format emitted code with the pinned ruff binary from the ruff package and our own config."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from .diagnostics import fatal

CONFIG = Path(__file__).with_name("ruff_generated.toml")
# what `ruff format` changes in a package: Python modules, and the Python code blocks of Markdown
# files (README.md, api.md). A tree with none of these staged need not be formatted.
FORMATTED = (".py", ".pyi", ".md")


def ruff_binary() -> str:
    from ruff.__main__ import find_ruff_bin

    return str(find_ruff_bin())


def format_tree(root: Path) -> None:
    """`ruff format` over every .py file below `root`. The import blocks are emitted sorted and without
    unused names (`render/imports.py`), so `ruff check --fix` has nothing to do and is not run; a test runs
    `ruff check` over generated trees to keep it so."""
    wait_format(start_format(root))


def start_format(root: Path, *, aside: bool = False) -> subprocess.Popen[str]:
    """`format_tree(root)` started in the background: `wait_format` ends it (`staging.py` formats
    what is staged before the render's last files while they are rendered). `aside`: on one thread
    (this process renders meanwhile: ruff takes the other core, not both)."""
    env = {**os.environ, "RAYON_NUM_THREADS": "1"} if aside else None
    return subprocess.Popen(
        [ruff_binary(), "format", "--quiet", "--no-cache", "--config", str(CONFIG), "."],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def wait_format(fmt: subprocess.Popen[str]) -> None:
    """Wait for a `start_format` run; ruff's failure is the `format-failed` error."""
    try:
        _, stderr = fmt.communicate()
    except BaseException:  # (interrupted: as `subprocess.run` does)
        stop_format(fmt)
        raise
    if fmt.returncode != 0:
        raise fatal(
            "format-failed",
            f"ruff could not format the generated code: {_first_line(stderr)}",
            hint="this is a clientgen bug (the emitted code does not parse); please report it",
        )


def stop_format(fmt: subprocess.Popen[str]) -> None:
    """End a `start_format` run whose result is not wanted (a failure elsewhere), and reap it
    (idempotent: a run already waited for is left as it is)."""
    if fmt.returncode is None:
        fmt.kill()
        fmt.wait()
    for stream in (fmt.stdout, fmt.stderr):
        if stream is not None:
            stream.close()


def _first_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    return " / ".join(lines[:3]) if lines else "no output"
