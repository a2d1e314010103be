"""The shape stage: parse gives the spec's IR alone; `shape` adds what the target's configuration says
(envelopes, pagination, overrides, the package and its settings) as IR facts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from generator.config import TargetConfig, read_target
from generator.diagnostics import DiagnosticSink
from generator.ir import Api, ListOf, MediaKind, ModelRef, Package
from generator.load import load_spec
from generator.parse import build_api
from generator.shape.stage import shape
from tests.conftest import spec_doc
from tests.unit.test_parse_operations import ENVELOPE, SCHEMAS, ok

C = "/components/schemas/"


def _doc() -> dict[str, Any]:
    list_op = {
        "operationId": "listItems",
        "parameters": [
            {"name": "page", "in": "query", "schema": {"type": "integer"}},
            {"name": "limit", "in": "query", "schema": {"type": "integer"}},
        ],
        "responses": ok(ENVELOPE),
    }
    upload = {
        "operationId": "uploadItem",
        "requestBody": {"content": {"multipart/form-data": {"schema": {"type": "object"}}}},
        "responses": {"204": {"description": "done"}},
    }
    return spec_doc({"/items": {"get": list_op, "post": upload}}, SCHEMAS)


def _parse(tmp_path: Path) -> tuple[Api, DiagnosticSink]:
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(_doc()))
    sink = DiagnosticSink(file=str(path))
    return build_api(load_spec(path, sink), sink), sink


def _config(**extra: Any) -> TargetConfig:
    base = {"name": "t", "spec": "s.json", "output": "out/shop", "package": "shop"}
    return read_target({**base, "client_name": "Shop", "env_prefix": "SHOP", **extra}, "test", "")


def test_parse_alone_decides_no_envelope_and_no_pages(tmp_path: Path) -> None:
    api, _ = _parse(tmp_path)
    listing = next(op for op in api.operations if op.id == "listItems")
    (result,) = listing.results
    assert result.unwrap is None and result.pagination is None
    assert result.returns == result.body and isinstance(result.body, ModelRef)  # the whole envelope
    assert listing.responses[0].media[0].kind is MediaKind.JSON
    upload = next(op for op in api.operations if op.id == "uploadItem")
    assert upload.body is not None and upload.body.media[0].kind is MediaKind.MULTIPART
    assert api.target.package == Package()


def test_shape_turns_the_configuration_into_ir_facts(tmp_path: Path) -> None:
    api, sink = _parse(tmp_path)
    shaped = shape(
        api,
        _config(
            upload_limits={"uploadItem": 1024},
            method_names={"listItems": "items.all"},
            regions={"eu": "https://eu.example.test"},
            error_codes={"out_of_stock": 409},
        ),
        sink,
    )
    listing = next(op for op in shaped.operations if op.id == "listItems")
    (result,) = listing.results
    assert result.unwrap == "data"
    assert isinstance(result.returns, ListOf) and result.item == ModelRef(C + "Item")
    assert result.pagination is not None and result.pagination.page_param == "page"
    assert result.pagination.limit_param == "limit"
    # the page fields come from the pagination object's schema (the runtime reads only these)
    assert result.pagination.total_pages_field == ("pagination", "totalPages")
    assert result.pagination.page_field == ("pagination", "page")
    assert result.pagination.has_more_field is None and result.pagination.limit_field is None
    assert result.pagination.pagination_field == ("pagination",)
    assert listing.name_override == "items.all"
    upload = next(op for op in shaped.operations if op.id == "uploadItem")
    assert upload.max_file_bytes == 1024
    target = shaped.target
    assert target.package == Package("shop", "Shop", "SHOP", "", "", "shop")
    assert target.regions == (("eu", "https://eu.example.test"),)
    assert [(e.code, e.status) for e in target.error_codes] == [("out_of_stock", 409)]


def test_the_same_spec_shaped_for_two_targets(tmp_path: Path) -> None:
    api, sink = _parse(tmp_path)
    no_envelope = shape(
        api, _config(envelope_field="", pagination={"exclude": ["listItems"]}), sink
    )
    listing = next(op for op in no_envelope.operations if op.id == "listItems")
    assert listing.results[0].unwrap is None and listing.results[0].pagination is None
    assert api.operations[0].results == _parse(tmp_path)[0].operations[0].results  # parse is pure


def test_page_fields_follow_the_schema(tmp_path: Path) -> None:
    doc = _doc()
    doc["components"]["schemas"]["Pagination"] = {
        "type": "object",
        "properties": {"has_more": {"type": "boolean"}, "per_page": {"type": "integer"}},
    }
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(doc))
    sink = DiagnosticSink(file=str(path))
    api = shape(build_api(load_spec(path, sink), sink), _config(), sink)
    listing = next(op for op in api.operations if op.id == "listItems")
    page = listing.results[0].pagination
    assert page is not None
    assert (page.has_more_field, page.limit_field) == (
        ("pagination", "has_more"),
        ("pagination", "per_page"),
    )
    assert page.total_pages_field is None and page.page_field is None


def test_jsonapi_shaping_leaves_operations_without_jsonapi_results_as_they_are(
    tmp_path: Path,
) -> None:
    """The JSON:API feature's shape returns each operation without a JSON:API result itself (not
    a copy); with `jsonapi = true` every JSON result is shaped as JSON:API."""
    from generator.features.jsonapi import FEATURE

    api, sink = _parse(tmp_path)
    plain = FEATURE.shape(api, _config(), sink)
    assert all(a is b for a, b in zip(plain.operations, api.operations, strict=True))
    every = FEATURE.shape(api, _config(jsonapi=True), sink)
    listing = next(op for op in every.operations if op.id == "listItems")
    assert listing is not next(op for op in api.operations if op.id == "listItems")
    assert all(r.jsonapi for r in listing.results if r.body is not None)
