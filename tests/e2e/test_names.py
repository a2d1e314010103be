"""Names a person would choose (issue #14), on small fixture specs: FastAPI ids, untagged specs named from
their paths (nested, as Stainless SDKs do), a tag prefix every tag shares, CRUD verbs, renames in the
configuration and through `--config FILE`, and collisions resolved with a warning."""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from generator.cli import cli
from generator.config import adhoc_target
from generator.naming.plan import op_key, plan_names
from tests.conftest import REPO, spec_doc
from tests.support.loopback import Exchange, serving
from tests.support.mypy_strict import mypy_strict

OK = {"200": {"description": "ok", "content": {"application/json": {"schema": {"type": "object"}}}}}
LIST = {
    "200": {
        "description": "ok",
        "content": {"application/json": {"schema": {"type": "array", "items": {"type": "object"}}}},
    }
}


def op(op_id: str | None = None, *tags: str, responses: dict[str, Any] = OK) -> dict[str, Any]:
    node: dict[str, Any] = {"responses": responses}
    if op_id is not None:
        node["operationId"] = op_id
    if tags:
        node["tags"] = list(tags)
    return node


NAMING = {"method-name-collision", "name-collision", "unknown-name", "duplicate-operation-id"}


def calls(build: Any, doc: dict[str, Any], **config: Any) -> tuple[dict[str, str], list[Any]]:
    """{"GET /path": "resource.method"} and the diagnostics of naming `doc`."""
    target = None
    if config:
        target = replace(adhoc_target("spec.json", "out", "testapi", None), **config)
    api, sink = build(doc, target) if target else build(doc)
    names = plan_names(api, sink)
    found = {
        f"{o.method.upper()} {o.path}": f"{names.resource_of(o).access}.{names.op_method[op_key(o)]}"
        for o in api.operations
    }
    return found, [d for d in sink.sorted() if d.code in NAMING]


# ---- FastAPI ------------------------------------------------------------------------------------
FASTAPI = spec_doc(
    {
        "/flows/{id}": {"get": op("read_flow_flows__id__get", "Flows")},
        "/flows/count": {"post": op("count_flows_flows_count_post", "Flows")},
        "/flows/": {"get": op("read_flows_flows__get", "Flows")},
        "/deployments/name/{flow_name}/{deployment_name}": {
            "get": op(
                "read_deployment_by_name_deployments_name__flow_name___deployment_name__get",
                "Deployments",
            )
        },
        "/health": {"get": op("health_check_health_get")},
        # hand-written: ends in `_get` but not in its own route + verb, so it is left as it is
        "/deployments/{id}/schedule": {"get": op("schedule_get", "Deployments")},
    }
)


def test_fastapi_default_ids_become_resource_function(build: Any) -> None:
    found, diagnostics = calls(build, FASTAPI)
    assert found == {
        "GET /flows/{id}": "flows.read",
        "POST /flows/count": "flows.count",
        "GET /flows/": "flows.list",  # `read` alone on a collection (GET /flows/{id} is beside it)
        "GET /deployments/name/{flow_name}/{deployment_name}": "deployments.read_by_name",
        "GET /health": "health.check",
        "GET /deployments/{id}/schedule": "deployments.schedule_get",
    }
    assert diagnostics == []


# ---- untagged: resources from paths --------------------------------------------------------------
STRIPE_LIKE = spec_doc(
    {
        "/v1/customers": {"get": op("GetCustomers"), "post": op("PostCustomers")},
        "/v1/customers/search": {"get": op("GetCustomersSearch")},
        "/v1/customers/{customer}": {
            "get": op("GetCustomersCustomer"),
            "post": op("PostCustomersCustomer"),
            "delete": op("DeleteCustomersCustomer"),
        },
        "/v1/customers/{customer}/sources": {
            "get": op("GetCustomersCustomerSources"),
            "post": op("PostCustomersCustomerSources"),
        },
        "/v1/customers/{customer}/sources/{id}": {
            "get": op("GetCustomersCustomerSourcesId"),
            "delete": op("DeleteCustomersCustomerSourcesId"),
        },
        "/v1/customers/{customer}/sources/{id}/verify": {
            "post": op("PostCustomersCustomerSourcesIdVerify")
        },
        "/v1/charges/{charge}/capture": {"post": op("PostChargesChargeCapture")},
        "/v1/account": {"get": op("GetAccount"), "post": op("PostAccount")},
        "/v1/apps/secrets": {"get": op("GetAppsSecrets")},
        "/v1/apps/secrets/delete": {"post": op("PostAppsSecretsDelete")},
    }
)


