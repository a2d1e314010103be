"""Hostile specs: any text a spec carries ends up as data in the generated files, never as code.

Two spec shapes. `hostile_spec` is small and varies names hard (schemas, properties, parameters, enums).
`rich_hostile_spec` is `support.hostile.rich_spec` with every string field drawn by Hypothesis: info,
servers and variables, security schemes with their flow URLs and scopes, tags, `x-*` extensions the
generator reads, webhook, callback and event names, enum values of every type, defaults, examples,
patterns, formats and media types. Every example must either render to modules that compile and contain
no trace of the payload as code (checked on the AST), or stop with a clear diagnostic (never a
traceback). Some are written out, formatted and imported in a fresh interpreter with a canary: code smuggled
in by the spec would create a file or set a builtin, and neither may happen.

`test_every_string_field_hostile_*` is the deterministic version: every string field of the rich spec holds
`\"\"\"`, `'''`, `\\`, `\\N{`, CR/LF, NUL, DEL and `{{ }}` (and more), once per kind of authentication; every
module is imported, pyproject.toml and GENERATION.toml parse with tomllib, operations.json is JSON and the
README is written.

The large runs are marked slow; the default run has smaller ones of each.
"""

from __future__ import annotations

import ast
import hashlib
import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from support.hostile import AUTH_KINDS, CANARY, PAYLOAD, check_package, payload, rich_spec

from generator import generate
from generator.config import SessionConfig, adhoc_target
from generator.diagnostics import DiagnosticSink, SpecError
from generator.features import FEATURES
from generator.load import load_spec
from generator.parse import build_api
from generator.paths import templates_dir
from generator.render.plan import plan_files
from generator.shape.stage import shape

PAYLOADS = [
    '"""',
    "'''",
    "\\",
    "\\n",
    "\\N{",
    "\\x",
    "\n",
    "\r\n",
    "\r",
    "{{ 7*7 }}",
    "{% raw %}",
    "{#",
    "\x00",
    "\x7f",
    "\x85",
    "\u2028",
    "\u202e",
    "\ud800",
    "é✓😀",
    "`",
    "```",
    "|",
    "<script>",
    f'"""; open("{CANARY}", "w"); """',
    f"'); open('{CANARY}','w'); ('",
    "__import__('os').system('true')",
    "import builtins; builtins.PWNED = 1",
    '"""\nimport builtins; builtins.PWNED = 1\n"""',
    "\nimport builtins; builtins.PWNED = 1\n",
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
    "https://h.example.test",
    "{x}",
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
SETTINGS: dict[str, Any] = {
    "deadline": None,
    "suppress_health_check": list(HealthCheck),
    "database": None,
}
# Generating and importing a package takes seconds: a failing example is reported as found, not shrunk.
NO_SHRINK = (Phase.explicit, Phase.reuse, Phase.generate)


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


@st.composite
def rich_hostile_spec(draw: Any) -> dict[str, Any]:
    """The rich spec with every string field drawn; a label drawn twice gets the same text (a name used
    in two places, like a required property, stays the same name)."""
    drawn: dict[str, str] = {}

    def t(label: str) -> str:
        if label not in drawn:
            drawn[label] = draw(name if label[:1].isalpha() else text, label=label)
        return drawn[label]

    return rich_spec(t, draw(st.sampled_from(AUTH_KINDS)))


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


_RUNTIME = {p.name for p in (templates_dir() / "runtime").rglob("*.py")}
_CALLS = frozenset({"open", "__import__", "exec", "eval", "compile", "breakpoint"})


def _no_payload_in_code(rel: str, source: str) -> None:
    """The payloads call open()/__import__ or set builtins.PWNED: no rendered module may do either
    (the templates themselves never call those names; the runtime, copied verbatim, is not checked)."""
    tree = ast.parse(source, rel)
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr == "PWNED":
            raise AssertionError(f"{rel}:{node.lineno}: spec text became code (PWNED)")
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in _CALLS
        ):
            raise AssertionError(f"{rel}:{node.lineno}: spec text became code ({node.func.id})")


