"""bench/name_quality.py: the definitions of a bad method name (verb suffix, path repetition, FastAPI
default ids, generic resources), the per-spec measure, the seeded sample and the report (issue #14)."""

from __future__ import annotations

import collections
import json
from pathlib import Path
from typing import Any

import pytest

from tests.corpus.bench_modules import load_bench

nq = load_bench("name_quality")
manifests = load_bench("manifests")
REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get_customers_customer", "/v1/customers/{customer}"),  # Stripe: verb + the whole path
        ("post_apps_secrets_delete", "/v1/apps/secrets/delete"),
        ("get_charges_charge_refunds", "/v1/charges/{charge}/refunds"),
        ("post_transfers_transfer_reversals", "/v1/transfers/{transfer}/reversals"),
        ("list_api_v1_get", "/api/v1/artifact_versions"),  # FastAPI: the route's prefix
        ("get_api_v1_id_get", "/api/v1/artifact_versions/{artifact_version_id}"),
        ("read_by_name_name_flow_name_name", "/deployments/name/{flow_name}/{deployment_name}"),
        ("list_task_queues_v1_workspaces", "/v1/Workspaces/{WorkspaceSid}/TaskQueues"),
    ],
)
def test_mechanical_names_repeat_their_path(method: str, path: str) -> None:
    assert nq.repeats_path(method, path)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get_branch_protection", "/repos/{owner}/{repo}/branches/{branch}/protection"),
        ("get_repo_subscription", "/repos/{owner}/{repo}/subscription"),
        ("list_task_queues", "/v1/Workspaces/{WorkspaceSid}/TaskQueues"),
        ("get_project", "/projects/{project_gid}"),
        (
            "get_cache_retention_limit_for_enterprise",
            "/enterprises/{enterprise}/actions/cache/retention-limit",
        ),
        ("list", "/v1/customers"),
        ("retrieve", "/v1/customers/{customer}"),
        ("get", "/v1/account"),
        ("get_feeds", "/feeds"),  # verb + a one-segment path: a name a person may choose
        ("get_accounts", "/v1/accounts"),
    ],
)
def test_chosen_names_do_not_count(method: str, path: str) -> None:
    assert not nq.repeats_path(method, path)


def test_verb_suffix_is_the_operations_own_verb() -> None:
    assert nq.has_verb_suffix("read_id_get", "GET")
    assert nq.has_verb_suffix("count_count_post", "post")
    assert not nq.has_verb_suffix("post_apps_secrets_delete", "POST")  # a path word, not its verb
    assert not nq.has_verb_suffix("get", "GET")
    assert not nq.has_verb_suffix("target", "GET")


def test_fastapi_default_ids() -> None:
    assert nq.is_fastapi_id("read_flow_flows__id__get", "GET", "/flows/{id}")
    assert nq.is_fastapi_id("count_flows_flows_count_post", "POST", "/flows/count")
    assert not nq.is_fastapi_id("_flows__id__get", "GET", "/flows/{id}")  # no function name
    assert not nq.is_fastapi_id("read_flow_flows__id__get", "PUT", "/flows/{id}")
    assert not nq.is_fastapi_id("getFlow", "GET", "/flows/{id}")
    assert not nq.is_fastapi_id(None, "GET", "/flows/{id}")


def test_generic_resources() -> None:
    assert nq.generic_resources(["/v1/customers", "/v1/charges"]) >= {"default", "v1"}
    assert "api20200531" in nq.generic_resources(["/2020-05-31/a", "/2020-05-31/b"])
    assert nq.generic_resources(["/customers", "/charges"]) == {"default"}


def _run(ops: list[dict[str, Any]], **diagnostics: int) -> Any:
    return manifests.Generated(
        "spec", True, {"operations": ops}, collections.Counter(diagnostics), "", 1.0
    )


def _op(call: str, method: str, path: str, op_id: str | None = None, tags: list[str] | None = None):
    return {"call": call, "method": method, "path": path, "operation_id": op_id, "tags": tags or []}


