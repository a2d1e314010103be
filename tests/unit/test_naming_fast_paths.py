"""The naming pass's short cuts (issue 18, crit18 round 2) answer as the general path they skip."""

from __future__ import annotations

import random
import re
from typing import Any

import pytest

from generator.naming.plan import _dependencies_first, _walk_dependencies, field_names
from generator.naming.routes import RouteIndex
from generator.naming.routes import route_key as _key
from generator.naming.rules import (
    Scope,
    ascii_fold,
    class_name,
    field_name,
    param_name,
    pascal,
    words,
)
from generator.render.safe import Name


def _general_field_names(wires: list[str]) -> list[str]:
    scope = Scope(sep="_")
    return [scope.claim(field_name(w)) for w in wires]


@pytest.mark.parametrize(
    "wires",
    [
        [],
        ["id", "name", "created_at"],
        ["fooBar", "foo_bar", "foo-bar"],  # three spellings of one name: suffixes
        ["class", "class_", "id"],  # a keyword and the name it becomes
        ["x", "x", "y"],  # a wire name twice
        ["a2", "a", "a_2", "a"],
    ],
)
def test_field_names_equal_claiming_each_in_one_scope(wires: list[str]) -> None:
    plain: dict[str, Name] = {}
    first = field_names(wires, plain)
    assert first == _general_field_names(wires)
    assert all(type(n) is Name for n in first)
    # the remembered plain names serve the next model as a fresh computation would
    assert field_names(wires, plain) == first
    assert set(plain) == set(wires)


def test_field_names_of_distinct_plain_names_are_the_remembered_objects() -> None:
    plain: dict[str, Name] = {}
    first = field_names(["userId", "login"], plain)
    second = field_names(["login", "user_id"], plain)  # another model; `user_id` is new
    assert second[0] is first[1]
    assert second == ["login", "user_id"]


def test_a_module_of_one_schema_orders_as_the_general_walk() -> None:
    deps = {"/a": ["/a", "/b"], "/b": []}  # a self-reference and one outside the module
    position = {"/a": 0, "/b": 1}
    for alone in (["/a"], ["/b"]):
        assert _dependencies_first(alone, deps, position) == _walk_dependencies(
            alone, deps, position
        )
        assert _dependencies_first(alone, deps, position) == alone
    # two members go the general way: the referenced one first
    assert _dependencies_first(["/a", "/b"], deps, position) == ["/b", "/a"]


@pytest.mark.parametrize(
    "text", ["actions-cache-list", "userId", "HTTPServer2fa", "v2beta_x", "über Größe", "2fa", ""]
)
def test_pascal_capitalizes_as_upper_casing_each_words_first_character(text: str) -> None:
    assert pascal(text) == "".join(w[:1].upper() + w[1:] for w in words(text))


def test_param_and_class_names_keep_their_reserved_words() -> None:
    assert param_name("cast") == "cast_" and param_name("httpx") == "httpx_"
    assert param_name("timeout") == "timeout_" and param_name("class") == "class_"
    assert param_name("userId") == "user_id"
    assert class_name("none") == "None_" and class_name("true") == "True_"
    assert class_name("pet") == "Pet" and class_name("2fa") == "Model2fa"


def test_param_typeddicts_are_claimed_in_emitted_order(build: Any) -> None:
    """The `…Param` names are claimed in `emitted` order (a position table, not `list.index`): a
    clash between two of them suffixes the later schema."""
    from generator.naming.plan import emitted_schemas, plan_names
    from tests.conftest import spec_doc

    C = "#/components/schemas/"
    prop = {"type": "object", "properties": {"n": {"type": "string"}}}
    schemas: dict[str, Any] = {
        "Zed": {"type": "object", "properties": {"a": {"$ref": C + "Alpha"}}},
        "Alpha": {"type": "object", "properties": {"m": {"$ref": C + "Mid"}, "p": prop}},
        "Mid": prop,
        "AlphaParam": prop,  # a class of the name Alpha's TypedDict wants
    }
    body = {"content": {"application/json": {"schema": {"$ref": C + "Zed"}}}}
    paths = {
        "/z": {"post": {"operationId": "makeZ", "requestBody": body, "responses": {"204": {}}}}
    }
    api, sink = build(spec_doc(paths=paths, schemas=schemas))
    names = plan_names(api, sink)
    emitted = emitted_schemas(api)
    params = list(names.param_class)
    assert len(params) >= 3
    assert params == sorted(params, key=emitted.index)
    assert names.param_class["/components/schemas/Alpha"] == "AlphaParam2"


_CAMEL = re.compile(r"([a-z0-9])([A-Z])|([A-Z])([A-Z][a-z])")


def _general_words(text: str) -> tuple[str, ...]:
    """`words` as written before its short cuts: two camel-case passes, then a split of every text."""
    text = ascii_fold(text)
    text = _CAMEL.sub(lambda m: f"{m.group(1) or m.group(3)} {m.group(2) or m.group(4)}", text)
    text = _CAMEL.sub(lambda m: f"{m.group(1) or m.group(3)} {m.group(2) or m.group(4)}", text)
    return tuple(w.lower() for w in re.split(r"[^0-9a-zA-Z]+", text) if w)


@pytest.mark.parametrize(
    "text",
    ["HTTPServerError", "aBCd", "ABcD", "userID2FA", "--Foo__bar--", "Ünïcode Näme", "", "__", "x"],
)
def test_words_with_capitals_split_as_the_general_rule(text: str) -> None:
    words.cache_clear()
    assert words(text) == _general_words(text)


def test_words_cut_camel_case_as_two_passes_of_the_consuming_pattern() -> None:
    """Every text of up to eight characters from lower-case letters, capitals, a digit and separators
    (random, seeded): the one-pass cut equals the two-pass substitution it replaced."""
    rng = random.Random(18)
    texts = {
        "".join(rng.choice("aAbB1_ z") for _ in range(rng.randint(1, 8))) for _ in range(20000)
    }
    words.cache_clear()
    assert [words(t) for t in sorted(texts)] == [_general_words(t) for t in sorted(texts)]


def test_route_index_computes_each_key_once_and_answers_as_before() -> None:
    paths = ["/pets", "/pets/{id}", "/pets/{id}/toys", "/pets", "/stores/{sid}", "/v1/x.json"]
    index = RouteIndex.of(paths)
    keys = [_key(p) for p in dict.fromkeys(paths)]  # the general formulas, a key per question
    below = {_key(p)[:i] for p in dict.fromkeys(paths) for i in range(len(_key(p)))}
    assert index.extended == {p for p in paths if _key(p) in below}
    holders = {k[:-1] for k in keys if k[-1:] == ("{}",)}
    assert index.collections == {p for p in paths if _key(p) in holders}
    assert index.extended == {"/pets", "/pets/{id}"} and index.collections == {"/pets"}
    assert index.counts["/pets"] == 2
