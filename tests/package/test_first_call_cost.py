"""What the first call of a generated client's method does (issue 18, first20): structure, never
timings. `bench/perf.py --only import` ("first call") and `bench/import_ab.py --first-call` measure it.

Generated models carry each field's description in `Field(description=…)`, the text of the attribute
docstring under the field (which stays, for readers and IDEs), and their base, `_models.GeneratedModel`,
turns pydantic's attribute-docstring extraction off. So making a model — which a method's first call
does for the models it parses — reads no source: the extraction walked the frames, resolved the path
of every loaded module (`inspect.getmodule`), then tokenized and parsed each class.

- The first call of a method (CaseXchange's `webhooks.get`, through `httpx.MockTransport`), and
  importing every types module of every committed client, read no source file of the package and
  never enter pydantic's extraction.
- Every committed model's field descriptions are its attribute docstrings as pydantic read them, and
  the descriptions and JSON schemas of all of a client's models are the ones main had before this
  change (digests recorded at main 28d4833: 699, 117 and 327 described fields; the JSON schemas in
  the slow tier).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from generator.config import load_targets
from tests.conftest import REPO
from tests.support.processes import isolated_python

TARGETS = load_targets(REPO / "pyproject.toml")
IDS = [t.name for t in TARGETS]

# package: (sha256 of the descriptions, of the JSON schemas, described fields) at main 28d4833, before
# descriptions moved into `Field(description=…)`; computed as `_models` below computes them.
MAINS = {
    "casexchange": ("9c8f4c28372e5c61", "b37619df2a069c20", 699),
    "casexchange_internal": ("c8da710d7370b3b7", "9cbdff5752c06fa7", 117),
    "casebook": ("33da8885c4d2f1ee", "8ad51a780fb74dcf", 327),
}

# Counts calls of pydantic's extraction by its function's name (a profile hook: nothing of pydantic's
# is patched) and the package's source files in `linecache` (how `inspect` reads source).
_WATCH = """
import json, linecache, sys
sys.path.insert(0, {src!r})
extractions = []
def hook(frame, event, arg):
    if event == "call" and frame.f_code.co_name == "extract_docstrings_from_cls":
        extractions.append(frame.f_code.co_filename)
def sources():
    return sorted(f for f in linecache.cache if {src!r} in f)
"""

_FIRST_CALL = (
    _WATCH
    + """
import httpx
import casexchange
body = json.dumps({{"data": {hook_body!r}, "meta": {{"requestId": "r", "timestamp": "2025-01-02T03:04:05Z"}}}})
def handler(request):
    return httpx.Response(200, content=body, headers={{"content-type": "application/json"}})
client = casexchange.CaseXchange(api_key="x", http_client=httpx.Client(transport=httpx.MockTransport(handler)))
webhooks = client.webhooks
before = set(sys.modules)
sys.setprofile(hook)
result = webhooks.get("00000000-0000-4000-8000-000000000001")
sys.setprofile(None)
print(json.dumps({{
    "result": type(result).__name__,
    "url": result.url,
    "models": sorted(m for m in set(sys.modules) - before if m.startswith("casexchange.types.")),
    "extractions": extractions,
    "sources_read": sources(),
}}))
"""
)

_HOOK = {
    "id": "00000000-0000-4000-8000-000000000001",
    "url": "https://hooks.example.test/1",
    "description": "a hook",
    "isActive": True,
    "isEchoActive": False,
    "originalUrl": None,
    "createdAt": "2025-01-02T03:04:05Z",
    "updatedAt": "2025-01-02T03:04:05Z",
}

# Imports every types module (every model class made), then reads each class's attribute docstrings
# as pydantic does (`use_attribute_docstrings`: the class's source through `textwrap.dedent`, which
# empties lines of blanks, the string after an annotated assignment, `inspect.cleandoc`).
_MODELS = (
    _WATCH
    + """
