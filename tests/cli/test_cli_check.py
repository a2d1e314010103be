"""`clientgen check` on a project: exit codes, stale-file list and a short diff; the fast path."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_reports_stale_files_with_a_short_diff(pets_project: Path) -> None:
    tmp_path = pets_project
    spec = (tmp_path / "pets.yml").read_text()
    assert run("generate", cwd=tmp_path).returncode == 0
    ok = run("check", cwd=tmp_path)
    assert ok.returncode == 0 and "fast path" in ok.stdout and "0 stale files" in ok.stdout
    (tmp_path / "pets.yml").write_text(
        spec.replace("summary: List pets", "summary: List every pet")
    )
    stale = run("check", cwd=tmp_path)
    assert stale.returncode == 1
    assert "stale: pets/src/pets/resources/pets.py" in stale.stdout
    assert '-        """List pets' in stale.stdout and '+        """List every pet' in stale.stdout
    assert "run `clientgen generate`" in stale.stderr
    pet_module = tmp_path / "generated" / "pets" / "src" / "pets" / "types" / "pet.py"
    before = pet_module.stat().st_mtime_ns
    assert run("generate", cwd=tmp_path).returncode == 0
    assert pet_module.stat().st_mtime_ns == before  # unchanged files are not rewritten
    assert run("check", cwd=tmp_path).returncode == 0
