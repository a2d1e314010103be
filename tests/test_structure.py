"""Structure that keeps clientgen fast, checked without timing anything: what the `check` fast path
imports, and which files a regeneration touches."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

from generator.config import adhoc_target
from generator.pipeline import generate
from tests.conftest import FIXTURES, REPO

HEAVY = (
    "jinja2",
    "openapi_pydantic",
    "yaml",
    "generator.render",
    "generator.parse",
    "generator.load",
)

FAST_CHECK = f"""
import sys
sys.path.insert(0, {str(REPO)!r})
sys.argv = ["clientgen", "check"]
from generator.cli import main
code = 0
try:
    main()
except SystemExit as exc:
    code = exc.code
heavy = sorted({{m.split(".")[0] if not m.startswith("generator.") else ".".join(m.split(".")[:2])
                 for m in sys.modules if m.startswith({HEAVY!r})}})
print(code, ",".join(heavy) or "-")
"""


def test_check_fast_path_imports_no_renderer(pets_project: Path) -> None:
    tmp_path = pets_project
    gen = subprocess.run(
        [sys.executable, "-m", "generator", "generate"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert gen.returncode == 0, gen.stderr
    proc = subprocess.run(
        [sys.executable, "-I", "-c", FAST_CHECK],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.split()[-2:] == ["0", "-"], proc.stdout


def _mtimes(folder: Path) -> dict[str, int]:
    return {
        p.relative_to(folder).as_posix(): p.stat().st_mtime_ns
        for p in folder.rglob("*")
        if p.is_file()
    }


def test_one_schema_change_rewrites_only_the_files_that_change(tmp_path: Path) -> None:
    spec_text = (FIXTURES / "specs" / "petstore_31.yml").read_text()
    spec = tmp_path / "pets.yml"
    spec.write_text(spec_text)
    out = tmp_path / "out" / "pets"
    target = adhoc_target(str(spec), str(out), "pets", "Pets")
    generate(target)
    before = _mtimes(out)
    contents = {rel: (out / rel).read_bytes() for rel in before}

    spec.write_text(
        spec_text.replace('description: "Shown to humans"', 'description: "Shown to people"')
    )
    result = generate(target)
    after = _mtimes(out)
    touched = sorted(rel for rel in after if after[rel] != before.get(rel))
    changed = sorted(rel for rel in after if (out / rel).read_bytes() != contents.get(rel))
    assert (
        touched
        == changed
        == sorted(result.diff.changed)
        == ["GENERATION.toml", "src/pets/types/pet.py"]
    )

    # a schema added, then removed: its module comes and goes, the folder keeps no other trace
    toy = "    Toy: {type: object, properties: {name: {type: string}}}\n    NewPet:"
    spec.write_text(spec_text.replace("    NewPet:", toy, 1))
    generate(target)
    assert (out / "src/pets/types/toy.py").is_file()
    spec.write_text(spec_text)
    result = generate(target)
    assert result.diff.removed == ["src/pets/types/toy.py"]
    assert sorted(_mtimes(out)) == sorted(before)


RUFF_CONFIG = REPO / "generator" / "ruff_generated.toml"


def _ruff_check(folder: Path) -> str:
    """What `ruff check` (import order, unused imports: the generator's own ruff settings) says."""
    from generator.format import ruff_binary

    proc = subprocess.run(
        [
            ruff_binary(),
            "check",
            "--no-cache",
            "--config",
            str(RUFF_CONFIG),
            "--output-format",
            "concise",
            ".",
        ],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return proc.stdout + proc.stderr if proc.returncode else ""


def test_committed_clients_need_no_import_fixes() -> None:
    """clientgen runs only `ruff format`: the import blocks must come out sorted and without unused names
    (`generator/render/imports.py`), or they would stay unsorted in every generated file."""
    assert _ruff_check(REPO / "generated") == ""


def test_emitted_imports_are_sorted_before_formatting(tmp_path: Path, monkeypatch: Any) -> None:
    """Unformatted output (what the templates emit) has no import finding either, apart from long lines
    that `ruff format` wraps: the order comes from the generator, not from a fixer."""
    import generator.write as write

    monkeypatch.setattr(write, "format_tree", lambda root: None)
    for spec in ("petstore_31.yml", "discriminators_31.yml"):
        out = tmp_path / spec.split(".")[0]
        generate(adhoc_target(str(FIXTURES / "specs" / spec), str(out), "pkg", "Client"))
        assert _ruff_check(out) == "", spec


def test_ruff_check_finds_an_unsorted_block(tmp_path: Path) -> None:
    """The helper above can fail: a misordered block is reported."""
    (tmp_path / "m.py").write_text("from . import b\nfrom .. import a\n")
    assert "I001" in _ruff_check(tmp_path)


def test_interrupted_first_generation_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: Any
) -> None:
    """A new output folder is written whole beside it and renamed into place: a failure half-way leaves
    neither a half-written folder (which the next run would refuse as "not made by clientgen") nor the
    hidden sibling; the next run then succeeds."""
    import generator.write as write

    spec = FIXTURES / "specs" / "petstore_31.yml"
    out = tmp_path / "out" / "pets"
    target = adhoc_target(str(spec), str(out), "pets", "Pets")
    real_put, calls = write._put, []

    def failing_put(*args: Any, **kwargs: Any) -> None:
        calls.append(args[1])
        if len(calls) > 10 and "clientgen-new-" in args[1]:
            raise KeyboardInterrupt  # e.g. Ctrl-C while the tree is being written
        real_put(*args, **kwargs)

    monkeypatch.setattr(write, "_put", failing_put)
    try:
        generate(target)
    except KeyboardInterrupt:
        pass
    else:  # pragma: no cover - the fake must have fired
        raise AssertionError("the write was not interrupted")
    assert not out.exists()
    assert list((tmp_path / "out").iterdir()) == []
    monkeypatch.setattr(write, "_put", real_put)
    result = generate(target)
    assert (out / "GENERATION.toml").is_file() and result.diff.added
