"""docs/configuration.md documents every configuration key, and its TOML examples are valid targets."""

from __future__ import annotations

import re
import tomllib
import types
import typing
from typing import Any

from pydantic import BaseModel

from generator.config import load_targets
from generator.config_schema import TargetConfig
from tests.conftest import REPO

DOC = REPO / "docs" / "configuration.md"
NOT_KEYS = {"name"}  # the table's name, documented as NAME


def _models(annotation: Any) -> list[type[BaseModel]]:
    """The configuration models inside an annotation (`X | None`, `dict[str, int | X]`, `tuple[X, ...]`)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    found: list[type[BaseModel]] = []
    if typing.get_origin(annotation) is not None or isinstance(annotation, types.UnionType):
        for arg in typing.get_args(annotation):
            found += _models(arg)
    return found


def config_keys(model: type[BaseModel] = TargetConfig, prefix: str = "") -> set[str]:
    keys: set[str] = set()
    for name, info in model.model_fields.items():
        if model is TargetConfig and name in NOT_KEYS:
            continue
        keys.add(prefix + name)
        for inner in _models(info.annotation):
            keys |= config_keys(inner, f"{prefix}{name}.")
    return keys


def test_the_key_walk_sees_nested_tables() -> None:
    keys = config_keys()
    assert {"spec", "pagination.exclude", "error_codes.details", "session.credentials"} <= keys
    assert {
        "presigned_uploads.url_field",
        "link_helpers.right_relationship",
        "distribution",
    } <= keys


def test_every_key_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    documented = set(re.findall(r"^### `([a-z_]+)`", text, re.MULTILINE))
    listed = set(re.findall(r"^- `([a-z_]+)`", text, re.MULTILINE))
    listed |= {
        k
        for group in re.findall(r"^- ((?:`[a-z_]+`, )+`[a-z_]+`)", text, re.MULTILINE)
        for k in re.findall(r"`([a-z_]+)`", group)
    }
    missing = []
    for key in sorted(config_keys()):
        top, _, sub = key.partition(".")
        sub = sub.rpartition(".")[2]  # `pagination.operations.style`: the declaration's `style`
        if top not in documented or (sub and sub not in listed):
            missing.append(key)
    assert missing == [], f"document these keys in {DOC.name}: {missing}"


def test_every_example_is_a_valid_target(tmp_path: Any) -> None:
    blocks = re.findall(r"```toml\n(.*?)```", DOC.read_text(encoding="utf-8"), re.DOTALL)
    assert len(blocks) >= 8
    seen: set[str] = set()
    for i, block in enumerate(blocks):
        project = tmp_path / f"p{i}" / "pyproject.toml"
        project.parent.mkdir()
        project.write_text(block)
        targets = load_targets(project)
        assert targets, block
        for t in targets:
            data = tomllib.loads(block)["tool"]["clientgen"]["targets"][t.name]
            seen |= {k for k in data if k != "name"}  # the keys the table sets
            seen |= {
                f"{k}.{sub}"
                for k, v in data.items()
                if isinstance(v, dict)
                for inner in ([v] + [x for x in v.values() if isinstance(x, dict)])
                for sub in inner
            }
    top_level = {k for k in config_keys() if "." not in k}
    assert top_level <= seen, f"keys without an example: {sorted(top_level - seen)}"
