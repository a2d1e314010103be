from __future__ import annotations

from typing import Any

import pytest

from generator import naming


@pytest.mark.parametrize(
    ("text", "snake", "pascal"),
    [
        ("sendReferral", "send_referral", "SendReferral"),
        ("HTTPServerError", "http_server_error", "HttpServerError"),
        ("X-RateLimit-Limit", "x_rate_limit_limit", "XRateLimitLimit"),
        ("page[size]", "page_size", "PageSize"),
        ("already_snake", "already_snake", "AlreadySnake"),
        ("Med Cases", "med_cases", "MedCases"),
        ("café au lait", "cafe_au_lait", "CafeAuLait"),
        ("", "", ""),
    ],
)
def test_casing(text: str, snake: str, pascal: str) -> None:
    assert naming.snake(text) == snake
    assert naming.pascal(text) == pascal


@pytest.mark.parametrize(
    ("wire", "expected"),
    [
        ("class", "class_"),
        ("from", "from_"),
        ("123abc", "field_123abc"),
        ("json", "json_"),
        ("model_config", "model_config_"),
        ("clientName", "client_name"),
        ("match", "match"),  # soft keywords are valid identifiers
        ("$ref", "ref"),
        ("???", "field"),
    ],
)
def test_field_names(wire: str, expected: str) -> None:
    assert naming.field_name(wire) == expected


def test_param_names_avoid_signature_names() -> None:
    assert naming.param_name("body") == "body_"
    assert naming.param_name("timeout") == "timeout_"
    assert naming.param_name("page[size]") == "page_size"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("under_evaluation", "UNDER_EVALUATION"),
        ("in-progress", "IN_PROGRESS"),
        ("", "VALUE"),
        (1, "VALUE_1"),
        (-2.5, "NEG_VALUE_2_5"),
        (True, "TRUE"),
        ("None", "NONE"),
        ("class", "CLASS"),
        ("1st", "VALUE_1ST"),
        (
            "a Thing WIth spaces",
            "A_THING_WITH_SPACES",
        ),  # separators: split there, not inside `WIth`
        ("fooBar baz", "FOO_BAR_BAZ"),
        ("HTTPServer", "HTTP_SERVER"),  # no separator: split like an identifier
        ("inProgress", "IN_PROGRESS"),
        ("application/json", "APPLICATION_JSON"),
    ],
)
def test_enum_member_names(value: object, expected: str) -> None:
    assert naming.enum_member_name(value) == expected


@pytest.mark.parametrize(
    ("op_id", "tag", "expected"),
    [
        ("sendReferral", "Referrals", "send"),
        ("listSentCases", "Sent Cases", "list"),
        ("getReferralStatusHistory", "Referrals", "get_status_history"),
        ("getWebhookById", "Webhooks", "get"),
        ("listMedReferrals", "Med Cases", "list_referrals"),
        ("listCategories", "Categories", "list"),
        ("referrals", "Referrals", "referrals"),
        ("with_raw_response", "x", "with_raw_response_"),
        # plural tags whose operations are singular (the maintained inflector knows these words)
        ("createPerson", "People", "create"),
        ("getStatusById", "Statuses", "get"),
        ("deleteAlias", "Aliases", "delete"),
        ("listIndices", "Indices", "list"),
    ],
)
def test_method_names(op_id: str, tag: str, expected: str) -> None:
    assert naming.method_name(op_id, tag) == expected


@pytest.mark.parametrize(
    ("plural", "expected"),
    [
        ("statuses", "status"),
        ("aliases", "alias"),
        ("people", "person"),
        ("indices", "index"),
        ("buses", "bus"),
        ("categories", "category"),
        ("addresses", "address"),
        ("news", "news"),
        ("status", "status"),
        ("referrals", "referral"),
    ],
)
def test_singular(plural: str, expected: str) -> None:
    assert naming.singular(plural) == expected


def test_scope_is_deterministic_and_suffixes() -> None:
    scope = naming.Scope()
    assert [scope.claim(n) for n in ["A", "A", "A", "A2"]] == ["A", "A2", "A3", "A2_2"]
    snake_scope = naming.Scope(sep="_")
    assert [snake_scope.claim(n) for n in ["a", "a", "a"]] == ["a", "a_2", "a_3"]
    folded = naming.Scope(casefold=True, sep="_")
    assert folded.claim("Foo") == "Foo"
    assert folded.claim("foo") == "foo_2"


