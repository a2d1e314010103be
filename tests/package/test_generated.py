"""The golden record: generated/ is exactly what the specs produce, deterministic, typed, self-contained."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from generator import check
from generator.config import load_targets
from generator.paths import HEADER
from tests.conftest import REPO
from tests.support.mypy_strict import mypy_strict

TARGETS = load_targets(REPO / "pyproject.toml")
IDS = [t.name for t in TARGETS]


_FULL: dict[str, object] = {}


def _full_check(target: Any) -> Any:
    """`check --full` of a committed target, once per test session (it renders the whole package)."""
    if target.name not in _FULL:
        _FULL[target.name] = check(target, REPO, full=True)
    return _FULL[target.name]


@pytest.mark.parametrize("target", TARGETS, ids=IDS)
def test_generated_is_up_to_date(target: object) -> None:
    result = _full_check(target)
    assert result.diff.stale == [], (
        "generated/ is stale; run `clientgen generate` and commit the result:\n"
        + "\n".join(result.diff.stale)
    )


@pytest.mark.parametrize("target", TARGETS, ids=IDS)
def test_committed_targets_generate_without_a_warning(target: object) -> None:
    """Issue #14: a committed client is generated without a single warning (a name collision, an
    unknown configured name, a spec problem): each one is fixed in the spec or the configuration."""
    result = _full_check(target)
    assert [d.render() for d in result.diagnostics] == []


@pytest.mark.parametrize("target", TARGETS, ids=IDS)
def test_fast_check_agrees_and_does_not_render(
    target: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator import pipeline

    def no_render(*args: object, **kwargs: object) -> None:
        raise AssertionError("the fast path must not render")

    monkeypatch.setattr(pipeline, "_render", no_render)
    result = check(target, REPO)  # type: ignore[arg-type]
    assert result.fast_path and result.diff.stale == []


def test_output_is_byte_identical_across_hash_seeds(tmp_path: Path) -> None:
    spec = REPO / "specs" / "casexchange" / "openapi.yml"
    outs = []
    for seed in ("0", "4242"):
        out = tmp_path / f"seed{seed}" / "casexchange"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run(
            [
                sys.executable,
                "-m",
                "generator",
                "generate",
                str(spec),
                "-o",
                str(out),
                "--package",
                "casexchange",
                "--client-name",
                "CaseXchange",
            ],
            check=True,
            env=env,
            capture_output=True,
            cwd=tmp_path,
            timeout=120,
        )
        outs.append(
            {
                p.relative_to(out).as_posix(): p.read_bytes()
                for p in sorted(out.rglob("*"))
                if p.is_file()
            }
        )
    assert outs[0].keys() == outs[1].keys()
    different = [rel for rel in outs[0] if outs[0][rel] != outs[1][rel]]
    assert different == []


@pytest.mark.parametrize("target", TARGETS, ids=IDS)
def test_every_generated_file_has_the_header(target: object) -> None:
    root = Path(target.output)  # type: ignore[attr-defined]
    files = [p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    assert files
    for path in files:
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".json":
            assert json.loads(text)["_generated"] == HEADER
        else:
            assert text.splitlines()[0] in (f"# {HEADER}", f"<!-- {HEADER} -->"), path


@pytest.mark.slow
@pytest.mark.parametrize("target", TARGETS, ids=IDS)
def test_mypy_strict_is_clean(target: object, tmp_path: Path) -> None:
    """The package, its shipped tests/ and every example call in its api.md (one mypy run)."""
    from tests.support.apidoc import examples_module

    root = Path(target.output)  # type: ignore[attr-defined]
    src = root / "src"
    manifest = json.loads((root / "operations.json").read_text())
    examples = tmp_path / "api_md_examples.py"
    examples.write_text(examples_module(root, target.package, manifest["client"]))  # type: ignore[attr-defined]
    package = src / target.package  # type: ignore[attr-defined]
    proc = mypy_strict(tmp_path, src, package, root / "tests", examples)
    assert proc.returncode == 0, proc.stdout[-5000:]


@pytest.mark.parametrize("target", TARGETS, ids=IDS)
def test_imports_with_only_httpx_and_pydantic(target: object, tmp_path: Path) -> None:
    """A fresh interpreter that can see only the package, httpx and pydantic imports every module."""
    src = Path(target.output) / "src"  # type: ignore[attr-defined]
    code = (
        "import importlib, pkgutil, sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in {'generator', 'jinja2', 'click', 'yaml', 'openapi_pydantic'}:\n"
        "            raise ImportError('not allowed: ' + name)\n"
        "sys.meta_path.insert(0, Block())\n"
        f"pkg = importlib.import_module({target.package!r})\n"  # type: ignore[attr-defined]
        "count = 0\n"
        "for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + '.'):\n"
        "    importlib.import_module(m.name); count += 1\n"
        "print(count)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = str(src)
    proc = subprocess.run(
        [
            sys.executable,
            "-I",
            "-c",
            code.replace(
                "import importlib",
                "import sys; sys.path.insert(0, " + repr(str(src)) + ")\nimport importlib",
                1,
            ),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert int(proc.stdout.strip()) > 10


@pytest.mark.parametrize("target", TARGETS, ids=IDS)
def test_readme_examples_are_valid_python(target: object) -> None:
    import ast
    import re

    readme = (Path(target.output) / "README.md").read_text()  # type: ignore[attr-defined]
    blocks = re.findall(r"```python\n(.*?)```", readme, flags=re.DOTALL)
    assert len(blocks) >= 5
    for block in blocks:
        ast.parse(block)


@pytest.mark.parametrize("target", TARGETS, ids=IDS)
def test_package_root_is_lazy(target: object, tmp_path: Path) -> None:
    """Importing the package and building a client loads no model or resource module, and neither
    asyncio nor httpx's transport stack (the httpx client is created on the first request); one resource
    loads only its own modules, touching every resource loads no model module, and an operation's models
    load when its response spec is first used."""
    src = Path(target.output) / "src"  # type: ignore[attr-defined]
    pkg = target.package  # type: ignore[attr-defined]
    manifest = json.loads((Path(target.output) / "operations.json").read_text())  # type: ignore[attr-defined]
    resource = manifest["operations"][0]["call"].split(".")[0]
    code = f"""
