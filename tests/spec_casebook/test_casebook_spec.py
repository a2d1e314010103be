"""Checks for specs/casebook/openapi.yml (the reconstructed Casebook Platform API description)."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from openapi_pydantic import parse_obj

SPEC_PATH = Path(__file__).resolve().parents[2] / "specs" / "casebook" / "openapi.yml"
MEDIA = "application/vnd.api+json"
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
OPERATORS = {"neq", "g", "ge", "l", "le", "like"}
ERROR_STATUSES = {"400", "401", "403", "404", "422", "429", "500"}


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    with SPEC_PATH.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def resolve_pointer(doc: dict[str, Any], ref: str) -> Any:
    assert ref.startswith("#/"), f"only local refs are expected, got {ref!r}"
    node: Any = doc
    for raw in ref[2:].split("/"):
        key = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, list):
            node = node[int(key)]
        else:
            assert isinstance(node, dict) and key in node, f"unresolvable $ref {ref!r} (at {key!r})"
            node = node[key]
    return node


def deref(doc: dict[str, Any], node: Any) -> Any:
    seen = set()
    while isinstance(node, dict) and "$ref" in node:
        assert node["$ref"] not in seen, f"$ref cycle at {node['$ref']}"
        seen.add(node["$ref"])
        node = resolve_pointer(doc, node["$ref"])
    return node


def walk(node: Any, path: str = "#") -> Iterator[tuple[str, Any]]:
    yield path, node
    if isinstance(node, dict):
        for k, v in node.items():
            yield from walk(v, f"{path}/{str(k).replace('~', '~0').replace('/', '~1')}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from walk(v, f"{path}/{i}")


def operations(spec: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in spec["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


def is_list_operation(path: str, method: str) -> bool:
    return method == "get" and "{" not in path


def op_parameters(
    spec: dict[str, Any], path: str, op: dict[str, Any]
) -> dict[tuple[str, str], dict]:
    params = {}
    for p in spec["paths"][path].get("parameters", []) + op.get("parameters", []):
        p = deref(spec, p)
        params[(p["in"], p["name"])] = p
    return params


# --------------------------------------------------------------------------------------------------
# Structure
# --------------------------------------------------------------------------------------------------


def test_parses_with_openapi_pydantic(spec: dict[str, Any]) -> None:
    model = parse_obj(spec)
    assert spec["openapi"] == "3.0.3"
    assert model.paths, "no paths parsed"


def test_all_refs_resolve(spec: dict[str, Any]) -> None:
    refs = [
        (p, n["$ref"])
        for p, n in walk(spec)
        if isinstance(n, dict) and isinstance(n.get("$ref"), str)
    ]
    assert refs
    for where, ref in refs:
        try:
            resolve_pointer(spec, ref)
        except AssertionError as exc:  # pragma: no cover - failure path
            pytest.fail(f"{where}: {exc}")


def test_no_sibling_keys_next_to_ref(spec: dict[str, Any]) -> None:
    # OpenAPI 3.0 ignores siblings of $ref; annotations must be wrapped (allOf) to survive.
    for where, node in walk(spec):
        if (
            isinstance(node, dict)
            and "$ref" in node
            and "/examples/" not in where
            and "/example/" not in where
        ):
            assert set(node) == {"$ref"}, (
                f"{where}: keys beside $ref: {sorted(set(node) - {'$ref'})}"
            )


def test_every_component_is_used(spec: dict[str, Any]) -> None:
    text_refs = {
        n["$ref"] for _, n in walk(spec) if isinstance(n, dict) and isinstance(n.get("$ref"), str)
    }
    for kind in ("schemas", "parameters", "responses"):
        for name in spec["components"][kind]:
            assert f"#/components/{kind}/{name}" in text_refs, f"unused component {kind}/{name}"


def test_servers_regional_variable(spec: dict[str, Any]) -> None:
    (server,) = spec["servers"]
    urls = {server["url"].replace("{host}", host) for host in server["variables"]["host"]["enum"]}
    assert urls == {"https://api.casebook.net", "https://api.casebookca.net"}
    default = server["url"].replace("{host}", server["variables"]["host"]["default"])
    assert default == "https://api.casebook.net"


def test_oauth2_client_credentials_applied_globally(spec: dict[str, Any]) -> None:
    schemes = spec["components"]["securitySchemes"]
    oauth = [name for name, s in schemes.items() if s["type"] == "oauth2"]
    assert oauth == ["casebookOAuth"]
    scheme = schemes["casebookOAuth"]
    flow = scheme["flows"]["clientCredentials"]
    assert flow["tokenUrl"].endswith("/oauth2/token")
    assert flow["scopes"] == {}
    assert scheme["x-casebook-token-lifetime-seconds"] == 3600
    assert scheme["x-casebook-token-request"]["content_type"] == "application/x-www-form-urlencoded"
    assert spec["security"] == [{"casebookOAuth": []}]
    for path, method, op in operations(spec):
        assert "security" not in op, f"{method.upper()} {path} overrides global security"


# --------------------------------------------------------------------------------------------------
# Operations
# --------------------------------------------------------------------------------------------------


def test_operation_metadata(spec: dict[str, Any]) -> None:
    declared_tags = {t["name"] for t in spec["tags"]}
    seen_ids: set[str] = set()
    for path, method, op in operations(spec):
        where = f"{method.upper()} {path}"
        op_id = op.get("operationId")
        assert op_id and re.fullmatch(r"[a-z][a-zA-Z0-9]*", op_id), (
            f"{where}: bad operationId {op_id!r}"
        )
        assert op_id not in seen_ids, f"duplicate operationId {op_id}"
        seen_ids.add(op_id)
        tags = op.get("tags")
        assert tags and len(tags) == 1 and tags[0] in declared_tags, f"{where}: tags {tags!r}"
        assert op.get("summary"), f"{where}: no summary"
        assert op.get("x-casebook-source") in {"documented", "inferred"}, (
            f"{where}: x-casebook-source"
        )
        assert op.get("x-casebook-source-note"), f"{where}: x-casebook-source-note"


def test_operation_ids_follow_resource_naming(spec: dict[str, Any]) -> None:
    prefix = {
        "get": ("list", "get"),
        "post": ("create",),
        "patch": ("update",),
        "delete": ("delete",),
    }
    for path, method, op in operations(spec):
        assert op["operationId"].startswith(prefix[method]), (path, method, op["operationId"])
        if is_list_operation(path, method):
            assert op["operationId"].startswith("list")


def test_expected_operations(spec: dict[str, Any]) -> None:
    ids = {op["operationId"] for _, _, op in operations(spec)}
    expected = {
        "listPeople",
        "createPerson",
        "getPerson",
        "updatePerson",
        "listIntakeReports",
        "createIntakeReport",
        "getIntakeReport",
        "updateIntakeReport",
        "listCases",
        "createCase",
        "getCase",
        "updateCase",
        "listProviders",
        "createProvider",
        "getProvider",
        "updateProvider",
        "deleteProvider",
        "listLocations",
        "createLocation",
        "getLocation",
        "updateLocation",
        "listServiceOfferings",
        "createServiceOffering",
        "getServiceOffering",
        "updateServiceOffering",
        "listNotes",
        "createNote",
        "getNote",
        "updateNote",
        "deleteNote",
        "listAttachments",
        "createAttachment",
        "getAttachment",
        "listAssignmentUsers",
        "createAssignmentUser",
        "getAssignmentUser",
    }
    assert ids == expected


def test_paths_follow_service_resource_layout(spec: dict[str, Any]) -> None:
    for path in spec["paths"]:
        assert re.fullmatch(r"/[a-z_]+/[a-z_]+(/\{id\})?", path), path


def test_resource_type_matches_path(spec: dict[str, Any]) -> None:
    """`type` of the returned resources is the last path segment (documented convention)."""
    for path, method, op in operations(spec):
        resource = path.split("/")[2]
        ok = op["responses"].get("200") or op["responses"].get("201")
        if not ok:
            continue
        schema = deref(spec, ok["content"][MEDIA]["schema"])
        data = deref(spec, schema["properties"]["data"])
        if data.get("type") == "array":
            data = deref(spec, data["items"])
        assert data["properties"]["type"]["enum"] == [resource], (path, method)


def test_documented_resource_details(spec: dict[str, Any]) -> None:
    schemas = spec["components"]["schemas"]
    assert schemas["HispanicOrLatino"]["enum"] == ["yes", "no", "unable to determine", "unknown"]
    assert "last_name" in schemas["PersonAttributes"]["properties"]
    assert {"assignment_id", "user_id"} <= set(schemas["AssignmentUserAttributes"]["required"])
    assert {
        "address1",
        "address2",
        "city",
        "state",
        "zip_code",
        "country",
        "latitude",
        "longitude",
    } <= set(schemas["LocationAttributes"]["properties"])
    provider_rels = schemas["ProviderRelationships"]["properties"]
    assert set(provider_rels) >= {
        "assignee",
        "facility_location",
        "provider_type",
        "license",
        "visits",
    }
    assert {"provider_id", "archived"} <= set(schemas["ServiceOfferingAttributes"]["properties"])
    for unit in ("IntakeReportAttributes", "CaseAttributes"):
        assert schemas[unit]["properties"]["assignment_id"]["readOnly"] is True
    upload = schemas["AttachmentAttributes"]["properties"]
    assert upload["upload_url"]["readOnly"] is True
    assert upload["file_size"]["maximum"] == 10 * 1024 * 1024
    create = spec["paths"]["/attachments/attachments"]["post"]
    assert create["x-casebook-upload"]["method"] == "PUT"
    assert create["x-casebook-upload"]["max_bytes"] == 10 * 1024 * 1024


def test_list_operations_have_query_modifiers(spec: dict[str, Any]) -> None:
    lists = [(p, m, o) for p, m, o in operations(spec) if is_list_operation(p, m)]
    assert len(lists) == 9
    for path, method, op in lists:
        params = op_parameters(spec, path, op)
        filt = params[("query", "filter")]
        assert filt.get("style") == "deepObject" and filt.get("explode") is True, path
        fschema = deref(spec, filt["schema"])
        assert fschema["type"] == "object" and fschema["properties"], path
        for field, prop in fschema["properties"].items():
            check_filter_property(spec, prop, f"{path} filter[{field}]")

        sort = params[("query", "sort")]
        assert sort["schema"]["type"] == "string"
        assert sort["x-sortable-fields"], path
        assert re.fullmatch(
            sort["schema"]["pattern"], ",".join("-" + f for f in sort["x-sortable-fields"])
        )

        page = params[("query", "page")]
        assert page["schema"]["type"] == "integer" and page["schema"]["minimum"] == 1
        size = params[("query", "page[size]")]
        assert size["schema"]["type"] == "integer" and size["schema"]["default"] == 10

        assert ("query", "include") in params, path
        fields = params[("query", "fields")]
        assert fields["style"] == "deepObject" and fields["explode"] is True


def check_filter_property(spec: dict[str, Any], prop: dict[str, Any], where: str) -> None:
    """A filter property is a scalar, the literal `null`, or an object of operator keys."""
    node = deref(spec, prop)
    while "allOf" in node and len(node["allOf"]) == 1:
        node = deref(spec, node["allOf"][0])
    alternatives = [deref(spec, a) for a in node.get("anyOf", node.get("oneOf", [node]))]
    scalars = [a for a in alternatives if a.get("type") != "object"]
    objects = [a for a in alternatives if a.get("type") == "object"]
    assert scalars, f"{where}: no scalar form"
    assert len(objects) == 1, f"{where}: expected one operator object"
    ops = objects[0]
    assert set(ops["properties"]) == OPERATORS, f"{where}: operators {sorted(ops['properties'])}"
    assert ops.get("additionalProperties") is False


def test_filter_null_literal(spec: dict[str, Any]) -> None:
    assert spec["components"]["schemas"]["FilterNull"]["enum"] == ["null"]


def test_every_body_uses_jsonapi_media_type(spec: dict[str, Any]) -> None:
    for path, method, op in operations(spec):
        where = f"{method.upper()} {path}"
        if "requestBody" in op:
            body = deref(spec, op["requestBody"])
            assert list(body["content"]) == [MEDIA], where
        for status, response in op["responses"].items():
            response = deref(spec, response)
            if status == "204":
                assert "content" not in response, where
                continue
            assert list(response.get("content", {})) == [MEDIA], f"{where} {status}"


def test_error_responses(spec: dict[str, Any]) -> None:
    responses = spec["components"]["responses"]
    covered: set[str] = set()
    for path, method, op in operations(spec):
        for status, response in op["responses"].items():
            if status.startswith(("4", "5")):
                covered.add(status)
                body = deref(spec, response)["content"][MEDIA]
                assert body["schema"] == {"$ref": "#/components/schemas/ErrorDocument"}
                for ex in body["examples"].values():
                    assert all(e["status"] == status for e in ex["value"]["errors"]), (path, status)
        for status in ("401", "403", "429", "500"):
            assert status in op["responses"], f"{method.upper()} {path}: no {status}"
        if "{" in path:
            assert "404" in op["responses"], f"{method.upper()} {path}: no 404"
        if method in ("post", "patch"):
            assert "422" in op["responses"], f"{method.upper()} {path}: no 422"
    assert ERROR_STATUSES <= covered
    error = spec["components"]["schemas"]["Error"]["properties"]
    assert {"status", "code", "title", "detail", "source"} <= set(error)
    source = spec["components"]["schemas"]["ErrorSource"]["properties"]
    assert {"pointer", "parameter"} <= set(source)
    assert responses


def test_success_statuses(spec: dict[str, Any]) -> None:
    expected = {"get": "200", "post": "201", "patch": "200", "delete": "204"}
    for path, method, op in operations(spec):
        success = [s for s in op["responses"] if s.startswith("2")]
        assert success == [expected[method]], (path, method, success)


def test_every_response_body_has_an_example(spec: dict[str, Any]) -> None:
    """Prism returns the first media-type example; make sure there always is one."""
    for path, method, op in operations(spec):
        bodies = [deref(spec, r).get("content", {}) for r in op["responses"].values()]
        if "requestBody" in op:
            bodies.append(deref(spec, op["requestBody"])["content"])
        for content in bodies:
            for mt in content.values():
                assert mt.get("example") is not None or mt.get("examples"), (path, method)


# --------------------------------------------------------------------------------------------------
# Examples validate against their schemas
# --------------------------------------------------------------------------------------------------


def to_json_schema(node: Any) -> Any:
    """Translate the OpenAPI 3.0 schema dialect (nullable) to plain JSON Schema, recursively."""
    if isinstance(node, list):
        return [to_json_schema(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: to_json_schema(v) for k, v in node.items() if k not in ("example", "examples")}
    for k in ("example", "examples"):  # examples are data, keep them untouched
        if k in node:
            out[k] = copy.deepcopy(node[k])
    if node.get("nullable") is True:
        if "type" in out:
            out["type"] = [out["type"], "null"]
        if "enum" in out and None not in out["enum"]:
            out["enum"] = [*out["enum"], None]
    return out


def collect_examples(spec: dict[str, Any]) -> list[tuple[str, str, Any]]:
    """(location, JSON pointer of the schema, example value) for every example in the spec."""
    found: list[tuple[str, str, Any]] = []
    for where, node in walk(spec):
        if not isinstance(node, dict):
            continue
        if (
            "/example/" in where
            or "/examples/" in where
            or where.endswith(("/example", "/examples"))
        ):
            continue  # inside example data
        if "example" in node and is_schema_location(where):
            found.append((where, where, node["example"]))
        if "schema" in node and isinstance(node["schema"], dict):
            # media type object or parameter object
            if "example" in node:
                found.append((where + "/example", where + "/schema", node["example"]))
            for name, ex in (node.get("examples") or {}).items():
                ex = deref(spec, ex)
                found.append((f"{where}/examples/{name}", where + "/schema", ex["value"]))
    return found


def is_schema_location(where: str) -> bool:
    return "/schemas/" in where or where.endswith("/schema") or "/schema/" in where


def test_examples_validate_against_schemas(spec: dict[str, Any]) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    root = to_json_schema(spec)
    checker = jsonschema.FormatChecker()
    examples = collect_examples(spec)
    assert len(examples) > 100
    failures = []
    for where, schema_pointer, value in examples:
        validator = jsonschema.Draft7Validator(
            {**root, "$ref": schema_pointer}, format_checker=checker
        )
        for err in validator.iter_errors(value):
            failures.append(f"{where}: {err.message} (at {list(err.absolute_path)})")
    assert not failures, "\n".join(failures[:30])


def test_example_validation_catches_bad_values(spec: dict[str, Any]) -> None:
    """Guard against the validation above silently passing everything."""
    jsonschema = pytest.importorskip("jsonschema")
    root = to_json_schema(spec)
    validator = jsonschema.Draft7Validator(
        {**root, "$ref": "#/components/schemas/PersonAttributes"}
    )
    assert not validator.is_valid({"hispanic_or_latino": "maybe"})
    assert validator.is_valid({"hispanic_or_latino": "unable to determine", "custom_field": 1})
    validator = jsonschema.Draft7Validator({**root, "$ref": "#/components/schemas/ToOneLocation"})
    assert validator.is_valid({"data": None})
    assert not validator.is_valid({"data": {"type": "providers", "id": "x"}})
    validator = jsonschema.Draft7Validator({**root, "$ref": "#/components/schemas/NoteFilter"})
    assert validator.is_valid({"created_at": {"ge": "2025-01-01T00:00:00Z"}})
    assert validator.is_valid({"created_at": "null"})
    assert not validator.is_valid({"created_at": {"gt": "2025-01-01T00:00:00Z"}})


def test_schema_level_examples_do_not_shadow_media_examples(spec: dict[str, Any]) -> None:
    """Prism prefers a response schema's own `example` over the media type's `examples`.

    So when both exist they must agree, otherwise the mock returns the wrong body (e.g. a 422 error
    document for a 404).
    """
    for path, method, op in operations(spec):
        for status, response in op["responses"].items():
            for mt in deref(spec, response).get("content", {}).values():
                schema = deref(spec, mt["schema"])
                if "example" not in schema or not mt.get("examples"):
                    continue
                first = deref(spec, next(iter(mt["examples"].values())))["value"]
                assert schema["example"] == first, f"{method.upper()} {path} {status}"


# --------------------------------------------------------------------------------------------------
# Prism mock server smoke test (the test command installs Prism and sets CLIENTGEN_PRISM)
# --------------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_prism_mock_serves_documented_requests(tmp_path: Path) -> None:
    import os
    import shutil
    import socket
    import subprocess
    import time

    import httpx

    prism = os.environ.get("CLIENTGEN_PRISM") or shutil.which("prism")
    if prism is None:
        pytest.skip("prism (@stoplight/prism-cli) not installed")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    log = (tmp_path / "prism.log").open("w")
    proc = subprocess.Popen(
        [prism, "mock", "-p", str(port), "-h", "127.0.0.1", str(SPEC_PATH)], stdout=log, stderr=log
    )
    try:
        base = f"http://127.0.0.1:{port}"
        auth = {"Authorization": "Bearer test-token"}
        with httpx.Client(base_url=base, headers=auth, timeout=5) as client:
            for _ in range(100):
                try:
                    client.get("/people/people")
                    break
                except httpx.TransportError:
                    time.sleep(0.2)
            # the three query examples from the knowledge base
            r = client.get(
                "/services/service_offerings",
                params={
                    "filter[provider_id]": "0fad98c6-f1a6-5783-b5c4-f8a40d0f713a",
                    "filter[archived]": "false",
                },
            )
            assert r.status_code == 200, r.text
            r = client.get(
                "/attachments/notes",
                params={
                    "filter[created_at][ge]": "2025-01-01T00:00:00Z",
                    "filter[created_at][le]": "2025-06-30T23:59:59Z",
                },
            )
            assert r.status_code == 200, r.text
            r = client.get(
                "/people/people",
                params={
                    "filter[last_name][like]": "Doe",
                    "sort": "-created_at",
                    "page": 2,
                    "page[size]": 25,
                },
            )
            assert r.status_code == 200, r.text
            assert r.json()["data"][0]["type"] == "people"
            r = client.get("/people/people", params={"filter[hispanic_or_latino]": "maybe"})
            assert r.status_code == 400
            body = {"data": {"type": "people", "attributes": {"hispanic_or_latino": "unknown"}}}
            r = client.post("/people/people", json=body, headers={"Content-Type": MEDIA})
            assert r.status_code == 201, r.text
            r = client.get(
                "/cases/cases/0fad98c6-f1a6-5783-b5c4-f8a40d0f713a", headers={"Prefer": "code=404"}
            )
            assert r.status_code == 404 and r.json()["errors"][0]["status"] == "404"
            r = client.delete("/attachments/notes/0fad98c6-f1a6-5783-b5c4-f8a40d0f713a")
            assert r.status_code == 204
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()
