"""Structure that keeps clientgen fast, checked without timing anything: what the `check` fast path
imports, and which files a regeneration touches."""

from __future__ import annotations

import functools
import subprocess
import sys
from collections.abc import Mapping, Set as AbstractSet
from pathlib import Path
from typing import Any

from generator.config import adhoc_target
from generator import generate
from tests.conftest import FIXTURES, REPO

HEAVY = (
    "httpx",
    "tomlkit",
    "jinja2",
    "openapi_pydantic",
    "yaml",
    "generator.render",
    "generator.parse",
    "generator.load",
)

FAST_CHECK = f"""
import atexit
import sys
sys.path.insert(0, {str(REPO)!r})
sys.argv = ["clientgen", "check"]


def report():  # `check` ends with `quick.leave`, which runs the atexit handlers
    heavy = sorted({{m.split(".")[0] if not m.startswith("generator.") else ".".join(m.split(".")[:2])
                     for m in sys.modules if m.startswith({HEAVY!r})}})
    print(",".join(heavy) or "-")


atexit.register(report)
from generator.cli import main
main()
"""


def test_check_fast_path_imports_no_renderer(pets_project: Path) -> None:
    tmp_path = pets_project
    gen = subprocess.run(
        [sys.executable, "-m", "generator", "generate"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert gen.returncode == 0, gen.stderr
    proc = subprocess.run(
        [sys.executable, "-I", "-c", FAST_CHECK],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.split()[-1:] == ["-"], proc.stdout


def _mtimes(folder: Path) -> dict[str, int]:
    return {
        p.relative_to(folder).as_posix(): p.stat().st_mtime_ns
        for p in folder.rglob("*")
        if p.is_file()
    }


def test_one_schema_change_rewrites_only_the_files_that_change(tmp_path: Path) -> None:
    spec_text = (FIXTURES / "specs" / "petstore_31.yml").read_text()
    spec = tmp_path / "pets.yml"
    spec.write_text(spec_text)
    out = tmp_path / "out" / "pets"
    target = adhoc_target(str(spec), str(out), "pets", "Pets")
    generate(target)
    before = _mtimes(out)
    contents = {rel: (out / rel).read_bytes() for rel in before}

    spec.write_text(
        spec_text.replace('description: "Shown to humans"', 'description: "Shown to people"')
    )
    result = generate(target)
    after = _mtimes(out)
    touched = sorted(rel for rel in after if after[rel] != before.get(rel))
    changed = sorted(rel for rel in after if (out / rel).read_bytes() != contents.get(rel))
    assert (
        touched
        == changed
        == sorted(result.diff.changed)
        == [
            "GENERATION.toml",
            "openapi.yml",
            "src/pets/types/pet.py",
        ]  # openapi.yml: the spec's copy
    )

    # a schema added, then removed: its module comes and goes, the folder keeps no other trace
    toy = "    Toy: {type: object, properties: {name: {type: string}}}\n    NewPet:"
    spec.write_text(spec_text.replace("    NewPet:", toy, 1))
    generate(target)
    assert (out / "src/pets/types/toy.py").is_file()
    spec.write_text(spec_text)
    result = generate(target)
    assert result.diff.removed == ["src/pets/types/toy.py"]
    assert sorted(_mtimes(out)) == sorted(before)


RUFF_CONFIG = REPO / "generator" / "ruff_generated.toml"


def _ruff_check(folder: Path) -> str:
    """What `ruff check` (import order, unused imports: the generator's own ruff settings) says."""
    from generator.format import ruff_binary

    proc = subprocess.run(
        [
            ruff_binary(),
            "check",
            "--no-cache",
            "--config",
            str(RUFF_CONFIG),
            "--output-format",
            "concise",
            ".",
        ],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return proc.stdout + proc.stderr if proc.returncode else ""


def test_committed_clients_need_no_import_fixes() -> None:
    """clientgen runs only `ruff format`: the import blocks must come out sorted and without unused names
    (`generator/render/imports.py`), or they would stay unsorted in every generated file."""
    assert _ruff_check(REPO / "generated") == ""


def test_emitted_imports_are_sorted_before_formatting(tmp_path: Path, monkeypatch: Any) -> None:
    """Unformatted output (what the templates emit) has no import finding either, apart from long lines
    that `ruff format` wraps: the order comes from the generator, not from a fixer."""
    import generator.staging as staging

    monkeypatch.setattr(staging, "format_tree", lambda root: None)
    for spec in ("petstore_31.yml", "discriminators_31.yml"):
        out = tmp_path / spec.split(".")[0]
        generate(adhoc_target(str(FIXTURES / "specs" / spec), str(out), "pkg", "Client"))
        assert _ruff_check(out) == "", spec


def test_ruff_check_finds_an_unsorted_block(tmp_path: Path) -> None:
    """The helper above can fail: a misordered block is reported."""
    (tmp_path / "m.py").write_text("from . import b\nfrom .. import a\n")
    assert "I001" in _ruff_check(tmp_path)


def test_interrupted_first_generation_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: Any
) -> None:
    """A new output folder is written whole beside it and renamed into place: a failure half-way leaves
    neither a half-written folder (which the next run would refuse as "not made by clientgen") nor the
    hidden sibling; the next run then succeeds."""
    import generator.write_files as write_files

    spec = FIXTURES / "specs" / "petstore_31.yml"
    out = tmp_path / "out" / "pets"
    target = adhoc_target(str(spec), str(out), "pets", "Pets")
    real_put, calls = write_files.put, []

    def failing_put(*args: Any, **kwargs: Any) -> None:
        calls.append(args[1])
        if len(calls) > 10 and "clientgen-new-" in args[1]:
            raise KeyboardInterrupt  # e.g. Ctrl-C while the tree is being written
        real_put(*args, **kwargs)

    monkeypatch.setattr(write_files, "put", failing_put)
    try:
        generate(target)
    except KeyboardInterrupt:
        pass
    else:  # pragma: no cover - the fake must have fired
        raise AssertionError("the write was not interrupted")
    assert not out.exists()
    assert list((tmp_path / "out").iterdir()) == []
    monkeypatch.setattr(write_files, "put", real_put)
    result = generate(target)
    assert (out / "GENERATION.toml").is_file() and result.diff.added


def _is_module(name: str) -> bool:
    parts = name.split(".")
    return (REPO.joinpath(*parts).with_suffix(".py")).is_file() or (
        REPO.joinpath(*parts) / "__init__.py"
    ).is_file()


def _runtime_imports(path: Path, module: str) -> set[str]:
    """The generator modules `module` imports at run time (anywhere but an `if TYPE_CHECKING:` block)."""
    import ast

    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    todo: list[ast.AST] = [tree]
    while todo:
        node = todo.pop()
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue  # the block is for the type checker (its `else` too)
        # an import is a statement: no expression holds one (nor do its parts, so they are not read)
        todo.extend(c for c in ast.iter_child_nodes(node) if not isinstance(c, ast.expr))
        if isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1])
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            subs = {f"{target}.{alias.name}" for alias in node.names}
            if not all(_is_module(sub) for sub in subs):
                found.add(target)  # `from . import x` of submodules only: the package is importing
            found.update(subs)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


@functools.cache
def _import_graph() -> dict[str, frozenset[str]]:
    """Each generator module → the generator modules, click and httpx it imports at run time (read
    once per process: two tests ask)."""
    modules = {}
    for path in sorted((REPO / "generator").rglob("*.py")):
        name = ".".join(path.relative_to(REPO).with_suffix("").parts)
        modules[name.removesuffix(".__init__")] = path
    graph = {}
    for name, path in modules.items():
        imported = _runtime_imports(path, name)
        graph[name] = frozenset(
            t for t in imported if (t in modules and t != name) or t in ("click", "httpx")
        )
    return graph


def test_workflow_is_plain_functions() -> None:
    """One CLI room: every command is declared in generator/commands/; workflow/ neither uses click nor
    imports the CLI (which imports workflow/ inside its commands)."""
    graph = _import_graph()
    workflow = {m: deps for m, deps in graph.items() if m.startswith("generator.workflow")}
    assert workflow
    for module, deps in workflow.items():
        assert "click" not in deps and "generator.cli" not in deps, module
        assert not any(dep.startswith("generator.commands") for dep in deps), module
        assert "generator.console" not in deps, module


def _find_cycle(graph: Mapping[str, AbstractSet[str]]) -> list[str]:
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(module: str) -> list[str]:
        state[module] = 1
        path.append(module)
        for dep in sorted(graph.get(module, ())):
            if state.get(dep) == 1:
                return path[path.index(dep) :] + [dep]
            if dep in graph and dep not in state:
                found = visit(dep)
                if found:
                    return found
        path.pop()
        state[module] = 2
        return []

    for module in sorted(graph):
        if module not in state:
            found = visit(module)
            if found:
                return found
    return []


def test_generator_import_graph_has_no_cycle() -> None:
    assert _find_cycle(_import_graph()) == []


def test_cycle_finder_sees_a_cycle() -> None:
    """The check above can fail: an import back into the importer is a cycle."""
    fake = {
        "generator.a": {"generator.b"},
        "generator.b": {"generator.c"},
        "generator.c": {"generator.a"},
    }
    assert _find_cycle(fake) == ["generator.a", "generator.b", "generator.c", "generator.a"]


def test_noop_generate_renders_nothing(pets_project: Path, monkeypatch: Any) -> None:
    """A second `generate` with nothing changed answers from provenance: no renderer runs, no file
    is touched, and it reports the warnings of the run that produced the tree."""
    from generator.commands.support import select
    from generator.render import plan

    monkeypatch.chdir(pets_project)
    spec = pets_project / "pets.yml"
    spec.write_text(  # one warning, which the answer from provenance must report again
        spec.read_text().replace(
            "  securitySchemes:\n",
            "  securitySchemes:\n    c: {type: apiKey, in: cookie, name: 'a b'}\n",
            1,
        )
    )
    (target,), root = select(())
    first = generate(target, root)
    assert not first.fast_path and first.diff.added
    assert [d.code for d in first.diagnostics] == ["bad-cookie-name"]
    out = pets_project / "generated" / "pets"
    before = _mtimes(out)

    def fail(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a no-op generate rendered")

    monkeypatch.setattr(plan, "plan_files", fail)
    again = generate(target, root)
    assert again.fast_path and again.diff.stale == [] and again.diff.unchanged == len(before)
    assert again.diagnostics == first.diagnostics
    assert _mtimes(out) == before

    # an edited generated file, a changed spec: both render again
    victim = out / "src" / "pets" / "_client.py"
    victim.write_bytes(victim.read_bytes() + b"\n")
    monkeypatch.undo()
    monkeypatch.chdir(pets_project)
    repaired = generate(target, root)
    assert not repaired.fast_path and repaired.diff.changed == ["src/pets/_client.py"]
    assert generate(target, root, full=True).fast_path is False


def test_lazy_response_and_error_types_resolve_on_first_use(generate_package: Any) -> None:
    """Response and error bodies that name models (a list, a union) are `load=lambda: _types.…`:
    importing the resource loads no model module; resolving the spec gives the real type."""
    obj = {"type": "object", "properties": {"id": {"type": "integer"}}}
    doc = {
        "openapi": "3.1.0",
        "info": {"title": "Lazy", "version": "1"},
        "servers": [{"url": "https://lazy.example.test"}],
        "paths": {
            "/things": {
                "get": {
                    "operationId": "listThings",
                    "tags": ["things"],
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "array",
                                        "items": {"$ref": "#/components/schemas/Thing"},
                                    }
                                }
                            },
                        },
                        "422": {
                            "description": "bad",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "oneOf": [
                                            {"$ref": "#/components/schemas/Invalid"},
                                            {"$ref": "#/components/schemas/Conflict"},
                                        ]
                                    }
                                }
                            },
                        },
                    },
                }
            }
        },
        "components": {
            "schemas": {
                "Thing": obj,
                "Invalid": {**obj, "required": ["id"]},
                "Conflict": {"type": "object", "properties": {"why": {"type": "string"}}},
            }
        },
    }
    pkg, _ = generate_package(doc, package="lazytypes")
    import sys

    resource = pkg.Client().things
    assert not [m for m in sys.modules if m.startswith("lazytypes.types.")]
    module = sys.modules[type(resource).__module__]
    endpoint = module._LIST
    assert endpoint.responses["200"].model is None
    assert endpoint.responses["200"].body_type == list[pkg.types.Thing]
    error = endpoint.errors["422"].body_type
    assert set(error.__args__) == {pkg.types.Invalid, pkg.types.Conflict}


def test_ruff_is_found_where_its_package_finds_it_once_a_process() -> None:
    """`format.ruff_binary` gives what `ruff.__main__.find_ruff_bin` gives, and looks once: a
    replay starts ruff up to three times (`render/splice.py`, the staging folder's format)."""
    from ruff.__main__ import find_ruff_bin

    from generator.format import ruff_binary

    ruff_binary.cache_clear()
    assert ruff_binary() == str(find_ruff_bin())
    ruff_binary()
    assert ruff_binary.cache_info().misses == 1 and ruff_binary.cache_info().hits == 1
