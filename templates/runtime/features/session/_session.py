"""Bearer tokens from a login endpoint, refreshed when they expire or a 401 says so.

`SessionAuth` is an `httpx.Auth` flow, so the login and refresh calls go through the same transport as
every other request. One refresh happens at a time (a lock per auth object, sync and async); a request
that failed with 401 is retried once with the new token. Login and refresh requests use the calling
request's timeouts and never follow a redirect to another origin. Secrets never appear in reprs or
messages.
"""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import AsyncGenerator, Generator, Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import httpx

from ._body import aread_body, read_body
from ._constants import DEFAULT_TIMEOUT
from ._exceptions import AuthenticationError
from ._limits import LIMITS_KEY, limits_of
from ._redirects import Redirects, is_redirect

if TYPE_CHECKING:
    import asyncio

__all__ = ["RenewingAuth", "SessionAuth", "SessionConfig"]

EXPIRY_MARGIN = 30.0  # refresh this many seconds before a JWT's `exp`


class SessionConfig:
    """Where the login and refresh endpoints are and where their responses keep the tokens."""

    def __init__(
        self,
        *,
        login_path: str,
        refresh_path: str | None,
        access_token_field: str,
        refresh_token_field: str | None,
        refresh_body_field: str | None = "refreshToken",
    ) -> None:
        self.login_path = login_path
        self.refresh_path = refresh_path
        self.access_token_field = access_token_field
        self.refresh_token_field = refresh_token_field
        self.refresh_body_field = refresh_body_field


def _dig(data: Any, dotted: str | None) -> str | None:
    if not dotted:
        return None
    for part in dotted.split("."):
        if not isinstance(data, Mapping):
            return None
        data = data.get(part)
    return data if isinstance(data, str) and data else None


def _jwt_expiry(token: str) -> float | None:
    """The `exp` claim of a JWT, or None when the token is not a readable JWT (never verified here)."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    try:
        payload = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except (ValueError, json.JSONDecodeError):
        return None
    exp = payload.get("exp") if isinstance(payload, dict) else None
    return float(exp) if isinstance(exp, (int, float)) else None


class RenewingAuth(httpx.Auth):
    """A bearer token renewed by ``_renew`` when ``_stale()`` and once after a 401.

    One renewal at a time (a lock per auth object, sync and async): a request waiting for the lock
    remembers the token it saw before, so once another request has renewed it, it uses the new
    token instead of renewing again (a burst of requests causes one renewal). A request that failed
    with 401 is retried once with the new token. Token requests use the timeouts and limits of the
    call they authorise and never follow a redirect to another origin.
    """

    requires_response_body = False  # the bodies this flow needs are read here, bounded
    _access: str | None

    def secrets(self) -> tuple[str, ...]:
        raise NotImplementedError

    def __init__(self) -> None:
        self._sync_lock = threading.Lock()
        self._async_lock: asyncio.Lock | None = None

    def apply(self, headers: dict[str, str], query: dict[str, str]) -> None:
        """Nothing at prepare time: the token is added by the httpx auth flow."""

    def _stale(self) -> bool:
        raise NotImplementedError

    def _renew(
        self, failed_token: str | None, request: httpx.Request
    ) -> Generator[httpx.Request, httpx.Response, None]:
        raise NotImplementedError

    def _authorize(self, request: httpx.Request) -> None:
        request.headers["Authorization"] = f"Bearer {self._access}"

    def _exchange(
        self, auth_request: httpx.Request, request: httpx.Request, what: str
    ) -> Generator[httpx.Request, httpx.Response, httpx.Response]:
        """Send a login/refresh/token request with the timeouts and limits of ``request`` (the
        call it authorises); same-origin redirects only. Returns the response, body read."""
        limits = limits_of(request)
        timeout = request.extensions.get("timeout") or DEFAULT_TIMEOUT.as_dict()
        auth_request.extensions = {
            **auth_request.extensions,
            "timeout": limits.capped(timeout).as_dict(),
            LIMITS_KEY: limits,
        }
        redirects = Redirects(
            auth_request,
            max_hops=limits.max_redirects,
            what=what,
            same_origin_only=True,
            secrets=self.secrets(),
        )
        response = yield auth_request
        while is_redirect(response):
            read_body(response)  # a no-op when the async flow already read it
            response = yield redirects.follow(response)
        read_body(response)
        return response

    def sync_auth_flow(
        self, request: httpx.Request
    ) -> Generator[httpx.Request, httpx.Response, None]:
        seen = self._access
        if self._stale():
            with _held(self._sync_lock, request):
                yield from self._renew(seen, request)
        token = self._access
        self._authorize(request)
        response = yield request
        if response.status_code == 401:
            read_body(response)  # httpx reads it before the retry: bounded here
            with _held(self._sync_lock, request):
                yield from self._renew(token, request)
            self._authorize(request)
            yield request

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        if self._async_lock is None:
            import asyncio  # here, not at the top: sync-only programs never import asyncio for it

            self._async_lock = asyncio.Lock()
        seen = self._access
        if self._stale():
            async with self._async_lock:
                for step in _steps(self._renew(seen, request)):
                    step.bind(await _read((yield step.request)))
        token = self._access
        self._authorize(request)
        response = yield request
        if response.status_code == 401:
            await aread_body(response)
            async with self._async_lock:
                for step in _steps(self._renew(token, request)):
                    step.bind(await _read((yield step.request)))
            self._authorize(request)
            yield request


@contextmanager
def _held(lock: threading.Lock, request: httpx.Request) -> Iterator[None]:
    """``lock``, waited for no longer than the call's ``total_timeout`` allows."""
    limits = limits_of(request)
    left = limits.remaining()
    if not lock.acquire(timeout=-1 if left is None else left):
        raise limits.timeout_error(request)
    try:
        yield
    finally:
        lock.release()