def test_untagged_specs_get_nested_resources_from_paths(build: Any) -> None:
    found, diagnostics = calls(build, STRIPE_LIKE)
    assert found == {
        "GET /v1/customers": "customers.list",
        "POST /v1/customers": "customers.create",
        "GET /v1/customers/search": "customers.search",
        "GET /v1/customers/{customer}": "customers.retrieve",
        "POST /v1/customers/{customer}": "customers.update",
        "DELETE /v1/customers/{customer}": "customers.delete",
        "GET /v1/customers/{customer}/sources": "customers.sources.list",
        "POST /v1/customers/{customer}/sources": "customers.sources.create",
        "GET /v1/customers/{customer}/sources/{id}": "customers.sources.retrieve",
        "DELETE /v1/customers/{customer}/sources/{id}": "customers.sources.delete",
        "POST /v1/customers/{customer}/sources/{id}/verify": "customers.sources.verify",
        "POST /v1/charges/{charge}/capture": "charges.capture",
        "GET /v1/account": "account.retrieve",
        "POST /v1/account": "account.update",
        "GET /v1/apps/secrets": "apps.secrets.list",
        "POST /v1/apps/secrets/delete": "apps.secrets.delete",
    }
    assert diagnostics == []


def test_untagged_ids_a_person_chose_keep_their_words(build: Any) -> None:
    doc = spec_doc(
        {
            "/pets": {"get": op("listPets", responses=LIST)},
            "/pets/search": {"get": op("searchPetsByTag")},
            "/pets/{petId}": {"get": op("showPetById")},
            "/calendars/{id}/events": {"get": op("fetchCalendarEvents", responses=LIST)},
            "/": {"get": op()},
        }
    )
    found, _ = calls(build, doc)
    assert found == {
        "GET /pets": "pets.list",
        "GET /pets/search": "pets.search_by_tag",
        "GET /pets/{petId}": "pets.show",
        "GET /calendars/{id}/events": "calendars.events.list",
        "GET /": "root.retrieve",
    }


def test_untagged_operations_join_the_resource_of_a_tag_with_their_name(build: Any) -> None:
    doc = spec_doc(
        {
            "/pets": {"get": op("listPets", "Pets", responses=LIST)},
            "/pets/{id}": {"get": op()},
            "/pets/{id}/photos": {"get": op(responses=LIST)},
        }
    )
    found, _ = calls(build, doc)
    assert found == {
        "GET /pets": "pets.list",
        "GET /pets/{id}": "pets.retrieve",
        "GET /pets/{id}/photos": "pets.photos.list",
    }


def test_nested_resources_work_on_the_wire(generate_package: Any) -> None:
    pkg, _ = generate_package(STRIPE_LIKE, client_name="Shop")
    seen: list[str] = []

    def answer(ex: Exchange) -> None:
        seen.append(f"{ex.command} {ex.received.target}")
        ex.json(200, [{"id": "src_1"}] if ex.command == "GET" else {"id": "src_1"})

    with serving() as server:
        server.on("*", answer)
        with pkg.Shop(base_url=server.origin) as client:
            client.customers.sources.list("cus_1")
            client.customers.sources.verify("cus_1", "src_1")
            raw = client.customers.with_raw_response.sources.retrieve("cus_1", "src_1")
            assert raw.status_code == 200
            client.apps.secrets.delete()

        async def main() -> None:
            async with pkg.AsyncShop(base_url=server.origin) as aclient:
                await aclient.customers.sources.delete("cus_2", "src_2")

        asyncio.run(main())
    assert seen == [
        "GET /v1/customers/cus_1/sources",
        "POST /v1/customers/cus_1/sources/src_1/verify",
        "GET /v1/customers/cus_1/sources/src_1",
        "POST /v1/apps/secrets/delete",
        "DELETE /v1/customers/cus_2/sources/src_2",
    ]
    assert type(client.customers.sources).__name__ == "CustomerSources"
    assert "CustomerSources" in pkg.resources.__all__


