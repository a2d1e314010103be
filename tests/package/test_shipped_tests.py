"""The tests every generated package ships (tests/: one per operation, sync and async) pass against
Prism on the package's own spec, for the three committed clients, run the way a user runs them: pytest
in the package folder, which starts its own Prism."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from generator.config import load_targets
from tests.conftest import REPO
from tests.support.prism import prism_executable

TARGETS = load_targets(REPO / "pyproject.toml")
IDS = [t.name for t in TARGETS]


def _count(summary: str, word: str) -> int:
    found = re.search(rf"(\d+) {word}", summary)
    return int(found.group(1)) if found else 0


@pytest.mark.slow
@pytest.mark.parametrize("target", TARGETS, ids=IDS)
def test_shipped_tests_pass_against_prism(target: object) -> None:
    executable = prism_executable()
    if executable is None:
        pytest.skip("Prism is not installed: set CLIENTGEN_PRISM or put `prism` on PATH")
    root = Path(target.output)  # type: ignore[attr-defined]
    operations = json.loads((root / "operations.json").read_text())["operations"]
    tests = root / "tests" / "api_resources"
    skipped_by_design = sum(
        p.read_text().count("@pytest.mark.skip(") for p in tests.glob("test_*.py")
    )
    env = {k: v for k, v in os.environ.items() if k not in ("TEST_API_BASE_URL", "PYTEST_ADDOPTS")}
    env.update(PRISM=executable, PYTHONDONTWRITEBYTECODE="1")
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist"],
        check=False,
        capture_output=True,
        text=True,
        cwd=root,  # the package's own pytest configuration and conftest
        env=env,
        timeout=600,
    )
    summary = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else ""
    assert proc.returncode == 0, proc.stdout[-5000:] + proc.stderr[-2000:]
    assert _count(summary, "skipped") == skipped_by_design, summary
    assert _count(summary, "passed") + skipped_by_design == 2 * len(operations), summary
