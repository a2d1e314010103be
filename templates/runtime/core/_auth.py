"""Credentials applied to outgoing requests. Reprs never show secrets."""

from __future__ import annotations

import base64
from typing import Literal, Protocol, runtime_checkable

__all__ = ["ApiKeyAuth", "Auth", "BasicAuth", "BearerAuth", "MultiAuth"]


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


def _pop_header(headers: dict[str, str], name: str) -> str | None:
    for key in list(headers):
        if key.lower() == name:
            return headers.pop(key)
    return None
