"""Minimal reproductions of the client defects the wire-conformance harness found on the corpus (#13 §3).

Each test generates a client from a small inline spec, calls it against a real HTTP server on 127.0.0.1
(tests/support/recording_server.py) and asserts what a correct client puts on the wire or returns. Open
defects are `xfail(strict=True)`: a fix turns them into XPASS failures, then the mark goes. The corpus
occurrences, counts and root causes are in docs/wire-conformance.md; the corpus run itself is
tests/corpus/test_wire_conformance.py.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import pytest
from support.recording_server import recording_server
from support.wire_oracle import multipart_parts_of

OK_JSON = {"description": "ok", "content": {"application/json": {"schema": {"type": "object"}}}}


def _doc(paths: dict[str, Any], schemas: dict[str, Any] | None = None) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "openapi": "3.0.3",
        "info": {"title": "Wire defects", "version": "1"},
        "servers": [{"url": "https://wire.example.test"}],
        "paths": paths,
    }
    if schemas:
        doc["components"] = {"schemas": schemas}
    return doc


def _manifest(root: Path, operation_id: str) -> dict[str, Any]:
    operations = json.loads((root / "operations.json").read_text(encoding="utf-8"))["operations"]
    return next(o for o in operations if o["operation_id"] == operation_id)


def _method(client: Any, call: str) -> Any:
    target = client
    for part in call.split("."):
        target = getattr(target, part)
    return target


def _media_ranges(accept: str) -> list[str]:
    return [part.split(";")[0].strip().lower() for part in accept.split(",") if part.strip()]


# -- 1. Accept ignores the declared response media type -------------------------------------------------

VENDOR = "application/vnd.amadeus+json"
THING = {
    "type": "object",
    "required": ["id"],
    "properties": {"id": {"type": "string"}, "score": {"type": "number"}},
}


def test_accept_names_the_declared_vendor_json_media_type(
    generate_package: Callable[..., tuple[Any, Path]],
) -> None:
    """amadeus.com/* (`application/vnd.amadeus+json`), lgtm.com (`application/sarif+json`), rev.ai
    (`application/vnd.rev.transcript.v1.0+json`): the only declared success media type is a vendor JSON
    type, and a server that negotiates (Prism does) answers 406 to `Accept: application/json`."""
    doc = _doc(
        {
            "/things": {
                "get": {
                    "operationId": "listThings",
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {VENDOR: {"schema": {"$ref": "#/components/schemas/Thing"}}},
                        }
                    },
                }
            }
        },
        {"Thing": THING},
    )
    module, root = generate_package(doc)
    entry = _manifest(root, "listThings")
    body = json.dumps({"id": "t1", "score": 1.5}).encode()
    with recording_server({"/things": (200, VENDOR, body)}) as server:
        client = module.Client(base_url=server.url, max_retries=0, strict_response_validation=True)
        result = _method(client, entry["call"])()
    assert result.id == "t1"
    assert VENDOR in _media_ranges(server.requests[-1].headers.get("accept", ""))


def test_accept_stays_json_for_plain_json_responses(
    generate_package: Callable[..., tuple[Any, Path]],
) -> None:
    """The control for the test above: `application/json` responses are asked for as such."""
    doc = _doc({"/things": {"get": {"operationId": "listThings", "responses": {"200": OK_JSON}}}})
    module, root = generate_package(doc)
    entry = _manifest(root, "listThings")
    with recording_server() as server:
        client = module.Client(base_url=server.url, max_retries=0, strict_response_validation=True)
        _method(client, entry["call"])()
    assert _media_ranges(server.requests[-1].headers["accept"]) == ["application/json"]


# -- 2. Form fields that only a oneOf/anyOf member declares get no argument ----------------------------

IMPORT = {
    "allOf": [
        {
            "oneOf": [
                {
                    "properties": {"targetUrl": {"type": "string", "format": "uri"}},
                    "required": ["targetUrl"],
                },
                {
                    "properties": {"torrentfile": {"type": "string", "format": "binary"}},
                    "required": ["torrentfile"],
                },
            ]
        },
        {"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]},
    ]
}


def test_multipart_fields_of_a_one_of_member_can_be_sent(
    generate_package: Callable[..., tuple[Any, Path]],
) -> None:
    doc = _doc(
        {
            "/imports": {
                "post": {
                    "operationId": "importVideo",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "multipart/form-data": {
                                "schema": {"$ref": "#/components/schemas/Import"}
                            }
                        },
                    },
                    "responses": {"200": OK_JSON},
                }
            }
        },
        {"Import": IMPORT},
    )
    module, root = generate_package(doc)
    entry = _manifest(root, "importVideo")
    fields = (entry["body"] or {}).get("fields") or {}
    assert {"targetUrl", "torrentfile", "name"} <= set(fields), fields
    with recording_server() as server:
        client = module.Client(base_url=server.url, max_retries=0)
        _method(client, entry["call"])(
            **{fields["targetUrl"]: "https://example.com/v.mp4", fields["name"]: "clip"}
        )
    request = server.requests[-1]
    assert sorted(name for name, _ in multipart_parts_of(request.body)) == ["name", "targetUrl"]


# -- 3. A non-standard format name is not enforced as if it were `date-time` (fixed: formats are
# case-sensitive, `dateTime` is an annotation) -----------------------------------------------------------


def test_strict_client_accepts_what_a_non_standard_format_allows(
    generate_package: Callable[..., tuple[Any, Path]],
) -> None:
    doc = _doc(
        {
            "/jobs/{id}": {
                "get": {
                    "operationId": "getJob",
                    "parameters": [
                        {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
                    ],
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {
                                "application/json": {"schema": {"$ref": "#/components/schemas/Job"}}
                            },
                        }
                    },
                }
            }
        },
        {
            "Job": {
                "type": "object",
                "properties": {
                    "id": {"type": "string"},
                    "created_on": {"type": "string", "format": "dateTime"},
                },
            }
        },
    )
    module, root = generate_package(doc)
    entry = _manifest(root, "getJob")
    body = json.dumps({"id": "j1", "created_on": "in et occaecat"}).encode()
    with recording_server({"/jobs/j1": (200, "application/json", body)}) as server:
        client = module.Client(base_url=server.url, max_retries=0, strict_response_validation=True)
        job = _method(client, entry["call"])("j1")
    assert job.created_on == "in et occaecat"


# -- 4. A form body ignores its `encoding` (stripe.com: 779 deepObject-encoded properties) ---------------

FORM_DOC = _doc(
    {
        "/charges": {
            "post": {
                "operationId": "createCharge",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/x-www-form-urlencoded": {
                            "encoding": {
                                "metadata": {"style": "deepObject", "explode": True},
                                "card": {"style": "deepObject", "explode": True},
                            },
                            "schema": {
                                "type": "object",
                                "required": ["amount"],
                                "properties": {
                                    "amount": {"type": "integer"},
                                    "metadata": {
                                        "type": "object",
                                        "additionalProperties": {"type": "string"},
                                    },
                                    "card": {
                                        "type": "object",
                                        "properties": {
                                            "number": {"type": "string"},
                                            "exp": {
                                                "type": "object",
                                                "properties": {"month": {"type": "integer"}},
                                            },
                                        },
                                    },
                                },
                            },
                        }
                    },
                },
                "responses": {"200": OK_JSON},
            }
        }
    }
)


def test_form_body_honours_deep_object_encoding(
    generate_package: Callable[..., tuple[Any, Path]],
) -> None:
    module, root = generate_package(FORM_DOC)
    entry = _manifest(root, "createCharge")
    fields = entry["body"]["fields"]
    with recording_server() as server:
        client = module.Client(base_url=server.url, max_retries=0)
        _method(client, entry["call"])(
            **{
                fields["amount"]: 5,
                fields["metadata"]: {"order": "42"},
                fields["card"]: {"number": "4242", "exp": {"month": 12}},
            }
        )
    sent = parse_qsl(server.requests[-1].body.decode(), keep_blank_values=True)
    assert sorted(sent) == [
        ("amount", "5"),
        ("card[exp][month]", "12"),
        ("card[number]", "4242"),
        ("metadata[order]", "42"),
    ]


# -- 5. Path, header and query serialisation the corpus sample does not reach ---------------------------

ROLE = {"type": "object", "properties": {"role": {"type": "string"}, "n": {"type": "integer"}}}
NO_CONTENT = {"204": {"description": "ok"}}


def _one_parameter_doc(path: str, parameter: dict[str, Any]) -> dict[str, Any]:
    return _doc(
        {path: {"get": {"operationId": "op", "parameters": [parameter], "responses": NO_CONTENT}}}
    )


PATH_CASES = [
    # (parameter, value, the path a correct client requests)
    ({"schema": {"type": "array", "items": {"type": "integer"}}}, [3, 4, 5], "/items/3,4,5"),
    ({"schema": ROLE}, {"role": "admin", "n": 5}, "/items/role,admin,n,5"),
    ({"schema": ROLE, "explode": True}, {"role": "admin", "n": 5}, "/items/role=admin,n=5"),
    ({"style": "label", "schema": {"type": "string"}}, "x", "/items/.x"),
    ({"style": "matrix", "schema": {"type": "string"}}, "x", "/items/;id=x"),
    (
        {
            "style": "matrix",
            "explode": True,
            "schema": {"type": "array", "items": {"type": "integer"}},
        },
        [3, 4],
        "/items/;id=3;id=4",
    ),
]


@pytest.mark.parametrize(
    ("parameter", "value", "expected"),
    PATH_CASES,
    ids=[
        "simple-array",
        "simple-object",
        "simple-object-explode",
        "label",
        "matrix",
        "matrix-array",
    ],
)
def test_path_parameter_styles(
    generate_package: Callable[..., tuple[Any, Path]],
    parameter: dict[str, Any],
    value: Any,
    expected: str,
) -> None:
    param = {"name": "id", "in": "path", "required": True, **parameter}
    module, root = generate_package(_one_parameter_doc("/items/{id}", param))
    entry = _manifest(root, "op")
    with recording_server() as server:
        client = module.Client(base_url=server.url, max_retries=0)
        _method(client, entry["call"])(value)
    assert server.requests[-1].path_only == expected


@pytest.mark.parametrize(
    ("explode", "expected"), [(False, "role,admin,n,5"), (True, "role=admin,n=5")]
)
def test_object_header_parameter(
    generate_package: Callable[..., tuple[Any, Path]], explode: bool, expected: str
) -> None:
    param = {
        "name": "X-Filter",
        "in": "header",
        "required": True,
        "explode": explode,
        "schema": ROLE,
    }
    module, root = generate_package(_one_parameter_doc("/items", param))
    entry = _manifest(root, "op")
    (arg,) = [p["python_name"] for p in entry["parameters"]]
    with recording_server() as server:
        client = module.Client(base_url=server.url, max_retries=0)
        _method(client, entry["call"])(**{arg: {"role": "admin", "n": 5}})
    assert server.requests[-1].headers["x-filter"] == expected


def test_query_parameter_with_json_content(
    generate_package: Callable[..., tuple[Any, Path]],
) -> None:
    param = {"name": "filter", "in": "query", "content": {"application/json": {"schema": ROLE}}}
    module, root = generate_package(_one_parameter_doc("/items", param))
    entry = _manifest(root, "op")
    (arg,) = [p["python_name"] for p in entry["parameters"]]
    with recording_server() as server:
        client = module.Client(base_url=server.url, max_retries=0)
        _method(client, entry["call"])(**{arg: {"role": "admin", "n": 5}})
    sent = parse_qsl(server.requests[-1].query, keep_blank_values=True)
    assert [k for k, _ in sent] == ["filter"]
    assert json.loads(sent[0][1]) == {"role": "admin", "n": 5}


# -- 6. A query array of objects raises before anything is sent (sinao.app: 43 operations) --------------


def test_query_array_of_objects_is_sent(generate_package: Callable[..., tuple[Any, Path]]) -> None:
    """OpenAPI leaves the form serialisation of an array of objects undefined, so only this is
    asserted: the call does not raise, and every value passed reaches the query under the parameter's
    name (`filters[0][name]=…`, a JSON text, … are all acceptable)."""
    item = {
        "type": "object",
        "properties": {
            "name": {"type": "string"},
            "comparator": {"type": "string", "enum": ["=", "<"]},
            "value": {"type": "string"},
        },
    }
    param = {"name": "filters", "in": "query", "schema": {"type": "array", "items": item}}
    module, root = generate_package(_one_parameter_doc("/apps", param))
    entry = _manifest(root, "op")
    (arg,) = [p["python_name"] for p in entry["parameters"]]
    with recording_server() as server:
        client = module.Client(base_url=server.url, max_retries=0)
        _method(client, entry["call"])(
            **{arg: [{"name": "state", "comparator": "=", "value": "open"}]}
        )
    sent = parse_qsl(server.requests[-1].query, keep_blank_values=True)
    assert sent and all(key.startswith("filters") for key, _ in sent), sent
    assert {"state", "=", "open"} <= {part for _, value in sent for part in _words(value)}


def _words(value: str) -> set[str]:
    """The scalar values inside a query value, whether it is plain text or JSON."""
    try:
        data = json.loads(value)
    except ValueError:
        return {value}
    found: set[str] = set()
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        else:
            found.add(str(item))
    return found


# -- 7. Spaces in query values are sent as `+` -------------------------------------------------------------


@pytest.mark.parametrize(
    ("schema", "extra", "value", "expected"),
    [
        ({"type": "string"}, {}, "a b", "q=a%20b"),
        (
            {"type": "array", "items": {"type": "integer"}},
            {"style": "spaceDelimited", "explode": False},
            [3, 4],
            "q=3%204",
        ),
    ],
    ids=["string", "spaceDelimited"],
)
def test_query_spaces_are_percent_encoded(
    generate_package: Callable[..., tuple[Any, Path]],
    schema: dict[str, Any],
    extra: dict[str, Any],
    value: Any,
    expected: str,
) -> None:
    param = {"name": "q", "in": "query", "required": True, "schema": schema, **extra}
    module, root = generate_package(_one_parameter_doc("/search", param))
    entry = _manifest(root, "op")
    with recording_server() as server:
        client = module.Client(base_url=server.url, max_retries=0)
        _method(client, entry["call"])(q=value)
    assert server.requests[-1].query == expected


# -- 10. A `#fragment` in the path key swallows the query ---------------------------------------------


def test_a_fragment_in_the_path_key_is_not_sent_and_the_query_is(
    generate_package: Callable[..., tuple[Any, Path]],
) -> None:
    """amazonaws.com/* (`DELETE /tags/{resourceArn}#tagKeys`): the key's fragment only tells operations
    on one path apart; a client that appends the query after it sends `…#tagKeys?tagKeys=a`, where the
    query is part of the fragment and never reaches the server."""
    doc = _doc(
        {
            "/tags/{resourceArn}#tagKeys": {
                "delete": {
                    "operationId": "untagResource",
                    "parameters": [
                        {
                            "name": "resourceArn",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        },
                        {
                            "name": "tagKeys",
                            "in": "query",
                            "required": True,
                            "schema": {"type": "array", "items": {"type": "string"}},
                        },
                    ],
                    "responses": NO_CONTENT,
                }
            }
        }
    )
    module, root = generate_package(doc)
    entry = _manifest(root, "untagResource")
    with recording_server() as server:
        client = module.Client(base_url=server.url, max_retries=0)
        _method(client, entry["call"])("arn:aws:x/1", tag_keys=["a", "b c"])
    request = server.requests[-1]
    assert request.path_only == "/tags/arn%3Aaws%3Ax%2F1"
    assert request.query == "tagKeys=a&tagKeys=b%20c"


# -- 11. A schema without `type` admits `null` (cpy.re/peertube `Account`: Prism's static mock is `null`) ---

TYPELESS_SCHEMAS: dict[str, Any] = {
    # `properties` but no `type`: by JSON Schema (and OpenAPI 3.0, whose `nullable` only widens a
    # `type`) every value that is not an object is valid, `null` included
    "Actor": {"properties": {"name": {"type": "string"}}},
    "Account": {
        "allOf": [
            {"$ref": "#/components/schemas/Actor"},
            {"properties": {"displayName": {"type": "string"}}},
        ]
    },
    "Typed": {"type": "object", "properties": {"name": {"type": "string"}}},
    "Listing": {
        "type": "object",
        "required": ["owner", "data"],
        "properties": {
            "owner": {"$ref": "#/components/schemas/Actor"},
            "typed": {"$ref": "#/components/schemas/Typed"},
            "data": {"type": "array", "items": {"$ref": "#/components/schemas/Account"}},
        },
    },
}


def _json_get(operation_id: str, ref: str) -> dict[str, Any]:
    return {
        "get": {
            "operationId": operation_id,
            "responses": {
                "200": {
                    "description": "ok",
                    "content": {"application/json": {"schema": {"$ref": ref}}},
                }
            },
        }
    }


TYPELESS_DOC = _doc(
    {
        "/account": _json_get("getAccount", "#/components/schemas/Account"),
        "/typed": _json_get("getTyped", "#/components/schemas/Typed"),
        "/listing": _json_get("getListing", "#/components/schemas/Listing"),
        "/accounts": {
            "post": {
                "operationId": "createAccount",
                "parameters": [
                    {
                        "name": "filter",
                        "in": "query",
                        "style": "deepObject",
                        "explode": True,
                        "schema": {"$ref": "#/components/schemas/Actor"},
                    }
                ],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Account"}}
                    },
                },
                "responses": {"200": OK_JSON},
            }
        },
    },
    TYPELESS_SCHEMAS,
)


def test_strict_client_accepts_null_where_a_schema_names_no_type(
    generate_package: Callable[..., tuple[Any, Path]],
) -> None:
    """cpy.re/peertube `getAccount`/`getAccounts`: `Account` is an `allOf` of parts that name no `type`,
    so `null` is an `Account` and Prism's static mock sends it; the strict client rejected it. Such a
    schema is `X | None` wherever a value of it is received: the response body, fields (required ones
    too), array items. A schema that says `type: object` still rejects `null`."""
    module, root = generate_package(TYPELESS_DOC)
    entry = {op: _manifest(root, op) for op in ("getAccount", "getTyped", "getListing")}
    assert entry["getAccount"]["returns"] == "Account | None"
    assert entry["getTyped"]["returns"] == "Typed"
    listing = {
        "owner": None,
        "typed": {"name": "t"},
        "data": [None, {"name": "n", "displayName": "N"}],
    }
    responses = {
        "/account": (200, "application/json", b"null"),
        "/typed": (200, "application/json", b"null"),
        "/listing": (200, "application/json", json.dumps(listing).encode()),
    }
    with recording_server(responses) as server:
        client = module.Client(base_url=server.url, max_retries=0, strict_response_validation=True)
        assert _method(client, entry["getAccount"]["call"])() is None
        got = _method(client, entry["getListing"]["call"])()
        assert got.owner is None and got.data[0] is None
        assert (got.data[1].name, got.data[1].display_name) == ("n", "N")
        with pytest.raises(module.APIResponseValidationError):
            _method(client, entry["getTyped"]["call"])()
    # the documented limit of the rule: a typeless schema with object keywords is read as
    # "an object or null"; a string (which JSON Schema would also allow) is still rejected
    with recording_server({"/account": (200, "application/json", b'"text"')}) as server:
        client = module.Client(base_url=server.url, max_retries=0, strict_response_validation=True)
        with pytest.raises(module.APIResponseValidationError):
            _method(client, entry["getAccount"]["call"])()


def test_a_typeless_schema_is_not_nullable_where_the_client_sends_it(
    generate_package: Callable[..., tuple[Any, Path]],
) -> None:
    """What the client sends as a whole (a request body, a parameter) is the caller's choice: a typeless
    object body still takes keyword arguments (not `body=... | None`), and the parameter takes the
    model, not `None`."""
    module, root = generate_package(TYPELESS_DOC)
    entry = _manifest(root, "createAccount")
    with recording_server() as server:
        client = module.Client(base_url=server.url, max_retries=0)
        _method(client, entry["call"])(name="a", display_name="A", filter={"name": "x"})
    request = server.requests[-1]
    assert json.loads(request.body) == {"name": "a", "displayName": "A"}
    assert request.query == "filter%5Bname%5D=x"
    signature = inspect.signature(_method(client, entry["call"]))
    assert "None" not in str(signature.parameters["filter"].annotation)
    assert "body" not in signature.parameters


# -- 12. A `format: uuid` that has a name of its own takes the text form too (found by mypy on the
# peertube client's shipped tests: `add_playlist(video_id="…")` was refused) -------------------------------

NAMED_UUID_DOC = _doc(
    {
        "/playlists/{id}/videos": {
            "post": {
                "operationId": "addPlaylistVideo",
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}
                ],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["videoId"],
                                "properties": {
                                    "videoId": {
                                        "oneOf": [
                                            {"$ref": "#/components/schemas/Video/properties/uuid"},
                                            {"$ref": "#/components/schemas/Video/properties/id"},
                                        ]
                                    },
                                    "preview": {"type": "string", "format": "binary"},
                                },
                            }
                        }
                    },
                },
                "responses": {"200": OK_JSON},
            }
        }
    },
    {
        "Video": {
            "type": "object",
            "properties": {
                # peertube's shape: a described `allOf` of one `$ref` is a schema (`Uuid`) of its own
                "uuid": {
                    "allOf": [{"$ref": "#/components/schemas/UUIDv4"}],
                    "description": "the video's UUID",
                },
                "id": {"type": "integer"},
            },
        },
        "UUIDv4": {"type": "string", "format": "uuid"},
    },
)


def test_a_named_uuid_takes_its_text_form_in_arguments_and_models(
    generate_package: Callable[..., tuple[Any, Path]],
) -> None:
    module, root = generate_package(NAMED_UUID_DOC)
    entry = _manifest(root, "addPlaylistVideo")
    text = "1417f330-dcaf-5d75-ae1f-4d3ab63cf31d"
    with recording_server() as server:
        client = module.Client(base_url=server.url, max_retries=0)
        method = _method(client, entry["call"])
        method(7, video_id=text)
    assert json.loads(server.requests[-1].body) == {"videoId": text}
    annotation = str(inspect.signature(method).parameters["video_id"].annotation)
    assert "| str" in annotation, annotation
    body_models = [
        path.read_text(encoding="utf-8")
        for path in (root / "src" / root.name / "types").glob("*.py")
        if "video_id:" in path.read_text(encoding="utf-8")
    ]
    assert body_models and all("Coerced[" in source for source in body_models)
    # the generated package's own test passes bytes for a `format: binary` property of a JSON body
    # (the argument's type), not a multipart file tuple
    tests = "".join(
        p.read_text(encoding="utf-8") for p in (root / "tests" / "api_resources").glob("*.py")
    )
    assert "preview=b" in tests and "preview=(" not in tests