def test_nested_resources_in_the_docs_and_a_parent_without_methods(generate_package: Any) -> None:
    pkg, root = generate_package(STRIPE_LIKE, client_name="Shop")
    readme = (root / "README.md").read_text()
    api_md = (root / "api.md").read_text()
    for doc in (readme, api_md):  # grouped under the dotted path, each method reached through it
        assert "### `client.customers.sources`" in doc or "## `client.customers.sources`" in doc
        assert "client.customers.sources.verify" in doc
        assert "client.apps.secrets.delete" in doc
        assert "`client.sources" not in doc and "`client.secrets" not in doc
    assert "Operations under `/v1/customers/{customer}/sources`." in api_md
    tests = (root / "tests/api_resources/test_customers_sources.py").read_text()
    assert "client.customers.sources.verify(" in tests
    # `apps` only holds `apps.secrets`: no endpoint machinery, no response wrappers, no arguments
    apps = (root / f"src/{pkg.__name__}/resources/apps.py").read_text()
    imports = [line for line in apps.splitlines() if line.startswith(("from ", "import "))]
    assert imports == [
        "from __future__ import annotations",
        "from functools import cached_property",
        "from .._resource import AsyncAPIResource, SyncAPIResource",
        "from .apps_secrets import AppSecrets, AsyncAppSecrets",
    ]
    client = pkg.Shop(base_url="http://127.0.0.1:9")
    streaming = client.customers.with_streaming_response
    assert callable(streaming.sources.verify) and callable(
        client.apps.with_raw_response.secrets.list
    )


@pytest.mark.slow
def test_nested_resources_are_mypy_strict_clean(generate_package: Any, tmp_path: Path) -> None:
    _pkg, root = generate_package(STRIPE_LIKE, client_name="Shop", package="shop")
    usage = tmp_path / "usage.py"
    usage.write_text(
        "from typing import Any\n"
        "from shop import AsyncShop, Shop\n"
        "def use(client: Shop) -> Any:\n"
        "    client.customers.with_raw_response.sources.list('c')\n"
        "    return client.customers.sources.verify('c', 's')\n"
        "async def use_async(client: AsyncShop) -> Any:\n"
        "    return await client.apps.secrets.delete()\n"
    )
    proc = mypy_strict(tmp_path, root / "src", root / "src" / "shop", usage)
    assert proc.returncode == 0, proc.stdout[-5000:]


# ---- tags ------------------------------------------------------------------------------------------
def test_a_prefix_every_tag_shares_and_versions_are_dropped(build: Any) -> None:
    doc = spec_doc(
        {
            "/v1/Conversations": {"get": op("ListConversation", "ConversationsV1Conversation")},
            "/v1/Conversations/{Sid}": {
                "get": op("FetchConversation", "ConversationsV1Conversation")
            },
            "/v1/Conversations/{ConversationSid}/Messages": {
                "get": op("ListConversationMessage", "ConversationsV1ConversationMessage")
            },
            "/v1/Roles": {"post": op("CreateRole", "ConversationsV1Role")},
            "/v1/Configuration": {"get": op("FetchConfiguration", "ConversationsV1Configuration")},
        }
    )
    found, _ = calls(build, doc)
    assert found == {
        "GET /v1/Conversations": "conversations.list",
        "GET /v1/Conversations/{Sid}": "conversations.fetch",
        "GET /v1/Conversations/{ConversationSid}/Messages": "conversation_messages.list",
        "POST /v1/Roles": "roles.create",
        "GET /v1/Configuration": "configuration.fetch",
    }


