"""Bad input: one clear paragraph naming the file and location, exit code 2, nothing written."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES

CASES = [
    "missing.yml",
    "invalid_yaml.yml",
    "not_openapi.yml",
    "swagger2.json",
    "unsupported_version.yml",
]


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize("name", CASES)
def test_bad_spec_gives_clear_error_and_writes_nothing(
    name: str, tmp_path: Path, snapshot: object
) -> None:
    spec = FIXTURES / "invalid" / name
    out = tmp_path / "out"
    proc = run_cli("generate", str(spec), "-o", str(out), cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert str(spec) in proc.stderr  # names the file
    assert "Nothing was written." in proc.stderr
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []  # no staging folder left behind either
    message = proc.stderr.replace(str(FIXTURES), "<fixtures>")
    assert message == snapshot


def test_refuses_to_overwrite_a_folder_it_did_not_make(tmp_path: Path) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("precious")
    spec = tmp_path / "s.yml"
    spec.write_text("openapi: 3.1.0\ninfo: {title: T, version: '1'}\npaths: {}\n")
    proc = run_cli("generate", str(spec), "-o", str(out), cwd=tmp_path)
    assert proc.returncode == 2
    assert "not made by clientgen" in proc.stderr
    assert (out / "notes.txt").read_text() == "precious"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine", "s.yml"]


def test_yaml_alias_bomb_is_rejected_quickly(tmp_path: Path) -> None:
    lines = [
        "openapi: 3.1.0",
        "info: {title: bomb, version: '1'}",
        "paths: {}",
        "x-a: &a [lol, lol, lol, lol, lol]",
    ]
    prev = "a"
    for name in "bcdefghijklm":
        lines.append(f"x-{name}: &{name} [" + ", ".join([f"*{prev}"] * 6) + "]")
        prev = name
    spec = tmp_path / "bomb.yml"
    spec.write_text("\n".join(lines) + "\n")
    proc = run_cli("generate", str(spec), "-o", str(tmp_path / "out"), cwd=tmp_path)
    assert proc.returncode == 2
    assert "alias bomb" in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "out").exists()


def test_yaml_alias_cap_applies_with_libyaml(tmp_path: Path) -> None:
    """10,001 aliases of a scalar expand to almost nothing, so only the alias cap can refuse them:
    the cap must hold whichever YAML loader reads the file."""
    body = "\n".join(f"x-{i}: *a" for i in range(10_001))
    spec = tmp_path / "many.yml"
    spec.write_text(
        f"openapi: 3.1.0\ninfo: {{title: t, version: '1'}}\npaths: {{}}\nx-a: &a 1\n{body}\n"
    )
    proc = run_cli("generate", str(spec), "-o", str(tmp_path / "out"), cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert "aliases" in proc.stderr and "Traceback" not in proc.stderr


def test_yaml_anchor_that_contains_itself_is_refused(tmp_path: Path) -> None:
    spec = tmp_path / "loop.yml"
    spec.write_text("openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\nx-a: &a [1, *a]\n")
    proc = run_cli("generate", str(spec), "-o", str(tmp_path / "out"), cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert "alias bomb" in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "out").exists()
