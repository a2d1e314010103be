"""Redirects, followed by the runtime (never by httpx) so that credentials stay with their origin.

Within the origin of the first request (same scheme, host and port) a hop keeps every header, the
credentials (the auth flow runs again, query API keys are kept) and, for 307/308, the body. Once a
hop leaves that origin the chain carries only ``SAFE_REDIRECT_HEADERS``, no cookies, no auth and no
query parameter holding a credential, and never a request body: a 307/308 that would re-send a body
to another origin is refused. Login, refresh and token requests never leave their origin at all.
"""

from __future__ import annotations

from collections.abc import Iterable

import httpx

from ._constants import SAFE_REDIRECT_HEADERS
from ._exceptions import RedirectError
from ._logs import Redactor

__all__ = ["Redirects", "is_redirect", "origin", "where"]

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_BODY_HEADERS = frozenset(
    {"content-length", "content-type", "transfer-encoding", "content-encoding"}
)
_DEFAULT_PORTS = {"http": 80, "https": 443}


def origin(url: httpx.URL) -> tuple[str, str, int | None]:
    port = url.port if url.port is not None else _DEFAULT_PORTS.get(url.scheme)
    return url.scheme, url.host, port


def where(url: httpx.URL) -> str:
    """A URL for messages: without its query string (which may hold a credential or a signature)."""
    return str(url.copy_with(query=None, fragment=None))


def is_redirect(response: httpx.Response) -> bool:
    return response.status_code in REDIRECT_STATUSES and "location" in response.headers


def _method(method: str, status: int) -> str:
    """The method after a redirect, as browsers and httpx do it."""
    if status in (302, 303) and method != "HEAD":
        return "GET"
    if status == 301 and method == "POST":
        return "GET"
    return method


def _body(
    request: httpx.Request,
) -> tuple[bool, httpx.SyncByteStream | httpx.AsyncByteStream | None]:
    """(whether the request has a body, a stream that sends it again or None if it cannot)."""
    stream = request.stream
    if isinstance(stream, httpx.ByteStream):
        return bool(request.content), stream
    return True, stream if getattr(stream, "replayable", False) else None


class Redirects:
    """The redirect chain of one request (one attempt). ``crossed``: the chain has left the
    origin of the first request, so credentials are not sent any more."""

    def __init__(
        self,
        request: httpx.Request,
        *,
        max_hops: int,
        what: str = "the request",
        same_origin_only: bool = False,
        credential_params: Iterable[str] = (),
        secrets: Iterable[str] = (),
    ) -> None:
        self.origin = origin(request.url)
        self.first = request
        self.crossed = False
        self.hops = 0
        self.max_hops = max_hops
        self.what = what
        self.same_origin_only = same_origin_only
        self.credential_params = frozenset(credential_params)
        self.secrets = frozenset(secret for secret in secrets if secret)

    def _refuse(self, response: httpx.Response, url: httpx.URL | None, why: str) -> RedirectError:
        request = response.request
        target = where(url) if url is not None else None
        message = (
            f"{self.what} ({request.method} {where(request.url)}) answered "
            f"{response.status_code} {response.reason_phrase}".rstrip()
        )
        if target:
            message += f" to {target}"
        redact = Redactor(self.secrets)
        return RedirectError(
            redact(f"{message}: {why}"),
            response=response,
            location=redact(target) if target else None,
        )

    def follow(self, response: httpx.Response) -> httpx.Request:
        """The next request for redirect ``response``; ``RedirectError`` when it is refused."""
        request = response.request
        self.hops += 1
        if self.hops > self.max_hops:
            raise self._refuse(response, None, f"more than {self.max_hops} redirects")
        try:
            url = request.url.join(response.headers["location"])
        except (httpx.InvalidURL, UnicodeError, ValueError):
            raise self._refuse(response, None, "the Location header is not a valid URL") from None
        if url.scheme not in ("http", "https") or not url.host:
            raise self._refuse(response, None, "the Location header is not an http(s) URL")
        cross = self.crossed or origin(url) != self.origin
        if cross and self.same_origin_only:
            raise self._refuse(
                response,
                url,
                "this request is never redirected to another origin (its credentials and the "
                "token it returns must stay with the configured endpoint)",
            )
        method = _method(request.method, response.status_code)
        keeps_body = method == request.method
        has_body, stream = _body(request) if keeps_body else (False, None)
        if has_body and cross:
            raise self._refuse(
                response,
                url,
                "the request body is not re-sent to another origin; call the new location "
                "yourself if you trust it",
            )
        if has_body and stream is None:
            raise self._refuse(response, url, "the request body cannot be sent again")
        if cross:
            self.crossed = True
            headers = {
                k: v for k, v in request.headers.items() if k.lower() in SAFE_REDIRECT_HEADERS
            }
            url = self._without_credentials(url)
        else:
            drop = {"host"} if keeps_body else {"host", *_BODY_HEADERS}
            headers = {k: v for k, v in request.headers.items() if k.lower() not in drop}
            url = self._with_credentials(url)
        hop = httpx.Request(
            method,
            url,
            headers=headers,
            stream=stream if has_body else None,
            extensions=request.extensions,
        )
        if "host" not in hop.headers:  # httpx adds it only to requests built without a stream
            hop.headers["Host"] = url.netloc.decode("ascii")
        return hop

    def _without_credentials(self, url: httpx.URL) -> httpx.URL:
        items = url.params.multi_items()
        kept = [
            (k, v) for k, v in items if k not in self.credential_params and v not in self.secrets
        ]
        return url if len(kept) == len(items) else url.copy_with(params=kept)

    def _with_credentials(self, url: httpx.URL) -> httpx.URL:
        """Same origin: the query API keys of the first request, unless the target has them."""
        present = set(url.params.keys())
        missing = [
            (k, v)
            for k, v in self.first.url.params.multi_items()
            if k in self.credential_params and k not in present
        ]
        return url.copy_with(params=[*url.params.multi_items(), *missing]) if missing else url
