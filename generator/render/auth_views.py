"""How a generated client authenticates: decided from the spec's security schemes and the target config."""

from __future__ import annotations

from dataclasses import dataclass

from ..config import TargetConfig
from ..diagnostics import DiagnosticSink
from ..ir import Api, Model, ModelRef
from ..naming import param_name
from .safe import Doc, Name, doc


@dataclass(frozen=True, slots=True)
class CredentialParam:
    name: Name  # client argument
    env: Name  # environment variable it defaults to
    doc: Doc
    wire: str = ""  # session: the login body field it fills (raw: printed with `py`)
    alternative: bool = False  # a token obtained elsewhere, instead of (or before) the credentials


@dataclass(frozen=True, slots=True)
class AuthView:
    kind: str  # "api_key", "bearer", "basic", "session", "none"
    params: tuple[CredentialParam, ...] = ()
    # raw spec / config text below: printed with `py`, `md_code`
    key_name: str = ""
    key_location: str = "header"
    token_url: str = (
        ""  # oauth: the spec's token URL ("" when it is a placeholder that must be given)
    )
    login_path: str = ""
    refresh_path: str = ""
    access_field: str = ""
    refresh_field: str = ""

    @property
    def example_params(self) -> tuple[CredentialParam, ...]:
        """The arguments the README's constructor example passes (not the alternative tokens)."""
        return tuple(p for p in self.params if not p.alternative)

    @property
    def label(self) -> str:
        return {
            "api_key": "API key",
            "bearer": "access token",
            "session": "credentials",
            "oauth": "client id and secret",
            "basic": "user name and password",
        }.get(self.kind, "")


def _param(
    name: str, env: str, text: str, wire: str = "", alternative: bool = False
) -> CredentialParam:
    """`text` may carry spec text (a token URL, a login field): it is escaped here, once."""
    return CredentialParam(Name(name), Name(env), doc(text), wire, alternative)


def auth_view(api: Api, config: TargetConfig, sink: DiagnosticSink) -> AuthView:
    env = config.env_prefix
    if config.session is not None:
        return _session(api, config, sink)
    used = {s for op in api.operations for s in op.security}
    schemes = [s for s in api.security_schemes if s.name in used] or list(api.security_schemes)
    api_key = next((s for s in schemes if s.kind == "apiKey"), None)
    if api_key is not None:
        location = (
            api_key.location if api_key.location in ("header", "query", "cookie") else "header"
        )
        return AuthView(
            "api_key",
            (_param("api_key", f"{env}_API_KEY", "the API key"),),
            key_name=api_key.param_name,
            key_location=location,
        )
    if not schemes:
        return AuthView("none")
    oauth = next((s for s in schemes if s.kind == "oauth2" and s.token_url), None)
    if oauth is not None:
        return _client_credentials(oauth.token_url, env)
    if all(s.kind == "http" and s.scheme == "basic" for s in schemes):
        return AuthView(
            "basic",
            (
                _param("username", f"{env}_USERNAME", "the user name"),
                _param("password", f"{env}_PASSWORD", "the password"),
            ),
        )
    if not any(s.kind == "http" and s.scheme == "bearer" for s in schemes):
        sink.warn(
            "auth-unsupported",
            "/components/securitySchemes",
            f"security scheme kinds {sorted({s.kind for s in schemes})} are sent as a bearer token",
            "pass a token you obtained yourself, or configure a session login",
        )
    return AuthView("bearer", (_param("token", f"{env}_TOKEN", "the bearer token"),))


def _session(api: Api, config: TargetConfig, sink: DiagnosticSink) -> AuthView:
    session = config.session
    assert session is not None
    by_id = {op.id: op for op in api.operations}
    login = by_id.get(session.login_operation)
    refresh = by_id.get(session.refresh_operation) if session.refresh_operation else None
    if login is None:
        sink.error(
            "session-login-missing",
            "/paths",
            f"session login operation {session.login_operation!r} is not in the spec",
            "fix [tool.clientgen.targets.*.session] login_operation",
        )
        return AuthView(
            "bearer", (_param("token", f"{config.env_prefix}_TOKEN", "the bearer token"),)
        )
    wires = list(session.credentials)
    if not wires and login.body is not None and isinstance(login.body.media[0].type, ModelRef):
        model = api.schemas.get(login.body.media[0].type.id)
        wires = (
            [f.wire_name for f in model.fields if f.required] if isinstance(model, Model) else []
        )
    env = config.env_prefix
    params = tuple(
        _param(param_name(w), f"{env}_{param_name(w).upper()}", f"login `{w}`", w) for w in wires
    )
    params += (
        _param("access_token", f"{env}_ACCESS_TOKEN", "a token you already have", alternative=True),
        _param(
            "refresh_token",
            f"{env}_REFRESH_TOKEN",
            "a refresh token you already have",
            alternative=True,
        ),
    )
    return AuthView(
        "session",
        params,
        login_path=login.path,
        refresh_path=refresh.path if refresh else "",
        access_field=session.access_token,
        refresh_field=session.refresh_token,
    )


def _client_credentials(token_url: str, env: str) -> AuthView:
    """OAuth 2.0 client credentials. A token URL on a reserved `.invalid` host is a placeholder."""
    host = token_url.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0].lower()
    placeholder = (
        host.endswith(".invalid") or host in ("example.com", "localhost") or "{" in token_url
    )
    return AuthView(
        "oauth",
        (
            _param("client_id", f"{env}_CLIENT_ID", "the OAuth client id"),
            _param("client_secret", f"{env}_CLIENT_SECRET", "the OAuth client secret"),
            _param(
                "token_url",
                f"{env}_TOKEN_URL",
                "the OAuth token endpoint" + ("" if placeholder else f" (default `{token_url}`)"),
            ),
            _param(
                "access_token",
                f"{env}_ACCESS_TOKEN",
                "an access token you already have: used until "
                "the API rejects it, then renewed with the client credentials (used as is without them)",
                alternative=True,
            ),
        ),
        token_url="" if placeholder else token_url,
    )
