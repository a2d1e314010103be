"""The route rules of the naming pass (generator/naming/routes.py): FastAPI and springfox ids, ids that
say no more than the route, versions, significant segments, verb segments and CRUD verbs."""

from __future__ import annotations

import pytest

from generator.naming.routes import (
    RouteIndex,
    Shape,
    crud_verb,
    fastapi_function,
    generated_function,
    is_plural,
    is_version,
    says_only_route,
)


@pytest.mark.parametrize(
    ("op_id", "method", "path", "expected"),
    [
        ("read_item_items__item_id__get", "get", "/items/{item_id}", "read_item"),
        ("list_projects_api_v1_projects_get", "get", "/api/v1/projects", "list_projects"),
        ("count_flows_flows_count_post", "post", "/flows/count", "count_flows"),
        (
            "read_deployment_by_name_deployments_name__flow_name___deployment_name__get",
            "get",
            "/deployments/name/{flow_name}/{deployment_name}",
            "read_deployment_by_name",
        ),
        (  # `-` in the route is `_` in the id, as FastAPI writes it
            "get_token_api_v1_versions__id__download_token_get",
            "get",
            "/api/v1/versions/{id}/download-token",
            "get_token",
        ),
        # a multi-method route: FastAPI names every method after the first
        ("save_items_items_put", "post", "/items", "save_items"),
        # hand-written ids that merely end in a verb, or spell another route, are left alone
        ("items_get", "get", "/items", None),
        ("read_item_get", "get", "/items/{item_id}", None),
        ("read_item_things__item_id__get", "get", "/items/{item_id}", None),
        ("listItems", "get", "/items", None),
    ],
)
def test_fastapi_default_ids(op_id: str, method: str, path: str, expected: str | None) -> None:
    assert fastapi_function(op_id, method, path) == expected


@pytest.mark.parametrize(
    ("op_id", "expected"),
    [
        ("getUserUsingGET", "getUser"),
        ("findAllUsingGET_3", "findAll"),
        ("updateUsingPUT_1", "update"),
        ("getUser", None),
        ("UsingGET", None),
        ("getUserUsingGet", None),
    ],
)
def test_springfox_ids(op_id: str, expected: str | None) -> None:
    assert generated_function(op_id, "get", "/users/{id}") == expected


@pytest.mark.parametrize(
    ("op_id", "path", "expected"),
    [
        ("GetCustomersCustomer", "/v1/customers/{customer}", True),
        ("PostCustomers", "/v1/customers", True),
        ("GetAccountsAccountPeoplePerson", "/v1/accounts/{account}/people/{person}", True),
        ("fetchCalendarEvents", "/calendars/{id}/events", True),
        ("get", "/pets", True),
        ("searchPetsByTag", "/pets/search", False),
        ("showPetById", "/pets/{petId}", False),
        ("sendReferral", "/referrals/{id}/send", True),
        ("archiveReferral", "/referrals/{id}", False),
        ("", "/pets", False),
    ],
)
def test_ids_that_say_only_the_route(op_id: str, path: str, expected: bool) -> None:
    assert says_only_route(op_id, path) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("v1", True),
        ("V2", True),
        ("v2beta1", True),
        ("v1.1", True),
        ("2010-04-01", True),
        ("1.0", True),
        ("v", False),
        ("values", False),
        ("vendors", False),
        ("2010", False),
    ],
)
def test_versions(text: str, expected: bool) -> None:
    assert is_version(text) is expected


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("customers", True),
        ("people", True),
        ("task_queues", True),
        ("tax_ids", True),
        ("status", False),
        ("news", False),
        ("search", False),
        ("os", False),
    ],
)
def test_plural(word: str, expected: bool) -> None:
    assert is_plural(word) is expected


def test_significant_segments_drop_shared_prefix_api_and_versions() -> None:
    index = RouteIndex.of(["/api/v2/tenants", "/api/v2/tenants/{tenant}/databases"])
    texts = [s.text for s in index.significant("/api/v2/tenants/{tenant}/databases")]
    assert texts == ["tenants", "tenant", "databases"]
    twilio = RouteIndex.of(
        ["/2010-04-01/Accounts.json", "/2010-04-01/Accounts/{AccountSid}/Calls.json"]
    )
    assert [s.text for s in twilio.significant("/2010-04-01/Accounts/{AccountSid}/Calls.json")] == [
        "Accounts",
        "AccountSid",
        "Calls",
    ]


def test_a_prefix_every_path_shares_goes_only_when_each_path_keeps_a_name() -> None:
    shared = RouteIndex.of(["/store/orders", "/store/orders/{id}", "/store/carts"])
    assert [s.text for s in shared.significant("/store/orders")] == ["orders"]
    alone = RouteIndex.of(["/pets", "/pets/{id}"])
    assert [s.text for s in alone.significant("/pets/{id}")] == ["pets", "id"]


def test_verb_segments() -> None:
    paths = [
        "/charges/{charge}/capture",
        "/customers/search",
        "/customers/{customer}/sources",
        "/invoices/upcoming",
        "/invoices/upcoming/lines",
        "/balance",
        "/accounts/{id}/cash_balance",
        "/accounts/{id}/cash_balance",
    ]
    index = RouteIndex.of(paths)

    def action(path: str, method: str = "post") -> bool:
        return index.is_action(path, method, index.significant(path))

    assert action("/charges/{charge}/capture")
    assert action("/customers/search", "get")
    assert not action("/customers/{customer}/sources")  # plural: a nested resource
    assert not action("/invoices/upcoming", "get")  # a path goes below it
    assert not action("/balance", "get")  # no parent
    assert not action("/accounts/{id}/cash_balance", "get")  # two operations: a resource
    assert not action("/charges/{charge}/capture", "delete")


def _shape(method: str, **kw: object) -> Shape:
    base: dict[str, object] = {
        "method": method,
        "ends_in_param": False,
        "action": "",
        "collection": False,
        "singleton": False,
    }
    return Shape(**{**base, **kw})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("shape", "expected"),
    [
        (_shape("get", collection=True), "list"),
        (_shape("post", collection=True), "create"),
        (_shape("get", ends_in_param=True), "retrieve"),
        (_shape("post", ends_in_param=True), "update"),
        (_shape("patch", ends_in_param=True), "update"),
        (_shape("put", ends_in_param=True), "update"),
        (_shape("put", ends_in_param=True, siblings=frozenset({"put", "patch"})), "replace"),
        (_shape("delete", ends_in_param=True), "delete"),
        (_shape("get"), "retrieve"),  # GET /balance: one thing
        (_shape("post", singleton=True), "update"),  # POST /account beside GET /account
        (_shape("post"), "create"),  # POST /login
        (_shape("post", action="capture"), "capture"),
        (_shape("get", collection=True, nouns=("reports",)), "list_reports"),
        (_shape("get", ends_in_param=True, nouns=("order",)), "retrieve_order"),
    ],
)
def test_crud_verbs(shape: Shape, expected: str) -> None:
    assert crud_verb(shape) == expected