import ast, hashlib, importlib, inspect, pkgutil, re
import pydantic
types = importlib.import_module({pkg!r} + ".types")
names = sorted(m.name for m in pkgutil.iter_modules(types.__path__, {pkg!r} + ".types."))
sys.setprofile(hook)
modules = [importlib.import_module(name) for name in names]
sys.setprofile(None)
read = sources()
descriptions, schemas, mismatches, docstrings = {{}}, {{}}, [], 0
for module in modules:
    text = re.sub(r"(?m)^[ \\t]+$", "", open(module.__file__, encoding="utf-8").read())
    classes = {{n.name: n for n in ast.parse(text).body if isinstance(n, ast.ClassDef)}}
    for cname, cls in sorted(vars(module).items()):
        if not (isinstance(cls, type) and issubclass(cls, pydantic.BaseModel)
                and cls.__module__ == module.__name__):
            continue
        key = module.__name__ + "." + cname
        found = {{f: i.description for f, i in cls.model_fields.items() if i.description is not None}}
        if found:
            descriptions[key] = found
        try:
            if {schemas}:
                schema = json.dumps(cls.model_json_schema(), sort_keys=True)
                schemas[key] = hashlib.sha256(schema.encode()).hexdigest()
        except Exception as exc:
            schemas[key] = "error: " + type(exc).__name__
        body = classes[cname].body
        docs = {{
            a.target.id: inspect.cleandoc(b.value.value)
            for a, b in zip(body, body[1:])
            if isinstance(a, ast.AnnAssign) and isinstance(a.target, ast.Name)
            and isinstance(b, ast.Expr) and isinstance(b.value, ast.Constant)
            and isinstance(b.value.value, str)
        }}
        docstrings += sum(1 for field in docs if field in cls.model_fields)  # not the ClassVars'
        for field in cls.__dict__.get("__annotations__", {{}}):
            if field in cls.model_fields and cls.model_fields[field].description != docs.get(field):
                mismatches.append([key, field, cls.model_fields[field].description, docs.get(field)])
print(json.dumps({{
    "modules": len(modules),
    "extractions": len(extractions),
    "sources_read": read,
    "descriptions": descriptions,
    "schemas": schemas,
    "docstrings": docstrings,
    "mismatches": mismatches[:5],
}}))
"""
)


def _digest(data: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]


def test_the_first_call_of_a_method_reads_no_source(tmp_path: Path) -> None:
    src = REPO / "generated" / "casexchange" / "src"
    code = _FIRST_CALL.format(src=str(src), hook_body=_HOOK)
    result = json.loads(isolated_python(code, cwd=tmp_path, timeout=120))
    assert result["result"] == "WebhookSubscription" and result["url"] == _HOOK["url"]
    assert "casexchange.types.webhook_subscription" in result["models"]  # its models were made
    assert result["extractions"] == []
    assert result["sources_read"] == []


def _models(target: Any, cwd: Path, *, schemas: bool) -> dict[str, Any]:
    code = _MODELS.format(src=str(Path(target.output) / "src"), pkg=target.package, schemas=schemas)
    result: dict[str, Any] = json.loads(isolated_python(code, cwd=cwd, timeout=300))
    return result


@pytest.fixture(scope="module")
def models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """Each committed client's models, without their JSON schemas (the slow tier makes those)."""
    return {
        t.package: _models(t, tmp_path_factory.mktemp(t.package), schemas=False) for t in TARGETS
    }


@pytest.mark.parametrize("target", TARGETS, ids=IDS)
def test_making_every_model_reads_no_source(target: Any, models: dict[str, Any]) -> None:
    result = models[target.package]
    assert result["modules"] > 50  # the package's types modules were imported
    assert result["extractions"] == 0
    assert result["sources_read"] == []


@pytest.mark.parametrize("target", TARGETS, ids=IDS)
def test_descriptions_are_the_attribute_docstrings(target: Any, models: dict[str, Any]) -> None:
    result = models[target.package]
    assert result["mismatches"] == []
    described = sum(len(fields) for fields in result["descriptions"].values())
    assert described == result["docstrings"] > 0


@pytest.mark.parametrize("target", TARGETS, ids=IDS)
def test_descriptions_are_mains(target: Any, models: dict[str, Any]) -> None:
    """The descriptions main's models had, when pydantic read them from the source."""
    result = models[target.package]
    descriptions, _, described = MAINS[target.package]
    assert sum(len(fields) for fields in result["descriptions"].values()) == described
    assert _digest(result["descriptions"]) == descriptions


@pytest.mark.slow
@pytest.mark.parametrize("target", TARGETS, ids=IDS)
def test_json_schemas_are_mains(target: Any, tmp_path: Path) -> None:
    """Every model's JSON schema (descriptions included) is the one main's had (≈ 1.5 s a client)."""
    result = _models(target, tmp_path, schemas=True)
    assert len(result["schemas"]) > 100
    assert _digest(result["schemas"]) == MAINS[target.package][1]
