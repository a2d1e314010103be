"""Where an API is served and how callers authenticate: the spec's `servers` and `securitySchemes`."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SecurityScheme:
    name: str
    kind: str  # "apiKey", "http", "oauth2", "openIdConnect", "mutualTLS"
    location: str = ""  # apiKey: header/query/cookie
    param_name: str = ""  # apiKey: header/query/cookie name
    scheme: str = ""  # http: bearer/basic
    token_url: str = ""  # oauth2 clientCredentials


@dataclass(frozen=True, slots=True)
class Server:
    url: str
    description: str = ""
    variables: tuple[tuple[str, str, tuple[str, ...]], ...] = ()  # (name, default, enum)

    @property
    def default_url(self) -> str:
        """The URL with every variable replaced by its default."""
        url = self.url
        for name, default, _ in self.variables:
            url = url.replace("{" + name + "}", default)
        return url
