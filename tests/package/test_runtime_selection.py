"""A generated package ships the core runtime plus the runtime modules of its features, and nothing it
never imports: every runtime module in a package is imported by another module of that package, and
every runtime module the package imports is there."""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

from generator.config import adhoc_target
from generator.paths import templates_dir
from generator import generate
from tests.conftest import FIXTURES, REPO

RUNTIME = {p.stem for p in (templates_dir() / "runtime").rglob("_*.py")}
COMMITTED = sorted(p for p in (REPO / "generated").glob("*/src/*") if p.is_dir())


def _imports(module: Path, package: Path) -> set[str]:
    """The package-level `_` modules `module` imports (`from ._x import`, `from . import _x`,
    `from .._x import` in a subpackage), at any level of the file."""
    depth = len(module.relative_to(package).parts)  # 1 at the package root
    found: set[str] = set()
    for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.ImportFrom) or node.level != depth:
            continue
        if node.module:
            found.add(node.module.split(".")[0])
        else:
            found.update(a.name for a in node.names)
    return found


def _check(package: Path) -> set[str]:
    shipped = {p.stem for p in package.glob("_*.py") if p.stem in RUNTIME}
    imported: dict[str, set[str]] = {}
    for module in package.rglob("*.py"):
        for name in _imports(module, package):
            imported.setdefault(name, set()).add(module.stem)
    unused = {m for m in shipped if not imported.get(m, set()) - {m}}
    assert not unused, f"{package.name} ships runtime modules nothing imports: {sorted(unused)}"
    missing = {m for m in imported if m in RUNTIME and m not in shipped}
    assert not missing, (
        f"{package.name} imports runtime modules it does not ship: {sorted(missing)}"
    )
    return shipped


@cache
def _check_committed(package: Path) -> frozenset[str]:
    """`_check` of a committed package, walked once per process: the committed tree is read-only
    during a run, and a package that fails the check raises (a failure is never remembered)."""
    assert package in COMMITTED
    return frozenset(_check(package))


@pytest.mark.parametrize("package", COMMITTED, ids=lambda p: p.name)
def test_committed_clients_ship_only_the_runtime_they_use(package: Path) -> None:
    _check_committed(package)


def test_casexchange_ships_no_feature_it_does_not_use() -> None:
    shipped = _check_committed(REPO / "generated" / "casexchange" / "src" / "casexchange")
    assert not shipped & {"_jsonapi", "_query", "_oauth", "_session", "_upload"}
    assert "_webhooks" in shipped  # the one feature it has


def test_each_feature_ships_its_own_modules() -> None:
    casebook = _check_committed(REPO / "generated" / "casebook" / "src" / "casebook")
    assert {"_jsonapi", "_query", "_oauth", "_session", "_upload"} <= casebook
    assert "_webhooks" not in casebook
    internal = _check_committed(
        REPO / "generated" / "casexchange_internal" / "src" / "casexchange_internal"
    )
    assert "_session" in internal and "_oauth" not in internal and "_jsonapi" not in internal


SSE = {"_sse", "_streaming"}  # the sse feature: only for specs with text/event-stream responses


@pytest.mark.parametrize("package", COMMITTED, ids=lambda p: p.name)
def test_committed_clients_ship_no_event_streams(package: Path) -> None:
    assert (
        not _check_committed(package) & SSE
    )  # none of the three has a text/event-stream operation
    init = (package / "__init__.py").read_text(encoding="utf-8")
    assert "Stream" not in init and "ServerSentEvent" not in init


def test_a_client_with_event_streams_ships_them(tmp_path: Path) -> None:
    out = tmp_path / "out"
    generate(adhoc_target(str(FIXTURES / "specs" / "events_31.yml"), str(out), "pkg", "Client"))
    assert SSE <= _check(out / "src" / "pkg")


@pytest.mark.parametrize("spec", ["petstore_31.yml", "media_hooks_31.yml", "discriminators_31.yml"])
def test_fixture_clients_ship_only_the_runtime_they_use(spec: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    generate(adhoc_target(str(FIXTURES / "specs" / spec), str(out), "pkg", "Client"))
    shipped = _check(out / "src" / "pkg")
    assert shipped <= RUNTIME and "_exceptions" in shipped


def test_the_check_can_fail(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("from ._client import X\n")
    (package / "_client.py").write_text("X = 1\n")
    (package / "_query.py").write_text("from ._models import BaseModel\n")
    with pytest.raises(AssertionError, match="nothing imports"):
        _check(package)
