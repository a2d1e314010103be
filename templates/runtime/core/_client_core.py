"""Machinery shared by the sync and async clients: options, preparation, retry decisions."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Self, TypeVar

import httpx

from ._auth import Auth, MultiAuth, auth_for
from ._base_url import request_base_url, with_server_path
from ._constants import (
    DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_MAX_RETRIES,
    DEFAULT_MAX_RETRY_WAIT,
    DEFAULT_TIMEOUT,
)
from ._exceptions import APIStatusError, ErrorEntries, make_status_error
from ._hooks import AsyncHooks, Hooks
from ._http_pool import LazyHttp
from ._limits import CallLimits
from ._logs import logger, register_auth
from ._nonjson import decode_success
from ._options import RequestOptions
from ._parse import shape_result
from ._prepare import PreparedRequest, RequestBuilder, prepare_request
from ._ratelimit import Pacer
from ._retry import (
    RetryDecision,
    connection_error,
    retry_exception,
    retry_status,
    within_deadline,
)
from ._types import NOT_GIVEN, NotGiven, Timeout

if TYPE_CHECKING:
    from ._endpoint import AnyEndpoint, ResponseSpec

__all__ = ["BaseClient", "LazyHttp"]

_HttpxT = TypeVar("_HttpxT", httpx.Client, httpx.AsyncClient)
_HooksT = TypeVar("_HooksT", Hooks, AsyncHooks)

# Constructor arguments that leave the credentials as they are (a `with_options` copy keeps them).
_KEEPS_CREDENTIALS = frozenset(
    {
        "timeout",
        "max_retries",
        "http_client",
        "default_headers",
        "strict_response_validation",
        "max_retry_wait",
        "pace_rate_limit",
        "max_response_bytes",
        "total_timeout",
        "hooks",
    }
)


def _check_bounds(max_response_bytes: int | None, total_timeout: float | None) -> None:
    if max_response_bytes is not None and max_response_bytes < 0:
        raise ValueError("max_response_bytes must be >= 0 (or None for no limit)")
    if total_timeout is not None and not total_timeout > 0:
        raise ValueError("total_timeout must be > 0 seconds (or None for no total bound)")


def _to_timeout(value: Timeout) -> httpx.Timeout:
    return value if isinstance(value, httpx.Timeout) else httpx.Timeout(value)


class BaseClient(Generic[_HttpxT, _HooksT]):
    """What both clients share; ``SyncAPIClient`` (``httpx.Client``, ``Hooks``) and
    ``AsyncAPIClient`` (``httpx.AsyncClient``, ``AsyncHooks``) add sending and ``_new_http``."""

    _pool: LazyHttp[_HttpxT]
    _owns_http: bool
    _arguments: Mapping[str, object] = {}
    """The generated constructor's arguments as given (what ``_copy`` rebuilds from)."""
    default_base_url: ClassVar[str] = ""
    """The spec's first server (generated clients set it). While ``base_url`` is this URL,
    operations with their own ``servers`` go to their server; any other ``base_url`` wins."""
    server_path: ClassVar[str] = ""
    """The path of the spec's relative server (``servers: [{url: /api}]``): kept after every
    ``base_url`` whose path does not end with it already."""
    error_entries: ClassVar[tuple[ErrorEntries, ...]] = ()  # `APIStatusError.errors` (JSON:API)

    def __init__(
        self,
        *,
        base_url: str,
        auth: Auth | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int = DEFAULT_MAX_RETRIES,
        http_client: _HttpxT | None = None,
        default_headers: Mapping[str, str] | None = None,
        user_agent: str = "clientgen-python",
        error_codes: Mapping[str, type[APIStatusError]] = {},
        strict_response_validation: bool = False,
        max_retry_wait: float = DEFAULT_MAX_RETRY_WAIT,
        pace_rate_limit: bool = False,
        idempotency_header: str | None = None,
        max_response_bytes: int | None = DEFAULT_MAX_RESPONSE_BYTES,
        total_timeout: float | None = None,
        hooks: _HooksT | None = None,
    ) -> None:
        if max_retries < 0:
            raise ValueError("max_retries must be >= 0")
        _check_bounds(max_response_bytes, total_timeout)
        self.base_url = with_server_path(base_url, self.server_path)
        self._auth = auth
        self.max_retries = max_retries
        if isinstance(timeout, NotGiven):
            self.timeout = http_client.timeout if http_client is not None else DEFAULT_TIMEOUT
        else:
            self.timeout = _to_timeout(timeout)
        self.user_agent = user_agent
        self.default_headers: dict[str, str] = dict(default_headers or {})
        self.error_codes: dict[str, type[APIStatusError]] = dict(error_codes)
        self.strict_response_validation = strict_response_validation
        self.max_retry_wait = max_retry_wait
        self.pace_rate_limit = pace_rate_limit
        self.idempotency_header = idempotency_header
        self.max_response_bytes = max_response_bytes
        """Largest decoded body read into memory (JSON, text, error bodies, ``content``);
        ``None``: unlimited. Streamed binary downloads are not limited."""
        self.total_timeout = total_timeout
        """Seconds a whole call may take, across retries, redirects, auth renewal and reading the
        body; ``None``: no total bound (each request is still bounded by ``timeout``)."""
        self._pacer = Pacer()
        self._base_headers = self._compute_base_headers()
        self._builder = RequestBuilder()
        self._owns_http = http_client is None
        self._pool = LazyHttp(http_client, self._new_http)
        self.hooks: _HooksT | None = hooks
        """Your code around every request (see ``_hooks.py``); ``None``: no hooks."""
        register_auth(auth)

    def _new_http(self) -> _HttpxT:
        """The ``httpx`` client made on the first request when none was passed in."""
        raise NotImplementedError

    def _compute_base_headers(self) -> dict[str, str]:
        headers = {"Accept": "application/json", "User-Agent": self.user_agent}
        lowered = {name.lower() for name in self.default_headers}
        headers = {k: v for k, v in headers.items() if k.lower() not in lowered}
        headers.update(self.default_headers)
        return headers

    @property
    def _http(self) -> _HttpxT:
        """The ``httpx`` client (created here on the first request unless one was passed in)."""
        return self._pool.get()

    # -- options ---------------------------------------------------------------------------

    def _copy(self, changes: Mapping[str, object]) -> Self:
        """What a generated client's ``with_options(...)`` returns: a new client built from the
        arguments this one was built with (``_arguments``, recorded by the generated constructor) and
        the ``changes`` given (``NOT_GIVEN`` = keep). ``default_headers`` are merged into the current
        ones. The copy shares the connection pool (unless ``http_client`` is given) and the
        rate-limit pacing state, and — unless a credential, ``base_url`` or another argument that
        decides them changes — the credentials themselves (a session or OAuth token is not fetched
        again). Closing the copy leaves the pool open; closing the original closes it.
        """
        given = {k: v for k, v in changes.items() if not isinstance(v, NotGiven)}
        arguments: dict[str, Any] = dict(self._arguments)
        headers = given.get("default_headers")
        if isinstance(headers, Mapping):
            given["default_headers"] = {**(arguments.get("default_headers") or {}), **headers}
        new = type(self)(**{**arguments, **given})
        new._owns_http = False
        if "http_client" not in given:
            new._pool = self._pool
        if given.keys() <= _KEEPS_CREDENTIALS:
            new._auth = self._auth
        new._pacer = self._pacer
        return new

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r}, auth={self._auth!r})"

    # -- request helpers shared by the sync and async clients ----------------------------

    def _base_url_for(self, endpoint: AnyEndpoint) -> str:
        return request_base_url(self.base_url, self.default_base_url, endpoint.server)

    def _auth_for(self, endpoint: AnyEndpoint) -> Auth | None:
        return auth_for(
            self._auth,
            enabled=endpoint.auth,
            requirements=endpoint.security,
            what=f"{endpoint.method} {endpoint.path}",
        )

    def _prepare(self, endpoint: AnyEndpoint, options: RequestOptions) -> PreparedRequest:
        prepared = prepare_request(
            endpoint,
            options,
            base_url=self._base_url_for(endpoint),
            base_headers=self._base_headers,
            auth=self._auth_for(endpoint),
            idempotency_header=self.idempotency_header,
        )
        if endpoint.accept != "application/json" and (
            prepared.headers.get("Accept") == "application/json"
        ):
            prepared.headers["Accept"] = endpoint.accept
        return prepared

    def _flow_auth(self, endpoint: AnyEndpoint) -> Any:
        """An ``Auth`` that is also an ``httpx.Auth`` flow (login/refresh) runs inside httpx."""
        auth = self._auth_for(endpoint)
        for part in auth.auths if isinstance(auth, MultiAuth) else (auth,):
            if isinstance(part, httpx.Auth):
                return part
        return httpx.USE_CLIENT_DEFAULT

    def _call_settings(
        self, options: RequestOptions, http: _HttpxT
    ) -> tuple[int, httpx.Timeout, CallLimits]:
        max_retries = (
            self.max_retries if isinstance(options.max_retries, NotGiven) else options.max_retries
        )
        timeout = (
            self.timeout if isinstance(options.timeout, NotGiven) else _to_timeout(options.timeout)
        )
        limits = CallLimits.start(
            total_timeout=self.total_timeout,
            max_bytes=self.max_response_bytes,
            max_redirects=http.max_redirects,
        )
        return max(0, max_retries), timeout, limits

    def _pacing_delay(self, limits: CallLimits) -> float:
        delay = self._pacer.delay()
        if delay > 0:
            delay = min(delay, self.max_retry_wait)
            left = limits.remaining()
            if left is not None:
                delay = min(delay, left)
            logger.info("Rate limit exhausted: waiting %.2f s for the reset", delay)
        return delay

    def _transport_retry(
        self,
        exc: httpx.RequestError,
        request: httpx.Request,
        prepared: PreparedRequest,
        attempt: int,
        max_retries: int,
        limits: CallLimits,
    ) -> float:
        """Seconds to wait before retrying after ``exc``; raises when not retrying."""
        decision = within_deadline(
            retry_exception(
                exc,
                idempotent=prepared.idempotent,
                replayable=prepared.replayable,
                attempt=attempt,
                max_retries=max_retries,
            ),
            limits,
        )
        if decision.delay is None:
            raise connection_error(exc, request, prepared.redact, attempt, decision) from exc
        self._log_retry(prepared, request, attempt, max_retries, type(exc).__name__, decision)
        return decision.delay

    def _after_response(
        self,
        prepared: PreparedRequest,
        response: httpx.Response,
        attempt: int,
        max_retries: int,
        elapsed: float,
        limits: CallLimits,
    ) -> RetryDecision | None:
        """``None`` for a success; otherwise the retry decision for the error status."""
        if logger.isEnabledFor(logging.DEBUG):
            request_id = response.headers.get("x-request-id")
            logger.debug(
                "%s -> %d %s in %.1f ms (attempt %d/%d%s)",
                prepared.redact(f"{response.request.method} {response.request.url}"),
                response.status_code,
                response.reason_phrase,
                elapsed * 1000,
                attempt,
                max_retries + 1,
                f", request id {request_id}" if request_id else "",
            )
        if self.pace_rate_limit:
            self._pacer.observe(response.headers)
        if response.is_success:
            return None
        decision = within_deadline(
            retry_status(
                response,
                idempotent=prepared.idempotent,
                replayable=prepared.replayable,
                attempt=attempt,
                max_retries=max_retries,
                max_wait=self.max_retry_wait,
            ),
            limits,
        )
        if decision.delay is not None:
            cause = str(response.status_code)
            self._log_retry(prepared, response.request, attempt, max_retries, cause, decision)
        return decision

    def _status_error(
        self,
        response: httpx.Response,
        prepared: PreparedRequest,
        endpoint: AnyEndpoint,
        attempt: int,
        note: str | None,
    ) -> APIStatusError:
        return make_status_error(
            response,
            error_codes=self.error_codes,
            attempts=attempt,
            redact=prepared.redact,
            note=note,
            error_entries=self.error_entries,
            spec=endpoint.error_spec(response.status_code),
        )

    def _log_request(
        self, prepared: PreparedRequest, request: httpx.Request, attempt: int, max_retries: int
    ) -> None:
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug(
                "Sending %s (attempt %d/%d) headers=%s",
                prepared.redact(f"{request.method} {request.url}"),
                attempt,
                max_retries + 1,
                prepared.redact.headers(request.headers),
            )

    def _log_retry(
        self,
        prepared: PreparedRequest,
        request: httpx.Request,
        attempt: int,
        max_retries: int,
        cause: str,
        decision: RetryDecision,
    ) -> None:
        logger.info(
            "Retrying %s in %.2f s after %s (attempt %d/%d failed)",
            prepared.redact(f"{request.method} {request.url}"),
            decision.delay or 0.0,
            cause,
            attempt,
            max_retries + 1,
        )

    def _needs_body(self, endpoint: AnyEndpoint, response: httpx.Response) -> bool:
        """For streamed endpoints (downloads, event streams): read this response's body now?"""
        return not response.is_success or (
            endpoint.response_spec(response.status_code).kind not in ("binary", "sse")
        )

    def _result(
        self,
        response: httpx.Response,
        spec: ResponseSpec,
        prepared: PreparedRequest,
        attempts: int,
    ) -> Any:
        """The non-raw return value for JSON bodies (the hot path, no wrapper object)."""
        envelope, errors, not_json = decode_success(
            response,
            spec,
            strict=self.strict_response_validation,
            attempts=attempts,
            redact=prepared.redact,
        )
        return (
            envelope
            if not_json or (not errors and spec.unwrap is None)
            else shape_result(envelope, spec, errors, None)
        )
