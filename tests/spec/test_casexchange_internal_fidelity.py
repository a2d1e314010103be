"""Fidelity of specs/casexchange-internal/openapi.yml (our OpenAPI 3.1 transcription) to the
vendor's internal API spec of 2026-03-17 (OpenAPI 3.0.3), read from ../shared/upstream.

Same rules as the public spec: identical structure after normalising 3.0/3.1 spellings and
stripping prose, except for the pointers listed in specs/casexchange-internal/DEVIATIONS.md;
prose must be our own.  The comparator lives in spec_fidelity.py (shared with the public test).
"""

from __future__ import annotations

import copy
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import spec_fidelity as sf

SPEC = sf.REPO / "specs" / "casexchange-internal" / "openapi.yml"
DEVIATIONS = sf.REPO / "specs" / "casexchange-internal" / "DEVIATIONS.md"
UPSTREAM = sf.UPSTREAM_DIR / "casexchange" / "internal-2026-03-17.yml"

UPSTREAM_COUNTS = {"operations": 82, "paths": 65, "tags": 21, "schemas": 112}
UPSTREAM_WITHOUT_OPERATION_ID = 4
ADDED_OPERATIONS = {
    ("/public-api-keys", "get"): "listPublicApiKeys",
    ("/public-api-keys", "post"): "createPublicApiKey",
    ("/public-api-keys/{id}", "delete"): "revokePublicApiKey",
    ("/public-api-keys/{id}/usage", "get"): "getPublicApiKeyUsage",
}


ours, upstream, patterns, diffs = sf.module_fixtures(SPEC, DEVIATIONS, UPSTREAM)


# ---------------------------------------------------------------- our spec on its own


def test_parses_with_openapi_pydantic(ours: dict) -> None:
    from openapi_pydantic import parse_obj
    from openapi_pydantic.v3.v3_1 import OpenAPI

    assert ours["openapi"] == "3.1.0"
    assert isinstance(parse_obj(ours), OpenAPI)


def test_every_ref_resolves(ours: dict) -> None:
    bad = sf.unresolvable_refs(ours)
    assert not bad, "unresolvable references:" + sf.format_list(bad)


def test_no_openapi_30_spellings_left(ours: dict) -> None:
    left = sf.leftover_30_spellings(ours)
    assert not left, "3.0-only keywords still present:" + sf.format_list(left)


def test_every_operation_has_an_id_summary_and_description(ours: dict) -> None:
    problems = [
        f"{method.upper()} {path}"
        for (path, method), op in sf.operation_table(ours).items()
        if not (op.get("operationId") and op.get("summary") and op.get("description"))
    ]
    assert not problems, "incomplete operations:" + sf.format_list(problems)
    ids = [op["operationId"] for op in sf.operation_table(ours).values()]
    assert len(ids) == len(set(ids)), "duplicate operationIds"


# ---------------------------------------------------------------- against upstream


def test_upstream_is_the_expected_file(upstream: dict) -> None:
    table = sf.operation_table(upstream)
    assert {
        "operations": len(table),
        "paths": len(upstream["paths"]),
        "tags": len(upstream["tags"]),
        "schemas": len(upstream["components"]["schemas"]),
    } == UPSTREAM_COUNTS
    assert upstream["openapi"] == "3.0.3"
    assert sum("operationId" not in op for op in table.values()) == UPSTREAM_WITHOUT_OPERATION_ID


def test_counts(upstream: dict, ours: dict, patterns: list[str]) -> None:
    added_schemas = sf.added_components(patterns, "schemas")
    added_paths = sf.added_paths(patterns)
    assert {p for p, _m in ADDED_OPERATIONS} == added_paths
    table = sf.operation_table(ours)
    assert len(table) == UPSTREAM_COUNTS["operations"] + len(ADDED_OPERATIONS)
    assert len(ours["paths"]) == UPSTREAM_COUNTS["paths"] + len(added_paths)
    assert [t["name"] for t in ours["tags"]] == [t["name"] for t in upstream["tags"]]
    assert len(ours["tags"]) == UPSTREAM_COUNTS["tags"]
    assert (
        set(ours["components"]["schemas"]) - set(upstream["components"]["schemas"]) == added_schemas
    )
    assert len(ours["components"]["schemas"]) == UPSTREAM_COUNTS["schemas"] + len(added_schemas)
    for (path, method), op_id in ADDED_OPERATIONS.items():
        assert table[(path, method)]["operationId"] == op_id