def _render(doc: dict[str, Any], tmp: Path) -> dict[str, str] | None:
    spec = tmp / "spec.json"
    spec.write_text(json.dumps(doc))
    sink = DiagnosticSink(file=str(spec))
    target = adhoc_target(str(spec), str(tmp / "out"), "hostile", "Hostile")
    try:
        api = shape(build_api(load_spec(spec, sink), sink), target, sink)
        files, _ = plan_files(api, sink, features=FEATURES)
    except SpecError as exc:  # a clear diagnostic is an acceptable outcome
        assert exc.diagnostic.message
        return None
    return files


_CHECKED: set[bytes] = set()  # digests of the (path, source) pairs checked in this process


def _module_is_code_of_its_own(rel: str, source: str) -> None:
    """`source` compiles (a SyntaxError here is an injection or escaping bug) and, unless it is
    runtime, holds no payload as code. A module an earlier example produced to the letter (the
    runtime, copied verbatim, and the modules no spec text reaches) is not checked again: both
    checks read nothing but the path and the text."""
    key = hashlib.sha256(f"{rel}\0{source}".encode("utf-8", "surrogatepass")).digest()
    if key in _CHECKED:
        return
    compile(source, rel, "exec")
    if Path(rel).name not in _RUNTIME:
        _no_payload_in_code(rel, source)
    _CHECKED.add(key)


def _renders_to_code_that_compiles(doc: dict[str, Any], tmp_path_factory: Any) -> None:
    files = _render(doc, tmp_path_factory.mktemp("h"))
    if files is None:
        return
    for rel, source in files.items():
        if rel.endswith(".py"):
            _module_is_code_of_its_own(rel, source)
        source.encode("utf-8")  # every file can be written (no lone surrogate)
    json.loads(files["operations.json"])


def _generates_and_imports(doc: dict[str, Any], tmp_path_factory: Any) -> None:
    tmp = tmp_path_factory.mktemp("hi")
    spec = tmp / "spec.json"
    spec.write_text(json.dumps(doc))
    try:
        generate(adhoc_target(str(spec), str(tmp / "hostile"), "hostile", "Hostile"))
    except SpecError:
        return
    check_package(tmp / "hostile", "hostile")


def test_a_module_that_fails_the_check_fails_it_every_time() -> None:
    """The checks skip only a module text that passed them: a failing one is never remembered."""
    for _ in range(2):
        with pytest.raises(SyntaxError):
            _module_is_code_of_its_own("models.py", 'x = """')
        with pytest.raises(AssertionError, match="PWNED"):
            _module_is_code_of_its_own("models.py", "import builtins\nbuiltins.PWNED = 1\n")
    _module_is_code_of_its_own("_base_client.py", "import builtins\nbuiltins.PWNED = 1\n")


# ---- the small spec: names --------------------------------------------------------------------
@seed(20261123)
@settings(max_examples=30, **SETTINGS)
@given(doc=hostile_spec())
def test_hostile_text_renders_to_code_that_compiles(
    doc: dict[str, Any], tmp_path_factory: Any
) -> None:
    _renders_to_code_that_compiles(doc, tmp_path_factory)


@pytest.mark.slow
@seed(20261124)
@settings(max_examples=1000, **SETTINGS)
@given(doc=hostile_spec())
def test_hostile_text_renders_to_code_that_compiles_many(
    doc: dict[str, Any], tmp_path_factory: Any
) -> None:
    _renders_to_code_that_compiles(doc, tmp_path_factory)


@pytest.mark.slow
@seed(7)
@settings(max_examples=25, phases=NO_SHRINK, **SETTINGS)
@given(doc=hostile_spec())
def test_hostile_package_imports_without_running_spec_text(
    doc: dict[str, Any], tmp_path_factory: Any
) -> None:
    _generates_and_imports(doc, tmp_path_factory)


