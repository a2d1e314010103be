"""Fidelity of specs/casexchange/openapi.yml (our OpenAPI 3.1 transcription) to the vendor's
newest public spec (OpenAPI 3.0.3), which is read from ../shared/upstream at test time.

Structure must be identical after normalising 3.0/3.1 spellings and stripping prose, except for
the pointers listed in specs/casexchange/DEVIATIONS.md.  Prose must be our own.
"""

from __future__ import annotations

import copy
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import spec_fidelity as sf

SPEC = sf.REPO / "specs" / "casexchange" / "openapi.yml"
DEVIATIONS = sf.REPO / "specs" / "casexchange" / "DEVIATIONS.md"
UPSTREAM = sf.UPSTREAM_DIR / "casexchange" / "public-098db2b.yml"

UPSTREAM_COUNTS = {"operations": 141, "paths": 107, "tags": 27, "schemas": 72}
HEALTH_OPERATION = "getPublicApiHealth"  # served before rate limiting (no limit headers, no 429)
RATE_HEADERS = ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset")


ours, upstream, patterns, diffs = sf.module_fixtures(SPEC, DEVIATIONS, UPSTREAM)


def _ops(doc: dict) -> dict[str, tuple[str, str, dict]]:
    return {op["operationId"]: (path, method, op) for path, method, op in sf.iter_operations(doc)}


def _resolve_response(doc: dict, resp: dict) -> dict:
    return sf.resolve_pointer(doc, resp["$ref"]) if "$ref" in resp else resp


# ---------------------------------------------------------------- our spec on its own


def test_parses_with_openapi_pydantic(ours: dict) -> None:
    from openapi_pydantic import parse_obj
    from openapi_pydantic.v3.v3_1 import OpenAPI

    assert ours["openapi"] == "3.1.0"
    assert isinstance(parse_obj(ours), OpenAPI)


def test_every_ref_resolves(ours: dict) -> None:
    bad = sf.unresolvable_refs(ours)
    for i, ev in enumerate(ours.get("x-webhook-events") or []):
        for key in ("envelopeSchema", "dataSchema", "maskedDataSchema"):
            if key in ev:
                try:
                    sf.resolve_pointer(ours, ev[key])
                except (KeyError, IndexError):
                    bad.append(f"x-webhook-events/{i}/{key}: {ev[key]}")
    assert not bad, "unresolvable references:" + sf.format_list(bad)


def test_no_openapi_30_spellings_left(ours: dict) -> None:
    left = sf.leftover_30_spellings(ours)
    assert not left, "3.0-only keywords still present:" + sf.format_list(left)


def test_deviation_list_is_parseable(patterns: list[str]) -> None:
    assert len(patterns) >= 10
    for p in patterns:
        assert p.startswith("/") and " " not in p, p


# ---------------------------------------------------------------- against upstream


def test_upstream_is_the_expected_file(upstream: dict) -> None:
    counts = {
        "operations": len(_ops(upstream)),
        "paths": len(upstream["paths"]),
        "tags": len(upstream["tags"]),
        "schemas": len(upstream["components"]["schemas"]),
    }
    assert counts == UPSTREAM_COUNTS
    assert upstream["openapi"] == "3.0.3"


def test_counts(upstream: dict, ours: dict, patterns: list[str]) -> None:
    added_schemas = sf.added_components(patterns, "schemas")
    assert len(_ops(ours)) == UPSTREAM_COUNTS["operations"]
    assert len(ours["paths"]) == UPSTREAM_COUNTS["paths"]
    assert len(ours["tags"]) == UPSTREAM_COUNTS["tags"]
    assert [t["name"] for t in ours["tags"]] == [t["name"] for t in upstream["tags"]]
    assert (
        set(ours["components"]["schemas"]) - set(upstream["components"]["schemas"]) == added_schemas
    )
    assert len(ours["components"]["schemas"]) == UPSTREAM_COUNTS["schemas"] + len(added_schemas)
    assert set(ours["components"].get("headers", {})) == {*RATE_HEADERS, "Retry-After"}
    assert len(ours["x-webhook-events"]) == len(upstream["x-webhook-events"]) == 13


def test_operation_ids_tiers_and_scopes_match(upstream: dict, ours: dict) -> None:
    def table(doc: dict) -> dict:
        return {
            op_id: (path, method, op.get("x-access-tier"), op.get("x-key-scope"), op.get("tags"))
            for op_id, (path, method, op) in _ops(doc).items()
        }

    theirs, mine = table(upstream), table(ours)
    assert len(theirs) == UPSTREAM_COUNTS["operations"]
    problems = [
        f"{op_id}: upstream {theirs.get(op_id)} vs ours {mine.get(op_id)}"
        for op_id in sorted(set(theirs) | set(mine))
        if theirs.get(op_id) != mine.get(op_id)
    ]
    assert not problems, "operation identity differs:" + sf.format_list(problems)
    assert all(t in ("read_only", "standard", "full") for _p, _m, t, _s, _g in mine.values())


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
    assert len(mine) > 1000  # the prose is really there
    problems = sf.copied_prose(mine, theirs)
    assert not problems, "prose copied from the vendor spec:" + sf.format_list(problems)


