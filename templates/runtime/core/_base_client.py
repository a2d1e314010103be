"""The HTTP clients generated API clients subclass: request building, retries, responses."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

import httpx

from . import _clock
from ._client_core import BaseClient
from ._constants import (
    DEFAULT_CONNECTION_LIMITS,
    DEFAULT_MAX_REDIRECTS,
)
from ._exceptions import APIError
from ._exchange import aexchange, build_request, exchange
from ._hooks import (
    NO_ASYNC_HOOKS,
    NO_HOOKS,
    AsyncHooks,
    ErrorEvent,
    Hooks,
    RequestEvent,
    ResponseEvent,
    arun,
    run,
)
from ._options import RequestOptions
from ._pagination import AsyncPage, SyncPage
from ._prepare import PreparedRequest
from ._response import APIResponse, AsyncAPIResponse
from ._types import NOT_GIVEN, AsyncClosing, Body, Closing, Headers, NotGiven, Query, Timeout
from ._wrappers import consume_response_mode

if TYPE_CHECKING:
    from ._endpoint import AnyEndpoint, Endpoint

__all__ = ["AsyncAPIClient", "SyncAPIClient"]

_R = TypeVar("_R")


class SyncAPIClient(BaseClient[httpx.Client, Hooks], Closing):
    """Synchronous client; owns an ``httpx.Client`` unless one is passed in."""

    def _new_http(self) -> httpx.Client:
        return httpx.Client(
            timeout=self.timeout,
            follow_redirects=False,  # the runtime follows redirects itself (see _redirects)
            max_redirects=DEFAULT_MAX_REDIRECTS,
            limits=DEFAULT_CONNECTION_LIMITS,
        )

    def request(
        self,
        endpoint: Endpoint[_R, Any],
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
    ) -> _R:
        """Send one operation and return its parsed result (see ``CONTRACT.md``): what the
        endpoint declares (``Endpoint[R, AR]`` → ``R``)."""
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
        result: _R = self._request_with_options(endpoint, options)
        return result

    def _request_with_options(self, endpoint: AnyEndpoint, options: RequestOptions) -> Any:
        on_error = self.hooks.on_error if self.hooks is not None else ()
        if not on_error:
            return self._call(endpoint, options)
        try:
            return self._call(endpoint, options)
        except APIError as exc:
            run(on_error, ErrorEvent(exc, endpoint.operation_id))
            raise

    def _call(self, endpoint: AnyEndpoint, options: RequestOptions) -> Any:
        mode = consume_response_mode()
        raw = bool(mode)
        prepared = self._prepare(endpoint, options)
        prepared.defer_body = mode == "stream"
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
        self, prepared: PreparedRequest, endpoint: AnyEndpoint, options: RequestOptions
    ) -> tuple[httpx.Response, int, float]:
        http = self._http
        hooks = self.hooks or NO_HOOKS
        max_retries, timeout, limits = self._call_settings(options, http)
        attempt = 0
        while True:
            attempt += 1
            if self.pace_rate_limit and (delay := self._pacing_delay(limits)):
                _clock.sleep(delay)
                self._pacer.reset()
            http = self._http
            request = build_request(self, http, prepared, timeout, limits)
            if hooks.before_request:
                event = RequestEvent(request, endpoint.operation_id, attempt, prepared.redact)
                run(hooks.before_request, event)
            self._log_request(prepared, request, attempt, max_retries)
            started = _clock.monotonic()
            try:
                response = exchange(self, http, request, prepared, endpoint)
            except httpx.RequestError as exc:  # transport errors, timeouts, decoding
                delay = self._transport_retry(exc, request, prepared, attempt, max_retries, limits)
                _clock.sleep(delay)
                continue
            elapsed = _clock.monotonic() - started
            if hooks.after_response:
                seen = ResponseEvent(
                    response, endpoint.operation_id, attempt, elapsed, prepared.redact
                )
                try:
                    run(hooks.after_response, seen)
                except BaseException:
                    response.close()
                    raise
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


class AsyncAPIClient(BaseClient[httpx.AsyncClient, AsyncHooks], AsyncClosing):
    """Asynchronous client; owns an ``httpx.AsyncClient`` unless one is passed in."""

    def _new_http(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            timeout=self.timeout,
            follow_redirects=False,  # the runtime follows redirects itself (see _redirects)
            max_redirects=DEFAULT_MAX_REDIRECTS,
            limits=DEFAULT_CONNECTION_LIMITS,
        )

    async def request(
        self,
        endpoint: Endpoint[Any, _R],
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
    ) -> _R:
        """Send one operation and return its parsed result (see ``CONTRACT.md``): what the
        endpoint declares (``Endpoint[R, AR]`` → ``AR``)."""
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
        result: _R = await self._request_with_options(endpoint, options)
        return result

    async def _request_with_options(self, endpoint: AnyEndpoint, options: RequestOptions) -> Any:
        on_error = self.hooks.on_error if self.hooks is not None else ()
        if not on_error:
            return await self._call(endpoint, options)
        try:
            return await self._call(endpoint, options)
        except APIError as exc:
            await arun(on_error, ErrorEvent(exc, endpoint.operation_id))
            raise

    async def _call(self, endpoint: AnyEndpoint, options: RequestOptions) -> Any:
        mode = consume_response_mode()
        raw = bool(mode)
        prepared = self._prepare(endpoint, options)
        prepared.defer_body = mode == "stream"
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
        self, prepared: PreparedRequest, endpoint: AnyEndpoint, options: RequestOptions
    ) -> tuple[httpx.Response, int, float]:
        http = self._http
        hooks = self.hooks or NO_ASYNC_HOOKS
        max_retries, timeout, limits = self._call_settings(options, http)
        attempt = 0
        while True:
            attempt += 1
            if self.pace_rate_limit and (delay := self._pacing_delay(limits)):
                await _clock.async_sleep(delay)
                self._pacer.reset()
            http = self._http
            request = build_request(self, http, prepared, timeout, limits)
            if hooks.before_request:
                event = RequestEvent(request, endpoint.operation_id, attempt, prepared.redact)
                await arun(hooks.before_request, event)
            self._log_request(prepared, request, attempt, max_retries)
            started = _clock.monotonic()
            try:
                response = await aexchange(self, http, request, prepared, endpoint)
            except httpx.RequestError as exc:  # transport errors, timeouts, decoding
                delay = self._transport_retry(exc, request, prepared, attempt, max_retries, limits)
                await _clock.async_sleep(delay)
                continue
            elapsed = _clock.monotonic() - started
            if hooks.after_response:
                seen = ResponseEvent(
                    response, endpoint.operation_id, attempt, elapsed, prepared.redact
                )
                try:
                    await arun(hooks.after_response, seen)
                except BaseException:
                    await response.aclose()
                    raise
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
