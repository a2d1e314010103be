"""`generator/yaml_text.py`: a YAML spec with anchors is read by libyaml too (issue 18: CaseXchange's
spec took 1.4 s of CPU in the pure-Python composer that counted aliases, 0.23 s now), with the same
bounds: the composed graph's alias uses and expanded size are checked before any object is built."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from generator import yaml_text
from tests.conftest import REPO

UPSTREAM = REPO.parent / "shared" / "upstream" / "casexchange"
# the internal API's spec in the fast tier; the two largest (the counting composer takes 1.4 and
# 0.8 s of CPU for the reference reading) in the full suite
ANCHORED = [
    REPO / "specs" / "casexchange-internal" / "openapi.yml",
    pytest.param(REPO / "specs" / "casexchange" / "openapi.yml", marks=pytest.mark.slow),
    pytest.param(UPSTREAM / "public-098db2b.yml", marks=pytest.mark.slow),
]

SMALL = [
    "a: &x 1\nb: *x\nc: *x\n",
    "a: &x [1, 2]\nb: [*x, *x, {k: *x}]\n",
    "a: &x {k: &y v}\nb: *x\nc: *y\n",
    "a: &x [1, *x]\n",  # contains itself
    "a: 1\nb: [2, 3]\n",
    "k: &a {x: &b [1]}\nl: [*a, *b, *b]\nm: &c s\nn: *c\n",
]


def _aliases_parsed(text: str) -> int:
    return sum(isinstance(event, yaml.AliasEvent) for event in yaml.parse(text))


@pytest.mark.skipif(yaml_text._FastBounded is None, reason="PyYAML built without libyaml")
@pytest.mark.parametrize("path", ANCHORED, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_an_anchored_spec_is_read_by_libyaml_as_the_counting_composer_reads_it(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not path.exists():
        pytest.skip(f"{path} is not beside the repository")
    text = path.read_text(encoding="utf-8")
    expected = yaml.load(text, Loader=yaml_text._BoundedComposer)  # noqa: S506 (a safe loader)

    def refuse(self: Any, stream: str) -> None:
        raise AssertionError("the pure-Python composer read an anchored spec")

    monkeypatch.setattr(yaml_text._BoundedComposer, "__init__", refuse)
    checked: list[Any] = []
    real = yaml_text._Bounds.check.__func__  # type: ignore[attr-defined]

    def spy(cls: type, node: Any) -> None:
        checked.append(node)
        real(cls, node)

    monkeypatch.setattr(yaml_text._Bounds, "check", classmethod(spy))
    data = yaml_text.load_yaml(text)
    assert len(checked) == 1  # the graph was checked before it was constructed
    assert data == expected


@pytest.mark.parametrize("text", SMALL)
def test_alias_uses_of_the_graph_are_the_aliases_in_the_text(text: str) -> None:
    loaders = [yaml_text._BoundedComposer] + [yaml_text._FastBounded] * bool(yaml_text._FastBounded)
    for loader in loaders:
        node = yaml.compose(text, Loader=loader)  # noqa: S506 (safe loaders)
        assert yaml_text._alias_uses(node) == _aliases_parsed(text), (loader, text)


def test_too_many_aliases_are_refused_by_either_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yaml_text._Bounds, "max_aliases", 2)
    text = "a: &x 1\nb: [*x, *x, *x]\n"
    assert yaml_text.load_yaml("a: &x 1\nb: [*x, *x]\n") == {"a": 1, "b": [1, 1]}
    with pytest.raises(yaml.YAMLError, match="more than 2 YAML aliases"):
        yaml_text.load_yaml(text)
    with pytest.raises(yaml.YAMLError, match="more than 2 YAML aliases"):
        yaml.load(text, Loader=yaml_text._BoundedComposer)  # noqa: S506 (a safe loader)


def test_an_anchor_that_contains_itself_is_refused_by_either_reader() -> None:
    for loader in filter(None, [yaml_text._BoundedComposer, yaml_text._FastBounded]):
        with pytest.raises(yaml.YAMLError, match="alias bomb"):
            yaml.load("a: &x [1, *x]\n", Loader=loader)  # noqa: S506 (safe loaders)