def test_every_operation_has_fresh_summary_and_description(upstream: dict, ours: dict) -> None:
    theirs = _ops(upstream)
    missing, same = [], []
    for op_id, (_path, _method, op) in _ops(ours).items():
        if not op.get("summary") or not op.get("description"):
            missing.append(op_id)
        if (
            op.get("summary", "").strip().lower()
            == theirs[op_id][2].get("summary", "").strip().lower()
        ):
            same.append(op_id)
    assert not missing, "operations without summary/description:" + sf.format_list(missing)
    assert not same, "summaries identical to the vendor's:" + sf.format_list(same)


# ---------------------------------------------------------------- the deliberate additions


def test_rate_limit_headers_and_429_everywhere(ours: dict) -> None:
    problems = []
    for op_id, (_path, _method, op) in _ops(ours).items():
        responses = op["responses"]
        if op_id == HEALTH_OPERATION:
            for status, resp in responses.items():
                if set(RATE_HEADERS) & set(resp.get("headers") or {}):
                    problems.append(f"{op_id} {status}: health is not rate limited")
            continue
        if "429" not in responses:
            problems.append(f"{op_id}: no 429")
        for status, resp in responses.items():
            resp = _resolve_response(ours, resp)
            headers = resp.get("headers") or {}
            for h in RATE_HEADERS:
                if headers.get(h, {}).get("$ref") != f"#/components/headers/{h}":
                    problems.append(f"{op_id} {status}: {h}")
            if status == "429":
                if headers.get("Retry-After", {}).get("$ref") != "#/components/headers/Retry-After":
                    problems.append(f"{op_id} 429: Retry-After")
                schema = resp["content"]["application/json"]["schema"]
                schema = sf.resolve_pointer(ours, schema["$ref"]) if "$ref" in schema else schema
                if "error" not in schema.get("properties", {}):
                    problems.append(f"{op_id} 429: body is not the error envelope")
    headers = ours["components"]["headers"]
    assert headers["X-RateLimit-Reset"]["schema"]["type"] == "integer"
    assert headers["Retry-After"]["schema"]["type"] == "integer"
    assert not problems, "rate-limit declarations missing:" + sf.format_list(problems)


def _error_envelopes(doc: dict) -> dict[str, dict]:
    """{where: error object} for every error envelope in a document."""
    schemas = [("components/schemas/Error", doc["components"]["schemas"]["Error"])]
    for op_id, (_path, _method, op) in _ops(doc).items():
        for status, resp in op["responses"].items():
            for media in (_resolve_response(doc, resp).get("content") or {}).values():
                schemas.append((f"{op_id} {status}", media.get("schema", {})))
    out = {}
    for where, schema in schemas:
        err = (schema.get("properties") or {}).get("error")
        if err:
            out[where] = err
    return out


def test_error_code_is_an_open_string_and_details_has_two_shapes(
    upstream: dict, ours: dict
) -> None:
    problems = []
    vendor_closed = {
        w for w, e in _error_envelopes(upstream).items() if "enum" in e["properties"]["code"]
    }
    envelopes = _error_envelopes(ours)
    assert len(envelopes) > 450
    for where, err in envelopes.items():
        code = err["properties"]["code"]
        if code.get("type") != "string" or "const" in code:
            problems.append(f"{where}: error.code must stay a string")
        # only the vendor's own single-code responses (e.g. external_link_conflict) keep an enum
        if "enum" in code and where not in vendor_closed:
            problems.append(f"{where}: error.code must not be a closed enum")
        if "details" not in err["properties"]:
            problems.append(f"{where}: error.details missing")
        if "details" in err.get("required", []):
            problems.append(f"{where}: error.details must be optional")
    assert not problems, sf.format_list(problems)
    assert (
        "x-known-values"
        in ours["components"]["schemas"]["Error"]["properties"]["error"]["properties"]["code"]
    )
    details = ours["components"]["schemas"]["ErrorDetails"]["anyOf"]
    assert details[0]["type"] == "array"
    assert details[0]["items"] == {"$ref": "#/components/schemas/FieldError"}
    assert details[1]["type"] == "object"
    assert details[1]["properties"]["errors"]["items"] == {
        "$ref": "#/components/schemas/FieldError"
    }
    assert set(ours["components"]["schemas"]["FieldError"]["properties"]) == {"field", "message"}