# ---- the rich spec: every string field -------------------------------------------------------
@seed(20261125)
@settings(max_examples=20, **SETTINGS)
@given(doc=rich_hostile_spec())
def test_every_string_field_fuzzed_renders_to_code_that_compiles(
    doc: dict[str, Any], tmp_path_factory: Any
) -> None:
    _renders_to_code_that_compiles(doc, tmp_path_factory)


@pytest.mark.slow
@seed(20261126)
@settings(max_examples=500, **SETTINGS)
@given(doc=rich_hostile_spec())
def test_every_string_field_fuzzed_renders_to_code_that_compiles_many(
    doc: dict[str, Any], tmp_path_factory: Any
) -> None:
    _renders_to_code_that_compiles(doc, tmp_path_factory)


@seed(11)
@settings(max_examples=2, phases=NO_SHRINK, **SETTINGS)
@given(doc=rich_hostile_spec())
def test_every_string_field_fuzzed_imports_without_running_spec_text(
    doc: dict[str, Any], tmp_path_factory: Any
) -> None:
    _generates_and_imports(doc, tmp_path_factory)


@pytest.mark.slow
@seed(12)
@settings(max_examples=15, phases=NO_SHRINK, **SETTINGS)
@given(doc=rich_hostile_spec())
def test_every_string_field_fuzzed_imports_without_running_spec_text_many(
    doc: dict[str, Any], tmp_path_factory: Any
) -> None:
    _generates_and_imports(doc, tmp_path_factory)


# ---- the rich spec, deterministic: every string field holds the whole payload ------------------
def _no_braces(label: str) -> str:
    """The payload without `{` `}`: a token URL or server URL with braces counts as a template or a
    placeholder and would not reach the generated code at all."""
    return label + PAYLOAD.replace("{", "(").replace("}", ")")


@pytest.mark.parametrize(
    ("text", "auth"),
    [(payload, auth) for auth in AUTH_KINDS] + [(_no_braces, "oauth"), (_no_braces, "api_key")],
    ids=[*AUTH_KINDS, "oauth-no-braces", "api_key-no-braces"],
)
def test_every_string_field_hostile_generates_and_imports(
    auth: str, text: Any, tmp_path: Path
) -> None:
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(rich_spec(text, auth)))
    out = tmp_path / "hostile"
    result = generate(adhoc_target(str(spec), str(out), "hostile", "Hostile"))
    assert result.operations == 7 and not any(
        d.severity.value == "error" for d in result.diagnostics
    )
    report = check_package(out, "hostile")
    assert report["modules"] > 40
    doc = report["doc"]  # the spec text is in the client docstring, as text
    assert text("Hostile API").split("\r")[0] in doc
    assert "open(" in doc and "builtins.PWNED = 1" in doc
    if text is _no_braces and auth == "oauth":  # the token URL reached the docs
        assert text("https://auth.example.test/token").split("\r")[0] in doc
    readme = (out / "README.md").read_text(encoding="utf-8")
    assert "\x00" not in readme and "\r" not in readme
    operations = json.loads((out / "operations.json").read_text(encoding="utf-8"))
    assert {op["path"] for op in operations["operations"]} >= {text("/items")}


def test_every_string_field_hostile_with_a_session_login(tmp_path: Path) -> None:
    """Session auth: the login operation and its body fields come from the spec."""
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(rich_spec(payload, "bearer")))
    out = tmp_path / "hostile"
    session = SessionConfig(login_operation=payload("createItem"))
    target = replace(adhoc_target(str(spec), str(out), "hostile", "Hostile"), session=session)
    generate(target)
    check_package(out, "hostile")
    credentials = (out / "src" / "hostile" / "_credentials.py").read_text(encoding="utf-8")
    assert "SessionAuth(" in credentials


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
        check=False,
    )
    assert "Traceback" not in proc.stderr
    assert proc.returncode in (0, 2), proc.stderr[-2000:]
