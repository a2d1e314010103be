"""``RequestBuilder`` builds the same request as ``httpx.Client.build_request``, caching only what may
be cached (the httpx client's default headers our headers leave in place)."""

from __future__ import annotations

import sys
from typing import Any

import httpx
import pytest


def _prepared(fakeapi: Any, headers: dict[str, str], **fields: Any) -> Any:
    prepare = sys.modules["fakeapi._prepare"]
    fields.setdefault("method", "POST")
    fields.setdefault("url", "https://api.fake.test/v1/referrals/x")
    fields.setdefault("params", [("q", "a%20b"), ("q", "c")])
    fields.setdefault("content", b'{"a":1}')
    return prepare.PreparedRequest(headers=headers, **fields)


def _same(a: httpx.Request, b: httpx.Request) -> None:
    assert a.method == b.method
    assert a.url == b.url
    assert a.headers.raw == b.headers.raw  # names, values and order
    assert a.read() == b.read()
    assert a.extensions == b.extensions


HEADER_SETS = [
    {"Accept": "application/json", "User-Agent": "ua/1", "X-Api-Key": "k"},
    {"accept": "*/*", "x-other": "1"},  # case-insensitive override of httpx's defaults
    {"Accept-Encoding": "identity", "Connection": "close"},
    {},
]


@pytest.mark.parametrize("headers", HEADER_SETS)
@pytest.mark.parametrize("client_headers", [None, {"X-Team": "t", "User-Agent": "mine"}])
def test_same_request_as_build_request(
    fakeapi: Any, headers: dict[str, str], client_headers: dict[str, str] | None
) -> None:
    builder = sys.modules["fakeapi._prepare"].RequestBuilder()
    timeout = httpx.Timeout(3.0, connect=1.0)
    with httpx.Client(headers=client_headers) as client:
        for _ in range(2):  # the second build comes from the cache
            prepared = _prepared(fakeapi, dict(headers))
            _same(builder.build(client, prepared, timeout), prepared.build(client, timeout))


def test_client_header_changes_are_seen(fakeapi: Any) -> None:
    builder = sys.modules["fakeapi._prepare"].RequestBuilder()
    timeout = httpx.Timeout(5.0)
    with httpx.Client() as client, httpx.Client(headers={"X-B": "b"}) as other:
        builder.build(client, _prepared(fakeapi, {"Accept": "a"}), timeout)
        client.headers["X-Added"] = "1"
        prepared = _prepared(fakeapi, {"Accept": "a"})
        built = builder.build(client, prepared, timeout)
        assert built.headers["X-Added"] == "1"
        _same(built, prepared.build(client, timeout))
        prepared = _prepared(fakeapi, {"Accept": "a"})
        _same(builder.build(other, prepared, timeout), prepared.build(other, timeout))


@pytest.mark.parametrize(
    "options",
    [
        {"cookies": {"session": "s"}},
        {"params": {"v": "2"}},
        {"base_url": "https://api.fake.test/v1/"},
    ],
)
def test_cookies_params_and_relative_urls_take_build_request(
    fakeapi: Any, options: dict[str, Any]
) -> None:
    builder = sys.modules["fakeapi._prepare"].RequestBuilder()
    url = "referrals/x" if "base_url" in options else "https://api.fake.test/v1/referrals/x"
    timeout = httpx.Timeout(5.0)
    with httpx.Client(**options) as client:
        prepared = _prepared(fakeapi, {"Accept": "a"}, url=url)
        built = builder.build(client, prepared, timeout)
        _same(built, prepared.build(client, timeout))
        assert str(built.url).startswith("https://api.fake.test/v1/referrals/x")
