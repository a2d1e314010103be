"""Small user programs against a generated package, type-checked with `mypy --strict` (issue #15): the
good ones are clean, and each bad one fails exactly on the lines marked `# E: <error code>` — for
arguments (keyword bodies, nested TypedDicts), enums, return types, `with_options` and hooks.

The programs are in tests/fixtures/programs/ (see its README); the package is generated from
tests/fixtures/specs/surface_31.yml."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator import generate
from generator.config import adhoc_target
from tests.conftest import FIXTURES
from tests.support.mypy_strict import mypy_strict

PROGRAMS = FIXTURES / "programs"
SPEC = FIXTURES / "specs" / "surface_31.yml"
MARK = re.compile(r"#\s*E:\s*([a-z-]+)\s*$")
ERROR = re.compile(r"^(?P<file>[^:]+\.py):(?P<line>\d+): error: .*\[(?P<code>[a-z-]+)\]$")


def expected(program: Path) -> set[tuple[int, str]]:
    marks = (MARK.search(line) for line in program.read_text().splitlines())
    return {(n, m.group(1)) for n, m in enumerate(marks, start=1) if m}


def test_every_bad_program_marks_errors_and_no_good_one_does() -> None:
    programs = sorted(PROGRAMS.glob("*.py"))
    assert {p.name.split("_", 1)[0] for p in programs} == {"good", "bad"}
    for program in programs:
        assert bool(expected(program)) == program.name.startswith("bad_"), program.name
    topics = {p.stem.split("_", 1)[1] for p in programs}
    assert {"arguments", "enums", "returns", "options", "hooks"} <= topics


@pytest.mark.slow
def test_user_programs_type_check_as_marked(tmp_path: Path) -> None:
    out = tmp_path / "surface"
    generate(adhoc_target(str(SPEC), str(out), "surface", "Surface"))
    programs = sorted(PROGRAMS.glob("*.py"))
    flags = ("--show-error-codes", "--no-error-summary", "--hide-error-context")
    proc = mypy_strict(tmp_path, out / "src", *programs, extra=flags)
    found: dict[str, set[tuple[int, str]]] = {p.name: set() for p in programs}
    for line in proc.stdout.splitlines():
        if ": note: " in line:
            continue
        m = ERROR.match(line)
        assert m is not None, f"not an error in a program: {line}\n{proc.stdout[-3000:]}"
        assert Path(m["file"]).name in found, f"an error in the package: {line}"
        found[Path(m["file"]).name].add((int(m["line"]), m["code"]))
    mismatched = {
        name: {"expected": sorted(expected(PROGRAMS / name)), "got": sorted(got)}
        for name, got in found.items()
        if got != expected(PROGRAMS / name)
    }
    assert not mismatched, f"{mismatched}\n{proc.stdout[-5000:]}"