def test_operation_ids_tiers_and_security_match(
    upstream: dict, ours: dict, patterns: list[str]
) -> None:
    theirs, mine = sf.operation_table(upstream), sf.operation_table(ours)
    problems = []
    for key, op in theirs.items():
        if key not in mine:
            problems.append(f"{key}: missing")
            continue
        mop = mine[key]
        for field in ("x-access-tier", "security", "tags"):
            if op.get(field) != mop.get(field):
                problems.append(f"{key}: {field} {op.get(field)!r} -> {mop.get(field)!r}")
        if "operationId" in op:
            if op["operationId"] != mop.get("operationId"):
                problems.append(
                    f"{key}: operationId {op['operationId']} -> {mop.get('operationId')}"
                )
        else:
            pointer = f"/paths/{sf.esc(key[0])}/{key[1]}/operationId"
            if pointer not in patterns:
                problems.append(f"{key}: operationId added without a DEVIATIONS.md entry")
    assert not problems, "operation identity differs:" + sf.format_list(problems)


def test_structure_matches_except_listed_deviations(
    diffs: list[sf.Difference], patterns: list[str]
) -> None:
    bad = sf.unexplained(diffs, patterns)
    assert not bad, (
        f"{len(bad)} structural difference(s) from the vendor spec are not listed in "
        f"{DEVIATIONS.relative_to(sf.REPO)}:" + sf.format_list(bad)
    )


def test_every_listed_deviation_is_real(diffs: list[sf.Difference], patterns: list[str]) -> None:
    stale = sf.unused_patterns(diffs, patterns)
    assert not stale, "DEVIATIONS.md lists pointers that no longer differ:" + sf.format_list(stale)


def test_no_copied_prose(upstream: dict, ours: dict) -> None:
    theirs = [text for _p, text in sf.iter_prose(upstream)]
    mine = list(sf.iter_prose(ours))
    assert len(mine) > 250
    problems = sf.copied_prose(mine, theirs)
    assert not problems, "prose copied from the vendor spec:" + sf.format_list(problems)


def test_summaries_are_fresh(upstream: dict, ours: dict) -> None:
    mine = sf.operation_table(ours)
    same = [
        f"{m.upper()} {p}"
        for (p, m), op in sf.operation_table(upstream).items()
        if op.get("summary", "").strip().lower() == mine[(p, m)].get("summary", "").strip().lower()
    ]
    assert not same, "summaries identical to the vendor's:" + sf.format_list(same)


# ---------------------------------------------------------------- the deliberate changes


def test_login_and_refresh_accept_documented_shapes(ours: dict) -> None:
    schemas = ours["components"]["schemas"]
    login = schemas["ApiResponse_LoginResponse"]["anyOf"]
    assert {"$ref": "#/components/schemas/ApiSuccessResponseBase"} in login[0]["allOf"]
    assert login[1] == {"$ref": "#/components/schemas/LoginMetaEnvelope"}
    assert schemas["LoginMetaEnvelope"]["properties"]["data"] == {
        "$ref": "#/components/schemas/LoginResponse"
    }
    assert not schemas["LoginResponse"].get("required")  # tokens may be cookie-only
    refresh = ours["paths"]["/auth/refresh-session"]["post"]
    assert refresh["requestBody"]["required"] is False
    body = refresh["requestBody"]["content"]["application/json"]["schema"]
    assert sf.resolve_pointer(ours, body["$ref"])["properties"]["refreshToken"]["type"] == "string"
    answer = refresh["responses"]["200"]["content"]["application/json"]["schema"]["anyOf"]
    assert {"$ref": "#/components/schemas/ApiResponse_RefreshTokenResponse"} in answer


