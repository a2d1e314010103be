"""Adopting clientgen in another repository: `clientgen init`, `--version`, clear one-line errors,
pluralised summaries, --quiet / --verbose, progress only on a terminal, `diff --apply-version`."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import generator
from tests.conftest import FIXTURES, REPO

PETSTORE = (FIXTURES / "specs" / "petstore_31.yml").read_text()


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


# ---- version ------------------------------------------------------------------------------------
def test_version_has_one_source() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())
    assert "version" not in project["project"] and "version" in project["project"]["dynamic"]
    assert project["tool"]["hatch"]["version"]["path"] == "generator/version.py"
    proc = run("--version", cwd=REPO)
    assert (
        proc.returncode == 0
        and proc.stdout.strip() == f"clientgen, version {generator.__version__}"
    )
    changelog = (REPO / "CHANGELOG.md").read_text()
    assert f"## [{generator.__version__}]" in changelog


# ---- init ---------------------------------------------------------------------------------------
def test_init_creates_pyproject_and_the_target_generates(tmp_path: Path) -> None:
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "pets.yml").write_text(PETSTORE)
    proc = run("init", "specs/pets.yml", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "created pyproject.toml with [tool.clientgen.targets.pet_store]" in proc.stdout
    table = tomllib.loads((tmp_path / "pyproject.toml").read_text())["tool"]["clientgen"]
    assert table["targets"]["pet_store"] == {
        "spec": "specs/pets.yml",
        "output": "generated/pet_store",
        "package": "pet_store",
        "client_name": "PetStore",
        "env_prefix": "PET_STORE",
    }
    gen = run("generate", cwd=tmp_path)
    assert gen.returncode == 0, gen.stderr
    assert (tmp_path / "generated" / "pet_store" / "src" / "pet_store" / "_client.py").is_file()
    assert run("check", cwd=tmp_path).returncode == 0


def test_init_appends_and_never_clobbers(tmp_path: Path) -> None:
    (tmp_path / "pets.yml").write_text(PETSTORE)
    original = (
        '[project]\nname = "mine"  # keep this comment\nversion = "1"\n\n'
        "[tool.clientgen.targets.pets]\n"
        'spec = "pets.yml"\noutput = "out/pets"\npackage = "pets"\nclient_name = "Pets"\n'
        'env_prefix = "PETS"\npackage_version = "3.0.0"'  # no final newline
    )
    (tmp_path / "pyproject.toml").write_text(original)
    again = run("init", "pets.yml", "--name", "pets", cwd=tmp_path)
    assert again.returncode == 2 and "already has [tool.clientgen.targets.pets]" in again.stderr
    assert "pyproject.toml was not changed." in again.stderr and "Traceback" not in again.stderr
    assert (tmp_path / "pyproject.toml").read_text() == original

    added = run("init", "pets.yml", "--name", "shop", "--package", "shop_client", cwd=tmp_path)
    assert added.returncode == 0, added.stderr
    text = (tmp_path / "pyproject.toml").read_text()
    assert text.startswith(original + "\n\n[tool.clientgen.targets.shop]\n")
    data = tomllib.loads(text)
    assert data["project"] == {"name": "mine", "version": "1"}
    assert data["tool"]["clientgen"]["targets"]["pets"]["package_version"] == "3.0.0"
    assert data["tool"]["clientgen"]["targets"]["shop"]["client_name"] == "ShopClient"


def test_init_refuses_to_touch_a_broken_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pets.yml").write_text(PETSTORE)
    broken = '[project]\nname = "x\n'
    (tmp_path / "pyproject.toml").write_text(broken)
    proc = run("init", "pets.yml", cwd=tmp_path)
    assert proc.returncode == 2 and "not valid TOML" in proc.stderr and "line 2" in proc.stderr
    assert (tmp_path / "pyproject.toml").read_text() == broken


def test_init_cannot_append_to_an_inline_targets_table(tmp_path: Path) -> None:
    """A target table that cannot be appended (targets written inline) leaves the file as it was."""
    (tmp_path / "pets.yml").write_text(PETSTORE)
    inline = "[tool.clientgen]\ntargets = {}\n"
    (tmp_path / "pyproject.toml").write_text(inline)
    proc = run("init", "pets.yml", cwd=tmp_path)
    assert proc.returncode == 2 and "cannot add" in proc.stderr
    assert (tmp_path / "pyproject.toml").read_text() == inline


# ---- one clear line for bad input ---------------------------------------------------------------
def test_toml_syntax_error_names_line_and_column(pets_project: Path) -> None:
    path = pets_project / "pyproject.toml"
    path.write_text(path.read_text().replace('package = "pets"', "package = pets"))
    for command in ("generate", "check"):
        proc = run(command, cwd=pets_project)
        assert proc.returncode == 2, proc.stderr
        assert "pyproject.toml is not valid TOML" in proc.stderr
        assert "line 5, column 11" in proc.stderr, proc.stderr
        assert "no [tool.clientgen] table" not in proc.stderr and "Traceback" not in proc.stderr


def test_check_on_a_broken_spec_says_nothing_untrue(pets_project: Path) -> None:
    assert run("generate", cwd=pets_project).returncode == 0
    (pets_project / "pets.yml").write_text("openapi: 3.1.0\npaths: [unclosed\n")
    proc = run("check", cwd=pets_project)
    assert proc.returncode == 2 and "invalid-yaml" in proc.stderr
    assert "Nothing was written" not in proc.stderr
    assert "pets: not checked (check writes nothing" in proc.stderr
    gen = run("generate", cwd=pets_project)
    assert gen.returncode == 2 and "Nothing was written." in gen.stderr


def test_generate_says_which_targets_were_written_before_an_error(pets_project: Path) -> None:
    with (pets_project / "pyproject.toml").open("a") as f:
        f.write(
            '\n[tool.clientgen.targets.zbroken]\nspec = "missing.yml"\noutput = "generated/z"\n'
            'package = "z"\nclient_name = "Z"\nenv_prefix = "Z"\n'
        )
    proc = run("generate", cwd=pets_project)
    assert proc.returncode == 2
    assert "Nothing was written for zbroken (pets generated before it)." in proc.stderr


def test_counts_are_pluralised(tmp_path: Path) -> None:
    spec = tmp_path / "one.yml"
    spec.write_text(
        "openapi: 3.1.0\ninfo: {title: One, version: '1.0'}\n"
        "servers: [{url: 'https://{region}.example.test', variables: {region: {default: eu, enum: [us]}}}]\n"
        "paths:\n  /a:\n    get:\n      operationId: getA\n"
        "      responses: {'200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/A'}}}}}\n"
        "components:\n  schemas:\n    A: {type: object, properties: {x: {type: string}}}\n"
    )
    proc = run("generate", str(spec), "-o", str(tmp_path / "out"), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "1 operation, 1 model," in proc.stdout and ", 1 warning," in proc.stdout, proc.stdout
    assert "1 operations" not in proc.stdout and "1 warnings" not in proc.stdout
    spec.write_text(spec.read_text().replace("x: {type: string}", "y: {type: string}"))
    again = run("generate", str(spec), "-o", str(tmp_path / "out"), cwd=tmp_path)
    # the model, GENERATION.toml and the package's copy of its spec
    assert ", 3 files written," in again.stdout, again.stdout


# ---- --quiet, --verbose, progress -----------------------------------------------------------------
def test_quiet_prints_nothing_on_success_and_verbose_lists_files(pets_project: Path) -> None:
    quiet = run("generate", "-q", cwd=pets_project)
    assert quiet.returncode == 0 and quiet.stdout == "" and quiet.stderr == ""
    assert run("check", "--quiet", cwd=pets_project).stdout == ""
    (pets_project / "pets.yml").write_text(PETSTORE.replace("List pets", "List every pet"))
    stale = run("check", "-q", cwd=pets_project)
    assert stale.returncode == 1 and "stale: pets/src/pets/resources/pets.py" in stale.stdout
    assert "checked" not in stale.stdout  # no summary line, no diff
    verbose = run("generate", "--verbose", cwd=pets_project)
    assert "  written: pets/src/pets/resources/pets.py" in verbose.stdout


def _run_on_terminal(args: list[str], cwd: Path) -> tuple[int, str]:
    """Run the CLI with stdout and stderr on a pseudo-terminal; (exit code, everything it drew)."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "generator", *args],
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=follower,
        stderr=follower,
        env={**os.environ, "TERM": "xterm"},
    )
    os.close(follower)
    chunks: list[bytes] = []
    while True:
        ready, _, _ = select.select([leader], [], [], 120)
        if not ready:
            proc.kill()
            break
        try:
            data = os.read(leader, 65536)
        except OSError:  # the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(leader)
    return proc.wait(timeout=120), b"".join(chunks).decode("utf-8", "replace")


