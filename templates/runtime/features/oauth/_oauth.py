"""OAuth 2.0 client credentials: a cached access token, renewed before it expires and once on a 401.

`ClientCredentialsAuth` is an `httpx.Auth` flow, so the token request goes through the client's own
transport (proxies, test transports). One renewal happens at a time (a lock per auth object, sync and
async), and a burst of requests needing a token causes one token request. The token request uses the
calling request's timeouts and never follows a redirect to another origin. The client secret and the
tokens never appear in reprs, messages or logs.
"""

from __future__ import annotations

import math
import time
from collections.abc import Generator, Sequence

import httpx

from ._session import AuthenticationError_, RenewingAuth

__all__ = ["ClientCredentialsAuth"]

EXPIRY_MARGIN = 60.0
"""Renew this many seconds before the token's `expires_in` runs out."""
DEFAULT_LIFETIME = 3600.0
"""Assumed lifetime when the token response has no `expires_in`."""


class ClientCredentialsAuth(RenewingAuth):
    """``grant_type=client_credentials`` against ``token_url``; ``Authorization: Bearer`` on every call."""

    def __init__(
        self,
        *,
        client_id: str,
        client_secret: str,
        token_url: str,
        scopes: Sequence[str] = (),
        clock: object = None,
        access_token: str | None = None,
    ) -> None:
        """``access_token``: a token obtained elsewhere, used until the API answers 401 (its expiry is
        unknown), then replaced by one from ``token_url``."""
        if not token_url.startswith(("https://", "http://")):
            raise ValueError("token_url must be an absolute http(s) URL")
        self.client_id = client_id
        self._secret = client_secret
        self.token_url = token_url
        self.scopes = tuple(scopes)
        self._clock = clock if callable(clock) else time.time
        self._access: str | None = access_token or None
        self._expires = math.inf if self._access else 0.0
        super().__init__()

    def secrets(self) -> tuple[str, ...]:
        return tuple(v for v in (self._secret, self._access) if v)

    def __repr__(self) -> str:
        state = "token cached" if self._access else "no token yet"
        return f"ClientCredentialsAuth(client_id={self.client_id!r}, client_secret='****', {state})"

    @property
    def expires_at(self) -> float | None:
        """When the cached token expires (epoch seconds); ``None`` before the first token and for a
        token given to the constructor (its expiry is unknown)."""
        return self._expires if self._access and self._expires != math.inf else None

    def invalidate(self) -> None:
        """Forget the cached token: the next request fetches a new one."""
        self._access = None

    # -- token request ------------------------------------------------------------------------
    def _token_request(self) -> httpx.Request:
        form = {
            "grant_type": "client_credentials",
            "client_id": self.client_id,
            "client_secret": self._secret,
        }
        if self.scopes:
            form["scope"] = " ".join(self.scopes)
        return httpx.Request(
            "POST", self.token_url, data=form, headers={"Accept": "application/json"}
        )

    def _store(self, response: httpx.Response) -> None:
        if not response.is_success:
            raise AuthenticationError_(
                f"the token endpoint answered HTTP {response.status_code}; check the client id, "
                "client secret and token URL"
            )
        try:
            data = response.json()
        except ValueError:
            data = None
        token = data.get("access_token") if isinstance(data, dict) else None
        if not isinstance(token, str) or not token:
            raise AuthenticationError_("the token endpoint's response has no access_token")
        lifetime = data.get("expires_in") if isinstance(data, dict) else None
        seconds = float(lifetime) if isinstance(lifetime, (int, float)) and lifetime > 0 else None
        self._access = token
        self._expires = self._clock() + (seconds if seconds is not None else DEFAULT_LIFETIME)

    def _stale(self) -> bool:
        return self._access is None or self._expires - EXPIRY_MARGIN <= self._clock()

    def _renew(
        self, failed: str | None, request: httpx.Request
    ) -> Generator[httpx.Request, httpx.Response, None]:
        """Fetch a token, unless another request renewed it since ``failed`` was used."""
        if self._access is not None and self._access != failed and not self._stale():
            return
        response = yield from self._exchange(
            self._token_request(), request, "the OAuth token request"
        )
        self._store(response)
