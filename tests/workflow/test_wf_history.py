"""The vendor's real spec history, served from 127.0.0.1 as "the live spec", through `clientgen fetch`."""

from __future__ import annotations

import json
from typing import Any

import pytest
from click.testing import CliRunner
from wf_support import PYPROJECT, LiveServer, upstream

from generator.cli import cli
from generator.load import parse_text

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def changes(result: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = json.loads(result.stdout)["changes"]
    return found


def without_cache(state: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in state.items() if not k.startswith(".cache/")}


def parse(data: bytes) -> Any:
    return parse_text(data.decode(), "spec")


def pick(found: list[dict[str, Any]], **want: str) -> list[dict[str, Any]]:
    return [c for c in found if all(c[k] == v for k, v in want.items())]


def test_cms_id_renamed_to_salesforce_id_is_breaking(
    live_server: LiveServer, make_project: Any, run: Any
) -> None:
    url = live_server.serve("/api-reference/openapi.yml", upstream("public-2026-04-15.yml"))
    project = make_project(upstream("public-2026-04-14.yml"), live_url=url)
    before = project.state()

    result = run(project.root, "fetch", "cx", "--format", "json")
    assert result.exit_code == 1, result.output
    doc = json.loads(result.stdout)
    assert doc["breaking"] and doc["semver"] == {"bump": "major", "from": "1.0.0", "to": "2.0.0"}
    found = doc["changes"]
    for model in ("SentCaseListItem", "SentCaseDetail"):
        (removed,) = pick(found, code="response-field-removed", subject=f"{model}.cmsId")
        assert removed["level"] == "breaking" and removed["layer"] == "wire"
        (added,) = pick(found, code="response-field-added", subject=f"{model}.salesforceId")
        assert added["level"] == "non-breaking"
        (py_removed,) = pick(
            found, code="field-removed", subject=f"casexchange.types.{model}.cms_id"
        )
        assert py_removed["level"] == "breaking" and py_removed["layer"] == "python"
        (py_added,) = pick(
            found, code="field-added", subject=f"casexchange.types.{model}.salesforce_id"
        )
        assert py_added["level"] == "non-breaking"
    assert "GET /sent-cases" in pick(found, subject="SentCaseListItem.cmsId")[0]["operations"]
    # the /received-referrals endpoints went away on the same day
    removed_ops = {c["subject"] for c in pick(found, code="operation-removed")}
    assert "GET /received-referrals" in removed_ops
    assert (
        pick(found, code="resource-removed", subject="client.received_referrals")[0]["level"]
        == "breaking"
    )
    assert without_cache(project.state()) == before  # only the ETag cache was written

    text = run(
        project.root, "fetch", "cx"
    )  # the same report for a human (304: served from the cache)
    assert text.exit_code == 1
    breaking = text.stdout.split("Non-breaking")[0]
    assert "SentCaseListItem.cmsId: field removed" in breaking
    assert "casexchange.types.SentCaseListItem.cms_id: field removed" in breaking
    assert (
        "casexchange.types.SentCaseListItem.salesforce_id" in text.stdout.split("Non-breaking")[1]
    )
    assert (
        "not modified since the last fetch" not in text.stdout
    )  # drift is reported, not the cache state
    assert "clientgen fetch cx --update" in text.stderr


@pytest.fixture(scope="module")
def newest_report(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    """04-15 → newest through the real command path: one fetch, reused by the assertions below."""
    server = LiveServer()
    server.thread.start()
    try:
        url = server.serve("/openapi.yml", upstream("public-098db2b.yml"))
        root = tmp_path_factory.mktemp("newest")
        (root / "specs" / "cx").mkdir(parents=True)
        (root / "pyproject.toml").write_text(PYPROJECT.format(live_url=url))
        (root / "specs" / "cx" / "openapi.yml").write_bytes(upstream("public-2026-04-15.yml"))
        mp = pytest.MonkeyPatch()
        mp.chdir(root)
        try:
            result = CliRunner().invoke(
                cli, ["fetch", "cx", "--format", "json"], catch_exceptions=False
            )
        finally:
            mp.undo()
    finally:
        server.httpd.shutdown()
        server.httpd.server_close()
    assert result.exit_code == 1, result.output
    return changes(result)


def test_single_close_split_into_begin_closing_and_close(
    newest_report: list[dict[str, Any]],
) -> None:
    (begin,) = pick(
        newest_report, code="operation-added", subject="POST /referrals/{id}/begin-closing"
    )
    assert begin["level"] == "non-breaking"
    assert (
        pick(newest_report, code="method-added", subject="client.referrals.begin_closing")[0][
            "level"
        ]
        == "non-breaking"
    )
    close_body = "POST /referrals/{id}/close request body"
    (moved,) = pick(
        newest_report, code="request-field-removed", subject=f"{close_body}.closingStatus"
    )
    assert moved["level"] == "breaking"
    (needed,) = pick(
        newest_report, code="request-field-required", subject=f"{close_body}.closureReason"
    )
    assert needed["level"] == "breaking"
    py = pick(
        newest_report,
        code="field-removed",
        subject="casexchange.types.CloseReferralBody.closing_status",
    )
    assert py and py[0]["level"] == "breaking"
    assert (
        pick(newest_report, code="request-object-closed", subject=close_body)[0]["level"]
        == "breaking"
    )


def test_tier_change(newest_report: list[dict[str, Any]]) -> None:
    (tier,) = pick(newest_report, code="access-tier-changed", subject="POST /referrals/{id}/close")
    assert (
        tier["message"].startswith("access tier full → standard")
        and tier["level"] == "non-breaking"
    )


def test_reject_and_withdraw_reason_became_required(newest_report: list[dict[str, Any]]) -> None:
    reasons = {
        op: c["level"]
        for c in pick(newest_report, code="request-field-required")
        if c["subject"].endswith(".reason")
        for op in c["operations"]
    }
    assert reasons == {
        "POST /referrals/{id}/reject": "breaking",
        "POST /referrals/{id}/withdraw": "breaking",
    }
    bodies = {
        c["subject"] for c in pick(newest_report, code="request-body-required", level="breaking")
    }
    assert {
        "POST /referrals/{id}/reject request body",
        "POST /referrals/{id}/withdraw request body",
    } <= bodies
    for method in ("reject", "withdraw"):
        (arg,) = pick(
            newest_report, code="argument-required", subject=f"client.referrals.{method}(reason)"
        )
        assert arg["level"] == "breaking"


def test_new_resources_are_additive(newest_report: list[dict[str, Any]]) -> None:
    resources = {c["subject"]: c["level"] for c in pick(newest_report, code="resource-added")}
    assert {"client.webhooks", "client.med_cases", "client.cases"} <= resources.keys()
    assert set(resources.values()) == {"non-breaking"}
    added_ops = {c["subject"] for c in pick(newest_report, code="operation-added")}
    assert {
        "GET /webhooks",
        "POST /webhooks",
        "GET /med-cases",
        "POST /med-cases/{id}/referrals",
    } <= added_ops


def test_breaking_and_additive_are_split(newest_report: list[dict[str, Any]]) -> None:
    additive = (
        "operation-added",
        "resource-added",
        "method-added",
        "class-added",
        "response-field-added",
        "response-status-added",
        "enum-member-added",
    )
    for code in additive:
        assert {c["level"] for c in pick(newest_report, code=code)} <= {"non-breaking"}, code
    removals = (
        "operation-removed",
        "resource-removed",
        "method-removed",
        "class-removed",
        "response-field-removed",
        "request-field-removed",
        "field-removed",
        "enum-member-removed",
    )
    for code in removals:
        assert {c["level"] for c in pick(newest_report, code=code)} <= {"breaking"}, code
    assert all(pick(newest_report, code=code) for code in removals if code != "method-removed")
    (medical,) = pick(newest_report, code="resource-removed", subject="client.medical_referrals")
    assert "list" in medical["message"]
    assert pick(newest_report, code="operation-removed", subject="GET /medical-referrals")


def test_descriptions_only_is_not_drift(
    live_server: LiveServer, make_project: Any, run: Any
) -> None:
    original = upstream("public-2026-04-15.yml")
    doc = parse(original)
    edited = 0
    for item in doc["paths"].values():
        for op in item.values():
            if isinstance(op, dict) and "summary" in op:
                op["summary"] = "Reworded: " + op["summary"]
                op["description"] = "A new explanation."
                edited += 1
    for schema in doc["components"]["schemas"].values():
        for prop in schema.get("properties", {}).values():
            prop["description"] = "Freshly documented."
    url = live_server.serve(
        "/openapi.json", json.dumps(doc).encode(), content_type="application/json"
    )
    project = make_project(original, live_url=url)
    before = project.state()

    result = run(project.root, "fetch", "cx")
    assert result.exit_code == 0, result.output
    assert "no drift" in result.stdout and "documentation-only changes not counted" in result.stdout
    assert edited > 50
    assert without_cache(project.state()) == before

    strict = run(project.root, "fetch", "cx", "--prose")
    assert strict.exit_code == 1
    assert "Documentation only" in strict.stdout and "Breaking" not in strict.stdout


def test_same_spec_reformatted_as_json_is_not_drift(
    live_server: LiveServer, make_project: Any, run: Any
) -> None:
    original = upstream("public-2026-04-15.yml")
    url = live_server.serve(
        "/openapi.json", json.dumps(parse(original)).encode(), content_type="application/json"
    )
    project = make_project(original, live_url=url)
    result = run(project.root, "fetch", "cx")
    assert result.exit_code == 0, result.output
    assert "no drift" in result.stdout and "documentation-only" not in result.stdout
