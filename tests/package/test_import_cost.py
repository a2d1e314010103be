"""What importing a generated package and building its client does (issue 18, imp19): structure,
never timings. `bench/perf.py --only import` and `bench/import_ab.py` measure the cost.

- No source file is read: the runtime's base model takes pydantic's attribute docstrings for its
  subclasses only (the extraction reads the class's source through `inspect.getmodule`, which
  resolves the path of every loaded module) — and the generated models still have their fields'
  docstrings as descriptions (written as `Field(description=…)` since first20, so making them reads
  no source either: `test_first_call_cost.py`).
- `_endpoint` (the frozen dataclasses of an operation's description) is imported with the first
  resource module, not by the client: the core names its classes in annotations only.
- Neither model nor resource module, nor asyncio or httpx's transport stack (the `httpx` client is
  made on the first request: `tests/runtime/test_rt_client.py`), and at most `MAX_MODULES` of the
  package's own modules.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from generator.config import load_targets
from tests.conftest import REPO
from tests.support.processes import isolated_python

TARGETS = load_targets(REPO / "pyproject.toml")
IDS = [t.name for t in TARGETS]

# The package's modules an import and a constructor may load (the committed clients: 44–46, GitHub's
# 43; 45–48 before issue 18's imp19 round); a runtime module added to the import path has to be worth it.
MAX_MODULES = 46
# Imported only when something needs them (a request, a resource, an async sleep).
NOT_AT_IMPORT = ("asyncio", "anyio", "httpcore", "certifi", "h11")

_PROBE = """
import inspect, json, linecache, sys
sys.path.insert(0, {src!r})
import {pkg} as pkg
cls = getattr(pkg, {client!r})
creds = [p.name for p in inspect.signature(cls).parameters.values()
         if p.kind is p.POSITIONAL_OR_KEYWORD]
client = cls(**{{n: "https://auth.test/token" if n.endswith("url") else "x" for n in creds}})
own = sorted(m for m in sys.modules if m == {pkg!r} or m.startswith({pkg!r} + "."))
out = {{
    "package": own,
    "others": sorted(m for m in {heavy!r} if m in sys.modules),
    "sources_read": sorted(f for f in linecache.cache if {src!r} in f),
}}
getattr(client, {resource!r})
out["after_resource"] = {pkg!r} + "._endpoint" in sys.modules
sys.path.insert(0, {here!r})
import probe_model
out["docstring"] = probe_model.Probe.model_fields["field"].description
print(json.dumps(out))
"""

_MODEL = '''
from {pkg}._models import BaseModel


class Probe(BaseModel):
    field: int = 0
    """What the field holds."""
'''


def probe(src: Path, pkg: str, client: str, resource: str, tmp_path: Path) -> dict[str, Any]:
    (tmp_path / "probe_model.py").write_text(_MODEL.format(pkg=pkg), encoding="utf-8")
    code = _PROBE.format(
        src=str(src),
        pkg=pkg,
        client=client,
        resource=resource,
        heavy=NOT_AT_IMPORT,
        here=str(tmp_path),
    )
    result: dict[str, Any] = json.loads(isolated_python(code, cwd=tmp_path, timeout=120))
    return result


def check(result: dict[str, Any], pkg: str) -> None:
    assert result["sources_read"] == []
    assert f"{pkg}._endpoint" not in result["package"]
    assert not [m for m in result["package"] if m.startswith((f"{pkg}.types", f"{pkg}.resources"))]
    assert len(result["package"]) <= MAX_MODULES, result["package"]
    assert result["others"] == []
    assert result["after_resource"]  # the first resource brings `_endpoint`
    assert result["docstring"] == "What the field holds."


@pytest.mark.parametrize("target", TARGETS, ids=IDS)
def test_import_and_construction_load_only_what_they_use(target: Any, tmp_path: Path) -> None:
    out = Path(target.output)
    manifest = json.loads((out / "operations.json").read_text(encoding="utf-8"))
    resource = manifest["operations"][0]["call"].split(".")[0]
    result = probe(out / "src", target.package, manifest["client"], resource, tmp_path)
    check(result, target.package)


def test_generated_models_keep_their_attribute_docstrings() -> None:
    """A committed model's field description is the docstring under it in the source: a plain
    model's, and a JSON:API resource's (both given as `Field(description=…)`; their bases,
    `_models.GeneratedModel` and `_jsonapi.JsonApiResource`, run no extraction)."""
    sys.path[:0] = [str(REPO / "generated" / name / "src") for name in ("casexchange", "casebook")]
    try:
        from casebook.types import AssignmentUser
        from casexchange.types import BeginClosingReferralBody
    finally:
        del sys.path[:2]
    field = BeginClosingReferralBody.model_fields["attorney_fees"]
    assert field.description == "Attorney fees in US dollars."
    assert AssignmentUser.model_fields["id"].description == "Server-generated UUID."


@pytest.mark.slow
def test_githubs_client_loads_only_what_it_uses(tmp_path: Path) -> None:
    """The same for GitHub's client (1,600 modules on disk), generated here."""
    from generator.config import adhoc_target
    from generator.pipeline import generate
    from tests.corpus.bench_modules import load_bench

    corpora = load_bench("corpora")
    try:
        corpora.install()
    except corpora.NpmMissing as exc:
        pytest.skip(str(exc))
    out = tmp_path / "gh"
    generate(adhoc_target(str(corpora.spec_path("github")), str(out), "github", "GitHub"))
    result = probe(out / "src", "github", "GitHub", "repos", tmp_path)
    check(result, "github")
    assert 40 <= len(result["package"])  # the probe saw the package at all
