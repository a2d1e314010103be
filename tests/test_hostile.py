"""Hostile specs: any text a spec carries ends up as data in the generated code, never as code.

Hypothesis builds specs whose names, descriptions, enum values, defaults, patterns and examples contain
quotes, triple quotes, backslashes, newlines, Jinja syntax, NUL bytes, non-ASCII and Python code. Every
example must either render to modules that all compile, or stop with a clear diagnostic (never a traceback).
A sample of them is written out, formatted and imported in a fresh interpreter with a canary: code smuggled
in by the spec would create a file or set a builtin, and neither may happen.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from generator.config import adhoc_target
from generator.diagnostics import DiagnosticSink, SpecError
from generator.load import load_spec
from generator.parse import build_api
from generator.pipeline import generate
from generator.render.plan import plan_files

CANARY = "/tmp/clientgen-canary-should-not-exist"
PAYLOADS = [
    '"""',
    "'''",
    "\\",
    "\\n",
    "\n",
    "\r\n",
    "{{ 7*7 }}",
    "{% raw %}",
    "{#",
    "\x00",
    "\u2028",
    "é✓😀",
    f'"""; open("{CANARY}", "w"); """',
    f"'); open('{CANARY}','w'); ('",
    "__import__('os').system('true')",
    "import builtins; builtins.PWNED = 1",
    '"""\nimport builtins; builtins.PWNED = 1\n"""',
    "class",
    "None",
    "self",
    "body",
    "def",
    "-",
    "0",
    "",
    " ",
    "a b",
    "x-y",
    "__init__",
    "__class__",
    "$ref",
    "#",
    "~1",
]
text = st.one_of(
    st.sampled_from(PAYLOADS),
    st.text(max_size=12),
    st.lists(st.sampled_from(PAYLOADS), min_size=2, max_size=4).map("".join),
)
name = st.one_of(
    text.filter(lambda s: s.strip() != ""),
    st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,8}", fullmatch=True),
)


@st.composite
def hostile_spec(draw: Any) -> dict[str, Any]:
    props = draw(
        st.dictionaries(
            name,
            st.fixed_dictionaries(
                {
                    "type": st.sampled_from(["string", "integer", "boolean"]),
                    "description": text,
                }
            ),
            min_size=1,
            max_size=4,
        )
    )
    for prop in props.values():
        if prop["type"] == "string" and draw(st.booleans()):
            prop["pattern"] = draw(text)
            prop["example"] = draw(text)
            prop["default"] = draw(text)
    enum_values = draw(st.lists(text, min_size=1, max_size=5, unique=True))
    schema_name = draw(name)
    param_name = draw(name)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": draw(text) or "t",
            "version": draw(text) or "1",
            "description": draw(text),
        },
        "servers": [{"url": "https://h.example.test"}],
        "paths": {
            f"/things/{{{param_name}}}": {
                "get": {
                    "operationId": draw(name),
                    "summary": draw(text),
                    "description": draw(text),
                    "tags": [draw(name)],
                    "parameters": [
                        {
                            "name": param_name,
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                            "description": draw(text),
                        },
                        {
                            "name": draw(name),
                            "in": "query",
                            "schema": {"type": "string", "enum": enum_values},
                        },
                    ],
                    "responses": {
                        "200": {
                            "description": draw(text),
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "$ref": f"#/components/schemas/{_escape(schema_name)}"
                                    }
                                }
                            },
                        }
                    },
                }
            }
        },
        "components": {
            "schemas": {
                schema_name: {"type": "object", "description": draw(text), "properties": props},
                (draw(name) + "Enum"): {
                    "type": "string",
                    "enum": enum_values,
                    "description": draw(text),
                },
            }
        },
    }


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _render(doc: dict[str, Any], tmp: Path) -> dict[str, str] | None:
    spec = tmp / "spec.json"
    spec.write_text(json.dumps(doc))
    sink = DiagnosticSink(file=str(spec))
    target = adhoc_target(str(spec), str(tmp / "out"), "hostile", "Hostile")
    try:
        api = build_api(load_spec(spec, sink), target, sink)
        files, _ = plan_files(api, target, sink)
    except SpecError as exc:  # a clear diagnostic is an acceptable outcome
        assert exc.diagnostic.message
        return None
    return files


def _renders_to_code_that_compiles(doc: dict[str, Any], tmp_path_factory: Any) -> None:
    files = _render(doc, tmp_path_factory.mktemp("h"))
    if files is None:
        return
    for rel, source in files.items():
        if rel.endswith(".py"):
            compile(source, rel, "exec")  # a SyntaxError here is an injection or escaping bug


# 3,000 examples in all, in two tests with their own fixed seeds so that pytest-xdist runs them side by side.
@pytest.mark.slow
@seed(20261123)
@settings(max_examples=1500, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(doc=hostile_spec())
def test_hostile_text_renders_to_code_that_compiles(
    doc: dict[str, Any], tmp_path_factory: Any
) -> None:
    _renders_to_code_that_compiles(doc, tmp_path_factory)


@pytest.mark.slow
@seed(20261124)
@settings(max_examples=1500, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(doc=hostile_spec())
def test_hostile_text_renders_to_code_that_compiles_second_seed(
    doc: dict[str, Any], tmp_path_factory: Any
) -> None:
    _renders_to_code_that_compiles(doc, tmp_path_factory)


@pytest.mark.slow
@seed(7)
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(doc=hostile_spec())
def test_hostile_package_imports_without_running_spec_text(
    doc: dict[str, Any], tmp_path_factory: Any
) -> None:
    tmp = tmp_path_factory.mktemp("hi")
    spec = tmp / "spec.json"
    spec.write_text(json.dumps(doc))
    try:
        generate(adhoc_target(str(spec), str(tmp / "hostile"), "hostile", "Hostile"))
    except SpecError:
        return
    code = (
        "import builtins, importlib, os, pkgutil, sys\n"
        f"sys.path.insert(0, {str(tmp / 'hostile' / 'src')!r})\n"
        "import hostile\n"
        "for m in pkgutil.walk_packages(hostile.__path__, 'hostile.'):\n"
        "    importlib.import_module(m.name)\n"
        "from hostile import types\n"
        "for n in types.__all__:\n"
        "    getattr(types, n)\n"
        f"assert not os.path.exists({CANARY!r}), 'canary file written'\n"
        "assert not hasattr(builtins, 'PWNED'), 'canary builtin set'\n"
        "print('ok')\n"
    )
    proc = subprocess.run(
        [sys.executable, "-I", "-c", code], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stderr[-2000:]
    assert not Path(CANARY).exists()


@pytest.mark.parametrize("case", ["deep", "huge-string"])
def test_corrupt_documents_fail_or_pass_in_bounded_time(case: str, tmp_path: Path) -> None:
    if case == "deep":
        schema: dict[str, Any] = {"type": "string"}
        for _ in range(200):
            schema = {"type": "object", "properties": {"n": schema}}
        doc = {
            "openapi": "3.1.0",
            "info": {"title": "deep", "version": "1"},
            "paths": {},
            "components": {"schemas": {"Deep": schema}},
        }
    else:
        doc = {
            "openapi": "3.1.0",
            "info": {"title": "big", "version": "1", "description": "x" * 50_000_000},
            "paths": {},
        }
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(doc))
    proc = subprocess.run(
        [sys.executable, "-m", "generator", "generate", str(spec), "-o", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        timeout=240,
        cwd=tmp_path,
    )
    assert "Traceback" not in proc.stderr
    assert proc.returncode in (0, 2), proc.stderr[-2000:]