def test_tags_that_only_their_versions_tell_apart_keep_them(build: Any) -> None:
    """Kubernetes: `apps`, `apps_v1` and `apps_v1beta1` are three tags; dropping the versions would
    make them collide (`apps_2`, `apps_3` with a warning each)."""
    doc = spec_doc(
        {
            "/apis/apps/": {"get": op("getAppsAPIGroup", "apps")},
            "/apis/apps/v1/": {"get": op("getAppsV1APIResources", "apps_v1")},
            "/apis/apps/v1beta1/": {"get": op("getAppsV1beta1APIResources", "apps_v1beta1")},
            "/apis/batch/v1/jobs": {"get": op("listBatchV1Jobs", "batch_v1", responses=LIST)},
        }
    )
    found, diagnostics = calls(build, doc)
    assert diagnostics == []
    assert {k: v.split(".")[0] for k, v in found.items()} == {
        "GET /apis/apps/": "apps",
        "GET /apis/apps/v1/": "apps_v1",
        "GET /apis/apps/v1beta1/": "apps_v1beta1",
        "GET /apis/batch/v1/jobs": "batch",
    }


def test_a_tag_alone_keeps_its_words(build: Any) -> None:
    doc = spec_doc({"/people": {"get": op("listPeople", "People Directory", responses=LIST)}})
    found, _ = calls(build, doc)
    assert found == {"GET /people": "people_directory.list"}


# ---- CRUD verbs --------------------------------------------------------------------------------------
def test_crud_verbs_when_the_operation_id_is_missing(build: Any) -> None:
    doc = spec_doc(
        {
            "/store/orders": {"get": op(None, "store", responses=LIST), "post": op(None, "store")},
            "/store/orders/{id}": {
                "get": op(None, "store"),
                "put": op(None, "store"),
                "patch": op(None, "store"),
                "delete": op(None, "store"),
            },
            "/store/inventory": {"get": op(None, "store")},
        }
    )
    found, diagnostics = calls(build, doc)
    assert found == {
        "GET /store/orders": "store.list_orders",
        "POST /store/orders": "store.create_order",
        "GET /store/orders/{id}": "store.retrieve_order",
        "PUT /store/orders/{id}": "store.replace_order",
        "PATCH /store/orders/{id}": "store.update_order",
        "DELETE /store/orders/{id}": "store.delete_order",
        "GET /store/inventory": "store.retrieve_inventory",  # /store is every path's prefix
    }
    assert diagnostics == []


def test_a_singular_tag_does_not_repeat_its_plural_path(build: Any) -> None:
    doc = spec_doc(
        {
            "/users": {"get": op(None, "user", responses=LIST), "post": op(None, "user")},
            "/users/{id}": {"get": op(None, "user")},
        }
    )
    found, _ = calls(build, doc)
    assert found == {
        "GET /users": "users.list",
        "POST /users": "users.create",
        "GET /users/{id}": "users.retrieve",
    }


def test_a_read_verb_alone_on_a_collection_is_list(build: Any) -> None:
    doc = spec_doc(
        {
            "/calendars/{id}/events": {
                "get": op("fetchCalendarEvents", "Calendar Events", responses=LIST)
            },
            "/calendars/{id}/events/{eventId}": {
                "get": op("fetchCalendarEvent", "Calendar Events")
            },
            "/calendars/{id}/stats": {"get": op("fetchCalendarStats", "Statistics")},
        }
    )
    found, _ = calls(build, doc)
    assert found == {
        "GET /calendars/{id}/events": "calendar_events.list",
        "GET /calendars/{id}/events/{eventId}": "calendar_events.fetch",
        "GET /calendars/{id}/stats": "statistics.fetch_calendar_stats",  # an object, not a list
    }


# ---- renames in the configuration ----------------------------------------------------------------------
RENAMES = spec_doc(
    {
        "/v1/customers": {"get": op("GetCustomers")},
        "/v1/customers/{customer}/sources": {"get": op("GetCustomersCustomerSources")},
        "/people": {
            "get": {
                "operationId": "listPeople",
                "tags": ["People"],
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Person"}}
                        },
                    }
                },
            }
        },
    },
    schemas={
        "Person": {"type": "object", "properties": {"pet": {"$ref": "#/components/schemas/Pet"}}},
        "Pet": {"type": "object", "properties": {"name": {"type": "string"}}},
    },
)


