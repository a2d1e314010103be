"""Credentials applied to outgoing requests. Reprs never show secrets."""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from typing import Literal, Protocol, runtime_checkable

from ._exceptions import MissingCredentialsError

__all__ = ["ApiKeyAuth", "Auth", "BasicAuth", "BearerAuth", "Credentials", "MultiAuth", "auth_for"]

Requirements = Sequence[Sequence[str]]
"""A spec's ``security``: alternatives (any one suffices), each naming schemes that all apply."""


@runtime_checkable
class Auth(Protocol):
    """Anything that can add credentials to a request's headers and query parameters."""

    def apply(self, headers: dict[str, str], query: dict[str, str]) -> None:
        """Add credentials to ``headers`` / ``query`` (mutated in place)."""
        ...

    def secrets(self) -> tuple[str, ...]:
        """Every secret string this object may put on the wire (redacted from logs)."""
        ...


class ApiKeyAuth:
    """An API key sent in a header, a query parameter or a cookie."""

    __slots__ = ("__weakref__", "_value", "location", "name")

    def __init__(
        self, name: str, location: Literal["header", "query", "cookie"], value: str
    ) -> None:
        if location not in ("header", "query", "cookie"):
            raise ValueError(f"Unknown API key location {location!r}")
        self.name = name
        self.location: Literal["header", "query", "cookie"] = location
        self._value = value

    def apply(self, headers: dict[str, str], query: dict[str, str]) -> None:
        if self.location == "header":
            headers[self.name] = self._value
        elif self.location == "query":
            query[self.name] = self._value
        else:
            _check_cookie_name(self.name)
            cookie = f"{self.name}={self._value}"
            existing = _pop_header(headers, "cookie")
            headers["Cookie"] = f"{existing}; {cookie}" if existing else cookie

    def secrets(self) -> tuple[str, ...]:
        return (self._value,)

    def __repr__(self) -> str:
        return f"ApiKeyAuth(name={self.name!r}, location={self.location!r}, value='****')"


class BearerAuth:
    """``Authorization: Bearer <token>``."""

    __slots__ = ("__weakref__", "_token")

    def __init__(self, token: str) -> None:
        self._token = token

    def apply(self, headers: dict[str, str], query: dict[str, str]) -> None:
        headers["Authorization"] = f"Bearer {self._token}"

    def secrets(self) -> tuple[str, ...]:
        return (self._token,)

    def __repr__(self) -> str:
        return "BearerAuth(token='****')"


class BasicAuth:
    """HTTP Basic authentication."""

    __slots__ = ("__weakref__", "_password", "username")

    def __init__(self, username: str, password: str) -> None:
        self.username = username
        self._password = password

    def _encoded(self) -> str:
        return base64.b64encode(f"{self.username}:{self._password}".encode()).decode("ascii")

    def apply(self, headers: dict[str, str], query: dict[str, str]) -> None:
        headers["Authorization"] = f"Basic {self._encoded()}"

    def secrets(self) -> tuple[str, ...]:
        return (self._password, self._encoded())

    def __repr__(self) -> str:
        return f"BasicAuth(username={self.username!r}, password='****')"


class MultiAuth:
    """Several schemes at once (an operation requiring e.g. an API key *and* an app id)."""

    __slots__ = ("__weakref__", "auths")

    def __init__(self, *auths: Auth) -> None:
        self.auths = auths

    def apply(self, headers: dict[str, str], query: dict[str, str]) -> None:
        for auth in self.auths:
            auth.apply(headers, query)

    def secrets(self) -> tuple[str, ...]:
        return tuple(secret for auth in self.auths for secret in auth.secrets())

    def __repr__(self) -> str:
        return f"MultiAuth({', '.join(repr(auth) for auth in self.auths)})"


