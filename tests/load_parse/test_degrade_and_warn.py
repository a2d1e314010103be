"""Degrade, don't abort; warn about what is wrong (#13): a broken `$ref` makes only what uses it a JSON
value, and spec mistakes that used to vanish silently are warnings (file + JSON pointer), exit 1 under
`--strict`."""

from __future__ import annotations

import subprocess
import sys
import typing
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import FIXTURES, spec_doc


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        check=False,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_dangling_ref_makes_that_schema_any_and_the_rest_is_generated(
    tmp_path: Path, generate_package: Any
) -> None:
    spec = FIXTURES / "degrade" / "dangling_ref.yml"
    proc = run_cli("generate", str(spec), "-o", str(tmp_path / "out"), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "warning[dangling-ref]" in proc.stderr and "Traceback" not in proc.stderr
    assert f"{spec}#/paths/~1pets/get/responses/200/content/application~1json/schema" in proc.stderr
    assert (tmp_path / "out" / "src").is_dir()
    strict = run_cli(
        "generate", str(spec), "-o", str(tmp_path / "strict"), "--strict", cwd=tmp_path
    )
    assert strict.returncode == 1, strict.stderr

    pkg, _ = generate_package(spec.read_text(), package="dangling")
    hints = typing.get_type_hints(type(pkg.Client(base_url="http://x.test").pets).list)
    assert Any in typing.get_args(hints["return"])


def test_ref_cycle_is_a_warning_and_its_schemas_are_any(generate_package: Any) -> None:
    spec = FIXTURES / "degrade" / "ref_cycle.yml"
    _, root = generate_package(spec.read_text(), package="cycle")
    from cycle.types import C

    assert Any in typing.get_args(C.model_fields["a"].annotation)
    assert C(a={"anything": [1]}).a == {"anything": [1]}
    assert "A: _t.TypeAlias = _t.Any" in (root / "src/cycle/types/a.py").read_text()


def test_dangling_ref_in_one_property_keeps_the_model(build: Any) -> None:
    doc = spec_doc(
        schemas={
            "Pet": {
                "type": "object",
                "required": ["name"],
                "properties": {
                    "name": {"type": "string"},
                    "owner": {"$ref": "#/components/schemas/Nobody"},
                },
            }
        }
    )
    api, sink = build(doc)
    pet = api.schemas["/components/schemas/Pet"]
    assert [f.wire_name for f in pet.fields] == ["name", "owner"]
    (warning,) = [d for d in sink.items if d.code == "dangling-ref"]
    assert warning.pointer == "/components/schemas/Pet/properties/owner"
    assert "#/components/schemas/Nobody" in warning.message


def test_missing_external_file_is_a_warning(tmp_path: Path) -> None:
    spec = tmp_path / "api.yml"
    spec.write_text(
        yaml.safe_dump(
            spec_doc(
                paths={
                    "/a": {
                        "get": {
                            "responses": {
                                "200": {
                                    "description": "ok",
                                    "content": {
                                        "application/json": {
                                            "schema": {"$ref": "missing.yml#/Thing"}
                                        }
                                    },
                                }
                            }
                        }
                    }
                }
            )
        )
    )
    proc = run_cli("generate", str(spec), "-o", str(tmp_path / "out"), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "warning[dangling-ref]" in proc.stderr and "missing.yml" in proc.stderr


def _codes(sink: Any) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {}
    for d in sink.items:
        out.setdefault(d.code, []).append(d)
    return out


def test_response_keys_that_are_not_statuses_are_warned_and_ignored(build: Any) -> None:
    ok = {"description": "ok", "content": {"application/json": {"schema": {"type": "string"}}}}
    doc = spec_doc(
        paths={"/a": {"get": {"operationId": "a", "responses": {"200": ok, "20O": ok, "2xx": ok}}}}
    )
    api, sink = build(doc)
    (op,) = api.operations
    assert [r.status for r in op.responses] == ["200", "2XX"]
    (warning,) = _codes(sink)["bad-response-status"]
    assert warning.pointer == "/paths/~1a/get/responses/20O"


def test_path_parameter_without_required_is_warned_and_required(build: Any) -> None:
    doc = spec_doc(
        paths={
            "/a/{id}": {
                "get": {
                    "parameters": [{"name": "id", "in": "path", "schema": {"type": "string"}}],
                    "responses": {"204": {"description": "none"}},
                }
            }
        }
    )
    api, sink = build(doc)
    (param,) = api.operations[0].parameters
    assert param.required
    (warning,) = _codes(sink)["path-param-not-required"]
    assert warning.pointer == "/paths/~1a~1{id}/get/parameters/0/required"


def test_empty_31_document_is_warned(build: Any) -> None:
    doc = spec_doc()
    del doc["paths"]
    _, sink = build(doc)
    assert "empty-document" in _codes(sink)
    _, sink = build(spec_doc())  # `paths: {}` is a (small) API
    assert "empty-document" not in _codes(sink)


def test_openapi_32_is_read_as_31_with_one_clear_warning(tmp_path: Path) -> None:
    spec = tmp_path / "api.yml"
    spec.write_text(yaml.safe_dump(spec_doc(version="3.2.0")))
    proc = run_cli("generate", str(spec), "-o", str(tmp_path / "out"), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "warning[openapi-3.2]" in proc.stderr and "read as 3.1" in proc.stderr
    assert "spec-invalid" not in proc.stderr  # no raw validation message about the version
    strict = run_cli("generate", str(spec), "-o", str(tmp_path / "s"), "--strict", cwd=tmp_path)
    assert strict.returncode == 1


HEADER_SPEC = spec_doc(
    paths={
        "/a": {
            "get": {
                "operationId": "getA",
                "parameters": [
                    {"name": "ADVICEment API Key", "in": "header", "schema": {"type": "string"}},
                    {"name": "X-Fine", "in": "header", "schema": {"type": "string"}},
                ],
                "responses": {"204": {"description": "none"}},
            }
        }
    },
    components={"securitySchemes": {"key": {"type": "apiKey", "in": "header", "name": "My Key"}}},
    security=[{"key": []}],
)


def test_header_names_that_are_not_tokens_are_warned(build: Any) -> None:
    _, sink = build(HEADER_SPEC)
    pointers = sorted(d.pointer for d in _codes(sink)["bad-header-name"])
    assert pointers == [
        "/components/securitySchemes/key/name",
        "/paths/~1a/get/parameters/0/name",
    ]


def test_sending_a_header_name_that_is_not_a_token_is_a_clear_error(
    generate_package: Any,
) -> None:
    import httpx

    pkg, _ = generate_package(HEADER_SPEC, package="badheader")
    sent: list[httpx.Request] = []
    transport = httpx.MockTransport(lambda r: sent.append(r) or httpx.Response(204))
    client = pkg.Client(api_key="k", http_client=httpx.Client(transport=transport))
    with pytest.raises(ValueError, match="'My Key'.*not a valid|Invalid header name 'My Key'"):
        client.a.retrieve(x_fine="1")
    assert sent == []  # nothing was sent, and the error is not an APIConnectionError
