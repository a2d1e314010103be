"""`Credentials.select`: which auth an operation's security requirements choose (#13 §1, §2)."""

from __future__ import annotations

import sys
from typing import Any

import pytest


@pytest.fixture
def auth_mod(fakeapi: Any) -> Any:
    return sys.modules["fakeapi._auth"]


def _credentials(auth_mod: Any, **given: Any) -> Any:
    return auth_mod.Credentials(
        {"key": given.get("key"), "client": given.get("client"), "bearer": given.get("bearer")},
        needs={"key": "api_key=...", "client": "client_id=...", "bearer": "token=..."},
        default=(("key", "client"),),
    )


def test_all_schemes_of_a_requirement_are_applied(auth_mod: Any) -> None:
    key = auth_mod.ApiKeyAuth("api-key", "query", "k-SECRET")
    client = auth_mod.ApiKeyAuth("X-Client-Id", "header", "c-SECRET")
    creds = _credentials(auth_mod, key=key, client=client)
    chosen = creds.select(None)
    headers: dict[str, str] = {}
    query: dict[str, str] = {}
    chosen.apply(headers, query)
    assert headers == {"X-Client-Id": "c-SECRET"} and query == {"api-key": "k-SECRET"}
    assert set(creds.secrets()) == {"k-SECRET", "c-SECRET"}
    assert "SECRET" not in repr(creds)


def test_first_alternative_with_credentials_wins_and_shared_auth_applies_once(
    auth_mod: Any,
) -> None:
    bearer = auth_mod.BearerAuth("t")
    creds = auth_mod.Credentials({"a": bearer, "b": bearer, "c": None}, needs={})
    assert creds.select((("c",), ("a", "b"))) is bearer  # one Auth for two schemes: not twice
    assert creds.select(((), ("c",))) is None  # anonymous allowed, nothing given for `c`
    assert creds.select(((), ("a",))) is bearer  # optional: sent when given
    assert creds.select(()) is None  # no security at all


def test_missing_credentials_name_every_alternative(auth_mod: Any, fakeapi: Any) -> None:
    creds = _credentials(auth_mod, key=auth_mod.ApiKeyAuth("k", "query", "v"))
    with pytest.raises(fakeapi.MissingCredentialsError) as info:
        creds.select(None, "GET /both")
    assert str(info.value) == (
        "GET /both needs credentials the client was not given: pass api_key=... and client_id=...."
    )
    with pytest.raises(fakeapi.MissingCredentialsError) as info:
        creds.select((("bearer",), ("client",), ("nowhere",)), "GET /x")
    assert "token=... or client_id=... or credentials for the security scheme 'nowhere'" in str(
        info.value
    )


def test_plain_auth_is_sent_where_the_endpoint_enables_it(auth_mod: Any) -> None:
    bearer = auth_mod.BearerAuth("t")
    assert auth_mod.auth_for(bearer, enabled=True, requirements=None, what="") is bearer
    assert auth_mod.auth_for(bearer, enabled=False, requirements=None, what="") is None
    creds = auth_mod.Credentials({"a": bearer}, needs={}, default=(("a",),))
    assert auth_mod.auth_for(creds, enabled=True, requirements=None, what="") is bearer
    assert auth_mod.auth_for(creds, enabled=False, requirements=None, what="") is None
    assert auth_mod.auth_for(creds, enabled=False, requirements=((), ("a",)), what="") is bearer