def test_resources_methods_and_classes_are_renamed_by_configuration(build: Any) -> None:
    config = {
        "method_names": {  # the resources they name are made (nested when dotted)
            "GetCustomersCustomerSources": "customers.sources.everything",
            "GetCustomers": "staff.list",
        },
        "resource_names": {"customers.sources": "payment_sources", "People": "persons"},
        "class_names": {"Person": "StaffMember", "Pet": "Animal"},
    }
    target = replace(adhoc_target("spec.json", "out", "testapi", None), **config)
    api, sink = build(RENAMES, target)
    names = plan_names(api, sink)
    found = {
        o.id: f"{names.resource_of(o).access}.{names.op_method[op_key(o)]}" for o in api.operations
    }
    assert found == {
        "GetCustomers": "staff.list",
        "GetCustomersCustomerSources": "customers.payment_sources.everything",
        "listPeople": "persons.list",
    }
    assert names.resources["People"].attr == "persons"
    assert names.resources["People"].cls == "Persons"
    assert sorted(names.schema_class.values()) == ["Animal", "StaffMember"]
    assert [d for d in sink.sorted() if d.code in NAMING] == []


def test_configured_names_that_match_nothing_or_are_taken_warn(build: Any) -> None:
    config = {
        "resource_names": {"Nope": "x", "customers": "people"},
        "class_names": {"Nothing": "Y", "Pet": "Person"},
    }
    target = replace(adhoc_target("spec.json", "out", "testapi", None), **config)
    api, sink = build(RENAMES, target)
    names = plan_names(api, sink)
    messages = [(d.code, d.message) for d in sink.sorted()]
    assert ("unknown-name", "resource_names: no tag or resource 'Nope'; the name is not used") in (
        messages
    )
    assert any(c == "unknown-name" and "'Nothing'" in m for c, m in messages)
    # `Pet` asked for `Person`: the configured name wins, the schema named so steps aside
    assert names.schema_class["/components/schemas/Pet"] == "Person"
    assert names.schema_class["/components/schemas/Person"] == "Person2"
    assert any(c == "name-collision" and "Person2" in m for c, m in messages)
    # `customers` asked for `people`, which the tag People has: a suffix and a warning
    assert {r.attr for r in names.resources.values()} >= {"people", "people_2"}
    assert any(c == "name-collision" and "'people'" in m for c, m in messages)


def test_method_name_collisions_resolve_deterministically_with_a_warning(build: Any) -> None:
    doc = spec_doc(
        {
            "/insurances": {"get": op("listInsurances", "Med Cases", responses=LIST)},
            "/med-cases/{id}/insurances": {
                "get": op("listMedCaseInsurances", "Med Cases", responses=LIST)
            },
        }
    )
    found, diagnostics = calls(build, doc)
    assert found == {
        "GET /insurances": "med_cases.list_insurances",
        "GET /med-cases/{id}/insurances": "med_cases.list_med_case_insurances",
    }
    assert [d.code for d in diagnostics] == ["method-name-collision"]
    found, diagnostics = calls(build, doc, method_names={"listMedCaseInsurances": "list_for_case"})
    assert found["GET /med-cases/{id}/insurances"] == "med_cases.list_for_case"
    assert diagnostics == []


def test_a_taken_name_is_told_apart_by_the_parameter_its_path_ends_in(build: Any) -> None:
    """springfox tells Java overloads apart by `Using<METHOD>` only; without it the two collide."""
    doc = spec_doc(
        {
            "/lookup/map/EnsemblGene": {"post": op("getEnsemblGeneMappingUsingPOST", "Lookup")},
            "/lookup/map/EnsemblGene/{rgdId}": {
                "get": op("getEnsemblGeneMappingUsingGET", "Lookup")
            },
            "/lookup/maps/{speciesKey}": {"get": op("getMapsUsingGET", "Lookup")},
            "/lookup/units": {"get": op("getMapsUsingGET_1", "Lookup")},
        }
    )
    found, diagnostics = calls(build, doc)
    assert found == {
        "POST /lookup/map/EnsemblGene": "lookup.get_ensembl_gene_mapping",
        "GET /lookup/map/EnsemblGene/{rgdId}": "lookup.get_ensembl_gene_mapping_by_rgd_id",
        "GET /lookup/maps/{speciesKey}": "lookup.get_maps",
        "GET /lookup/units": "lookup.get_maps_2",  # no parameter to tell it apart: a suffix
    }
    assert [d.code for d in diagnostics] == ["method-name-collision"] * 2