# ---------------------------------------------------------------- the comparator itself


def _mutations() -> list[tuple[str, str, object]]:
    """(description, pointer that must be reported, mutator)."""

    def set_at(pointer: str, value: object):
        def mutate(doc: dict) -> None:
            parent, _, key = pointer.rpartition("/")
            sf.resolve_pointer(doc, parent)[sf.unesc(key)] = value

        return mutate

    def delete_at(pointer: str):
        def mutate(doc: dict) -> None:
            parent, _, key = pointer.rpartition("/")
            del sf.resolve_pointer(doc, parent)[sf.unesc(key)]

        return mutate

    def drop_required(pointer: str, name: str):
        def mutate(doc: dict) -> None:
            sf.resolve_pointer(doc, pointer).remove(name)

        return mutate

    def append_enum(pointer: str, value: str):
        def mutate(doc: dict) -> None:
            sf.resolve_pointer(doc, pointer).append(value)

        return mutate

    ref_status = "/components/schemas/Referral/properties/status"
    return [
        (
            "property type changed",
            "/components/schemas/Firm/properties/name/type",
            set_at("/components/schemas/Firm/properties/name/type", "integer"),
        ),
        (
            "property removed",
            "/components/schemas/Firm/properties/website",
            delete_at("/components/schemas/Firm/properties/website"),
        ),
        (
            "required entry dropped",
            "/components/schemas/Referral/required",
            drop_required("/components/schemas/Referral/required", "status"),
        ),
        ("enum value added", ref_status + "/enum", append_enum(ref_status + "/enum", "archived")),
        (
            "bound changed",
            "/paths/~1referrals/get/parameters/1/schema/maximum",
            set_at("/paths/~1referrals/get/parameters/1/schema/maximum", 500),
        ),
        (
            "operation removed",
            "/paths/~1referrals~1{id}/delete",
            delete_at("/paths/~1referrals~1{id}/delete"),
        ),
        (
            "tier changed",
            "/paths/~1referrals~1{id}/delete/x-access-tier",
            set_at("/paths/~1referrals~1{id}/delete/x-access-tier", "standard"),
        ),
        (
            "nullability lost",
            "/components/schemas/Referral/properties/closureReason/type",
            set_at("/components/schemas/Referral/properties/closureReason/type", "string"),
        ),
        (
            "ref retargeted",
            "/components/schemas/SentCase/properties/referrals/items/$ref",
            set_at(
                "/components/schemas/SentCase/properties/referrals/items/$ref",
                "#/components/schemas/Referral",
            ),
        ),
        (
            "429 body changed under an allowed header pattern",
            "/paths/~1analytics~1export/get/responses/429/content/application~1json/schema/required",
            set_at(
                "/paths/~1analytics~1export/get/responses/429/content/application~1json/schema/required",
                ["error"],
            ),
        ),
    ]


@pytest.mark.parametrize("what,pointer,mutate", _mutations(), ids=[m[0] for m in _mutations()])
def test_comparator_reports_structural_changes(
    upstream: dict, ours: dict, patterns: list[str], what: str, pointer: str, mutate
) -> None:
    broken = copy.deepcopy(ours)
    mutate(broken)
    bad = sf.unexplained(sf.structural_diff(upstream, broken), patterns)
    assert pointer in {d.pointer for d in bad}, f"{what} not reported; got:" + sf.format_list(bad)


def test_comparator_ignores_prose_and_spelling(
    upstream: dict, ours: dict, diffs: list[sf.Difference]
) -> None:
    reworded = copy.deepcopy(ours)
    for _path, _method, op in sf.iter_operations(reworded):
        op["summary"] = "x"
        op.pop("description", None)
    # property *named* "description" is structure, not prose
    assert (
        "description"
        in sf.canonical(ours)["components"]["schemas"]["ReceivedReferral"]["properties"]
    )
    assert sf.structural_diff(upstream, reworded) == diffs
    spelled = copy.deepcopy(ours)
    prop = spelled["components"]["schemas"]["Referral"]["properties"]["closureReason"]
    prop["type"] = "string"
    prop["nullable"] = True  # 3.0 spelling of the same thing
    assert sf.structural_diff(upstream, spelled) == diffs


def test_pattern_matching() -> None:
    assert sf.pattern_matches("/paths/*/*/responses/429", "/paths/~1a/get/responses/429")
    assert not sf.pattern_matches(
        "/paths/*/*/responses/429", "/paths/~1a/get/responses/429/content"
    )
    assert sf.pattern_matches("/a/**", "/a")
    assert sf.pattern_matches("/a/**/z", "/a/b/c/z")
    assert not sf.pattern_matches("/a/*/z", "/a/b/c/z")
