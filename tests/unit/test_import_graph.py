"""The import graph of `generator/`, read from the source (every `import`, at module level or inside a
function): no cycles, and the configuration is read by the shape stage only (plus the command line and
the workflow that select targets), never by parse, naming or render."""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

from tests.conftest import REPO

ROOT = REPO / "generator"


def _module(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def graph() -> dict[str, frozenset[str]]:
    modules = {_module(p): p for p in ROOT.rglob("*.py")}
    out: dict[str, frozenset[str]] = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*anchor, *([base] if base else [])])
                subs = {f"{base}.{a.name}" for a in node.names}
                if not subs <= set(modules):
                    found.add(base)  # a name the package itself defines (`from .. import escape`…)
                found.update(subs)  # `from . import x`: the submodule (its package is importing)
        out[name] = frozenset(m for m in found if m in modules and m != name)
    return out


def _reach(start: str) -> set[str]:
    seen: set[str] = set()
    todo = [start]
    while todo:
        for nxt in graph()[todo.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def test_the_graph_is_read() -> None:
    g = graph()
    assert "generator.shape.stage" in g["generator.pipeline"]
    assert "generator.config" in g["generator.shape.stage"]
    assert "generator.ir.servers" in g["generator.ir.operations"]


def test_no_import_cycles() -> None:
    cycles = sorted(
        " -> ".join(sorted(m for m in _reach(name) if name in _reach(m)) + [name])
        for name in graph()
        if name in _reach(name)
    )
    assert cycles == []


def test_only_the_shape_stage_reads_the_configuration() -> None:
    for name in graph():
        if name.startswith(("generator.parse", "generator.render", "generator.naming")):
            assert "generator.config" not in _reach(name), name
        if name.startswith("generator.ir"):
            assert not any(
                m.startswith("generator.") and not m.startswith("generator.ir")
                for m in _reach(name)
            ), name
