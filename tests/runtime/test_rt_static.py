"""The runtime passes mypy --strict and ruff, and imports only the standard library, httpx and pydantic.

What a generated call costs against a hand-written one is measured in `bench/perf_runtime.py`, not here."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rt_helpers import RUNTIME_DIR, build_package

from tests.support.mypy_strict import mypy_strict

REPO = RUNTIME_DIR.parents[1]


def _tool(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent))
    if found is None:
        pytest.skip(f"{name} is not installed")
    return found


def test_runtime_layout() -> None:
    expected = {
        "_types.py",
        "_models.py",
        "_endpoint.py",
        "_base_client.py",
        "_auth.py",
        "_response.py",
        "_pagination.py",
        "_exceptions.py",
        "_constants.py",
    }
    names = {p.name for p in (RUNTIME_DIR / "core").glob("*.py")}
    assert expected <= names
    assert (RUNTIME_DIR / "core" / "py.typed").read_text() == ""
    every = [p.name for p in RUNTIME_DIR.rglob("*.py")]
    assert all(name.startswith("_") for name in every)
    assert len(every) == len(set(every))  # flat in a generated package: one name, one module
    for path in RUNTIME_DIR.rglob("*.py"):
        text = path.read_text()
        assert len(text.splitlines()) <= 400, f"{path.name} is too long"
        for line in text.splitlines():
            stripped = line.strip()
            if stripped.startswith(("import ", "from ")) and not stripped.startswith(
                "from __future__"
            ):
                module = stripped.split()[1]
                assert module.startswith(".") or module.split(".")[0] in STDLIB_OR_DEPS, line


STDLIB_OR_DEPS = set(sys.stdlib_module_names) | {"httpx", "pydantic", "pydantic_core"}


@pytest.mark.slow
def test_ruff_check_and_format() -> None:
    ruff = _tool("ruff")
    check = subprocess.run(
        [ruff, "check", "--extend-select", "I", str(RUNTIME_DIR)],
        cwd=REPO,
        check=False,
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    fmt = subprocess.run(
        [ruff, "format", "--check", str(RUNTIME_DIR)],
        cwd=REPO,
        check=False,
        capture_output=True,
        text=True,
    )
    assert fmt.returncode == 0, fmt.stdout + fmt.stderr


@pytest.mark.slow
def test_mypy_strict(tmp_path: Path) -> None:
    # the runtime alone, as a package (relative imports need one) ...
    runtime = tmp_path / "runtime_only" / "rt"
    runtime.mkdir(parents=True)
    for source in RUNTIME_DIR.rglob("*.py"):
        shutil.copy(source, runtime / source.name)
    (runtime / "__init__.py").write_text("")
    # ... and the runtime tests' generated package (with its shim modules), which checks how
    # generated code types against it
    package = build_package(tmp_path / "generated")
    for target in (runtime, package):
        result = mypy_strict(tmp_path, target.parent, target, extra=("--python-version", "3.11"))
        assert result.returncode == 0, result.stdout + result.stderr
