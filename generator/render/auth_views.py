"""How a generated client authenticates. The core case is decided here from the spec's security
schemes — an API key, a bearer token, HTTP basic, or none; session login and OAuth client credentials
are features (`features/session.py`, `features/oauth.py`) that hand back an `AuthPlan` of their own.

Whichever plan applies serves some of the security schemes the operations use; `with_schemes` adds a
credential for each other one (every further API key its own, one user name and password, one token)
and maps every scheme to the credential that serves it: `_credentials.make_auth` returns the runtime's
`Credentials`, and each operation sends what its security requirements ask for.

A plan names its credentials by words; the naming pass turns them into the client's arguments
(`auth_requests`), and `auth_view` reads them back, with the environment variable each defaults to."""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..diagnostics import DiagnosticSink
from ..ir import Api, SecurityScheme
from ..naming.names import Names
from ..naming.requests import NameKind, NameRequest
from .safe import Code, Doc, Name, code, doc
from .wire_views import default_requirements, requirements_code

CLIENT = "client"  # the naming scope of the client's constructor arguments


@dataclass(frozen=True, slots=True)
class Credential:
    """A credential the client takes: what it is called after and its doc."""

    hint: str  # the words of the client argument ("api key", or a login field's wire name)
    doc: str  # raw (a token URL, a login field: spec text)
    wire: str = ""  # session: the login body field it fills
    alternative: bool = False  # a token obtained elsewhere, instead of (or before) the credentials
    key: str = ""  # its naming-pass handle when `hint` is not unique (an extra credential's)


@dataclass(frozen=True, slots=True)
class ExtraCredential:
    """A credential beside the plan's own, for other security schemes the operations use."""

    kind: str  # "api_key", "bearer", "basic"
    credentials: tuple[Credential, ...]
    key_name: str = ""  # api_key (raw)
    key_location: str = "header"


@dataclass(frozen=True, slots=True)
class AuthPlan:
    """How the client authenticates: the kind, its credentials and where they go."""

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
    # added by `with_schemes`
    extras: tuple[ExtraCredential, ...] = ()
    roles: tuple[
        tuple[str, int], ...
    ] = ()  # scheme name → -1 (the plan's own) or an `extras` index
    default_security: tuple[tuple[str, ...], ...] = ()  # of operations stating none of their own


@dataclass(frozen=True, slots=True)
class CredentialParam:
    """A client argument for a credential, and the environment variable it defaults to."""

    name: Name  # client argument
    env: Name  # environment variable it defaults to
    doc: Doc
    wire: str = ""  # session: the login body field it fills (raw: printed with `py`)
    alternative: bool = False


@dataclass(frozen=True, slots=True)
class CredentialView:
    """An extra credential in `make_auth`: the variable holding its `Auth` (or None)."""

    kind: str  # "api_key", "bearer", "basic"
    var: Name
    params: tuple[CredentialParam, ...]
    key_name: str = ""  # raw: printed with `py`
    key_location: str = "header"


@dataclass(frozen=True, slots=True)
class SchemeView:
    """A security scheme the client can serve, and the credential serving it."""

    name: str  # the spec's security scheme name (raw: printed with `py`)
    var: Name  # the variable of the credential serving it
    needs: str  # what to pass for it, for MissingCredentialsError (raw: printed with `py`)


PRIMARY = Name("_auth")  # `make_auth`'s variable for the plan's own credential
NO_REQUIREMENTS = Code("()")


@dataclass(frozen=True, slots=True)
class AuthView:
    """The client's authentication code, as its template prints it."""

    kind: str
    params: tuple[CredentialParam, ...] = ()
    key_name: str = ""
    key_location: str = "header"
    token_url: str = ""
    login_path: str = ""
    refresh_path: str = ""
    access_field: str = ""
    refresh_field: str = ""
    own: tuple[CredentialParam, ...] = ()  # the plan's own credential's arguments
    extras: tuple[CredentialView, ...] = ()
    schemes: tuple[SchemeView, ...] = ()
    default_security: Code = NO_REQUIREMENTS
    example: tuple[CredentialParam, ...] | None = None  # None: every argument

    @property
    def example_params(self) -> tuple[CredentialParam, ...]:
        """The arguments the README's constructor example passes (not the alternative tokens): those
        of the credentials most operations need."""
        params = self.params if self.example is None else self.example
        return tuple(p for p in params if not p.alternative)

    @property
    def primary(self) -> Name:
        return PRIMARY

    @property
    def auth_imports(self) -> Code:
        """What `_credentials.py` imports from the runtime's `_auth` (with `Credentials`)."""
        kinds = {c.kind for c in self.extras} | {self.kind}
        names = {"Credentials"}
        names |= {"ApiKeyAuth"} if "api_key" in kinds else set()
        names |= {"BearerAuth"} if kinds & {"bearer", "oauth"} else set()
        names |= {"BasicAuth"} if "basic" in kinds else set()
        return code(", ".join(sorted(names)))


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


