"""A parameter reached by `$ref` (`components/parameters`) parsed once and kept for its other places
when what it made does not depend on the place (`OperationBuilder._parameter`, issue 18, crumbs27):
no diagnostic, no inline schema named from the place's hint. Otherwise it is parsed at each place, as
before: each place's hint reaches its inline schemas, each place's diagnostics are reported."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from generator.diagnostics import DiagnosticSink
from generator.ir import Api, Parameter
from generator.load import LoadedSpec, load_spec
from generator.naming.plan import plan_names
from generator.parse import build_api
from generator.parse import operations as parse_operations
from generator.parse.canonical import Canonical

REPO = Path(__file__).resolve().parents[2]
SPECS = sorted(
    [*(REPO / "tests" / "fixtures" / "specs").glob("*.y*ml")]
    + [*(REPO / "tests" / "fixtures" / "specs").glob("*.json")]
    + [*(REPO / "specs").glob("*/openapi.yml")]
)
PARAMS = "/components/parameters/"


class _KeepsNone(dict[str, Parameter]):
    def __setitem__(self, key: str, value: Parameter) -> None:
        pass


def _keep_none(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every parameter parsed at each of its places (as before)."""
    real = parse_operations.OperationBuilder.__init__

    def init(self: parse_operations.OperationBuilder, *args: Any) -> None:
        real(self, *args)
        self._shared = _KeepsNone()

    monkeypatch.setattr(parse_operations.OperationBuilder, "__init__", init)


def _document(parameters: dict[str, Any]) -> dict[str, Any]:
    def op(op_id: str) -> dict[str, Any]:
        return {
            "operationId": op_id,
            "parameters": [{"$ref": "#" + PARAMS + name} for name in parameters],
            "responses": {"204": {"description": "none"}},
        }

    return {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {"/a/{id}": {"get": op("list_a")}, "/b/{id}": {"get": op("list_b")}},
        "components": {"parameters": parameters},
    }


def _parse(document: dict[str, Any]) -> tuple[Api, DiagnosticSink]:
    sink = DiagnosticSink()
    api = build_api(LoadedSpec("spec", document, "", "3.0"), sink, Canonical(document))
    return api, sink


def _by_name(api: Api) -> dict[str, list[Parameter]]:
    out: dict[str, list[Parameter]] = {}
    for op in api.operations:
        for p in op.parameters:
            out.setdefault(p.wire_name, []).append(p)
    return out


PARAMETERS = {
    "id": {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}},
    "page": {"name": "page", "in": "query", "schema": {"$ref": "#/components/schemas/Page"}},
    "sort": {"name": "sort", "in": "query", "schema": {"type": "string", "enum": ["a", "b"]}},
    "loose": {"name": "loose", "in": "path", "schema": {"type": "string"}},
}


def _with_schemas(document: dict[str, Any]) -> dict[str, Any]:
    document["components"]["schemas"] = {"Page": {"type": "integer", "minimum": 1}}
    return document


def test_a_parameter_the_same_at_every_place_is_parsed_once() -> None:
    api, _ = _parse(_with_schemas(_document(PARAMETERS)))
    params = _by_name(api)
    assert params["id"][0] is params["id"][1]
    assert params["page"][0] is params["page"][1]
    assert params["id"][0].pointer == PARAMS + "id"


def test_an_inline_schema_gets_each_places_hint() -> None:
    """`sort`'s enum is named from the places that use it: each place parses it, and both hints reach
    the enum (the naming pass chooses among them)."""
    api, _ = _parse(_with_schemas(_document(PARAMETERS)))
    first, second = _by_name(api)["sort"]
    assert first is not second and first == second
    hints = api.schemas[PARAMS + "sort/schema"].hints
    assert hints is not None
    assert [h for h, _ in hints.hints] == ["list_a sort", "list_b sort"]


def test_a_parameter_with_a_diagnostic_is_parsed_at_each_place() -> None:
    """`loose` (a path parameter without `required: true`) is reported, and parsed again at its
    second place rather than kept."""
    api, sink = _parse(_with_schemas(_document(PARAMETERS)))
    first, second = _by_name(api)["loose"]
    assert first is not second and first == second
    assert [(d.code, d.pointer) for d in sink.sorted() if d.code == "path-param-not-required"] == [
        ("path-param-not-required", PARAMS + "loose/required")
    ]


def _everything(api: Api, sink: DiagnosticSink) -> str:
    return repr((api, plan_names(api, sink), sink.sorted()))


def test_kept_or_not_the_ir_names_and_diagnostics_are_the_same(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    kept = _everything(*_parse(_with_schemas(_document(PARAMETERS))))
    _keep_none(monkeypatch)
    api, sink = _parse(_with_schemas(_document(PARAMETERS)))
    params = _by_name(api)
    assert params["id"][0] is not params["id"][1]  # (none kept)
    assert _everything(api, sink) == kept


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.name)
def test_each_spec_parses_as_when_every_place_is_parsed(
    spec: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each fixture and committed spec: the IR, the names and the diagnostics equal a run that keeps
    no parameter."""

    def parsed() -> str:
        loaded = load_spec(spec, DiagnosticSink(file=str(spec)))
        sink = DiagnosticSink(file="spec")
        return _everything(build_api(loaded, sink, Canonical(loaded.document)), sink)

    kept = parsed()
    _keep_none(monkeypatch)
    assert parsed() == kept
