"""The compiled build (pyproject.toml's mypyc hook, built and installed by `bench/compiled.py` into
.cache/compiled/venv, reused while the sources hash the same) behaves as the pure one: the listed
modules are extension modules; the committed clients and GitHub's client come out byte-identical,
with the same diagnostics; a summary edit in a project with the caches on is replayed from the
snapshot the full run left, without importing the parser, and equals a full run; `clientgen diff`
(IR pieces pickled between processes) reports what the pure build reports.

Slow tier: the first build compiles ~37 modules (minutes on two CPUs). It needs a C compiler and PyPI
(the hook's pinned hatch-mypyc and mypy, in an isolated build environment)."""

from __future__ import annotations

import filecmp
import json
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from tests.conftest import FIXTURES, PETS_PROJECT, REPO

pytestmark = pytest.mark.slow

GITHUB = REPO / ".cache/corpora/node_modules/@octokit/openapi/generated/api.github.com.json"
# what a run imported (printed at exit: `generate` ends with `quick.leave`, which runs atexit handlers)
MODULES = """
import atexit
import sys
sys.argv = ["clientgen", *sys.argv[1:]]
atexit.register(lambda: print(",".join(sorted(m for m in sys.modules if m.startswith("generator.")))))
from generator.cli import main
main()
"""

SETTLE = """
import sys
from pathlib import Path
from generator.stage.writer import settle
for lock in Path(sys.argv[1]).glob("*.bin.lock"):  # a writer still at work holds it
    settle(lock.with_suffix(""))
"""


@pytest.fixture(scope="module")
def compiled() -> Path:
    """The compiled install's python (built on first use; a clear failure without a C compiler)."""
    proc = subprocess.run(
        [sys.executable, str(REPO / "bench" / "compiled.py")],
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    if proc.returncode != 0:
        pytest.fail(f"the compiled build could not be made:\n{proc.stderr[-4000:]}")
    python = Path(proc.stdout.strip().splitlines()[-1]) / "bin" / "python"
    assert python.is_file()
    return python


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "CLIENTGEN_"))}
    return env | extra


