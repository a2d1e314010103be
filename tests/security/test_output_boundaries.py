"""Output stays inside `-o` (issue #12, item 3).

The package name (`--package`, the `package` key) is a Python identifier that is not a keyword, or the
command stops with exit 2 and a suggestion before anything is written (`../../x` used to write beside the
output folder through the staging area). Output folders that cannot be written are one clear diagnostic,
never a traceback. Control characters in spec strings still give valid pyproject.toml / GENERATION.toml.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

SPEC = {"openapi": "3.1.0", "info": {"title": "T", "version": "1"}, "paths": {}}


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def tree(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


@pytest.fixture
def work(tmp_path: Path) -> Path:
    """tmp/a/b/ is the working folder (so `../../x` would land in tmp/x); the spec is in it."""
    folder = tmp_path / "a" / "b"
    folder.mkdir(parents=True)
    (folder / "spec.json").write_text(json.dumps(SPEC))
    return folder


@pytest.mark.parametrize(
    ("package", "suggestion"),
    [
        ("../../x", "'x'"),
        ("../x", "'x'"),
        ("my-client", "'my_client'"),
        ("class", "'class_'"),
        ("9lives", "'client_9lives'"),
        ("a/b", "'a_b'"),
        ("name with space", "'name_with_space'"),
        ("café", "'cafe'"),
    ],
)
def test_invalid_package_names_are_refused_with_a_suggestion(
    package: str, suggestion: str, work: Path, tmp_path: Path
) -> None:
    before = tree(tmp_path)
    proc = run_cli("generate", "spec.json", "-o", "out", "--package", package, cwd=work)
    assert proc.returncode == 2, proc.stderr
    assert "error[bad-name]" in proc.stderr and "--package" in proc.stderr
    assert f"try {suggestion}" in proc.stderr
    assert "Traceback" not in proc.stderr and "clientgen bug" not in proc.stderr
    assert tree(tmp_path) == before  # nothing written, not beside the output folder either


def test_invalid_client_name_is_refused(work: Path) -> None:
    proc = run_cli("generate", "spec.json", "-o", "out", "--client-name", "9x", cwd=work)
    assert proc.returncode == 2 and "try 'Client9x'" in proc.stderr
    assert not (work / "out").exists()


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("package", '"my-client"', "package: 'my-client' is not a valid Python package name"),
        ("package", '"../../x"', "try 'x'"),
        ("client_name", '"Pets Client"', "try 'PetsClient'"),
        ("env_prefix", '"PETS-1"', "try 'PETS_1'"),
        (
            "method_names",
            '{ listPets = "pets.list-all" }',
            "'list-all' is not a valid Python method",
        ),
    ],
)
def test_invalid_names_in_the_configuration_are_refused(
    key: str, value: str, expected: str, pets_project: Path
) -> None:
    config = pets_project / "pyproject.toml"
    lines = [line for line in config.read_text().splitlines() if not line.startswith(f"{key} =")]
    config.write_text("\n".join([*lines, f"{key} = {value}", ""]))
    before = tree(pets_project.parent)
    proc = run_cli("generate", cwd=pets_project)
    assert proc.returncode == 2, proc.stderr
    assert "error[bad-config]" in proc.stderr and "[tool.clientgen.targets.pets]" in proc.stderr
    assert expected in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr
    assert tree(pets_project.parent) == before


def test_a_package_name_derived_from_the_folder_is_made_valid(work: Path) -> None:
    proc = run_cli("generate", "spec.json", "-o", "9lives", cwd=work)
    assert proc.returncode == 0, proc.stderr
    assert (work / "9lives" / "src" / "client_9lives" / "__init__.py").is_file()


@pytest.mark.parametrize("where", ["parent-is-a-file", "deeper-under-a-file", "proc", "sys"])
def test_output_path_problems_are_one_clear_error(where: str, work: Path) -> None:
    (work / "afile").write_text("x")
    out = {
        "parent-is-a-file": str(work / "afile" / "out"),
        "deeper-under-a-file": str(work / "afile" / "x" / "out"),
        "proc": "/proc/clientgen-out",
        "sys": "/sys/clientgen-out",
    }[where]
    proc = run_cli("generate", "spec.json", "-o", out, cwd=work)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    first = proc.stderr.splitlines()[0]
    assert first.startswith(f"clientgen: error[output-unwritable] {out}: cannot write"), first
    if where.endswith("file"):
        assert f"{work / 'afile'} is a file, not a folder" in first
    assert (work / "afile").read_text() == "x"
    assert sorted(p.name for p in work.iterdir()) == ["afile", "spec.json"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_unwritable_folder_is_one_clear_error(work: Path) -> None:
    locked = work / "locked"
    locked.mkdir(mode=0o500)
    try:
        proc = run_cli("generate", "spec.json", "-o", str(locked / "out"), cwd=work)
    finally:
        locked.chmod(0o700)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "error[output-unwritable]" in proc.stderr and "Permission denied" in proc.stderr


def test_control_characters_in_spec_strings_give_valid_toml(work: Path) -> None:
    spec = dict(SPEC, info={"title": 'T\x7f\x00"\\\n\u2028', "version": "1\x7f\x1b"})
    name = 'we"ird\x7f\\.json'  # the spec's file name lands in GENERATION.toml
    (work / name).write_text(json.dumps(spec))
    proc = run_cli("generate", name, "-o", "out", cwd=work)
    assert proc.returncode == 0, proc.stderr
    project = tomllib.loads((work / "out" / "pyproject.toml").read_text(encoding="utf-8"))
    assert (
        project["project"]["version"] == "1"
    )  # info.version normalised to PEP 440 (a warning says so)
    assert project["project"]["description"].startswith('Python client for the T\x7f\x00"\\')
    generation = tomllib.loads((work / "out" / "GENERATION.toml").read_text(encoding="utf-8"))
    assert generation["spec"] == name