def _serves(plan: AuthPlan, scheme: SecurityScheme, first_key: str | None) -> bool:
    """Whether the plan's own credential is what this scheme sends."""
    if plan.kind == "api_key":
        return scheme.name == first_key
    if plan.kind == "basic":
        return _is_basic(scheme)
    return scheme.kind != "apiKey" and not _is_basic(scheme)  # bearer, session, oauth


def _is_basic(scheme: SecurityScheme) -> bool:
    return scheme.kind == "http" and scheme.scheme.lower() == "basic"


def with_schemes(plan: AuthPlan, api: Api) -> AuthPlan:
    """The plan, plus a credential for each security scheme it does not serve, every scheme's role,
    and the default security requirements."""
    if plan.kind == "none":
        return plan
    schemes = used_schemes(api)
    first_key = next((s.name for s in schemes if s.kind == "apiKey"), None)
    extras: list[ExtraCredential] = []
    shared: dict[str, int] = {}
    roles: list[tuple[str, int]] = []
    for s in schemes:
        if _serves(plan, s, first_key):
            roles.append((s.name, -1))
            continue
        if s.kind == "apiKey":
            hint = s.name.removesuffix("Auth").removesuffix("_auth") or s.param_name or "api key"
            location = s.location if s.location in ("header", "query", "cookie") else "header"
            extras.append(
                ExtraCredential(
                    "api_key",
                    (Credential(hint, f"the `{s.name}` API key", key=f"scheme {s.name}"),),
                    key_name=s.param_name,
                    key_location=location,
                )
            )
            roles.append((s.name, len(extras) - 1))
            continue
        kind = "basic" if _is_basic(s) else "bearer"
        if kind not in shared:
            shared[kind] = len(extras)
            extras.append(
                ExtraCredential(
                    "basic",
                    (
                        Credential("username", "the user name", key="scheme basic username"),
                        Credential("password", "the password", key="scheme basic password"),
                    ),
                )
                if kind == "basic"
                else ExtraCredential(
                    "bearer", (Credential("token", "the bearer token", key="scheme token"),)
                )
            )
        roles.append((s.name, shared[kind]))
    return replace(
        plan,
        extras=tuple(extras),
        roles=tuple(roles),
        default_security=default_requirements(api),
    )


def _all_credentials(plan: AuthPlan) -> tuple[Credential, ...]:
    return plan.credentials + tuple(c for e in plan.extras for c in e.credentials)


def auth_requests(plan: AuthPlan) -> tuple[NameRequest, ...]:
    return tuple(
        NameRequest(("auth", c.key or c.hint), NameKind.ARGUMENT, c.hint, CLIENT)
        for c in _all_credentials(plan)
    )


def auth_view(plan: AuthPlan, names: Names, env_prefix: str) -> AuthView:
    def param(c: Credential) -> CredentialParam:
        name = names.requested[("auth", c.key or c.hint)]
        return CredentialParam(
            name, Name(f"{env_prefix}_{name.upper()}"), doc(c.doc), c.wire, c.alternative
        )

    own = tuple(param(c) for c in plan.credentials)
    extras = tuple(
        CredentialView(
            e.kind,
            Name(f"_auth_{i + 1}"),
            tuple(param(c) for c in e.credentials),
            e.key_name,
            e.key_location,
        )
        for i, e in enumerate(plan.extras)
    )
    needs_own = _needs(plan.kind, own, plan.token_url)
    schemes = tuple(
        SchemeView(name, PRIMARY, needs_own)
        if role < 0
        else SchemeView(name, extras[role].var, _needs(extras[role].kind, extras[role].params))
        for name, role in plan.roles
    )
    roles = dict(plan.roles)
    first = plan.default_security[0] if plan.default_security else ()
    example = tuple(
        p
        for role in dict.fromkeys(roles[s] for s in first if s in roles)
        for p in (own if role < 0 else extras[role].params)
    )
    return AuthView(
        plan.kind,
        own + tuple(p for e in extras for p in e.params),
        plan.key_name,
        plan.key_location,
        plan.token_url,
        plan.login_path,
        plan.refresh_path,
        plan.access_field,
        plan.refresh_field,
        own=own,
        extras=extras,
        schemes=schemes,
        default_security=requirements_code(plan.default_security),
        example=example or own,
    )


def _needs(kind: str, params: tuple[CredentialParam, ...], token_url: str = "") -> str:
    """What to pass for a credential, as the MissingCredentialsError says it."""
    given = [p for p in params if not p.alternative]
    tokens = [p for p in params if p.alternative]
    if kind == "oauth":
        given = given if not token_url else [p for p in given if p.name != given[-1].name]
    text = " and ".join(f"{p.name}=..." for p in given)
    envs = [str(p.env) for p in given]
    where = f"the {envs[0]} environment variable" if len(envs) == 1 else " and ".join(envs)
    text = f"{text} (or {where})" if given else ""
    if tokens:
        text = f"{text}, or {tokens[0].name}=..." if text else f"{tokens[0].name}=..."
    return text
