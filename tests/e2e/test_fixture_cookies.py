"""Cookie parameters (`in: cookie`): one `Cookie` header per call, form style, nothing kept between calls."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

OK = {"204": {"description": "ok"}}
STRING = {"type": "string"}
DOC = {
    "openapi": "3.0.3",
    "info": {"title": "Cookies", "version": "1"},
    "servers": [{"url": "https://cookies.example.test"}],
    "components": {
        "securitySchemes": {"key": {"type": "apiKey", "in": "cookie", "name": "api_key"}}
    },
    "paths": {
        "/prefs": {
            "parameters": [{"name": "session", "in": "cookie", "required": True, "schema": STRING}],
            "get": {
                "operationId": "getPrefs",
                "parameters": [
                    {
                        "name": "theme",
                        "in": "cookie",
                        "schema": {"type": "string", "enum": ["dark", "light"]},
                    },
                    {
                        "name": "ids",
                        "in": "cookie",
                        "schema": {"type": "array", "items": {"type": "integer"}},
                    },
                    {
                        "name": "tags",
                        "in": "cookie",
                        "explode": False,
                        "schema": {"type": "array", "items": STRING},
                    },
                    {"name": "debug", "in": "cookie", "schema": {"type": "boolean"}},
                    {"name": "X-Trace", "in": "header", "schema": STRING},
                ],
                "responses": OK,
            },
        },
        "/filters": {
            "get": {
                "operationId": "getFilters",
                "parameters": [
                    {
                        "name": "flat",
                        "in": "cookie",
                        "explode": False,
                        "schema": {
                            "type": "object",
                            "properties": {"a": STRING, "b": {"type": "integer"}},
                        },
                    },
                    {
                        "name": "spread",
                        "in": "cookie",
                        "schema": {"type": "object", "properties": {"c": STRING}},
                    },
                ],
                "responses": OK,
            },
        },
        "/secure": {
            "get": {
                "operationId": "getSecure",
                "security": [{"key": []}],
                "responses": OK,
                "parameters": [{"name": "lang", "in": "cookie", "schema": STRING}],
            }
        },
    },
}


@pytest.fixture
def cookies_pkg(generate_package: Any) -> tuple[Any, Path]:
    return generate_package(DOC, package="cookiespkg", client_name="Cookies")


def _client(pkg: Any, seen: list[httpx.Request], **options: Any) -> Any:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(204, headers={"Set-Cookie": "server_side=1; Path=/"})

    return pkg.Cookies(http_client=httpx.Client(transport=httpx.MockTransport(handler)), **options)


def test_cookie_parameters_in_the_resource(cookies_pkg: tuple[Any, Path], snapshot: Any) -> None:
    _, root = cookies_pkg
    assert (root / "src/cookiespkg/resources/prefs.py").read_text() == snapshot


def test_cookie_header_form_style(cookies_pkg: tuple[Any, Path]) -> None:
    pkg, _ = cookies_pkg
    from cookiespkg.types import GetPrefsTheme

    seen: list[httpx.Request] = []
    http = httpx.Client(
        transport=httpx.MockTransport(lambda r: (seen.append(r), httpx.Response(204))[1])
    )
    client = pkg.Cookies(api_key="k", http_client=http)
    client.prefs.list(
        session="s 1;x",
        theme=GetPrefsTheme.DARK,
        ids=[1, 2],
        tags=["a", "b,c"],
        debug=True,
        x_trace="t",
    )
    assert seen[0].headers.get_list("cookie") == [
        "session=s%201%3Bx; theme=dark; ids=1; ids=2; tags=a,b%2Cc; debug=true"
    ]
    assert seen[0].headers["x-trace"] == "t"
    assert (
        "session" not in seen[0].headers and "theme" not in seen[0].headers
    )  # not sent as headers
    client.prefs.list(session="only")  # optional ones NOT_GIVEN: not sent
    assert seen[1].headers["cookie"] == "session=only"
    client.filters.list(flat={"a": "x", "b": 2}, spread={"c": "y"})
    assert seen[2].headers["cookie"] == "flat=a,x,b,2; c=y"
    client.filters.list()
    assert "cookie" not in seen[3].headers


def test_cookie_parameters_do_not_leak_between_calls(cookies_pkg: tuple[Any, Path]) -> None:
    pkg, _ = cookies_pkg
    seen: list[httpx.Request] = []
    client = _client(pkg, seen, api_key="k")
    client.prefs.list(session="abc")
    client.filters.list()
    assert seen[0].headers["cookie"] == "session=abc"
    # the server's Set-Cookie is the jar's business (httpx); our parameters never enter it
    assert seen[1].headers["cookie"] == "server_side=1"
    assert dict(client._http.cookies) == {"server_side": "1"}
    client.prefs.list(session="def")  # explicit cookies and the jar's are both sent
    assert seen[2].headers["cookie"] == "server_side=1; session=def"


def test_cookie_api_key_and_cookie_parameters_share_one_header(
    cookies_pkg: tuple[Any, Path],
) -> None:
    pkg, _ = cookies_pkg
    seen: list[httpx.Request] = []
    http = httpx.Client(
        transport=httpx.MockTransport(lambda r: (seen.append(r), httpx.Response(204))[1])
    )
    client = pkg.Cookies(api_key="s3cret", http_client=http)
    client.secure.retrieve(lang="en")
    assert seen[0].headers.get_list("cookie") == ["api_key=s3cret; lang=en"]
    client.secure.retrieve(
        lang="fr", extra_headers={"Cookie": "mine=1"}
    )  # extra_headers replace it whole
    assert seen[1].headers["cookie"] == "mine=1"


def test_bad_cookie_name_is_refused(cookies_pkg: tuple[Any, Path]) -> None:
    pkg, _ = cookies_pkg
    seen: list[httpx.Request] = []
    client = _client(pkg, seen, api_key="k")
    with pytest.raises(ValueError, match="cookie name"):
        client.filters.list(spread={"bad name": "x"})
    assert seen == []
