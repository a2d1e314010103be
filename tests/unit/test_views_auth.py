"""`render/auth_views.py`: the core auth plan from the spec's security schemes (an API key first, else
bearer or basic over HTTP, else none; other kinds sent as a bearer token with a warning), a credential
for every further scheme, each scheme's role, and the view the client and `_credentials.py` print:
argument names, environment variables, what a MissingCredentialsError asks for."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from generator.render.auth_views import AuthView, auth_view
from tests.conftest import spec_doc
from tests.support.views import Built


def _auth(
    views: Callable[..., Built], schemes: dict[str, Any], security: list[dict[str, list[str]]]
) -> tuple[AuthView, Built]:
    doc = spec_doc(
        paths={"/a": {"get": {"responses": {"204": {"description": "ok"}}}}}, security=security
    )
    doc["components"] = {"securitySchemes": schemes}
    built = views(doc)
    return auth_view(built.auth, built.names, "ZOO"), built


def test_an_api_key(shop: Built) -> None:
    view = auth_view(shop.auth, shop.names, "PETS")
    assert (view.kind, view.key_name, view.key_location) == ("api_key", "X-API-Key", "header")
    [param] = view.params
    assert (param.name, param.env, param.doc) == ("api_key", "PETS_API_KEY", "the API key")
    assert view.own == view.params and view.extras == ()
    [scheme] = view.schemes
    assert (scheme.name, scheme.var) == ("key", "_auth")
    assert scheme.needs == "api_key=... (or the PETS_API_KEY environment variable)"
    assert view.default_security == '(("key",),)'
    assert view.auth_imports == "ApiKeyAuth, Credentials"


def test_bearer_and_basic(views: Callable[..., Built]) -> None:
    bearer, _ = _auth(views, {"jwt": {"type": "http", "scheme": "bearer"}}, [{"jwt": []}])
    assert bearer.kind == "bearer"
    assert [(p.name, p.env) for p in bearer.params] == [("token", "ZOO_TOKEN")]
    assert bearer.auth_imports == "BearerAuth, Credentials"
    basic, _ = _auth(views, {"login": {"type": "http", "scheme": "basic"}}, [{"login": []}])
    assert basic.kind == "basic"
    assert [(p.name, p.env) for p in basic.params] == [
        ("username", "ZOO_USERNAME"),
        ("password", "ZOO_PASSWORD"),
    ]
    assert basic.schemes[0].needs == (
        "username=... and password=... (or ZOO_USERNAME and ZOO_PASSWORD)"
    )


def test_no_security_schemes_is_no_auth(views: Callable[..., Built]) -> None:
    view, _ = _auth(views, {}, [])
    assert view.kind == "none"
    assert view.params == view.schemes == ()
    assert view.default_security == "()"


def test_a_requirement_naming_two_schemes_needs_both_credentials(
    views: Callable[..., Built],
) -> None:
    view, _ = _auth(
        views,
        {
            "key": {"type": "apiKey", "in": "query", "name": "api_key"},
            "bearer": {"type": "http", "scheme": "bearer"},
        },
        [{"key": [], "bearer": []}],
    )
    assert view.kind == "api_key" and view.key_location == "query"
    assert [p.name for p in view.own] == ["api_key"]
    [extra] = view.extras
    assert (extra.kind, extra.var, [p.name for p in extra.params]) == (
        "bearer",
        "_auth_1",
        ["token"],
    )
    assert [p.name for p in view.params] == ["api_key", "token"]
    assert {s.name: s.var for s in view.schemes} == {"key": "_auth", "bearer": "_auth_1"}
    assert view.default_security == '(("bearer", "key"),)'
    assert sorted(p.name for p in view.example or ()) == ["api_key", "token"]
    assert view.auth_imports == "ApiKeyAuth, BearerAuth, Credentials"


def test_an_unsupported_scheme_is_a_bearer_token_with_a_warning(
    views: Callable[..., Built],
) -> None:
    view, built = _auth(
        views,
        {"oidc": {"type": "openIdConnect", "openIdConnectUrl": "https://id.test/"}},
        [{"oidc": []}],
    )
    assert view.kind == "bearer" and [s.name for s in view.schemes] == ["oidc"]
    assert built.codes() == ["auth-unsupported"]
