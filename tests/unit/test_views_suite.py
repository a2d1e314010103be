"""`render/suite_views.py`: the tests every package ships — one case per operation with realistic
arguments, the declared return type (sync and async; a page's item type), a call that must raise when
the spec declares no success, a dummy API key or a skip for security the client's credentials do not
serve; the fixtures' view (credentials, the spec's copy)."""

from __future__ import annotations

from collections.abc import Callable

from generator.render.auth_views import AuthView, auth_view
from generator.render.literals import Literals
from generator.render.suite_views import SuiteModuleView, suite_module_view, support_view
from tests.conftest import spec_doc
from tests.support.views import Built


def _suite(built: Built, tag: str, auth: AuthView | None = None) -> SuiteModuleView:
    auth = auth or auth_view(built.auth, built.names, "PETSHOP")
    literals = Literals(built.api.schemas, built.names)
    return suite_module_view(
        built.api,
        built.names,
        built.names.resources[tag],
        built.by_resource[tag],
        built.methods,
        literals,
        auth,
    )


def test_one_case_per_operation(shop: Built) -> None:
    view = _suite(shop, "pets")
    assert (view.package, view.client, view.sync_class, view.async_class) == (
        "petshop",
        "PetShop",
        "TestPetsResource",
        "TestAsyncPetsResource",
    )
    cases = {c.method: c for c in view.cases}
    assert list(cases) == ["list", "create", "get", "delete"]
    assert (cases["list"].http, cases["list"].arguments) == (
        "GET /pets",
        'x_trace="sample-x-trace"',
    )
    assert (cases["create"].arguments, cases["create"].expected) == (
        'kind="cat", name="sample-name"',
        "Pet",
    )
    assert (cases["get"].arguments, cases["get"].expected) == ("1", "Pet")
    assert cases["delete"].expected == ""  # returns None
    assert not any(c.raises or c.skip or c.item for c in view.cases)
    assert view.import_lines == (
        "import petshop",
        "from petshop.types import Pet, Pets",
        "",
        "from ..utils import assert_matches_type",
    )


def test_binary_results_and_file_parts(shop: Built) -> None:
    cases = {c.method: c for c in _suite(shop, "photos").cases}
    assert (cases["get"].expected, cases["get"].async_expected) == (
        "petshop.BinaryResponse",
        "petshop.AsyncBinaryResponse",
    )
    assert cases["upload"].arguments.startswith('1, file=("sample.pdf", b')


def test_pages_errors_and_credentials_the_client_lacks(views: Callable[..., Built]) -> None:
    item = {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}}
    page = {
        "type": "object",
        "properties": {
            "data": {"type": "array", "items": {"$ref": "#/components/schemas/Item"}},
            "next_cursor": {"type": ["string", "null"]},
        },
    }
    cursor = [{"name": "cursor", "in": "query", "schema": {"type": "string"}}]
    ok = {"200": {"description": "ok", "content": {"application/json": {"schema": page}}}}
    nope = {"404": {"description": "never found"}}
    doc = spec_doc(
        paths={
            "/items": {"get": {"tags": ["items"], "parameters": cursor, "responses": ok}},
            "/gone": {"get": {"tags": ["items"], "responses": nope}},
            "/keyed": {"get": {"tags": ["items"], "security": [{"key": []}], "responses": nope}},
            "/oauth": {"get": {"tags": ["items"], "security": [{"oauth": []}], "responses": nope}},
        },
        schemas={"Item": item},
    )
    flows = {"clientCredentials": {"tokenUrl": "https://id.test/token", "scopes": {}}}
    doc["components"]["securitySchemes"] = {
        "key": {"type": "apiKey", "in": "header", "name": "X-Key"},
        "oauth": {"type": "oauth2", "flows": flows},
    }
    built = views(doc)
    # a client whose credentials serve neither scheme (as when a feature's login replaces them)
    cases = {c.http: c for c in _suite(built, "items", AuthView("none")).cases}
    assert cases["GET /items"].expected == "petshop.SyncPage[Item]"
    assert cases["GET /items"].item == "Item"
    assert cases["GET /gone"].raises and cases["GET /gone"].skip == ""
    assert cases["GET /keyed"].arguments == 'extra_headers={"X-Key": "test-api-key"}'
    assert cases["GET /oauth"].skip == (
        "\"the client's credentials do not satisfy this operation's security (oauth)\""
    )
    view = _suite(built, "items", AuthView("none"))
    assert "import pytest" in view.import_lines
    assert "from ..utils import assert_matches_type, raises_status_error" in view.import_lines


def test_the_support_view(shop: Built) -> None:
    view = support_view(shop.api, auth_view(shop.auth, shop.names, "PETSHOP"), "openapi.json")
    assert (view.package, view.client, view.spec_file, view.spec_doc) == (
        "petshop",
        "PetShop",
        '"openapi.json"',
        "openapi.json",
    )
    assert [(c.name, c.value) for c in view.credentials] == [("api_key", '"test-api-key"')]
    assert view.utils_imports == ("import petshop", "import pytest")
