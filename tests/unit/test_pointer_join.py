"""`pointer.join` escapes each token per RFC 6901 (only the ones that need it) and round-trips `split`."""

from __future__ import annotations

import enum

import pytest

from generator import pointer


class _Kind(str, enum.Enum):
    A = "a/b"


@pytest.mark.parametrize(
    ("tokens", "expected"),
    [
        ((), "#/x"),
        (("properties", "name"), "#/x/properties/name"),
        (("a/b", "c~d", "~1"), "#/x/a~1b/c~0d/~01"),
        ((3, "items"), "#/x/3/items"),
        ((_Kind.A,), "#/x/" + pointer.escape(str(_Kind.A))),
        (("",), "#/x/"),
    ],
)
def test_join_escapes_each_token(tokens: tuple[object, ...], expected: str) -> None:
    assert pointer.join("#/x", *tokens) == expected


def test_join_round_trips_split() -> None:
    tokens = ("paths", "/repos/{owner}/~x", "get", "0")
    assert pointer.split(pointer.join("", *tokens)) == tokens