def _clientgen(python: Path, cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """`clientgen ARGS` by `python` (-I: neither PYTHONPATH nor the checkout on its path)."""
    proc = subprocess.run(
        [str(python), "-I", "-m", "generator", *args],
        cwd=cwd,
        env=_env(**env),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode in (0, 1), proc.stderr[-3000:]
    return proc


def _pure() -> Path:
    return Path(sys.executable)


def _same_tree(a: Path, b: Path) -> list[str]:
    """Paths that differ between two trees (either side's missing files too)."""
    out: list[str] = []

    def walk(cmp: filecmp.dircmp[str], rel: str) -> None:
        out.extend(f"{rel}{n}" for n in cmp.left_only + cmp.right_only + cmp.funny_files)
        _, mismatch, errors = filecmp.cmpfiles(cmp.left, cmp.right, cmp.common_files, shallow=False)
        out.extend(f"{rel}{n}" for n in mismatch + errors)
        for name, sub in cmp.subdirs.items():
            walk(sub, f"{rel}{name}/")

    walk(filecmp.dircmp(a, b), "")
    return out


def _listed() -> list[str]:
    hook = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["hatch"]["build"]
    files: list[str] = hook["targets"]["wheel"]["hooks"]["mypyc"]["include"]
    return [f.removesuffix(".py").replace("/", ".") for f in files]


def test_the_listed_modules_are_extension_modules(compiled: Path) -> None:
    listed = _listed()
    assert "generator.parse.schemas" in listed and "generator.render.field_views" in listed
    code = (
        "import importlib, json, sys\n"
        "print(json.dumps({m: importlib.import_module(m).__file__ for m in sys.argv[1:]}))"
    )
    out = subprocess.run(
        [
            str(compiled),
            "-I",
            "-c",
            code,
            *listed,
            "generator.render.plan",
            "generator.stage.cache",
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd="/",
    ).stdout
    files = json.loads(out)
    assert {m for m in listed if not files[m].endswith(".so")} == set()
    venv = compiled.parent.parent  # the install's modules, not the checkout's
    assert all(Path(f).is_relative_to(venv / "lib") for f in files.values()), files
    # the modules left out stay Python (the render plan, the stage cache's replay)
    assert files["generator.render.plan"].endswith(".py")
    assert files["generator.stage.cache"].endswith(".py")


def test_the_committed_clients_come_out_byte_identical(compiled: Path, tmp_path: Path) -> None:
    """`clientgen generate --full` of the committed clients, in a copy of the project: 0 files written,
    the tree equal to `generated/`."""
    for name in ("pyproject.toml", "specs", "generated"):
        src = REPO / name
        (shutil.copytree if src.is_dir() else shutil.copy2)(src, tmp_path / name)
    proc = _clientgen(compiled, tmp_path, "generate", "--full", CLIENTGEN_CACHE="off")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    summaries = [line for line in proc.stdout.splitlines() if ": generated," in line]
    assert len(summaries) == 3 and all(" 0 files written" in s for s in summaries), proc.stdout
    assert _same_tree(tmp_path / "generated", REPO / "generated") == []


@pytest.mark.parametrize("spec", ["github", "degrade"])
def test_a_client_and_its_diagnostics_are_the_pure_builds(
    compiled: Path, tmp_path: Path, spec: str
) -> None:
    """GitHub's spec (its 28 diagnostics) and a spec that degrades with warnings: the compiled build
    under PYTHONHASHSEED=0 and 7 writes the pure build's tree and says the same."""
    if spec == "github":
        if not GITHUB.is_file():
            pytest.skip("the corpus is not installed (bash scripts/setup)")
        path = GITHUB
    else:
        path = next(
            p
            for p in sorted((FIXTURES / "degrade").iterdir())
            if p.suffix in (".yml", ".yaml", ".json")
        )
    runs = {}
    for name, python, seed in (
        ("pure", _pure(), "0"),
        ("c0", compiled, "0"),
        ("c7", compiled, "7"),
    ):
        (tmp_path / name).mkdir()
        proc = _clientgen(
            python,
            tmp_path / name,
            "generate",
            str(path),
            "-o",
            "client",
            "--package",
            "gh",
            CLIENTGEN_CACHE="off",
            PYTHONHASHSEED=seed,
        )
        runs[name] = proc.returncode, _timeless(proc.stdout), _timeless(proc.stderr)
    assert runs["c0"] == runs["pure"] and runs["c7"] == runs["pure"]
    for name in ("c0", "c7"):
        assert _same_tree(tmp_path / name / "client", tmp_path / "pure" / "client") == []


def _timeless(text: str) -> str:
    """A run's output without its seconds (`…, 0 warnings, 1.23s`)."""
    import re

    return re.sub(r"\b\d+\.\d+s\b", "…s", text)


def _pets_json(folder: Path) -> dict[str, object]:
    (folder / "pyproject.toml").write_text(PETS_PROJECT.replace('"pets.yml"', '"pets.json"'))
    document: dict[str, object] = yaml.safe_load(
        (FIXTURES / "specs" / "petstore_31.yml").read_text()
    )
    (folder / "pets.json").write_text(json.dumps(document, indent=1), encoding="utf-8")
    return document


def _summary_edit(folder: Path, python: Path) -> tuple[set[str], set[str]]:
    """A full `generate` in a project with the caches on, then one after a summary edit: the
    generator modules each imported (without mypyc's `…__mypyc` libraries)."""
    document: dict[str, dict[str, dict[str, dict[str, str]]]] = _pets_json(folder)  # type: ignore[assignment]
    runs = []
    for edit in (False, True):
        if edit:
            stages = folder / ".cache" / "clientgen" / "stages"
            snapshots = [p for p in stages.iterdir() if p.suffix == ".bin"]
            failed = [p.read_text() for p in stages.iterdir() if p.suffix == ".failed"]
            assert len(snapshots) == 1 and not failed, failed  # the forked writer wrote one
            path, method = next(
                (p, m)
                for p, item in document["paths"].items()
                for m in item
                if m in ("get", "post")
            )
            document["paths"][path][method]["summary"] = "Edited, and only that."
            (folder / "pets.json").write_text(json.dumps(document, indent=1), encoding="utf-8")
        proc = subprocess.run(
            [str(python), "-I", "-c", MODULES, "generate"],
            cwd=folder,
            env=_env(),
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert proc.returncode == 0, proc.stderr[-3000:]
        # the snapshot's writer is a detached child: wait for its lock before the next run
        subprocess.run(
            [str(python), "-I", "-c", SETTLE, str(folder / ".cache" / "clientgen" / "stages")],
            check=True,
            timeout=120,
        )
        runs.append(
            {
                m
                for m in proc.stdout.strip().splitlines()[-1].split(",")
                if not m.endswith("__mypyc")
            }
        )
    return runs[0], runs[1]


def test_a_summary_edit_is_replayed_without_the_parser(compiled: Path, tmp_path: Path) -> None:
    """With the caches on, the compiled build's full run leaves a snapshot (its writer pickles the
    compiled classes), the edit is replayed from it (no loader, no parser), imports what the pure
    build's replay imports, and its package equals a full run's of the edited spec."""
    pure, comp = tmp_path / "pure", tmp_path / "compiled"
    pure.mkdir()
    comp.mkdir()
    _, pure_replay = _summary_edit(pure, _pure())
    first, replay = _summary_edit(comp, compiled)
    assert "generator.parse.schemas" in first  # the full run parsed
    assert "generator.stage.replay" in replay
    assert not {m for m in replay if m.startswith("generator.parse.")} - pure_replay
    assert {"generator.load", "generator.validate", "generator.parse.schemas"}.isdisjoint(replay)
    assert replay == pure_replay, sorted(replay ^ pure_replay)
    assert "Edited, and only that." in (comp / "generated" / "pets" / "api.md").read_text()
    # the replayed package is what a full run of the edited spec writes
    full = tmp_path / "full"
    shutil.copytree(comp, full, ignore=shutil.ignore_patterns(".cache", "generated"))
    proc = _clientgen(compiled, full, "generate", CLIENTGEN_CACHE="off")
    assert proc.returncode == 0, proc.stderr
    assert _same_tree(comp / "generated", full / "generated") == []


def test_diff_reports_what_the_pure_build_reports(compiled: Path, tmp_path: Path) -> None:
    """`clientgen diff` compares the two specs' IR in a forked child whose pieces are pickled back
    (`workflow/`): the compiled build's IR classes must travel too. Two dated vendor specs of
    CaseXchange (test data in ../shared/upstream), two report formats, against the pure build."""
    history = REPO.parent / "shared" / "upstream" / "casexchange"
    old, new = history / "public-2026-03-31.yml", history / "public-2026-04-15.yml"
    if not (old.is_file() and new.is_file()):
        pytest.skip(f"vendor spec history not available ({history})")
    for fmt in ("json", "markdown"):
        pure, native = (
            _clientgen(python, tmp_path, "diff", str(old), str(new), "--format", fmt)
            for python in (_pure(), compiled)
        )
        assert (native.returncode, native.stdout, native.stderr) == (
            pure.returncode,
            pure.stdout,
            pure.stderr,
        )
        if fmt == "json":  # an empty report would prove nothing
            assert json.loads(native.stdout)["changes"], native.stdout[:2000]
