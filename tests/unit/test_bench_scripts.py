"""The benchmark scripts that wrap the generator's stages still find them (issue 18).

bench/timeline.py, bench/mem_stages.py and bench/perf.py's worker wrap functions by module and name;
when a stage moves (write.py split, `plan_names` imported where it runs) they stopped with an
AttributeError, unnoticed until the next measurement. Run each on a small spec and check that every
stage it reports was reached: no figures asserted.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "tests" / "fixtures" / "specs" / "docs_30.yml"


def _run(tmp_path: Path, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_timeline_reaches_every_stage(tmp_path: Path) -> None:
    out = _run(tmp_path, "bench/timeline.py", str(SPEC), str(tmp_path / "out"))
    for stage in (
        "load",
        "canonical copy",
        "parse",
        "naming",
        "render",
        "ruff",
        "write",
        "new folder",
    ):
        assert f"] {stage} >" in out and f"] {stage} <" in out, stage
    assert "generated" in out


def test_mem_stages_reaches_every_stage(tmp_path: Path) -> None:
    out = _run(tmp_path, "bench/mem_stages.py", str(SPEC), str(tmp_path / "out"))
    for stage in ("load", "parse", "shape", "naming", "render (plan_files)", "ruff", "writing"):
        assert any(line.startswith(stage) for line in out.splitlines()), stage


def test_perf_worker_times_every_stage(tmp_path: Path) -> None:
    out = _run(
        tmp_path, "bench/perf.py", "--worker-generate", str(SPEC), str(tmp_path / "o"), "d", "D"
    )
    result = json.loads(out.strip().splitlines()[-1])
    assert result["ok"] is True and result["operations"] == 5
    stages = {
        "lazy imports",
        "load",
        "canonical copy",
        "parse (IR)",
        "shape",
        "render",
        "ruff",
        "write",
    }
    assert set(result["stages"]) >= stages
    assert result["compiled"] is False  # the editable install: the canonical copy timed apart


def test_the_compiled_build_says_when_there_is_no_c_compiler(tmp_path: Path) -> None:
    """`bench/compiled.py` (the compiled install for benchmarks and the slow tier's checks) fails
    with a sentence, not a setuptools traceback, when no C compiler is on PATH; it builds nothing."""
    git = shutil.which("git")
    assert git is not None
    (tmp_path / "git").symlink_to(git)  # PATH: git only (no cc, no gcc)
    done = subprocess.run(
        [sys.executable, "bench/compiled.py", "--force"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={"PATH": str(tmp_path), "HOME": str(tmp_path)},
    )
    assert done.returncode == 1
    assert "no C compiler found" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize("known", [False, True])
def test_stretch_reaches_the_naming_pass(tmp_path: Path, known: bool) -> None:
    """`--known FILE`: as a project run with the caches on (a findings file that is not there yet)."""
    args = ["--known", str(tmp_path / "findings.json")] if known else []
    out = _run(tmp_path, "bench/stretch.py", str(SPEC), *args)
    assert out.startswith("stretch cpu ") and "validation child cpu" in out


@pytest.mark.parametrize("edit", [False, True])
def test_gen_imports_times_both_trees(tmp_path: Path, edit: bool) -> None:
    """`bench/gen_imports.py` imports a full run's (or a structural edit's) modules from each tree."""
    out = _run(
        tmp_path, "bench/gen_imports.py", *(["--edit"] if edit else []), str(ROOT), str(ROOT), "1"
    )
    assert "A (base): imports' CPU median" in out and "B (this): imports' CPU median" in out
