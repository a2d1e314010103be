"""OAuth 2.0 client credentials: an `oauth2` security scheme with a `clientCredentials` flow (and no
API key beside it) gives the client `client_id=` / `client_secret=` / `token_url=`; the token is
fetched on first use, cached, renewed before expiry and once on a 401."""

from __future__ import annotations

from ..diagnostics import DiagnosticSink
from ..ir import Api
from ..render.auth_views import AuthPlan, Credential, used_schemes
from .token_auth import TokenAuth


class OAuth(TokenAuth):
    name = "oauth"
    # the token renewal is the session feature's (`RenewingAuth`)
    runtime = (("oauth", "_oauth.py"), ("session", "_session.py"))

    def analyse(self, api: Api, sink: DiagnosticSink) -> AuthPlan | None:
        if api.target.session is not None:
            return None  # a configured session login is the client's auth
        schemes = used_schemes(api)
        if any(s.kind == "apiKey" for s in schemes):
            return None
        oauth = next((s for s in schemes if s.kind == "oauth2" and s.token_url), None)
        return client_credentials(oauth.token_url) if oauth is not None else None


def client_credentials(token_url: str) -> AuthPlan:
    """A token URL on a reserved `.invalid` host (or example.com, localhost) is a placeholder."""
    host = token_url.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0].lower()
    placeholder = (
        host.endswith(".invalid") or host in ("example.com", "localhost") or "{" in token_url
    )
    return AuthPlan(
        "oauth",
        (
            Credential("client id", "the OAuth client id"),
            Credential("client secret", "the OAuth client secret"),
            Credential(
                "token url",
                "the OAuth token endpoint" + ("" if placeholder else f" (default `{token_url}`)"),
            ),
            Credential(
                "access token",
                "an access token you already have: used until "
                "the API rejects it, then renewed with the client credentials (used as is without them)",
                alternative=True,
            ),
        ),
        token_url="" if placeholder else token_url,
    )


FEATURE = OAuth()
