"""The HTTP clients generated API clients subclass: request building, retries, responses."""

from __future__ import annotations

from collections.abc import Mapping
from types import TracebackType
from typing import Any, Self

import httpx

from . import _clock
from ._auth import Auth
from ._client_core import BaseClient, LazyHttp
from ._constants import (
    DEFAULT_CONNECTION_LIMITS,
    DEFAULT_MAX_REDIRECTS,
    DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_MAX_RETRIES,
    DEFAULT_MAX_RETRY_WAIT,
)
from ._endpoint import Endpoint
from ._exceptions import APIStatusError
from ._exchange import aexchange, build_request, exchange
from ._options import RequestOptions
from ._pagination import AsyncPage, SyncPage
from ._prepare import PreparedRequest
from ._resource import AsyncAPIResource, SyncAPIResource
from ._response import APIResponse, AsyncAPIResponse, consume_raw_response_flag
from ._types import NOT_GIVEN, Body, Headers, NotGiven, Query, Timeout

__all__ = ["AsyncAPIClient", "AsyncAPIResource", "SyncAPIClient", "SyncAPIResource"]


class SyncAPIClient(BaseClient[httpx.Client]):
    """Synchronous client; owns an ``httpx.Client`` unless one is passed in."""

    def __init__(
        self,
        *,
        base_url: str,
        auth: Auth | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int = DEFAULT_MAX_RETRIES,
        http_client: httpx.Client | None = None,
        default_headers: Mapping[str, str] | None = None,
        user_agent: str = "clientgen-python",
        error_codes: Mapping[str, type[APIStatusError]] = {},
        strict_response_validation: bool = False,
        max_retry_wait: float = DEFAULT_MAX_RETRY_WAIT,
        pace_rate_limit: bool = False,
        idempotency_header: str | None = None,
        max_response_bytes: int | None = DEFAULT_MAX_RESPONSE_BYTES,
        total_timeout: float | None = None,
    ) -> None:
        super().__init__(
            base_url=base_url,
            auth=auth,
            timeout=timeout,
            max_retries=max_retries,
            http_client=http_client,
            default_headers=default_headers,
            user_agent=user_agent,
            error_codes=error_codes,
            strict_response_validation=strict_response_validation,
            max_retry_wait=max_retry_wait,
            pace_rate_limit=pace_rate_limit,
            idempotency_header=idempotency_header,
            max_response_bytes=max_response_bytes,
            total_timeout=total_timeout,
        )
        self._owns_http = http_client is None
        self._pool = LazyHttp(http_client, self._new_http)

    def _new_http(self) -> httpx.Client:
        return httpx.Client(
            timeout=self.timeout,
            follow_redirects=False,  # the runtime follows redirects itself (see _redirects)
            max_redirects=DEFAULT_MAX_REDIRECTS,
            limits=DEFAULT_CONNECTION_LIMITS,
        )

    def request(
        self,
        endpoint: Endpoint,
        *,
        path: Mapping[str, object] | None = None,
        query: Mapping[str, object] | None = None,
        headers: Mapping[str, object] | None = None,
        cookies: Mapping[str, object] | None = None,
        body: object = NOT_GIVEN,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Any:
        """Send one operation and return its parsed result (see ``CONTRACT.md``)."""
        options = RequestOptions(
            path,
            query,
            headers,
            body,
            extra_headers,
            extra_query,
            extra_body,
            timeout,
            max_retries,
            cookies,
        )
        return self._request_with_options(endpoint, options)

    def _request_with_options(self, endpoint: Endpoint, options: RequestOptions) -> Any:
        raw = consume_raw_response_flag()
        prepared = self._prepare(endpoint, options)
        try:
            response, attempts, elapsed = self._send(prepared, endpoint, options)
        finally:
            prepared.close()
        spec = endpoint.response_spec(response.status_code)
        if not raw and spec.kind == "json" and spec.page is None:
            return self._result(response, spec, prepared, attempts)
        page_spec = spec.page

        def make_page(envelope: Any) -> SyncPage[Any]:
            assert page_spec is not None
            return SyncPage(
                client=self,
                endpoint=endpoint,
                options=options,
                spec=page_spec,
                envelope=envelope,
                response=response,
            )

        api_response: APIResponse[Any] = APIResponse(
            response,
            spec=spec,
            strict=self.strict_response_validation,
            attempts=attempts,
            elapsed=elapsed,
            redact=prepared.redact,
            make_page=make_page,
        )
        return api_response if raw else api_response.parse()

    def _send(
        self, prepared: PreparedRequest, endpoint: Endpoint, options: RequestOptions
    ) -> tuple[httpx.Response, int, float]:
        http = self._http
        max_retries, timeout, limits = self._call_settings(options, http)
        attempt = 0
        while True:
            attempt += 1
            if self.pace_rate_limit and (delay := self._pacing_delay(limits)):
                _clock.sleep(delay)
                self._pacer.reset()
            http = self._http
            request = build_request(self, http, prepared, timeout, limits)
            self._log_request(prepared, request, attempt, max_retries)
            started = _clock.monotonic()
            try:
                response = exchange(self, http, request, prepared, endpoint)
            except httpx.RequestError as exc:  # transport errors, timeouts, decoding
                delay = self._transport_retry(exc, request, prepared, attempt, max_retries, limits)
                _clock.sleep(delay)
                continue
            elapsed = _clock.monotonic() - started
            decision = self._after_response(
                prepared, response, attempt, max_retries, elapsed, limits
            )
            if decision is None:
                return response, attempt, elapsed
            response.close()
            if decision.delay is None:
                raise self._status_error(response, prepared, endpoint, attempt, decision.reason)
            _clock.sleep(decision.delay)

    def close(self) -> None:
        """Close the connection pool (only if this client created it)."""
        if not self._owns_http:
            return
        http = self._pool.created
        if http is None:
            self._pool.mark_closed()
        else:
            http.close()

    @property
    def is_closed(self) -> bool:
        return self._pool.is_closed

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class AsyncAPIClient(BaseClient[httpx.AsyncClient]):
    """Asynchronous client; owns an ``httpx.AsyncClient`` unless one is passed in."""

    def __init__(
        self,
        *,
        base_url: str,
        auth: Auth | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int = DEFAULT_MAX_RETRIES,
        http_client: httpx.AsyncClient | None = None,
        default_headers: Mapping[str, str] | None = None,
        user_agent: str = "clientgen-python",
        error_codes: Mapping[str, type[APIStatusError]] = {},
        strict_response_validation: bool = False,
        max_retry_wait: float = DEFAULT_MAX_RETRY_WAIT,
        pace_rate_limit: bool = False,
        idempotency_header: str | None = None,
        max_response_bytes: int | None = DEFAULT_MAX_RESPONSE_BYTES,
        total_timeout: float | None = None,
    ) -> None:
        super().__init__(
            base_url=base_url,
            auth=auth,
            timeout=timeout,
            max_retries=max_retries,
            http_client=http_client,
            default_headers=default_headers,
            user_agent=user_agent,
            error_codes=error_codes,
            strict_response_validation=strict_response_validation,
            max_retry_wait=max_retry_wait,
            pace_rate_limit=pace_rate_limit,
            idempotency_header=idempotency_header,
            max_response_bytes=max_response_bytes,
            total_timeout=total_timeout,
        )
        self._owns_http = http_client is None
        self._pool = LazyHttp(http_client, self._new_http)

    def _new_http(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            timeout=self.timeout,
            follow_redirects=False,  # the runtime follows redirects itself (see _redirects)
            max_redirects=DEFAULT_MAX_REDIRECTS,
            limits=DEFAULT_CONNECTION_LIMITS,
        )

    async def request(
        self,
        endpoint: Endpoint,
        *,
        path: Mapping[str, object] | None = None,
        query: Mapping[str, object] | None = None,
        headers: Mapping[str, object] | None = None,
        cookies: Mapping[str, object] | None = None,
        body: object = NOT_GIVEN,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Any:
        """Send one operation and return its parsed result (see ``CONTRACT.md``)."""
        options = RequestOptions(
            path,
            query,
            headers,
            body,
            extra_headers,
            extra_query,
            extra_body,
            timeout,
            max_retries,
            cookies,
        )
        return await self._request_with_options(endpoint, options)

    async def _request_with_options(self, endpoint: Endpoint, options: RequestOptions) -> Any:
        raw = consume_raw_response_flag()
        prepared = self._prepare(endpoint, options)
        try:
            response, attempts, elapsed = await self._send(prepared, endpoint, options)
        finally:
            prepared.close()
        spec = endpoint.response_spec(response.status_code)
        if not raw and spec.kind == "json" and spec.page is None:
            return self._result(response, spec, prepared, attempts)
        page_spec = spec.page

        def make_page(envelope: Any) -> AsyncPage[Any]:
            assert page_spec is not None
            return AsyncPage(
                client=self,
                endpoint=endpoint,
                options=options,
                spec=page_spec,
                envelope=envelope,
                response=response,
            )

        api_response: AsyncAPIResponse[Any] = AsyncAPIResponse(
            response,
            spec=spec,
            strict=self.strict_response_validation,
            attempts=attempts,
            elapsed=elapsed,
            redact=prepared.redact,
            make_page=make_page,
        )
        return api_response if raw else await api_response.parse()

    async def _send(
        self, prepared: PreparedRequest, endpoint: Endpoint, options: RequestOptions
    ) -> tuple[httpx.Response, int, float]:
        http = self._http
        max_retries, timeout, limits = self._call_settings(options, http)
        attempt = 0
        while True:
            attempt += 1
            if self.pace_rate_limit and (delay := self._pacing_delay(limits)):
                await _clock.async_sleep(delay)
                self._pacer.reset()
            http = self._http
            request = build_request(self, http, prepared, timeout, limits)
            self._log_request(prepared, request, attempt, max_retries)
            started = _clock.monotonic()
            try:
                response = await aexchange(self, http, request, prepared, endpoint)
            except httpx.RequestError as exc:  # transport errors, timeouts, decoding
                delay = self._transport_retry(exc, request, prepared, attempt, max_retries, limits)
                await _clock.async_sleep(delay)
                continue
            elapsed = _clock.monotonic() - started
            decision = self._after_response(
                prepared, response, attempt, max_retries, elapsed, limits
            )
            if decision is None:
                return response, attempt, elapsed
            await response.aclose()
            if decision.delay is None:
                raise self._status_error(response, prepared, endpoint, attempt, decision.reason)
            await _clock.async_sleep(decision.delay)

    async def close(self) -> None:
        """Close the connection pool (only if this client created it)."""
        if not self._owns_http:
            return
        http = self._pool.created
        if http is None:
            self._pool.mark_closed()
        else:
            await http.aclose()

    @property
    def is_closed(self) -> bool:
        return self._pool.is_closed

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()