# ---- --config FILE -----------------------------------------------------------------------------------------
def _run(args: list[str]) -> Any:
    return CliRunner().invoke(cli, args, catch_exceptions=False)


def test_config_file_for_an_adhoc_run(tmp_path: Path) -> None:
    spec = tmp_path / "shop.yml"
    spec.write_text(yaml.safe_dump(STRIPE_LIKE))
    config = tmp_path / "names.toml"
    config.write_text(
        'client_name = "Shop"\n'
        'method_names = { PostChargesChargeCapture = "charges.take" }\n'
        'resource_names = { "customers.sources" = "payment_sources" }\n'
    )
    out = tmp_path / "out"
    result = _run(["generate", str(spec), "-o", str(out), "--config", str(config), "-q"])
    assert result.exit_code == 0, result.output
    ops = json.loads((out / "operations.json").read_text())
    found = {o["operation_id"]: o["call"] for o in ops["operations"]}
    assert found["PostChargesChargeCapture"] == "charges.take"
    assert found["GetCustomersCustomerSources"] == "customers.payment_sources.list"
    assert ops["client"] == "Shop"
    # a pyproject.toml with one target table works too; the command line's names win
    project = tmp_path / "pyproject.toml"
    project.write_text(
        "[tool.clientgen.targets.shop]\n"
        'package = "shop"\nclient_name = "Shop"\nenv_prefix = "SHOP"\n'
        'resource_names = { customers = "clients" }\n'
    )
    out2 = tmp_path / "out2"
    result = _run(
        ["generate", str(spec), "-o", str(out2), "--config", str(project), "--client-name", "Store"]
    )
    assert result.exit_code == 0, result.output
    ops = json.loads((out2 / "operations.json").read_text())
    assert ops["client"] == "Store" and ops["package"] == "shop"
    assert {o["call"].split(".")[0] for o in ops["operations"]} >= {"clients"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('spec = "other.yml"\n', "sets spec: with --config the spec and the output folder"),
        (
            "[tool.clientgen.targets.a]\n[tool.clientgen.targets.b]\n",
            "configures 2 targets (a, b)",
        ),
        ('resource_names = { x = "not valid" }\n', "'not valid' is not a valid Python resource"),
        ("nonsense = 1\n", "nonsense: Extra inputs are not permitted"),
    ],
)
def test_a_bad_config_file_is_a_clear_error(tmp_path: Path, text: str, message: str) -> None:
    spec = tmp_path / "shop.yml"
    spec.write_text(yaml.safe_dump(STRIPE_LIKE))
    config = tmp_path / "bad.toml"
    config.write_text(text)
    result = CliRunner().invoke(
        cli, ["generate", str(spec), "-o", str(tmp_path / "out"), "--config", str(config)]
    )
    assert result.exit_code != 0
    assert message in str(result.exception or "") + result.output
    assert not (tmp_path / "out").exists()


