"""Responses in several media types (XML and text as raw text, `*/*` as a download or as JSON by its schema)
and typed payload models for 3.1 `webhooks` and for `callbacks` (tests/fixtures/specs/media_hooks_31.yml)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import ValidationError

from tests.conftest import FIXTURES

SPEC = (FIXTURES / "specs" / "media_hooks_31.yml").read_text()
XML = '<?xml version="1.0"?><report><total>3</total></report>'
BLOB = bytes(range(256)) * 4  # not UTF-8, not JSON


@pytest.fixture
def hooks(generate_package: Any) -> tuple[Any, Path]:
    return generate_package(SPEC, package="mediahooks", client_name="MediaHooks")


def _client(pkg: Any, seen: list[httpx.Request]) -> Any:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.path == "/report":
            return httpx.Response(200, text=XML, headers={"content-type": "application/xml"})
        if request.url.path == "/export":
            return httpx.Response(
                200,
                content=BLOB,
                headers={
                    "content-type": "application/octet-stream",
                    "content-disposition": 'attachment; filename="x.bin"',
                },
            )
        if request.url.path == "/status":
            return httpx.Response(200, json={"ok": True})
        return httpx.Response(201)

    return pkg.MediaHooks(http_client=httpx.Client(transport=httpx.MockTransport(handler)))


def test_xml_response_is_returned_as_text(hooks: tuple[Any, Path]) -> None:
    pkg, _ = hooks
    seen: list[httpx.Request] = []
    report = _client(pkg, seen).report.retrieve()
    assert report == XML  # raw, not parsed, not JSON-decoded
    assert seen[0].headers["accept"] == "application/xml, text/plain"  # the declared types


def test_wildcard_media_with_binary_schema_is_a_download(
    hooks: tuple[Any, Path], tmp_path: Path
) -> None:
    pkg, _ = hooks
    seen: list[httpx.Request] = []
    with _client(pkg, seen).export.retrieve() as download:
        assert isinstance(download, pkg.BinaryResponse)
        assert download.filename == "x.bin"
        assert download.content == BLOB


def test_wildcard_media_with_object_schema_is_parsed_json(hooks: tuple[Any, Path]) -> None:
    pkg, _ = hooks
    from mediahooks.types import GetStatusResponse

    status = _client(pkg, []).status.retrieve()
    assert isinstance(status, GetStatusResponse) and status.ok is True


def test_callback_payload_is_a_typed_model(hooks: tuple[Any, Path]) -> None:
    from mediahooks.types import OnEventCallback

    event = OnEventCallback.model_validate_json(
        json.dumps({"event_id": "e1", "at": "2026-11-23T10:00:00Z", "counts": {"a": 1}})
    )
    assert event.at == dt.datetime(2026, 11, 23, 10, tzinfo=dt.timezone.utc)
    assert event.counts == {"a": 1}
    with pytest.raises(ValidationError):
        OnEventCallback.model_validate({"event_id": "e1"})  # `at` is required
    with pytest.raises(ValidationError):
        OnEventCallback.model_validate(
            {"event_id": "e1", "at": "2026-11-23T10:00:00Z", "counts": {"a": "x"}}
        )


def test_webhook_payload_is_a_typed_model(hooks: tuple[Any, Path]) -> None:
    from mediahooks.types import Adoption

    adoption = Adoption.model_validate({"pet_id": "p1", "adopted_on": "2026-11-23"})
    assert adoption.adopted_on == dt.date(2026, 11, 23)
    with pytest.raises(ValidationError):
        Adoption.model_validate({"pet_id": "p1"})


def test_return_annotations(hooks: tuple[Any, Path]) -> None:
    _, root = hooks
    ops = {
        op["operation_id"]: op["returns"]
        for op in json.loads((root / "operations.json").read_text())["operations"]
    }
    assert ops == {
        "getReport": "str",
        "getExport": "BinaryResponse",
        "getStatus": "GetStatusResponse",
        "subscribe": "None",
    }
