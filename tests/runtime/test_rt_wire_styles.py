"""Serialisation rules of the runtime (``_serialize.py``): percent-encoding (RFC 3986), path styles
(RFC 6570 ``simple``/``label``/``matrix``), header and query styles, JSON ``content`` parameters and form
bodies per their ``encoding``. The expected strings are OpenAPI's style tables (3.0.3, "Style Examples"),
with RFC 3986 percent-encoding; end-to-end checks on real sockets are in tests/e2e/test_wire_defects.py and
tests/e2e/test_stripe_forms.py."""

from __future__ import annotations

import datetime as dt
import enum
import sys
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pydantic
import pytest


@pytest.fixture
def ser(fakeapi: Any) -> Any:
    return sys.modules["fakeapi._serialize"]


COLOR = ["blue", "black", "brown"]
RGB = {"R": 100, "G": 200, "B": 150}


def _query(ser: Any, value: Any, style: tuple[str, bool], reserved: bool = False) -> str:
    pairs = ser.query_items({"color": value}, {"color": style}, None, {"color"} if reserved else ())
    return ser.join_query(pairs)


@pytest.mark.parametrize(
    ("value", "style", "expected"),
    [
        ("blue", ("form", True), "color=blue"),
        (COLOR, ("form", True), "color=blue&color=black&color=brown"),
        (COLOR, ("form", False), "color=blue,black,brown"),
        (RGB, ("form", True), "R=100&G=200&B=150"),
        (RGB, ("form", False), "color=R,100,G,200,B,150"),
        (COLOR, ("spaceDelimited", False), "color=blue%20black%20brown"),
        (COLOR, ("pipeDelimited", False), "color=blue%7Cblack%7Cbrown"),
        (RGB, ("deepObject", True), "color%5BR%5D=100&color%5BG%5D=200&color%5BB%5D=150"),
        ([], ("form", False), ""),  # RFC 6570: an empty list is undefined
        ({}, ("form", False), ""),
    ],
)
def test_query_style_table(ser: Any, value: Any, style: tuple[str, bool], expected: str) -> None:
    assert _query(ser, value, style) == expected


def test_query_values_are_percent_encoded_per_rfc_3986(ser: Any) -> None:
    """A space is `%20` (a `+` is read as a plus sign by RFC 3986 servers), a value's own comma is
    encoded where a comma is the delimiter, and every character outside the unreserved set is escaped."""
    assert _query(ser, "a b+c&d=e/f", ("form", True)) == "color=a%20b%2Bc%26d%3De%2Ff"
    assert _query(ser, ["a,b", "c d"], ("form", False)) == "color=a%2Cb,c%20d"
    assert _query(ser, "é~._-", ("form", True)) == "color=%C3%A9~._-"
    pairs = ser.query_items({"a b": "x"}, {})
    assert pairs == [("a%20b", "x")]


def test_allow_reserved_keeps_reserved_characters_the_query_can_carry(ser: Any) -> None:
    assert _query(ser, "/a:b?c@d,e;f=g!$'()*", ("form", True), reserved=True) == (
        "color=/a:b?c@d,e;f=g!$'()*"
    )
    # these would split the query or the pair, or are not allowed in a query at all
    assert _query(ser, "a&b+c#d[e] f", ("form", True), reserved=True) == (
        "color=a%26b%2Bc%23d%5Be%5D%20f"
    )
    # percent-encoded triples pass unchanged, a lone % does not
    assert _query(ser, "%41%zz", ("form", True), reserved=True) == "color=%41%25zz"


def test_what_openapi_leaves_undefined_is_sent_in_bracket_notation(ser: Any) -> None:
    filters = [{"name": "state", "comparator": "=", "value": "open"}, {"name": "n", "value": 1}]
    pairs = parse_qsl(_query(ser, filters, ("form", True)))
    assert pairs == [
        ("color[0][name]", "state"),
        ("color[0][comparator]", "="),
        ("color[0][value]", "open"),
        ("color[1][name]", "n"),
        ("color[1][value]", "1"),
    ]
    nested = {"a": {"b": 1}, "c": 2, "d": [3, 4]}
    assert parse_qsl(_query(ser, nested, ("form", True))) == [
        ("a[b]", "1"),
        ("c", "2"),
        ("d[0]", "3"),
        ("d[1]", "4"),
    ]
    assert parse_qsl(_query(ser, nested, ("form", False))) == [
        ("color[a][b]", "1"),
        ("color[c]", "2"),
        ("color[d][0]", "3"),
        ("color[d][1]", "4"),
    ]
    assert parse_qsl(_query(ser, {"a": [{"b": [1]}]}, ("deepObject", True))) == [
        ("color[a][0][b][0]", "1")
    ]


class Role(pydantic.BaseModel):
    role: str
    n: int | None = None


def test_json_content_parameters_are_one_json_text(ser: Any) -> None:
    pairs = parse_qsl(_query(ser, {"role": "a b", "n": 5}, ("json", False)))
    assert pairs == [("color", '{"role":"a b","n":5}')]
    assert parse_qsl(_query(ser, Role(role="x"), ("json", False))) == [("color", '{"role":"x"}')]
    assert ser.header_value({"a": [1, 2]}, ("json", False)) == '{"a":[1,2]}'
    assert ser.format_path("/f/{id}", {"id": {"a": "/"}}, {"id": ("json", False)}) == (
        "/f/%7B%22a%22%3A%22%2F%22%7D"
    )