import inspect, sys
sys.path.insert(0, {str(src)!r})
import {pkg} as pkg
cls = getattr(pkg, {manifest["client"]!r})
creds = [p.name for p in inspect.signature(cls).parameters.values() if p.kind is p.POSITIONAL_OR_KEYWORD]
client = cls(**{{n: "https://auth.test/token" if n.endswith("url") else "x" for n in creds}})
loaded = [m for m in sys.modules if m.startswith("{pkg}.types.") or m.startswith("{pkg}.resources.")]
print(len(loaded))
print(",".join(m for m in ("asyncio", "httpcore", "anyio", "certifi") if m in sys.modules) or "-")
getattr(client, {resource!r})
after = [m for m in sys.modules if m.startswith("{pkg}.resources.")]
print(len(after))
for call in {sorted({op["call"].split(".")[0] for op in manifest["operations"]})!r}:
    getattr(client, call)  # every resource touched: still no model module
print(len([m for m in sys.modules if m.startswith("{pkg}.types.")]))
from {pkg}._endpoint import Endpoint
module = sys.modules[type(getattr(client, {resource!r})).__module__]
spec = next(r for e in vars(module).values() if isinstance(e, Endpoint)
            for r in e.responses.values() if r.load is not None)
loaded = spec.body_type  # what a first call parses with: its models load now
print(int(any(m.startswith("{pkg}.types.") for m in sys.modules)))
"""
    proc = subprocess.run(
        [sys.executable, "-I", "-c", code],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    before, heavy, resources_after, models_after_all, models_after_load = proc.stdout.split()
    assert int(before) == 0
    assert heavy == "-"
    assert int(resources_after) == 1
    assert int(models_after_all) == 0  # touching a resource imports no model module
    assert int(models_after_load) == 1
