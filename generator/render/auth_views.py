"""How a generated client authenticates: decided from the spec's security schemes and the target config."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from .. import naming
from ..config import TargetConfig
from ..diagnostics import DiagnosticSink
from ..ir import Api, Model, ModelRef, SecurityScheme
from ..naming import param_name
from .safe import Code, Doc, Name, code, doc
from .wire_views import default_requirements, requirements_code


@dataclass(frozen=True, slots=True)
class CredentialParam:
    name: Name  # client argument
    env: Name  # environment variable it defaults to
    doc: Doc
    wire: str = ""  # session: the login body field it fills (raw: printed with `py`)
    alternative: bool = False  # a token obtained elsewhere, instead of (or before) the credentials


@dataclass(frozen=True, slots=True)
class CredentialView:
    """One credential the client takes (from its arguments or the environment) and the `Auth` it
    becomes, shared by every security scheme it serves."""

    kind: str  # "api_key", "bearer", "basic", "oauth", "session"
    var: Name  # its local variable in `make_auth`
    params: tuple[CredentialParam, ...]
    needs: str  # what to pass, for the MissingCredentialsError (raw: printed with `py`)
    key_name: str = ""  # api_key (raw: printed with `py`)
    key_location: str = "header"


@dataclass(frozen=True, slots=True)
class SchemeView:
    name: str  # the spec's security scheme name (raw: printed with `py`)
    var: Name  # the credential variable that serves it
    needs: str  # that credential's `needs` (raw: printed with `py`)


NO_REQUIREMENTS = Code("()")
CREDENTIALS_ONLY = Code("Credentials")


@dataclass(frozen=True, slots=True)
class AuthView:
    kind: str  # the first credential's kind ("api_key", "bearer", "basic", "oauth", "session"), or "none"
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
    credentials: tuple[CredentialView, ...] = ()
    schemes: tuple[SchemeView, ...] = ()
    default_security: Code = NO_REQUIREMENTS  # of the operations that state none of their own
    auth_imports: Code = CREDENTIALS_ONLY  # what `_credentials.py` imports from `_auth`

    example: tuple[CredentialParam, ...] | None = None  # None: every non-alternative parameter

    @property
    def example_params(self) -> tuple[CredentialParam, ...]:
        """The arguments the README's constructor example passes (not the alternative tokens): those
        of the credentials most operations need."""
        params = self.params if self.example is None else self.example
        return tuple(p for p in params if not p.alternative)

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


# The client constructor's own arguments: a credential argument never takes these names.
_CONSTRUCTOR = frozenset(
    {
        "self",
        "url",
        "base_url",
        "region",
        "timeout",
        "max_retries",
        "http_client",
        "default_headers",
        "strict_response_validation",
        "max_retry_wait",
        "pace_rate_limit",
        "max_response_bytes",
        "total_timeout",
        "credentials",  # a local of `make_auth` (session logins)
    }
)


def auth_view(api: Api, config: TargetConfig, sink: DiagnosticSink) -> AuthView:
    """One credential per kind of scheme the operations use (each API key its own), the first one as
    the client has always taken it; every scheme mapped to the credential that serves it."""
    schemes = _used(api)
    if not schemes and config.session is None:
        return AuthView("none")
    env = config.env_prefix
    scope = naming.Scope(sep="_")
    scope.reserve(*_CONSTRUCTOR)
    builder = _Builder(api, config, env, scope, sink)
    first = builder.first(schemes)
    if first is None:
        return AuthView("none")
    # fixed-name credentials (OAuth, session, basic, bearer) before the further API keys claim names
    made = {s.name: builder.credential_for(s) for s in sorted(schemes, key=_is_api_key)}
    by_scheme = {s.name: made[s.name] for s in schemes}
    creds = list(dict.fromkeys([first, *by_scheme.values()]))
    default = default_requirements(api)
    needed = [by_scheme[s] for s in (default[0] if default else ()) if s in by_scheme] or [first]
    kinds = {c.kind for c in creds}
    imports = sorted(
        {"Credentials"}
        | {"ApiKeyAuth" for k in kinds if k == "api_key"}
        | {"BearerAuth" for k in kinds if k in ("bearer", "oauth")}
        | {"BasicAuth" for k in kinds if k == "basic"}
    )
    api_key = next((c for c in creds if c.kind == "api_key"), None)
    return replace(
        builder.primary,
        params=tuple(p for c in creds for p in c.params),
        key_name=api_key.key_name if api_key else "",
        key_location=api_key.key_location if api_key else "header",
        credentials=tuple(creds),
        schemes=tuple(SchemeView(name, c.var, c.needs) for name, c in by_scheme.items()),
        default_security=requirements_code(default),
        example=tuple(p for c in dict.fromkeys(needed) for p in c.params),
        auth_imports=code(", ".join(imports)),
    )


def _used(api: Api) -> list[SecurityScheme]:
    """The schemes operations name (in the spec's order), or every scheme when none is named."""
    used = {s for op in api.operations for req in op.security_requirements for s in req}
    used |= {s for op in api.operations for s in op.security}
    return [s for s in api.security_schemes if s.name in used] or list(api.security_schemes)


class _Builder:
    """Makes each credential once, naming its arguments in one scope."""

    def __init__(
        self, api: Api, config: TargetConfig, env: str, scope: naming.Scope, sink: DiagnosticSink
    ) -> None:
        self.api, self.config, self.env, self.scope, self.sink = api, config, env, scope, sink
        self.keys: dict[str, CredentialView] = {}
        self.shared: dict[str, CredentialView] = {}
        self.primary = AuthView("none")

    def first(self, schemes: list[SecurityScheme]) -> CredentialView | None:
        """The credential the client has always taken first: a session login, an API key, OAuth
        client credentials, user name and password (every scheme basic), else a bearer token."""
        if self.config.session is not None:
            return self._session()
        api_key = next((s for s in schemes if s.kind == "apiKey"), None)
        if api_key is not None:
            return self.credential_for(api_key)
        if not schemes:
            return None
        oauth = next((s for s in schemes if s.kind == "oauth2" and s.token_url), None)
        if oauth is not None:
            return self.credential_for(oauth)
        if all(_is_basic(s) for s in schemes):
            return self.credential_for(schemes[0])
        bearer = next((s for s in schemes if not _is_basic(s)), schemes[0])
        return self.credential_for(bearer)

    def credential_for(self, scheme: SecurityScheme) -> CredentialView:
        if scheme.kind == "apiKey":
            return self._api_key(scheme)
        if _is_basic(scheme):
            return self._shared("basic", self._basic)
        if self.config.session is not None:
            return self._session()
        oauth = next((s for s in _used(self.api) if s.kind == "oauth2" and s.token_url), None)
        if oauth is not None:
            return self._shared("oauth", lambda: self._oauth(oauth.token_url))
        return self._shared("bearer", self._bearer)

    def _shared(self, kind: str, make: Callable[[], CredentialView]) -> CredentialView:
        if kind not in self.shared:
            self.shared[kind] = make()
        return self.shared[kind]

    def _claim(self, name: str) -> str:
        return self.scope.claim(name)

    def _api_key(self, scheme: SecurityScheme) -> CredentialView:
        if scheme.name in self.keys:
            return self.keys[scheme.name]
        if not self.keys and not self.scope.is_taken("api_key"):
            name = self._claim("api_key")
        else:
            base = scheme.name.removesuffix("Auth").removesuffix("_auth").removesuffix("-auth")
            name = self._claim(naming.param_name(base or scheme.param_name or "api_key"))
        env = f"{self.env}_{name.upper()}"
        location = scheme.location if scheme.location in ("header", "query", "cookie") else "header"
        what = "the API key" if name == "api_key" else f"the `{scheme.name}` API key"
        cred = CredentialView(
            "api_key",
            Name(self._claim(f"{name}_auth")),
            (_param(name, env, what),),
            f"{name}=... (or the {env} environment variable)",
            key_name=scheme.param_name,
            key_location=location,
        )
        self.keys[scheme.name] = cred
        self._note(cred)
        return cred

    def _basic(self) -> CredentialView:
        user, password = self._claim("username"), self._claim("password")
        envs = f"{self.env}_{user.upper()}", f"{self.env}_{password.upper()}"
        return self._note(
            CredentialView(
                "basic",
                Name(self._claim("basic_auth")),
                (
                    _param(user, envs[0], "the user name"),
                    _param(password, envs[1], "the password"),
                ),
                f"{user}=... and {password}=... (or {envs[0]} and {envs[1]})",
            )
        )

    def _bearer(self) -> CredentialView:
        schemes = _used(self.api)
        if not any(s.kind == "http" and s.scheme == "bearer" for s in schemes):
            self.sink.warn(
                "auth-unsupported",
                "/components/securitySchemes",
                f"security scheme kinds {sorted({s.kind for s in schemes if not _is_basic(s) and s.kind != 'apiKey'})} "
                "are sent as a bearer token",
                "pass a token you obtained yourself, or configure a session login",
            )
        name = self._claim("token")
        env = f"{self.env}_{name.upper()}"
        return self._note(
            CredentialView(
                "bearer",
                Name(self._claim("bearer_auth")),
                (_param(name, env, "the bearer token"),),
                f"{name}=... (or the {env} environment variable)",
            )
        )

    def _oauth(self, token_url: str) -> CredentialView:
        view = _client_credentials(token_url, self.env)
        for p in view.params:
            self.scope.reserve(p.name)
        given = "" if view.token_url else " and token_url=..."
        envs = [str(p.env) for p in view.params[: 2 if view.token_url else 3]]
        return self._note(
            CredentialView(
                "oauth",
                Name(self._claim("oauth_auth")),
                view.params,
                f"client_id=..., client_secret=...{given} (or {', '.join(envs)}), or access_token=...",
            ),
            view,
        )

    def _session(self) -> CredentialView:
        if "session" in self.shared:
            return self.shared["session"]
        view = _session(self.api, self.config, self.sink)
        for p in view.params:
            self.scope.reserve(p.name)
        login = [p for p in view.params if p.wire]
        if view.kind != "session":  # no login operation (reported): a bearer token instead
            token = view.params[0]
            cred = CredentialView(
                "bearer",
                Name(self._claim("bearer_auth")),
                view.params,
                f"{token.name}=... (or the {token.env} environment variable)",
            )
        else:
            cred = CredentialView(
                "session",
                Name(self._claim("session_auth")),
                view.params,
                " and ".join(f"{p.name}=..." for p in login)
                + f" (or {' and '.join(str(p.env) for p in login)}), or access_token=...",
            )
        self.shared["session"] = cred
        return self._note(cred, view)

    def _note(self, cred: CredentialView, view: AuthView | None = None) -> CredentialView:
        """The first credential made decides the view's kind (and its login / token URL)."""
        if self.primary.kind == "none":
            self.primary = view if view is not None else AuthView(cred.kind)
        return cred


def _is_api_key(scheme: SecurityScheme) -> bool:
    return scheme.kind == "apiKey"


def _is_basic(scheme: SecurityScheme) -> bool:
    return scheme.kind == "http" and scheme.scheme.lower() == "basic"


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
