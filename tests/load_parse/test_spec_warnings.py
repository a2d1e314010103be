"""Generation-time warnings for server URL templates and cookie names: code, JSON pointer and a message
that says what the generated client does, checked against what it really does."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import httpx
import pytest
import yaml

from generator.diagnostics import render_report
from tests.conftest import FIXTURES, spec_doc

WARNINGS_30 = (FIXTURES / "specs" / "spec_warnings_30.yml").read_text()
CODES = ("server-variable-undefined", "server-variable-default", "bad-server", "bad-cookie-name")


def _ours(sink: Any) -> list[Any]:
    return [d for d in sink.sorted() if d.code in CODES]


def test_warnings_fixture_codes_and_pointers(build: Any) -> None:
    _, sink = build(yaml.safe_load(WARNINGS_30))
    assert [(d.code, d.pointer) for d in _ours(sink)] == [
        ("bad-cookie-name", "/components/parameters/Pref/name"),  # reported where the $ref points
        ("bad-cookie-name", "/components/securitySchemes/key/name"),
        ("server-variable-default", "/paths/~1items/servers/0/variables/bucket"),
        ("bad-cookie-name", "/paths/~1others/get/parameters/0/name"),
        ("bad-cookie-name", "/paths/~1things/get/parameters/0/name"),
        ("server-variable-undefined", "/paths/~1things/get/servers/0/url"),
        ("server-variable-undefined", "/servers/0/url"),
        ("server-variable-default", "/servers/0/variables/version/default"),
        ("server-variable-undefined", "/servers/1/url"),
    ]
    assert all(d.hint for d in _ours(sink))


def test_warnings_fixture_report(build: Any, snapshot: Any) -> None:
    _, sink = build(yaml.safe_load(WARNINGS_30))
    assert render_report([replace(d, file="") for d in _ours(sink)]) == snapshot


def test_server_variable_messages_say_what_the_client_does(build: Any) -> None:
    _, sink = build(yaml.safe_load(WARNINGS_30))
    by_pointer = {d.pointer: d for d in _ours(sink)}
    first = by_pointer["/servers/0/url"]
    assert first.message == (
        "server URL 'https://{region}.warn.example.test/{version}' uses {region}, which is not defined under "
        "this server's variables; the generated client leaves {region} in the URL as written; this is the "
        "client's default base URL, so requests go to a wrong host or path unless the client is created with "
        "base_url=..."
    )
    assert (
        first.hint
        == "define 'region' under variables with a default, or write its value into the URL"
    )
    enum = by_pointer["/servers/0/variables/version/default"]
    assert enum.message == (
        "the default 'v9' of server variable 'version' is not one of its enum values ['v1', 'v2']; the "
        "generated client puts it into the URL anyway: 'https://{region}.warn.example.test/v9'"
    )
    assert "enum" in enum.hint
    assert "never uses this server" in by_pointer["/servers/1/url"].message
    op_level = by_pointer["/paths/~1things/get/servers/0/url"].message
    assert "whose entry under variables is not an object" in op_level
    assert "this operation's requests go to a wrong host or path" in op_level
    assert "puts an empty string in its place: 'https://files.example.test/'" in (
        by_pointer["/paths/~1items/servers/0/variables/bucket"].message
    )


def test_cookie_name_messages_say_what_the_client_does(build: Any) -> None:
    _, sink = build(yaml.safe_load(WARNINGS_30))
    by_pointer = {d.pointer: d for d in _ours(sink)}
    required = by_pointer["/paths/~1things/get/parameters/0/name"]
    assert required.message == (
        "cookie parameter name 'session id' is not a valid cookie name (RFC 6265 token: visible ASCII without "
        'spaces or ()<>@,;:\\"/[]?={}); the generated method still takes the argument, but a call that passes '
        "a value for it raises ValueError before sending anything; it is required, so every call does"
    )
    assert required.hint.startswith("rename the cookie to a token")
    assert by_pointer["/paths/~1others/get/parameters/0/name"].message.endswith(
        "before sending anything"
    )
    assert "'préférence'" in by_pointer["/components/parameters/Pref/name"].message
    assert by_pointer["/components/securitySchemes/key/name"].message.endswith(
        "still takes the key, but a call that would send it raises ValueError before sending anything"
    )


def test_warned_behaviour_is_what_the_client_does(generate_package: Any) -> None:
    pkg, _ = generate_package(WARNINGS_30, package="warnpkg", client_name="Warn")
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(204)

    transport = httpx.MockTransport(handler)
    keyed = pkg.Warn(api_key="k", http_client=httpx.Client(transport=transport))
    with pytest.raises(ValueError, match="Invalid API key cookie name 'api key'.*Nothing was sent"):
        keyed.items.list(good_one="x")  # the API key cookie is not a token
    assert seen == []
    client = pkg.Warn(http_client=httpx.Client(transport=transport))  # the key is optional
    client.items.list(good_one="x")
    assert str(seen[0].url) == "https://files.example.test/items"  # bucket: empty string
    assert seen[0].headers["cookie"] == "good_one=x"
    client.others.list()
    assert (
        str(seen[1].url) == "https://{region}.warn.example.test/v9/others"
    )  # {region} left, v9 used
    with pytest.raises(ValueError, match="cookie name 'a;b'"):
        client.others.list(a_b="1")
    with pytest.raises(ValueError, match="cookie name 'session id'"):
        client.things.list(session_id="s")
    assert len(seen) == 2  # nothing sent for the refused calls
    client = client.with_options(base_url="https://eu.warn.example.test/v2")
    client.others.list()
    assert str(seen[2].url) == "https://eu.warn.example.test/v2/others"  # the advised fix


def test_valid_servers_and_cookie_names_give_no_warning(build: Any) -> None:
    ok = {"204": {"description": "ok"}}
    doc = spec_doc(
        paths={
            "/p": {
                "servers": [
                    {
                        "url": "{origin}/files",
                        "variables": {
                            "origin": {"default": "https://a.test", "enum": ["https://a.test"]}
                        },
                    }
                ],
                "get": {
                    "operationId": "getP",
                    "responses": ok,
                    "parameters": [
                        {
                            "name": "Session_ID-2!#$%&'*+.^`|~",
                            "in": "cookie",
                            "schema": {"type": "string"},
                        }
                    ],
                },
            }
        },
        servers=[{"url": "https://{host}/v1", "variables": {"host": {"default": "api.test"}}}],
    )
    _, sink = build(doc)
    assert _ours(sink) == []


@pytest.mark.parametrize(
    "name", ["", "a b", "a=b", "a,b", 'a"b', "a\tb", "a\x01b", "a\x7fb", "é", "{x}"]
)
def test_bad_cookie_names_are_warned(build: Any, name: str) -> None:
    doc = spec_doc(
        paths={
            "/p": {
                "get": {
                    "operationId": "getP",
                    "responses": {"204": {"description": "ok"}},
                    "parameters": [{"name": name, "in": "cookie"}],
                }
            }
        }
    )
    _, sink = build(doc)
    assert [d.code for d in _ours(sink)] == ["bad-cookie-name"]


def test_malformed_server_variables_are_a_warning(build: Any) -> None:
    doc = spec_doc(servers=[{"url": "https://{h}.test", "variables": ["h"]}])
    _, sink = build(doc)
    assert [(d.code, d.pointer) for d in _ours(sink)] == [
        ("server-variable-undefined", "/servers/0/url"),
        ("bad-server", "/servers/0/variables"),
    ]