def test_error_envelope_and_roles_are_open(ours: dict) -> None:
    schemas = ours["components"]["schemas"]
    code = schemas["ApiErrorObject"]["properties"]["code"]
    assert code["type"] == "string" and "enum" not in code
    assert "token_expired" in code["x-known-values"]
    items = schemas["ApiErrorObject"]["properties"]["details"]["items"]
    assert set(items["properties"]) == {"field", "message"} and not items.get("required")
    role = schemas["UserRole"]
    assert role["type"] == "string" and "enum" not in role
    assert {"firm_admin", "FIRM_ADMIN", "ACCOUNT_MANAGER"} <= set(role["x-known-values"])


def test_public_api_key_operations(ours: dict) -> None:
    table = sf.operation_table(ours)
    for key in ADDED_OPERATIONS:
        op = table[key]
        assert op["security"] == [{"bearerAuth": []}]
        assert op["x-access-tier"] == "private"
    create = table[("/public-api-keys", "post")]
    body = create["requestBody"]["content"]["application/json"]["schema"]
    assert sf.resolve_pointer(ours, body["$ref"])["required"] == ["name", "tier"]
    tier = ours["components"]["schemas"]["PublicApiKeyTier"]
    assert tier["enum"] == ["READ_ONLY", "STANDARD", "FULL"]
    created = ours["components"]["schemas"]["CreatedPublicApiKey"]["allOf"][1]["properties"]
    assert {"plainKey", "key"} <= set(created)
    assert {"200", "204"} <= set(table[("/public-api-keys/{id}", "delete")]["responses"])


# ---------------------------------------------------------------- the comparator on this spec


def _set(pointer: str, value: object):
    def mutate(doc: dict) -> None:
        parent, _, key = pointer.rpartition("/")
        sf.resolve_pointer(doc, parent)[sf.unesc(key)] = value

    return mutate


def _delete(pointer: str):
    def mutate(doc: dict) -> None:
        parent, _, key = pointer.rpartition("/")
        del sf.resolve_pointer(doc, parent)[sf.unesc(key)]

    return mutate


MUTATIONS = [
    (
        "enum shrunk",
        "/components/schemas/CaseStatus/enum",
        _set("/components/schemas/CaseStatus/enum", ["draft"]),
    ),
    (
        "property removed",
        "/components/schemas/LoginRequest/properties/password",
        _delete("/components/schemas/LoginRequest/properties/password"),
    ),
    (
        "component parameter bound changed",
        "/components/parameters/Limit/schema/maximum",
        _set("/components/parameters/Limit/schema/maximum", 1000),
    ),
    (
        "path-level parameter dropped",
        "/paths/~1users~1{id}/parameters",
        _delete("/paths/~1users~1{id}/parameters"),
    ),
    (
        "security changed",
        "/paths/~1auth~1me/get/security",
        _set("/paths/~1auth~1me/get/security", []),
    ),
    (
        "vendor extension changed",
        "/paths/~1admin~1seed/get/x-internal",
        _set("/paths/~1admin~1seed/get/x-internal", False),
    ),
    (
        "nullability lost",
        "/components/schemas/RecentActivityItem/properties/previousStatus/anyOf",
        _set(
            "/components/schemas/RecentActivityItem/properties/previousStatus",
            {"$ref": "#/components/schemas/CaseStatus"},
        ),
    ),
]


@pytest.mark.parametrize("what,pointer,mutate", MUTATIONS, ids=[m[0] for m in MUTATIONS])
def test_comparator_reports_structural_changes(
    upstream: dict, ours: dict, patterns: list[str], what: str, pointer: str, mutate
) -> None:
    broken = copy.deepcopy(ours)
    mutate(broken)
    bad = sf.unexplained(sf.structural_diff(upstream, broken), patterns)
    assert pointer in {d.pointer for d in bad}, f"{what} not reported; got:" + sf.format_list(bad)