def test_progress_is_drawn_on_a_terminal_only(pets_project: Path) -> None:
    code, screen = _run_on_terminal(["generate"], pets_project)
    assert code == 0, screen
    assert "pets: reading the spec" in screen and "pets: formatting" in screen
    assert "pets: modules rendered " in screen and "\r\x1b[K" in screen
    assert "pets: generated," in screen

    piped = run("generate", "pets", cwd=pets_project)
    assert "modules rendered" not in piped.stdout + piped.stderr
    assert "\r" not in piped.stdout + piped.stderr

    code, screen = _run_on_terminal(["generate", "--quiet"], pets_project)
    assert code == 0 and "modules rendered" not in screen and screen.strip() == ""


# ---- diff --apply-version -----------------------------------------------------------------------
def test_diff_apply_version_bumps_the_target(pets_project: Path) -> None:
    (pets_project / "pyproject.toml").write_text(
        (pets_project / "pyproject.toml")
        .read_text()
        .replace(
            'env_prefix = "PETS"',
            'env_prefix = "PETS"  # a comment that stays\npackage_version = "1.4.2"',
        )
    )
    old = pets_project / "pets.yml"
    new = pets_project / "pets-next.yml"
    new.write_text(
        PETSTORE.replace(
            "    NewPet:",
            "    Toy: {type: object, properties: {n: {type: string}}}\n    NewPet:",
            1,
        )
    )
    proc = run("diff", str(old), str(new), "--apply-version", cwd=pets_project)
    assert proc.returncode == 0, proc.stderr
    text = (pets_project / "pyproject.toml").read_text()
    assert "package_version 1.4.2 → 1.5.0 (minor)" in proc.stdout
    assert 'package_version = "1.5.0"' in text and "# a comment that stays" in text
    assert tomllib.loads(text)["tool"]["clientgen"]["targets"]["pets"]["package_version"] == "1.5.0"

    same = run("diff", str(old), str(old), "--apply-version", cwd=pets_project)
    assert same.returncode == 0 and "left as it is" in same.stdout
    assert (pets_project / "pyproject.toml").read_text() == text


def test_diff_apply_version_needs_a_target(tmp_path: Path) -> None:
    """Outside any project there is no package_version to write: a usage error, nothing changes."""
    old, new = tmp_path / "a.yml", tmp_path / "b.yml"
    old.write_text(PETSTORE)
    new.write_text(PETSTORE.replace("List pets", "List every pet"))
    proc = run("diff", str(old), str(new), "--apply-version", cwd=tmp_path)
    assert proc.returncode == 2 and "--apply-version needs a configured target" in proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.yml", "b.yml"]


@pytest.mark.parametrize("bad", ['package_version = "2022-11-15"', 'distribution = "-bad name"'])
def test_bad_version_or_distribution_is_a_config_error(pets_project: Path, bad: str) -> None:
    path = pets_project / "pyproject.toml"
    path.write_text(path.read_text() + bad + "\n")
    proc = run("generate", cwd=pets_project)
    assert proc.returncode == 2 and "bad-config" in proc.stderr and "Traceback" not in proc.stderr
