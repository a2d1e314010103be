"""How a generated client authenticates. The core case is decided here from the spec's security
schemes — an API key, a bearer token, HTTP basic, or none; session login and OAuth client credentials
are features (`features/session.py`, `features/oauth.py`) that hand back an `AuthPlan` of their own.

A plan names its credentials by words; the naming pass turns them into the client's arguments
(`auth_requests`), and `auth_view` reads them back, with the environment variable each defaults to."""

from __future__ import annotations

from dataclasses import dataclass

from ..diagnostics import DiagnosticSink
from ..ir import Api, SecurityScheme
from ..naming.plan import Names
from ..naming.requests import NameKind, NameRequest
from .safe import Doc, Name, doc

CLIENT = "client"  # the naming scope of the client's constructor arguments


@dataclass(frozen=True, slots=True)
class Credential:
    hint: str  # the words of the client argument ("api key", or a login field's wire name)
    doc: str  # raw (a token URL, a login field: spec text)
    wire: str = ""  # session: the login body field it fills
    alternative: bool = False  # a token obtained elsewhere, instead of (or before) the credentials


@dataclass(frozen=True, slots=True)
class AuthPlan:
    kind: str  # "api_key", "bearer", "basic", "none"; features: "session", "oauth"
    credentials: tuple[Credential, ...] = ()
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


@dataclass(frozen=True, slots=True)
class CredentialParam:
    name: Name  # client argument
    env: Name  # environment variable it defaults to
    doc: Doc
    wire: str = ""  # session: the login body field it fills (raw: printed with `py`)
    alternative: bool = False


@dataclass(frozen=True, slots=True)
class AuthView:
    kind: str
    params: tuple[CredentialParam, ...] = ()
    key_name: str = ""
    key_location: str = "header"
    token_url: str = ""
    login_path: str = ""
    refresh_path: str = ""
    access_field: str = ""
    refresh_field: str = ""

    @property
    def example_params(self) -> tuple[CredentialParam, ...]:
        """The arguments the README's constructor example passes (not the alternative tokens)."""
        return tuple(p for p in self.params if not p.alternative)


def plain_auth(api: Api, sink: DiagnosticSink) -> AuthPlan:
    """The core case: an API key if the spec has one, else bearer (or basic) over HTTP, or none."""
    schemes = used_schemes(api)
    api_key = next((s for s in schemes if s.kind == "apiKey"), None)
    if api_key is not None:
        location = (
            api_key.location if api_key.location in ("header", "query", "cookie") else "header"
        )
        return AuthPlan(
            "api_key",
            (Credential("api key", "the API key"),),
            key_name=api_key.param_name,
            key_location=location,
        )
    if not schemes:
        return AuthPlan("none")
    if all(s.kind == "http" and s.scheme == "basic" for s in schemes):
        return AuthPlan(
            "basic",
            (Credential("username", "the user name"), Credential("password", "the password")),
        )
    if not any(s.kind == "http" and s.scheme == "bearer" for s in schemes):
        sink.warn(
            "auth-unsupported",
            "/components/securitySchemes",
            f"security scheme kinds {sorted({s.kind for s in schemes})} are sent as a bearer token",
            "pass a token you obtained yourself, or configure a session login",
        )
    return AuthPlan("bearer", (Credential("token", "the bearer token"),))


def used_schemes(api: Api) -> list[SecurityScheme]:
    """The security schemes operations use (all of them when no operation names one)."""
    used = {s for op in api.operations for s in op.security}
    return [s for s in api.security_schemes if s.name in used] or list(api.security_schemes)


def auth_requests(plan: AuthPlan) -> tuple[NameRequest, ...]:
    return tuple(
        NameRequest(("auth", c.hint), NameKind.ARGUMENT, c.hint, CLIENT) for c in plan.credentials
    )


def auth_view(plan: AuthPlan, names: Names, env_prefix: str) -> AuthView:
    params = []
    for c in plan.credentials:
        name = names.requested[("auth", c.hint)]
        params.append(
            CredentialParam(
                name, Name(f"{env_prefix}_{name.upper()}"), doc(c.doc), c.wire, c.alternative
            )
        )
    return AuthView(
        plan.kind,
        tuple(params),
        plan.key_name,
        plan.key_location,
        plan.token_url,
        plan.login_path,
        plan.refresh_path,
        plan.access_field,
        plan.refresh_field,
    )
