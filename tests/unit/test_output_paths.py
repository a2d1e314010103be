"""A planned file's path must lie inside the output folder (`write._check_relative`, SECURITY.md): a
path that could leave it is refused before anything is written."""

from __future__ import annotations

from pathlib import PurePosixPath

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.diagnostics import SpecError
from generator.write import _check_relative


def _refused(rel: str) -> bool:
    try:
        _check_relative((rel,))
    except SpecError as exc:
        assert exc.diagnostic.code == "bad-output-path"
        return True
    return False


@pytest.mark.parametrize(
    "rel", ["", ".", "./", "/", "/etc/passwd", "//x", "..", "../x", "a/../../b", "a/..", "a\\b"]
)
def test_a_path_that_could_leave_the_folder_is_refused(rel: str) -> None:
    assert _refused(rel)


@pytest.mark.parametrize(
    "rel", ["src/pkg/x.py", "./a", "a//b", "a/./b", "...", "a/.../b", "README.md"]
)
def test_a_path_inside_the_folder_is_accepted(rel: str) -> None:
    assert not _refused(rel)


@given(st.text(alphabet="ab./\\ ", max_size=12))
def test_the_rule_is_pure_posix_paths(rel: str) -> None:
    """Refused exactly when, read as a POSIX path, it has no part, is absolute, climbs (`..`) or
    holds a backslash."""
    parts = PurePosixPath(rel).parts
    assert _refused(rel) == (not parts or rel.startswith("/") or ".." in parts or "\\" in rel)
