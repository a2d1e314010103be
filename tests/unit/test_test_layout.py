"""The test tree's layout: test files live in layer folders (CONTRIBUTING.md "Where a test goes"), their
names are unique (pytest imports them by file name), and every test path the docs name exists."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from tests.conftest import REPO

TESTS = REPO / "tests"
DOCS = [
    REPO / "README.md",
    REPO / "SECURITY.md",
    REPO / "CONTRIBUTING.md",
    REPO / "bench" / "README.md",
    REPO / "templates" / "runtime" / "CONTRACT.md",
    *sorted((REPO / "docs").glob("*.md")),
]
# `tests/<folders>/test_x.py`, optionally followed by `::test_name`; a bare `::test_name` in backticks
# names a test of the file named last before it (SECURITY.md lists tests so).
TEST_PATH = re.compile(r"(tests/(?:[\w.]+/)*test_\w+\.py)(?:::(\w+))?|`::(\w+)")


def _test_files() -> list[Path]:
    return sorted(
        p for p in TESTS.rglob("test_*.py") if "fixtures" not in p.relative_to(TESTS).parts
    )


def test_no_test_file_sits_directly_in_tests() -> None:
    assert sorted(p.name for p in TESTS.glob("test_*.py")) == []


def test_test_file_names_are_unique() -> None:
    counts = Counter(p.name for p in _test_files())
    assert [name for name, n in counts.items() if n > 1] == []


def test_every_test_folder_is_described_in_contributing() -> None:
    text = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
    folders = sorted({p.relative_to(TESTS).parts[0] for p in _test_files()})
    assert folders, "no test files found"
    assert [f for f in folders if f"`tests/{f}/`" not in text] == []


def _named_tests() -> list[tuple[str, str, str | None]]:
    found = []
    for doc in DOCS:
        last = None
        for match in TEST_PATH.finditer(doc.read_text(encoding="utf-8")):
            path, name, bare = match.groups()
            if path is not None:
                last = path
                found.append((doc.name, path, name))
            else:
                assert last is not None, f"{doc.name}: `::{bare}` before any test file"
                found.append((doc.name, last, bare))
    return found


def test_every_test_path_the_docs_name_exists() -> None:
    named = _named_tests()
    assert any(doc == "SECURITY.md" for doc, _, _ in named)  # the pattern still finds them
    missing = [(doc, path) for doc, path, _ in named if not (REPO / path).is_file()]
    assert missing == []


def test_every_test_function_the_docs_name_exists() -> None:
    missing = []
    for doc, path, name in _named_tests():
        if name is None or not (REPO / path).is_file():
            continue
        source = (REPO / path).read_text(encoding="utf-8")
        if not re.search(rf"^\s*(?:async )?def {name}\(", source, re.MULTILINE):
            missing.append((doc, f"{path}::{name}"))
    assert missing == []


def test_every_view_builder_has_a_unit_test_module() -> None:
    """`generator/render/<x>_views.py` → `tests/unit/test_views_<x>.py`, which imports it."""
    builders = sorted((REPO / "generator" / "render").glob("*_views.py"))
    assert builders, "no view builders found"
    missing = []
    for builder in builders:
        test = TESTS / "unit" / f"test_views_{builder.stem.removesuffix('_views')}.py"
        module = f"generator.render.{builder.stem}"
        if not test.is_file() or module not in test.read_text(encoding="utf-8"):
            missing.append(builder.name)
    assert missing == []