PATH_TABLE = [
    # OpenAPI 3.0.3 "Style Examples": color = "blue" / ["blue","black","brown"] / {R, G, B}
    ("simple", False, "blue", "blue"),
    ("simple", False, COLOR, "blue,black,brown"),
    ("simple", True, COLOR, "blue,black,brown"),
    ("simple", False, RGB, "R,100,G,200,B,150"),
    ("simple", True, RGB, "R=100,G=200,B=150"),
    ("label", False, "blue", ".blue"),
    ("label", True, "blue", ".blue"),
    ("label", False, COLOR, ".blue,black,brown"),
    ("label", True, COLOR, ".blue.black.brown"),
    ("label", False, RGB, ".R,100,G,200,B,150"),
    ("label", True, RGB, ".R=100.G=200.B=150"),
    ("matrix", False, "blue", ";color=blue"),
    ("matrix", True, "blue", ";color=blue"),
    ("matrix", False, COLOR, ";color=blue,black,brown"),
    ("matrix", True, COLOR, ";color=blue;color=black;color=brown"),
    ("matrix", False, RGB, ";color=R,100,G,200,B,150"),
    ("matrix", True, RGB, ";R=100;G=200;B=150"),
    ("matrix", False, "", ";color"),
]


@pytest.mark.parametrize(("style", "explode", "value", "expected"), PATH_TABLE)
def test_path_style_table(ser: Any, style: str, explode: bool, value: Any, expected: str) -> None:
    styles = {"color": (style, explode)}
    assert ser.format_path("/x/{color}/y", {"color": value}, styles) == f"/x/{expected}/y"


def test_path_values_are_encoded_inside_their_style(ser: Any) -> None:
    styles = {"id": ("label", False)}
    assert ser.format_path("/{id}", {"id": ["a/b", "c,d"]}, styles) == "/.a%2Fb,c%2Cd"
    assert ser.format_path("/{id}", {"id": ["a b"]}, None) == "/a%20b"  # simple by default
    assert ser.format_path("/{id}", {"id": ".."}, None) == "/%2E%2E"  # never a dot segment
    with pytest.raises(ValueError, match="non-empty"):
        ser.format_path("/{id}", {"id": []}, None)
    with pytest.raises(ValueError, match="Missing"):
        ser.format_path("/{id}", {}, {"id": ("matrix", False)})


def test_header_objects_and_lists(ser: Any) -> None:
    assert ser.header_value({"role": "admin", "n": 5}) == "role,admin,n,5"
    assert ser.header_value({"role": "admin", "n": 5}, ("simple", True)) == "role=admin,n=5"
    assert ser.header_value(Role(role="r", n=1), ("simple", True)) == "role=r,n=1"
    assert ser.header_value([1, True, None]) == "1,true"
    assert ser.header_value(dt.date(2024, 1, 2)) == "2024-01-02"


class Kind(enum.Enum):
    A = "a b"


def test_form_pairs_follow_the_encoding(ser: Any) -> None:
    data = {
        "amount": 5,
        "metadata": {"order": "42", "note": "a b"},
        "card": {"number": "4242", "exp": {"month": 12}},
        "expand": ["customer", "invoice"],
        "tags": ["x", "y"],
        "options": {"k": [1]},
        "kind": Kind.A,
        "skip": None,
    }
    styles = {
        "metadata": ("deepObject", True),
        "card": ("deepObject", True),
        "expand": ("deepObject", True),
        "options": ("json", False),
    }
    body = ser.join_query(ser.form_pairs(data, styles))
    assert "+" not in body and " " not in body
    assert parse_qsl(body) == [
        ("amount", "5"),
        ("metadata[order]", "42"),
        ("metadata[note]", "a b"),
        ("card[number]", "4242"),
        ("card[exp][month]", "12"),
        ("expand[0]", "customer"),
        ("expand[1]", "invoice"),
        ("tags", "x"),
        ("tags", "y"),
        ("options", '{"k":[1]}'),
        ("kind", "a b"),
    ]
    raw = ser.form_pairs(
        {"file_link_data": {"create": True}}, {"file_link_data": styles["card"]}, encoded=False
    )
    assert raw == [("file_link_data[create]", "true")]


def test_query_string_reaches_httpx_as_built(fakeapi: Any) -> None:
    """httpx's `params=` would write a space as `+`: the runtime builds the URL itself, and merges an
    `http_client`'s default query parameters the same way (ours win over same-named ones)."""
    prepare = sys.modules["fakeapi._prepare"]
    prepared = prepare.PreparedRequest(
        method="GET",
        url="https://api.fake.test/v1/x",
        params=[("q", "a%20b"), ("page", "2")],
        headers={},
    )
    with httpx.Client() as plain:
        built = prepare.RequestBuilder().build(plain, prepared, 5.0)
    assert built.url.raw_path == b"/v1/x?q=a%20b&page=2"
    with httpx.Client(params={"page": "1", "team": "t u"}) as with_params:
        built = prepare.RequestBuilder().build(with_params, prepared, 5.0)
    assert built.url.raw_path == b"/v1/x?team=t%20u&q=a%20b&page=2"
