"""Which configured target a comparison is about (so the report uses its package and class names).

In order: the target named by `--target`; the target whose spec file is OLD or NEW; the one target whose
spec has the same `info.title` as NEW (or OLD), wherever those files live; else generic names. The
project file is looked for above the current folder, then above NEW and OLD.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import BinaryIO

import yaml

from ..config import TargetConfig, find_project_file, load_targets
from ..diagnostics import SpecError
from .sides import default_config


class TargetLookupError(Exception):
    """A `--target` that cannot be honoured; the message says why."""


def target_for(
    old: Path, new: Path, name: str | None, cwd: Path
) -> tuple[TargetConfig, Path | None]:
    """The target's configuration and its pyproject.toml (None with generic names)."""
    project = next(
        (p for p in (find_project_file(f) for f in (cwd, new.parent, old.parent)) if p), None
    )
    if name is not None:
        if project is None:
            raise TargetLookupError(
                "--target needs a pyproject.toml with [tool.clientgen] here or above"
            )
        by_name = {t.name: t for t in load_targets(project)}
        if name not in by_name:
            raise TargetLookupError(
                f"unknown target {name!r}; configured: {', '.join(by_name) or 'none'}"
            )
        return by_name[name], project
    try:
        targets = load_targets(project) if project is not None else []
    except SpecError:
        targets = []
    wanted = {old.resolve(), new.resolve()}
    for t in targets:
        if Path(t.spec).resolve() in wanted:
            return t, project
    for given in (new, old):
        title = spec_title(given)
        same = [t for t in targets if title and spec_title(Path(t.spec)) == title]
        if len(same) == 1:
            return same[0], project
    return default_config(new), None


def spec_title(path: Path) -> str:
    """`info.title` of a spec file, read without parsing the whole document; "" when unknown."""
    try:
        with path.open("rb") as stream:
            head = stream.read(1).lstrip()
            stream.seek(0)
            if head == b"{":
                info = json.load(stream).get("info")
                title = info.get("title") if isinstance(info, dict) else None
                return title if isinstance(title, str) else ""
            return _yaml_title(stream)
    except (OSError, ValueError, AttributeError, yaml.YAMLError):
        return ""


def _yaml_title(stream: BinaryIO) -> str:
    """Walk the YAML event stream (no objects are built) until `info.title`."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    stack: list[list[object]] = []  # [is a mapping, expecting a key, last key]
    for event in yaml.parse(stream, Loader=loader):
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            stack.append([isinstance(event, yaml.MappingStartEvent), True, None])
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            frame = stack.pop()
            if len(stack) == 1 and stack[0][2] == "info" and frame[0]:
                return ""  # the info mapping ended without a title
            if stack and stack[-1][0]:
                stack[-1][1] = True  # the parent's value is done: a key comes next
        elif isinstance(event, yaml.ScalarEvent) and stack and stack[-1][0]:
            frame = stack[-1]
            if frame[1]:
                frame[1], frame[2] = False, event.value
                continue
            if len(stack) == 2 and stack[0][2] == "info" and frame[2] == "title":
                return str(event.value)
            frame[1] = True
    return ""
