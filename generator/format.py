"""Format emitted code with the pinned ruff binary from the ruff package and our own config."""

from __future__ import annotations

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
    fmt = subprocess.run(
        [ruff_binary(), "format", "--quiet", "--no-cache", "--config", str(CONFIG), "."],
        cwd=root,
        check=False,
        capture_output=True,
        text=True,
    )
    if fmt.returncode != 0:
        raise fatal(
            "format-failed",
            f"ruff could not format the generated code: {_first_line(fmt.stderr)}",
            hint="this is a clientgen bug (the emitted code does not parse); please report it",
        )


def _first_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    return " / ".join(lines[:3]) if lines else "no output"