class Credentials:
    """The credentials a client was given, by the spec's security scheme name, and the choice of
    what to send for each operation (``select``).

    ``schemes`` maps every scheme to the ``Auth`` built from the user's credentials, or ``None`` when
    they were not given (checked per operation, not when the client is built). ``needs`` says, per
    scheme, what to pass (``"api_key=... (or CX_API_KEY)"``) for the ``MissingCredentialsError``.
    ``default`` is the requirement list of operations that do not state their own.
    """

    __slots__ = ("__weakref__", "_needs", "_schemes", "default")

    def __init__(
        self,
        schemes: Mapping[str, Auth | None],
        *,
        needs: Mapping[str, str],
        default: Requirements = (),
    ) -> None:
        self._schemes = dict(schemes)
        self._needs = dict(needs)
        self.default: tuple[tuple[str, ...], ...] = tuple(tuple(r) for r in default)

    def select(
        self, requirements: Requirements | None, what: str = "This operation"
    ) -> Auth | None:
        """The auth for an operation with these requirements (``None``: ``default``): the first
        alternative whose schemes were all given credentials, every scheme of it applied (a scheme
        sharing another's credentials is applied once); ``None`` when an alternative is empty (no
        credentials needed) and no other can be met. Otherwise ``MissingCredentialsError``."""
        alternatives = self.default if requirements is None else requirements
        anonymous = False
        for requirement in alternatives:
            if not requirement:
                anonymous = True
                continue
            auths = [self._schemes.get(name) for name in requirement]
            if all(auth is not None for auth in auths):
                unique = list(dict.fromkeys(auth for auth in auths if auth is not None))
                return unique[0] if len(unique) == 1 else MultiAuth(*unique)
        if anonymous or not alternatives:
            return None
        options = [
            " and ".join(dict.fromkeys(self._need(name) for name in requirement))
            for requirement in alternatives
        ]
        raise MissingCredentialsError(
            f"{what} needs credentials the client was not given: pass {' or '.join(options)}."
        )

    def _need(self, scheme: str) -> str:
        need = self._needs.get(scheme)
        return need or f"credentials for the security scheme {scheme!r} (not defined by the spec)"

    def apply(self, headers: dict[str, str], query: dict[str, str]) -> None:
        """Apply what ``default`` selects (the ``Auth`` protocol, for callers without an endpoint)."""
        auth = self.select(None)
        if auth is not None:
            auth.apply(headers, query)

    def secrets(self) -> tuple[str, ...]:
        return tuple(secret for auth in self.given() for secret in auth.secrets())

    def given(self) -> tuple[Auth, ...]:
        """The distinct ``Auth`` objects the user gave credentials for."""
        return tuple(dict.fromkeys(a for a in self._schemes.values() if a is not None))

    def __repr__(self) -> str:
        inner = ", ".join(f"{name!r}: {auth!r}" for name, auth in self._schemes.items())
        return f"Credentials({{{inner}}})"


def auth_for(
    auth: Auth | None, *, enabled: bool, requirements: Requirements | None, what: str
) -> Auth | None:
    """What an operation sends: with ``Credentials``, per its security ``requirements``
    (``MissingCredentialsError`` when none can be met; ``None`` requirements: the default when
    ``enabled``, else nothing); any other auth is sent for every operation ``enabled``."""
    if isinstance(auth, Credentials):
        if requirements is None and not enabled:
            return None
        return auth.select(requirements, what)
    return auth if enabled else None


_COOKIE_SEPARATORS = frozenset('()<>@,;:\\"/[]?={} \t')


def _check_cookie_name(name: str) -> None:
    """An API key cookie's name is an RFC 6265 token; any other (a spec's ``"My Key"``) could not be
    read back as that cookie, or could forge others: a clear ``ValueError`` before anything is sent."""
    if not name or any(ord(c) < 0x21 or ord(c) > 0x7E or c in _COOKIE_SEPARATORS for c in name):
        raise ValueError(
            f"Invalid API key cookie name {name!r}: a cookie name is a token (letters, digits and "
            "!#$%&'*+-.^_`|~; no spaces or separators), so the key cannot be sent as that cookie "
            "(the spec's security scheme names it so). Nothing was sent."
        )


def _pop_header(headers: dict[str, str], name: str) -> str | None:
    for key in list(headers):
        if key.lower() == name:
            return headers.pop(key)
    return None
