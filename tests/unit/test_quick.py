"""`quick.plain`: which command lines the console script answers without click (`quick.py`);
everything else goes to the commands (`commands/`), which parse it."""

from __future__ import annotations

import pytest

from generator.quick import plain


@pytest.mark.parametrize(
    ("args", "parsed"),
    [
        (["generate"], ("generate", [], set())),
        (["generate", "a", "b", "-q", "--strict"], ("generate", ["a", "b"], {"quiet", "strict"})),
        (["check", "--verbose", "a"], ("check", ["a"], {"verbose"})),
    ],
)
def test_plain_command_lines(args: list[str], parsed: tuple[str, list[str], set[str]]) -> None:
    assert plain(args) == parsed


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["--version"],
        ["-q", "generate"],  # an option before the command: click's
        ["diff", "a", "b"],
        ["generate", "spec.json", "-o", "out"],
        ["generate", "--full"],
        ["generate", "--config", "t.toml"],
        ["generate", "-qv"],
        ["generate", "--help"],
        ["generate", "--", "name"],
        ["generate", ""],
        ["check", "--strict"],  # not an option of check: click says so
        ["check", "--live"],
        ["check", "--full"],
    ],
)
def test_other_command_lines_go_to_the_commands(args: list[str]) -> None:
    assert plain(args) is None
