"""The base URL of a client and of each request: trailing slash, the spec's relative server path,
operation-level servers."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx

__all__ = ["normalize_base_url", "request_base_url", "with_server_path"]


def normalize_base_url(base_url: str | httpx.URL) -> str:
    url = str(base_url).strip()
    if not url.endswith("/"):
        url += "/"
    return url


def with_server_path(base_url: str | httpx.URL, server_path: str) -> str:
    """``base_url`` with the spec's relative server path (``/api``) after its own path, unless that
    path already ends with it (``https://host`` and ``https://host/api`` both give ``https://host/api/``)."""
    url = normalize_base_url(base_url)
    wanted = server_path.strip("/")
    if not wanted:
        return url
    parts = urlsplit(url)
    path = parts.path.rstrip("/")
    if not (path + "/").endswith(f"/{wanted}/"):
        path = f"{path}/{wanted}"
    return urlunsplit(parts._replace(path=path + "/"))


def request_base_url(base_url: str, default_base_url: str, server: str | None) -> str:
    """An operation's own server while the client runs on the spec's default base URL (an absolute
    server replaces it, a relative one is resolved against it); else the client's base URL."""
    if server is None or base_url != normalize_base_url(default_base_url):
        return base_url
    return normalize_base_url(urljoin(base_url, server))