def test_inline_schemas_are_named_after_their_owner_and_components_keep_theirs(build: Any) -> None:
    """Equal inline enums of two components are two classes named after their owners (no shared `Type`);
    a component keeps its own name, and an inline schema whose name it takes gets a suffix and a warning."""
    from generator.naming.plan import plan_names
    from tests.conftest import spec_doc

    schemas: dict[str, Any] = {
        name: {"type": "object", "properties": {"type": {"type": "string", "enum": ["locations"]}}}
        for name in ("Location", "Site")
    }
    C = "/components/schemas/"
    api, sink = build(spec_doc(schemas=schemas))
    names = plan_names(api, sink)
    assert names.schema_class[C + "Location/properties/type"] == "LocationType"
    assert names.schema_class[C + "Site/properties/type"] == "SiteType"
    assert not [d for d in sink.sorted() if d.code == "name-collision"]

    api, sink = build(spec_doc(schemas={**schemas, "LocationType": {"type": "object"}}))
    names = plan_names(api, sink)
    assert names.schema_class[C + "LocationType"] == "LocationType"
    assert names.schema_class[C + "Location/properties/type"] == "LocationType2"
    [warning] = [d for d in sink.sorted() if d.code == "name-collision"]
    assert warning.pointer == C + "Location/properties/type"


def test_module_names_are_bounded_by_a_readable_prefix_and_a_digest_of_the_whole_name() -> None:
    short = "x" * naming.MODULE_NAME_LIMIT
    assert naming.module_name(short) == short  # names that fit are left alone
    stem = "_".join(["applicable", "content", "matched", "device"] * 12)
    a, b = naming.module_name(stem + "_first"), naming.module_name(stem + "_second")
    assert a != b  # same 200-character prefix, different names: different digests
    for cut in (a, b):
        assert len(cut) <= naming.MODULE_NAME_LIMIT
        head, digest = cut.rsplit("_", 1)
        assert stem.startswith(head + "_")  # cut at a word boundary
        assert len(digest) == 10 and int(digest, 16) >= 0
    assert naming.module_name(stem + "_first") == a  # a function of the name alone
    unbroken = "x_" + "y" * 300  # no word boundary near the cut: the prefix is not thrown away
    assert len(naming.module_name(unbroken).rsplit("_", 1)[0]) > naming.MODULE_NAME_LIMIT // 2


def test_enum_members_are_one_tuple_per_enum_and_keys_one_string_per_operation(build: Any) -> None:
    """The naming pass keeps an enum's member names as one tuple (by index), and every table keyed
    by an operation shares its one key string (graph-beta: 191,000 members, 22,361 operations)."""
    from generator.naming.plan import op_key, plan_names
    from tests.conftest import spec_doc

    body = {"type": "object", "properties": {"name": {"type": "string"}}}
    op = {
        "operationId": "addPet",
        "parameters": [{"name": "dry-run", "in": "query", "schema": {"type": "boolean"}}],
        "requestBody": {"content": {"application/json": {"schema": body}}},
        "responses": {"204": {"description": "ok"}},
    }
    kind = {"type": "string", "enum": ["cat", "dog", "Cat"]}
    api, sink = build(spec_doc(paths={"/pets": {"post": op}}, schemas={"Kind": kind}))
    names = plan_names(api, sink)
    assert names.members["/components/schemas/Kind"] == ("CAT", "DOG", "CAT2")
    [operation] = api.operations
    [key] = names.op_method
    assert key == op_key(operation)
    shared = [k for k in names.op_resource] + [k for k, _, _ in names.params]
    shared += [k for k, _ in names.body_fields]
    assert len(shared) == 3 and all(k is key for k in shared)


def test_references_walked_once_serve_both_passes(build: Any) -> None:
    """`emitted_schemas` hands the references it walked to the module plan: the same emitted list,
    and references equal to walking each schema again."""
    from generator.naming.plan import emitted_schemas, schema_deps
    from tests.conftest import spec_doc

    schemas: dict[str, Any] = {
        "A": {"type": "object", "properties": {"b": {"$ref": "#/components/schemas/B"}}},
        "B": {"type": "object", "properties": {"a": {"$ref": "#/components/schemas/A"}, "n": {}}},
        "C": {
            "type": "array",
            "items": {"type": "object", "properties": {"x": {"type": "string"}}},
        },
    }
    api, _ = build(spec_doc(schemas=schemas))
    deps: dict[str, list[str]] = {}
    emitted = emitted_schemas(api, deps)
    assert emitted == emitted_schemas(api) and set(emitted) <= set(deps)
    assert all(deps[sid] == schema_deps(api.schemas[sid]) for sid in emitted)
    assert deps["/components/schemas/A"] == ["/components/schemas/B"]
