"""The test process's memo of large YAML spec texts (tests/support/yaml_memo.py): the same text gives
an equal, independent document; a changed bound or a bad text is read for real every time."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from generator import yaml_text
from generator.load import parse_text
from tests.support import yaml_memo


def _big_text(tag: str) -> str:
    """A YAML document over MIN_CHARS with an anchor used twice (the pure-Python composer's path)."""
    rows = "".join(f"  k{i}: value {tag} {i}\n" for i in range(yaml_memo.MIN_CHARS // 15))
    return f"shared: &s {{a: 1, b: [x, y]}}\none: *s\ntwo: *s\nrows:\n{rows}"


def test_the_loader_of_this_process_is_the_memo() -> None:
    assert hasattr(yaml_text.load_yaml, "__wrapped__")


def test_the_same_text_is_answered_with_an_equal_independent_copy() -> None:
    text = _big_text("copy")
    reads = yaml_memo.stats["reads"]
    first = yaml_text.load_yaml(text)
    answers = yaml_memo.stats["answers"]
    second = yaml_text.load_yaml(text)
    assert yaml_memo.stats["reads"] == reads + 1 and yaml_memo.stats["answers"] == answers + 1
    assert second == first == yaml.safe_load(text) and parse_text(text, "spec") == first
    assert second is not first and second["rows"] is not first["rows"]
    assert second["one"] is second["two"]  # an anchor's value is one object, as the loader gives it
    first["one"]["a"] = "changed"  # a test that mutates its document reaches no other test
    second["rows"].clear()
    assert yaml_text.load_yaml(text) == yaml.safe_load(text)


def test_a_lowered_bound_is_never_answered_from_a_read_under_another(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    text = _big_text("bound")
    parse_text(text, "spec")
    monkeypatch.setattr(yaml_text._BoundedComposer, "max_aliases", 1)
    with pytest.raises(Exception, match="more than 1 YAML aliases"):
        parse_text(text, "spec")


def test_a_text_that_fails_is_read_again_every_time(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = yaml_text.load_yaml.__wrapped__  # type: ignore[attr-defined]

    def counting(text: str) -> Any:
        calls.append(text)
        return real(text)

    load = yaml_memo.remembering(counting)
    bad = _big_text("bad") + "broken: [unclosed\n"
    for _ in range(2):
        with pytest.raises(yaml.YAMLError):
            load(bad)
    small = "a: 1\n"
    assert load(small) == load(small) == {"a": 1}
    assert calls == [bad, bad, small, small]
