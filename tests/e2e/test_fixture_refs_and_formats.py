"""`$ref` to components parameters, requestBodies, responses and headers; string and number formats; patterns
that Python's `re` cannot compile, kept as documentation (tests/fixtures/specs/refs_formats_30.yml)."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import ValidationError

from tests.conftest import FIXTURES

SPEC = (FIXTURES / "specs" / "refs_formats_30.yml").read_text()
THING = {
    "id": "7f1c1a52-52b4-4c3e-9d38-5d7a2b1f0c11",
    "email": "not-checked@@example",
    "born": "2020-02-29",
    "seen_at": "2026-11-23T10:00:00+01:00",
    "big": 9007199254740993,
    "small": 7,
    "price": "12.30",
    "letters": "123",  # does not match ^\p{L}+$: patterns are not enforced
    "code": "toolong",
}


@pytest.fixture
def things(generate_package: Any) -> tuple[Any, Path]:
    return generate_package(SPEC, package="reffmt", client_name="Things")


def test_referenced_parameters_body_and_response(things: tuple[Any, Path]) -> None:
    pkg, _ = things
    from reffmt.types import Thing

    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.method == "POST":
            return httpx.Response(201, json=json.loads(request.content), headers={"X-Version": "3"})
        return httpx.Response(200, json=[THING])

    client = pkg.Things(http_client=httpx.Client(transport=httpx.MockTransport(handler)))
    [thing] = client.things.list(
        limit=5, x_trace="t-1"
    )  # a $ref'd query parameter and a path-level header one
    assert seen[0].url.params["limit"] == "5" and seen[0].headers["X-Trace"] == "t-1"
    assert isinstance(thing, Thing)
    created = client.things.create(id=THING["id"], email="a@b.c", x_trace="t-2")  # $ref'd body
    assert isinstance(created, Thing) and created.email == "a@b.c"  # $ref'd response
    assert (
        seen[1].headers["X-Trace"] == "t-2"
        and seen[1].headers["content-type"] == "application/json"
    )
    raw = client.things.with_raw_response.create(id=THING["id"], email="a@b.c")
    assert raw.headers["X-Version"] == "3"


def test_formats_map_to_python_types_without_extra_packages(things: tuple[Any, Path]) -> None:
    from reffmt.types import Thing

    thing = Thing.model_validate(THING)
    assert thing.born == dt.date(2020, 2, 29)
    assert thing.seen_at == dt.datetime(2026, 11, 23, 10, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    assert thing.big == 9007199254740993 and isinstance(
        thing.big, int
    )  # number + int64: an exact int
    assert thing.small == 7
    assert thing.price == "12.30"  # a decimal string stays a string: no float rounding
    assert (
        thing.email == "not-checked@@example"
    )  # format: email needs no email-validator, checks nothing
    with pytest.raises(ValidationError):
        Thing.model_validate({**THING, "big": 1.5})
    with pytest.raises(ValidationError):
        Thing.model_validate({**THING, "born": "2021-02-29"})


def test_uncompilable_patterns_are_documentation(things: tuple[Any, Path]) -> None:
    _, root = things
    for pattern in (r"^\p{L}+$", r"(?<=a+)b"):
        with pytest.raises(re.error):
            re.compile(pattern)  # why they cannot be enforced with Python's re
    source = (root / "src/reffmt/types/thing.py").read_text()
    assert "Pattern: `^\\\\p{L}+$`." in source and "Pattern: `(?<=a+)b`." in source
    assert "big: _Omittable[int] = _UNSET" in source and "price: _Omittable[str] = _UNSET" in source


def test_referenced_components_are_in_the_manifest(things: tuple[Any, Path]) -> None:
    _, root = things
    ops = {
        o["operation_id"]: o
        for o in json.loads((root / "operations.json").read_text())["operations"]
    }
    assert [(p["name"], p["in"]) for p in ops["listThings"]["parameters"]] == [
        ("limit", "query"),
        ("X-Trace", "header"),
    ]
    assert ops["createThing"]["body"]["media_type"] == "application/json"
    assert ops["createThing"]["body"]["required"] is True
    assert ops["createThing"]["returns"] == "Thing"
