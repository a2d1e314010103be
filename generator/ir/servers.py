"""Where an API is served and how callers authenticate: the spec's `servers` and `securitySchemes`."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass(frozen=True, slots=True)
class SecurityScheme:
    """A security scheme of the spec: its kind and where its credential goes."""

    name: str
    kind: str  # "apiKey", "http", "oauth2", "openIdConnect", "mutualTLS"
    location: str = ""  # apiKey: header/query/cookie
    param_name: str = ""  # apiKey: header/query/cookie name
    scheme: str = ""  # http: bearer/basic
    token_url: str = ""  # oauth2 clientCredentials


@dataclass(frozen=True, slots=True)
class Server:
    """A server URL, with its variables' defaults and allowed values."""

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

    @property
    def relative_path(self) -> str | None:
        """For a URL relative to where the spec is served (`/api`, `v1`): its path, normalised to
        `/api` (`""` for the root); `None` for an absolute or network-path (`//host/...`) URL."""
        url = self.default_url.strip()
        if "://" in url or url.startswith("//"):
            return None
        parts = urlsplit(url)
        if parts.scheme or parts.netloc:
            return None
        path = posixpath.normpath("/" + parts.path)
        return "" if path.strip("/") == "" else "/" + path.strip("/")