def test_config_file_needs_adhoc_mode(pets_project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(pets_project)
    result = CliRunner().invoke(cli, ["generate", "--config", "names.toml"])
    assert result.exit_code != 0
    assert "--config is for one spec with -o" in result.output


# ---- clientgen diff --------------------------------------------------------------------------------------
def test_diff_reports_renamed_and_removed_nested_names_as_breaking(tmp_path: Path) -> None:
    from generator.workflow.changes import Layer, Level
    from generator.workflow.diff import diff_files

    new = json.loads(json.dumps(STRIPE_LIKE))
    verify = new["paths"]["/v1/customers/{customer}/sources/{id}/verify"]["post"]
    verify["operationId"] = "verifyBankSource"
    del new["paths"]["/v1/apps/secrets"], new["paths"]["/v1/apps/secrets/delete"]
    (tmp_path / "old.json").write_text(json.dumps(STRIPE_LIKE))
    (tmp_path / "new.json").write_text(json.dumps(new))
    report = diff_files(tmp_path / "old.json", tmp_path / "new.json")
    python = {
        (c.code, c.subject, c.message, c.level) for c in report.changes if c.layer is Layer.PYTHON
    }
    assert (
        "method-renamed",
        "client.customers.sources.verify",
        "renamed to client.customers.sources.verify_bank",
        Level.BREAKING,
    ) in python
    removed = {
        s for code, s, _, level in python if code == "resource-removed" and level is Level.BREAKING
    }
    assert removed == {"client.apps.secrets"}
    assert report.exit_code() == 1


def test_diff_old_config_shows_renames_made_in_configuration(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "shop.json").write_text(json.dumps(STRIPE_LIKE))
    old = tmp_path / "old.toml"
    old.write_text('package = "client"\nclient_name = "Client"\nenv_prefix = "CLIENT"\n')
    (tmp_path / "pyproject.toml").write_text(
        "[tool.clientgen.targets.shop]\n"
        'spec = "shop.json"\noutput = "out"\npackage = "client"\nclient_name = "Client"\n'
        'env_prefix = "CLIENT"\nmethod_names = { PostChargesChargeCapture = "charges.take" }\n'
    )
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    same = runner.invoke(cli, ["diff", "shop.json", "shop.json", "--format", "json"])
    assert same.exit_code == 0 and json.loads(same.output)["changes"] == []
    result = runner.invoke(
        cli, ["diff", "shop.json", "shop.json", "--old-config", str(old), "--format", "json"]
    )
    assert result.exit_code == 1, result.output
    changes = json.loads(result.output)["changes"]
    assert [(c["code"], c["subject"], c["level"]) for c in changes] == [
        ("method-renamed", "client.charges.capture", "breaking")
    ]


# The committed clients' renames of the #14 review: target → {operationId: (old call, new call)}.
REVIEWED = {
    "casexchange": {
        "getCaseAnalytics": ("analytics.get_case", "analytics.get_cases"),
        "listMedCaseDocuments": ("med_ex_documents.list_case", "med_ex_documents.list"),
        "uploadMedCaseDocument": ("med_ex_documents.upload_case", "med_ex_documents.upload"),
        "getMedCaseDocument": ("med_ex_documents.get_case", "med_ex_documents.get"),
    },
    "casexchange_internal": {
        "getCaseStatusUpdates": ("status_updates.get_case", "status_updates.list_for_case"),
        "listCaseDocuments": ("documents.list_case", "documents.list_for_case"),
        "uploadCaseDocument": ("documents.upload_case", "documents.upload_for_case"),
        "handleSalesforceOAuthCallback": (
            "integrations.handle_salesforce_o_auth_callback",
            "integrations.handle_salesforce_oauth_callback",
        ),
        "startSalesforceOAuth": (
            "integrations.start_salesforce_o_auth",
            "integrations.start_salesforce_oauth",
        ),
    },
}


@pytest.mark.slow  # `clientgen diff` of a whole committed spec under two configurations
@pytest.mark.parametrize("name", sorted(REVIEWED))
def test_diff_reports_the_committed_clients_renames_as_breaking(name: str) -> None:
    """Every rename the #14 review made in a committed client's configuration is a breaking
    `method-renamed` change of `clientgen diff`, and nothing else changes."""
    from generator.config import load_targets
    from generator.workflow.changes import Layer, Level
    from generator.workflow.diff import diff_files

    target = next(t for t in load_targets(REPO / "pyproject.toml") if t.name == name)
    renamed = REVIEWED[name]
    assert set(renamed) <= set(target.method_names)
    before = {k: v for k, v in target.method_names.items() if k not in renamed}
    old = replace(target, method_names=before)
    report = diff_files(Path(target.spec), Path(target.spec), target, old_config=old)
    found = {(c.code, c.subject, c.message, c.level) for c in report.changes}
    assert all(c.layer is Layer.PYTHON for c in report.changes)
    assert found == {
        ("method-renamed", f"client.{a}", f"renamed to client.{b}", Level.BREAKING)
        for a, b in renamed.values()
    }
    assert report.exit_code() == 1
