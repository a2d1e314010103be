"""The naming pass's short cuts (issue 18, crit18 round 2) answer as the general path they skip."""

from __future__ import annotations

import pytest

from generator.naming.plan import _dependencies_first, _walk_dependencies, field_names
from generator.naming.rules import Scope, field_name
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
