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


def _statements(path: Path) -> list[ast.AST]:
    """Every statement of the module, however nested (an import is a statement: no expression
    holds one, so expressions are not walked)."""
    found: list[ast.AST] = []
    todo: list[ast.AST] = [ast.parse(path.read_text(encoding="utf-8"))]
    while todo:
        node = todo.pop()
        found.append(node)
        todo.extend(c for c in ast.iter_child_nodes(node) if not isinstance(c, ast.expr))
    return found


@cache
def graph() -> dict[str, frozenset[str]]:
    modules = {_module(p): p for p in ROOT.rglob("*.py")}
    out: dict[str, frozenset[str]] = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        found: set[str] = set()
        for node in _statements(path):
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
            assert not {m for m in _reach(name) if m.startswith("generator.config")}, name
        if name.startswith("generator.ir"):
            assert not any(
                m.startswith("generator.") and not m.startswith("generator.ir")
                for m in _reach(name)
            ), name


# -- the runtime ------------------------------------------------------------------------------
# `templates/runtime/core/` and `features/*/` are copied flat into a package, so a relative import
# `from ._x import y` names the module `_x` wherever it came from. Every import counts, also one
# under `TYPE_CHECKING` or inside a function (a cycle hidden there is still a cycle).

RUNTIME = REPO / "templates" / "runtime"
GENERATED = REPO / "generated"


def flat_graph(files: list[Path]) -> dict[str, frozenset[str]]:
    """module → the modules among `files` it imports (relative imports of one flat package)."""
    names = {p.stem for p in files}
    out: dict[str, frozenset[str]] = {}
    for path in files:
        found: set[str] = set()
        for node in _statements(path):
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                found.update([node.module] if node.module else [a.name for a in node.names])
        out[path.stem] = frozenset(m for m in found if m in names and m != path.stem)
    return out


def cycles(g: dict[str, frozenset[str]]) -> list[str]:
    def reach(start: str) -> set[str]:
        seen: set[str] = set()
        todo = [start]
        while todo:
            for nxt in g[todo.pop()]:
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return seen

    reached = {name: reach(name) for name in g}
    return sorted(
        {
            " -> ".join(sorted(m for m in reached[name] if name in reached[m]))
            for name in g
            if name in reached[name]
        }
    )


def test_flat_graph_sees_every_kind_of_import() -> None:
    g = flat_graph(list(RUNTIME.rglob("*.py")))
    assert "_client_core" in g["_base_client"]  # module level
    assert "_client_core" in g["_exchange"]  # under TYPE_CHECKING
    assert "_base_client" in g["_resource"]
    assert cycles({"a": frozenset({"b"}), "b": frozenset({"a"}), "c": frozenset()}) == ["a -> b"]


def test_no_import_cycles_in_the_runtime() -> None:
    assert cycles(flat_graph(list(RUNTIME.rglob("*.py")))) == []


def test_no_import_cycles_in_the_committed_packages() -> None:
    """The runtime and the generated modules beside it, as shipped (`_client.py`, `_errors.py`, …)."""
    packages = sorted(p for p in GENERATED.glob("*/src/*") if (p / "_base_client.py").is_file())
    assert len(packages) == 3
    for package in packages:
        assert cycles(flat_graph(sorted(package.glob("*.py")))) == [], package.name
