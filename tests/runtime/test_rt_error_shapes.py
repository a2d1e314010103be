"""Say what the server said (#13 §2): the common error shapes reach `str(err)` and `err.details`, and
an error body the operation declares is parsed into its model (`err.body`). Real sockets."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from rt_helpers import API_KEY

from tests.support.loopback import Exchange, LoopServer, serving

FASTAPI_422 = {
    "detail": [
        {
            "loc": ["body", "name"],
            "msg": "Field required",
            "type": "missing",
            "input": {"password": "hunter2-secret"},
        },
        {
            "loc": ["query", "limit"],
            "msg": "Input should be less than or equal to 100",
            "type": "less_than_equal",
            "input": "500",
        },
    ]
}
PROBLEM_CREDIT = {
    "type": "https://example.com/probs/out-of-credit",
    "title": "You do not have enough credit.",
    "detail": "Your current balance is 30, but that costs 50.",
    "instance": "/account/12345/msgs/abc",
    "status": 403,
}
PROBLEM_INVALID_PARAMS = {
    "type": "about:blank",
    "title": "Bad Request",
    "status": 400,
    "detail": "Your request parameters didn't validate.",
    "invalid-params": [
        {"name": "age", "reason": "must be a positive integer"},
        {"name": "color", "reason": "must be 'green', 'red' or 'blue'"},
    ],
}
PROBLEM_ERRORS = {
    "type": "https://example.net/validation-error",
    "title": "Your request is not valid.",
    "status": 422,
    "errors": [
        {"detail": "must be a positive integer", "pointer": "#/age"},
        {"detail": "must be 'green', 'red' or 'blue'", "pointer": "#/profile/color"},
    ],
}

# (status, content type, body, the text after "<status> <reason>: ", [(message, location, type)])
SHAPES: list[tuple[int, str, Any, str, list[tuple[str, tuple[Any, ...], str | None]] | None]] = [
    (
        422,
        "application/json",
        FASTAPI_422,
        "body.name: Field required; query.limit: Input should be less than or equal to 100",
        [
            ("Field required", ("body", "name"), "missing"),
            ("Input should be less than or equal to 100", ("query", "limit"), "less_than_equal"),
        ],
    ),
    (401, "application/json", {"detail": "Not authenticated"}, "Not authenticated", None),
    (
        404,
        "application/json",
        {"detail": ["KeyError", "No project with this ID found."]},
        "KeyError: No project with this ID found.",
        [("No project with this ID found.", (), "KeyError")],
    ),
    (
        403,
        "application/problem+json",
        PROBLEM_CREDIT,
        (
            "You do not have enough credit. Your current balance is 30, but that costs 50. "
            "(code=https://example.com/probs/out-of-credit)"
        ),
        None,
    ),
    (
        400,
        "application/problem+json",
        PROBLEM_INVALID_PARAMS,
        (
            "Your request parameters didn't validate.; age: must be a positive integer; "
            "color: must be 'green', 'red' or 'blue'"
        ),
        [
            ("must be a positive integer", ("age",), None),
            ("must be 'green', 'red' or 'blue'", ("color",), None),
        ],
    ),
    (
        422,
        "application/problem+json",
        PROBLEM_ERRORS,
        (
            "Your request is not valid.; age: must be a positive integer; profile.color: must be "
            "'green', 'red' or 'blue' (code=https://example.net/validation-error)"
        ),
        [
            ("must be a positive integer", ("age",), None),
            ("must be 'green', 'red' or 'blue'", ("profile", "color"), None),
        ],
    ),
    (
        404,
        "application/json",
        {"error": "NotFoundError", "message": "Collection c1 does not exist."},
        "Collection c1 does not exist. (code=NotFoundError)",
        None,
    ),
    (
        400,
        "application/json",
        {
            "error": {
                "code": "bad",
                "message": "Bad input",
                "details": [{"field": "x", "msg": "no"}],
            }
        },
        "Bad input; x: no (code=bad)",
        [("no", ("x",), None)],
    ),
    (
        422,
        "application/json",
        {
            "message": "Validation Failed",
            "errors": [{"resource": "Issue", "field": "title", "code": "missing_field"}],
        },
        "Validation Failed; title: missing_field",
        [("missing_field", ("title",), "missing_field")],
    ),
    (
        422,
        "application/json",
        {
            "message": "The given data was invalid.",
            "errors": {"email": ["The email field is required.", "The email must be valid."]},
        },
        (
            "The given data was invalid.; email: The email field is required.; "
            "email: The email must be valid."
        ),
        [
            ("The email field is required.", ("email",), None),
            ("The email must be valid.", ("email",), None),
        ],
    ),
    (
        400,
        "application/json",
        [{"message": "first problem"}, {"message": "second problem", "code": "two"}],
        "first problem; second problem",
        [("first problem", (), None), ("second problem", (), "two")],
    ),
    (
        409,
        "application/json",
        {"message": "Already exists", "code": "exists"},
        "Already exists (code=exists)",
        None,
    ),
]


@pytest.fixture(scope="module")
def server() -> Iterator[LoopServer]:
    with serving() as running:
        yield running


def _answer(server: LoopServer, status: int, body: Any, content_type: str) -> None:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()

    def route(exchange: Exchange) -> None:
        exchange.reply(status, raw, content_type=content_type)

    server.on("/referrals/r1", route)


@pytest.mark.parametrize(("status", "media", "body", "said", "items"), SHAPES)
def test_error_shapes_reach_the_message_and_details(
    fakeapi: Any,
    server: LoopServer,
    status: int,
    media: str,
    body: Any,
    said: str,
    items: list[tuple[str, tuple[Any, ...], str | None]] | None,
) -> None:
    _answer(server, status, body, media)
    with (
        fakeapi.FakeAPI(token=API_KEY, base_url=server.origin, max_retries=0) as client,
        pytest.raises(fakeapi.APIStatusError) as info,
    ):
        client.referrals.retrieve("r1")
    err = info.value
    assert err.status_code == status
    reason = err.response.reason_phrase
    assert str(err) == f"{status} {reason}: {said}"
    assert err.body == body  # no schema declared: the JSON as sent
    if items is None:
        assert not isinstance(err.details, list)
    else:
        assert [(d.message, d.location, d.type) for d in err.details] == items
        assert all(isinstance(d, fakeapi.ErrorDetail) for d in err.details)
    assert "hunter2" not in str(err)  # FastAPI echoes the input; the message never does


def test_detail_items_are_typed_and_keep_what_was_sent(fakeapi: Any, server: LoopServer) -> None:
    _answer(server, 422, FASTAPI_422, "application/json")
    with (
        fakeapi.FakeAPI(token=API_KEY, base_url=server.origin) as client,
        pytest.raises(fakeapi.UnprocessableEntityError) as info,
    ):
        client.referrals.retrieve("r1")
    first = info.value.details[0]
    assert first.path == "body.name" and str(first) == "body.name: Field required"
    assert first.raw == FASTAPI_422["detail"][0]
    assert "hunter2" not in repr(first)


def test_many_items_give_a_bounded_message(fakeapi: Any, server: LoopServer) -> None:
    detail = [{"loc": ["body", f"f{i}"], "msg": "Field required " + "x" * 50} for i in range(2000)]
    _answer(server, 422, {"detail": detail}, "application/json")
    with (
        fakeapi.FakeAPI(token=API_KEY, base_url=server.origin) as client,
        pytest.raises(fakeapi.UnprocessableEntityError) as info,
    ):
        client.referrals.retrieve("r1")
    assert len(str(info.value)) <= 600
    assert str(info.value).startswith("422 Unprocessable Entity: body.f0: Field required x")
    assert str(info.value).endswith("more)")
    assert len(info.value.details) == 2000


def test_hostile_item_values_are_bounded(fakeapi: Any, server: LoopServer) -> None:
    body = {
        "detail": [{"loc": ["body"] * 10_000, "msg": "m" * 100_000, "type": ["t"] * 9}, 7, None]
    }
    _answer(server, 422, body, "application/json")
    with (
        fakeapi.FakeAPI(token=API_KEY, base_url=server.origin) as client,
        pytest.raises(fakeapi.UnprocessableEntityError) as info,
    ):
        client.referrals.retrieve("r1")
    [item] = info.value.details  # the number and the null are not items
    assert len(item.location) == 32 and len(item.message) == 200
    assert len(str(info.value)) <= 600


def test_api_key_echoed_in_an_error_is_redacted(fakeapi: Any, server: LoopServer) -> None:
    _answer(server, 401, {"detail": [{"loc": ["header"], "msg": f"bad key {API_KEY}"}]}, "x/y")
    with (
        fakeapi.FakeAPI(token=API_KEY, base_url=server.origin) as client,
        pytest.raises(fakeapi.AuthenticationError) as info,
    ):
        client.referrals.retrieve("r1")
    assert API_KEY not in str(info.value)
    assert "header: bad key" in str(info.value)


# -- declared error schemas --------------------------------------------------------------------


def _endpoint(fakeapi: Any) -> Any:
    import fakeapi._endpoint as endpoint_mod
    from fakeapi._models import BaseModel

    class NotFoundBody(BaseModel):
        error: str
        message: str

    class Problem(BaseModel):
        title: str
        status: int
        detail: str | None = None

    ep = endpoint_mod.Endpoint(
        "GET",
        "/things/{id}",
        {"200": endpoint_mod.ResponseSpec("json", dict)},
        errors={
            "404": endpoint_mod.ResponseSpec("json", NotFoundBody),
            "4XX": endpoint_mod.ResponseSpec(
                "json", endpoint_mod.LazyModel("..types", "Document", "fakeapi._models")
            ),
            "default": endpoint_mod.ResponseSpec("json", Problem),
        },
    )
    return ep, NotFoundBody, Problem


def test_declared_error_schema_is_parsed_into_its_model(fakeapi: Any, server: LoopServer) -> None:
    from fakeapi.types import Document

    ep, not_found_body, problem = _endpoint(fakeapi)
    answers = {
        "/things/a": (404, {"error": "NotFoundError", "message": "No thing a."}),
        "/things/b": (409, {"id": "d1", "filename": "x.pdf", "size": 3}),
        "/things/c": (500, {"title": "Boom", "status": 500, "detail": "It broke."}),
        "/things/d": (404, {"unexpected": True}),
        "/things/e": (502, b"<html><title>Bad Gateway</title></html>"),
    }
    for path, (status, body) in answers.items():
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        server.on(
            path,
            lambda ex, status=status, raw=raw: ex.reply(
                status,
                raw,
                content_type="text/html" if raw.startswith(b"<") else "application/json",
            ),
        )
    caught: dict[str, Any] = {}
    with fakeapi.FakeAPI(token=API_KEY, base_url=server.origin, max_retries=0) as client:
        for key in "abcde":
            with pytest.raises(fakeapi.APIStatusError) as info:
                client.request(ep, path={"id": key})
            caught[key] = info.value
    assert isinstance(caught["a"], fakeapi.NotFoundError)
    assert isinstance(caught["a"].body, not_found_body)
    assert caught["a"].body.message == "No thing a."
    assert str(caught["a"]) == "404 Not Found: No thing a. (code=NotFoundError)"
    assert isinstance(caught["b"].body, Document)  # "4XX", a lazily imported class
    assert caught["b"].body.filename == "x.pdf"
    assert isinstance(caught["c"].body, problem) and caught["c"].body.detail == "It broke."
    assert str(caught["c"]) == "500 Internal Server Error: Boom: It broke."
    assert caught["d"].body == {"unexpected": True}  # does not match its declaration: as sent
    assert caught["e"].body == "<html><title>Bad Gateway</title></html>"  # not JSON: the text


def test_endpoint_picks_the_error_spec_by_status(fakeapi: Any) -> None:
    ep, not_found_body, problem = _endpoint(fakeapi)
    assert ep.error_spec(404).model is not_found_body
    assert ep.error_spec(400).model.name == "Document"
    assert ep.error_spec(503).model is problem
    plain = type(ep)("GET", "/x", {"200": ep.responses["200"]})
    assert plain.error_spec(404) is None
    assert plain.response_spec(404) is ep.responses["200"]  # errors never change success parsing