class SessionAuth(RenewingAuth):
    def __init__(
        self,
        config: SessionConfig,
        base_url: str,
        *,
        credentials: Mapping[str, str] | None = None,
        access_token: str | None = None,
        refresh_token: str | None = None,
    ) -> None:
        self._config = config
        self._base_url = base_url.rstrip("/")
        self._credentials = dict(credentials or {})
        self._access = access_token
        self._refresh = refresh_token
        self._expires = _jwt_expiry(access_token) if access_token else None
        super().__init__()

    # -- secrets ------------------------------------------------------------------------------
    def secrets(self) -> tuple[str, ...]:
        values = [self._access, self._refresh, *self._credentials.values()]
        return tuple(v for v in values if v)

    def __repr__(self) -> str:
        state = "logged in" if self._access else "not logged in"
        return f"SessionAuth({state})"

    @property
    def access_token(self) -> str | None:
        return self._access

    # -- requests -----------------------------------------------------------------------------
    def _login_request(self) -> httpx.Request:
        if not self._credentials:
            raise AuthenticationError_(
                "the access token expired and no login credentials were given"
            )
        return httpx.Request(
            "POST", self._base_url + self._config.login_path, json=self._credentials
        )

    def _refresh_request(self) -> httpx.Request | None:
        if not self._config.refresh_path or not (self._refresh or self._access):
            return None
        body = (
            {self._config.refresh_body_field: self._refresh}
            if (self._config.refresh_body_field and self._refresh)
            else {}
        )
        headers = {"Authorization": f"Bearer {self._access}"} if self._access else {}
        return httpx.Request(
            "POST", self._base_url + self._config.refresh_path, json=body, headers=headers
        )

    def _store(self, response: httpx.Response, *, what: str) -> bool:
        if not response.is_success:
            return False
        try:
            data = response.json()
        except ValueError:
            return False
        access = _dig(data, self._config.access_token_field)
        if access is None:
            return False
        self._access = access
        self._expires = _jwt_expiry(access)
        refresh = _dig(data, self._config.refresh_token_field)
        if refresh:
            self._refresh = refresh
        return True

    def _stale(self) -> bool:
        if self._access is None:
            return True
        return self._expires is not None and self._expires - EXPIRY_MARGIN <= time.time()

    # -- flows --------------------------------------------------------------------------------
    def _renew(
        self, failed_token: str | None, request: httpx.Request
    ) -> Generator[httpx.Request, httpx.Response, None]:
        """Refresh (or log in again); skipped when another request already renewed the token."""
        if self._access != failed_token and not self._stale():
            return
        refresh = self._refresh_request() if self._access else None
        if refresh is not None:
            response = yield from self._exchange(refresh, request, "the refresh request")
            if self._store(response, what="refresh"):
                return
        if not self._credentials:
            raise AuthenticationError_(
                "the session expired and could not be refreshed; log in again"
            )
        response = yield from self._exchange(self._login_request(), request, "the login request")
        if not self._store(response, what="login"):
            raise AuthenticationError_(f"login failed with HTTP {response.status_code}")


class _Step:
    def __init__(
        self, gen: Generator[httpx.Request, httpx.Response, None], request: httpx.Request
    ) -> None:
        self.gen = gen
        self.request = request
        self.response: httpx.Response | None = None

    def bind(self, response: httpx.Response) -> None:
        self.response = response


def _steps(gen: Generator[httpx.Request, httpx.Response, None]) -> Generator[_Step, None, None]:
    """Drive a sync request/response generator from an async flow, one request at a time."""
    try:
        request = next(gen)
    except StopIteration:
        return
    while True:
        step = _Step(gen, request)
        yield step
        assert step.response is not None
        try:
            request = gen.send(step.response)
        except StopIteration:
            return


async def _read(response: httpx.Response) -> httpx.Response:
    """Read a token response's body, bounded (the sync steps then find it read)."""
    await aread_body(response)
    return response


def AuthenticationError_(message: str) -> AuthenticationError:
    """An AuthenticationError for a failed login/refresh (there is no HTTP response to attach)."""
    response = httpx.Response(401, request=httpx.Request("POST", "https://session.invalid/"))
    return AuthenticationError(message, response=response, body=None, code="session_failed")
