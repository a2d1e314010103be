"""`mypy --strict` over generated code and programs that use it, as the tests run it: a fresh
cache in the test's folder, no incremental state, the package's `src` on MYPYPATH."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def mypy_strict(
    tmp_path: Path, src: Path, *paths: Path, extra: tuple[str, ...] = ()
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-incremental",
            *extra,
            "--cache-dir",
            str(tmp_path / "cache"),
            *(str(p) for p in paths),
        ],
        check=False,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=600,
        env={"MYPYPATH": str(src), "PATH": ""},
    )