def test_measure_one_spec() -> None:
    run = _run(
        [
            _op(
                "v1.get_customers_customer",
                "GET",
                "/v1/customers/{customer}",
                "GetCustomersCustomer",
            ),
            _op("v1.list", "GET", "/v1/customers", "GetCustomers"),
            _op("flows.read_id_get", "GET", "/flows/{id}", "read_flow_flows__id__get"),
            _op("taskrouter_v1_worker.fetch", "GET", "/v1/Workers/{Sid}", "FetchWorker"),
        ],
        **{"method-name-collision": 2, "name-collision": 1, "other": 5},
    )
    s = nq.measure(run)
    assert (s.methods, s.verb_suffix, s.path_repeat, s.bad) == (4, 1, 1, 2)
    assert (s.fastapi_ids, s.fastapi_bad) == (1, 1)
    assert s.collisions == {"method-name-collision": 2, "name-collision": 1}
    assert s.untagged and s.resources == 3
    assert s.generic == 2  # the two methods in `v1`
    assert s.versioned == 3  # v1 ×2, taskrouter_v1_worker
    t = nq.totals([s, nq.SpecNames("broken", False, "exit 2")])
    assert (t["specs"], t["generated"], t["bad"], t["untagged_specs"]) == (2, 1, 2, 1)
    assert t["bad_share"] == pytest.approx(0.5)
    assert t["fastapi_bad_share"] == pytest.approx(1.0)


def test_tagged_spec_is_not_untagged() -> None:
    s = nq.measure(_run([_op("customers.list", "GET", "/v1/customers", "x", ["customers"])]))
    assert not s.untagged and s.generic == 0


def _spec_file(folder: Path, name: str, paths: list[str]) -> str:
    doc = {
        "openapi": "3.0.3",
        "info": {"title": name, "version": "1"},
        "paths": {
            p: {"get": {"operationId": f"op{i}", "responses": {}}} for i, p in enumerate(paths)
        },
    }
    path = folder / f"{name}.json"
    path.write_text(json.dumps(doc))
    return str(path)


def test_sample_is_seeded_and_one_operation_per_spec(tmp_path: Path) -> None:
    ids = [_spec_file(tmp_path, f"s{i}", [f"/a{i}", f"/b{i}", f"/c{i}"]) for i in range(6)]
    ids.append(_spec_file(tmp_path, "empty", []))
    first = nq.draw_sample(ids, 4, seed=14)
    assert first == nq.draw_sample(
        list(reversed(ids)), 4, seed=14
    )  # order of the ids is irrelevant
    assert len(first) == 4 and len({spec for spec, *_ in first}) == 4
    for spec, method, path, op_id in first:
        assert method == "GET" and path[1] in "abc" and op_id and op_id.startswith("op")
    assert len(nq.draw_sample(ids, 10, seed=14)) == 6  # the spec without operations is skipped


def test_markdown_has_an_after_column_only_when_compared() -> None:
    s = nq.measure(_run([_op("v1.get_customers_customer", "GET", "/v1/customers/{customer}")]))
    t = nq.totals([s])
    key = ("spec", "GET", "/v1/customers/{customer}")
    sample = [("spec", "GET", "/v1/customers/{customer}", None)]
    alone = nq.markdown_report(
        t,
        None,
        [s],
        None,
        sample,
        {key: "v1.get_customers_customer"},
        None,
        ("before", "after"),
        14,
    )
    assert "| measure | before |" in alone and "after" not in alone
    assert "`v1.get_customers_customer`" in alone
    both = nq.markdown_report(
        t,
        t,
        [s],
        [s],
        sample,
        {key: "v1.get_customers_customer"},
        {key: "customers.retrieve"},
        ("before", "after"),
        14,
    )
    assert "| measure | before | after |" in both and "`customers.retrieve`" in both


@pytest.mark.slow
def test_name_quality_end_to_end(tmp_path: Path) -> None:
    """The FastAPI fixture through the real CLI, compared with this same checkout: before == after."""
    out = tmp_path / "names.json"
    spec = "tests/fixtures/servers/zenml/openapi.json"
    try:
        code = nq.main(
            [
                "--ids",
                spec,
                "--extra",
                "",
                "--compare",
                str(REPO),
                "--sample",
                "1",
                "--json",
                str(out),
            ]
        )
    except load_bench("corpora").NpmMissing as exc:
        pytest.skip(str(exc))
    assert code == 0
    doc = json.loads(out.read_text())
    before, after = doc["before"]["totals"], doc["after"]["totals"]
    assert before == after
    assert before["generated"] == 1 and before["fastapi_ids"] == before["methods"] > 100
    (row,) = doc["sample"]
    assert row["before"] == row["after"] is not None
