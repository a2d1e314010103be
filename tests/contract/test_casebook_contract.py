"""Contract test: every Casebook operation, called through the generated client against Prism.

Prism mocks specs/casebook/openapi.yml on 127.0.0.1 and validates each request (parameters, JSON:API
bodies, media types, the bearer token). Every operationId of the spec is called once with Prism's static
response (the examples) and once with `Prefer: dynamic=true` (schema-generated bodies), with strict response
validation, and:

- the request reached the operation's path template with its method;
- Prism reported no request or response violation;
- the result has the method's type (a resource, a page of resources, or None).

Arguments come from the spec itself: path ids from the `Id` parameter example, create/update attributes and
relationships from each request body's example, and typed filter/sort builders for list operations.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import yaml
from support.prism import prism_executable, running_prism, violations

from tests.conftest import REPO

SPEC = REPO / "specs" / "casebook" / "openapi.yml"
GENERATED = REPO / "generated" / "casebook"
SRC = str(GENERATED / "src")
if SRC not in sys.path:
    sys.path.insert(0, SRC)

pytestmark = pytest.mark.slow


def _spec() -> dict[str, Any]:
    # libyaml's safe loader where there is one: this runs when the tests are collected
    return yaml.load(
        SPEC.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    )


def _operations() -> list[tuple[str, str, str, dict[str, Any]]]:
    out = []
    for path, item in _spec()["paths"].items():
        for method, op in item.items():
            if method in ("get", "post", "patch", "delete"):
                out.append((op["operationId"], method.upper(), path, op))
    return out


OPERATIONS = _operations()
MANIFEST = {
    o["operation_id"]: o
    for o in json.loads((GENERATED / "operations.json").read_text())["operations"]
}


@pytest.fixture(scope="module")
def prism(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    executable = prism_executable()
    if executable is None:
        pytest.skip("Prism is not installed (run `bash scripts/setup --with-prism`)")
    log = tmp_path_factory.mktemp("prism-casebook") / "prism.log"
    with running_prism(executable, SPEC, log) as url:
        yield url


class Seen:
    def __init__(self) -> None:
        self.responses: list[httpx.Response] = []

    def __call__(self, response: httpx.Response) -> None:
        response.read()
        self.responses.append(response)


def _client(url: str, seen: Seen, dynamic: bool) -> Any:
    import casebook

    headers = {"Prefer": "dynamic=true"} if dynamic else {}
    http = httpx.Client(event_hooks={"response": [seen]}, headers=headers)
    client = casebook.Casebook(
        access_token="contract-token",  # no client credentials: used as a bearer token as it is
        base_url=url,
        http_client=http,
        strict_response_validation=True,
        max_retries=0,
    )
    return client


def _body_example(op: dict[str, Any]) -> dict[str, Any]:
    content = op["requestBody"]["content"]["application/vnd.api+json"]
    example = next(iter(content["examples"].values()))["value"]
    return example["data"]


def _arguments(op_id: str, op: dict[str, Any]) -> tuple[list[Any], dict[str, Any]]:
    from casebook import query

    entry = MANIFEST[op_id]
    positional = [
        "f26707ec-00d1-5ee0-ab2a-fb41f35d558d" for p in entry["parameters"] if p["positional"]
    ]
    kwargs: dict[str, Any] = {}
    if entry["body"] is not None:
        data = _body_example(op)
        kwargs["attributes"] = data.get("attributes", {})
        if "relationships" in data:
            kwargs["relationships"] = data["relationships"]
    names = {p["name"] for p in entry["parameters"]}
    if "filter" in names:
        item = entry["returns"].removeprefix("SyncPage[").removesuffix("]")  # e.g. "Person"
        fields_cls = getattr(query, f"{item}Fields")
        from casebook._query import fields_of

        fields = fields_of(fields_cls)
        kwargs["filter"] = (
            fields["id"].not_null() if "id" in fields else next(iter(fields.values())).is_null()
        )
        sortable = [f for f in fields.values() if f._sortable]
        if sortable:
            kwargs["sort"] = sortable[0].desc()
        kwargs["page_size"] = 50
    return positional, kwargs


def test_every_spec_operation_is_in_the_client() -> None:
    assert sorted(op_id for op_id, *_ in OPERATIONS) == sorted(MANIFEST)
    assert len(OPERATIONS) == 36


@pytest.mark.parametrize("dynamic", [False, True], ids=["static", "dynamic"])
@pytest.mark.parametrize("op_id,method,path,op", OPERATIONS, ids=[o[0] for o in OPERATIONS])
def test_casebook_operation_against_prism(
    prism: str, op_id: str, method: str, path: str, op: dict[str, Any], dynamic: bool
) -> None:
    from casebook._jsonapi import JsonApiResource
    from casebook._pagination import SyncPage

    seen = Seen()
    client = _client(prism, seen, dynamic)
    resource, name = MANIFEST[op_id]["call"].split(".")
    positional, kwargs = _arguments(op_id, op)
    result = getattr(getattr(client, resource), name)(*positional, **kwargs)
    assert seen.responses, "no request was sent"
    response = seen.responses[-1]
    assert response.request.method == method
    template = path.replace("{id}", positional[0]) if positional else path
    assert response.request.url.path == template
    assert response.request.headers["Accept"] == "application/vnd.api+json"
    if method in ("POST", "PATCH"):
        assert response.request.headers["Content-Type"] == "application/vnd.api+json"
    assert violations(response) == [], violations(response)
    if method == "DELETE":
        assert result is None
    elif isinstance(result, SyncPage):
        assert all(isinstance(item, JsonApiResource) and item.id for item in result.items)
    else:
        assert isinstance(result, JsonApiResource) and result.id


def test_upload_record_step_against_prism(prism: str) -> None:
    """The first step of the documented upload flow is a valid createAttachment request (Prism checks it)."""
    seen = Seen()
    client = _client(prism, seen, False)
    record = client.attachments.create(
        attributes={
            "file_name": "intake-form.pdf",
            "content_type": "application/pdf",
            "file_size": 13,
        }
    )
    assert violations(seen.responses[-1]) == []
    assert record.attributes is not None and record.attributes.upload_url.startswith("https://")
