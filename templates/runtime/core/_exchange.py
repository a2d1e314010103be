"""One attempt of a call: send, follow redirects under the origin policy, read the body (bounded)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import httpx

from ._body import aread_body, read_body
from ._exceptions import APITimeoutError
from ._limits import LIMITS_KEY, CallLimits, limits_of
from ._logs import logger
from ._prepare import PreparedRequest
from ._redirects import Redirects, is_redirect, where

if TYPE_CHECKING:
    from ._client_core import BaseClient
    from ._endpoint import AnyEndpoint

__all__ = ["aexchange", "build_request", "exchange"]


def build_request(
    client: BaseClient[Any, Any],
    http: httpx.Client | httpx.AsyncClient,
    prepared: PreparedRequest,
    timeout: httpx.Timeout,
    limits: CallLimits,
) -> httpx.Request:
    """One attempt's request, its timeouts capped by the call's deadline, carrying the limits."""
    if limits.deadline is not None:
        if limits.expired():
            what = prepared.redact(f"{prepared.method} {prepared.url}")
            raise APITimeoutError(
                f"Request timed out: {what}: the call's total_timeout of "
                f"{limits.total_timeout:g} s ran out"
            )
        timeout = limits.capped(timeout)
    request = client._builder.build(http, prepared, timeout)
    request.extensions[LIMITS_KEY] = limits
    return request


def _chain(request: httpx.Request, prepared: PreparedRequest) -> Redirects:
    return Redirects(
        request,
        max_hops=limits_of(request).max_redirects,
        credential_params=prepared.credential_params,
        secrets=prepared.redact.secrets,
    )


def _log_hop(prepared: PreparedRequest, hop: httpx.Request, redirects: Redirects) -> None:
    if logger.isEnabledFor(logging.DEBUG):
        logger.debug(
            "Following a redirect to %s %s%s",
            hop.method,
            prepared.redact(where(hop.url)),
            " (another origin: without credentials)" if redirects.crossed else "",
        )


def _read_now(
    client: BaseClient[Any, Any],
    endpoint: AnyEndpoint,
    response: httpx.Response,
    prepared: PreparedRequest,
) -> bool:
    """Read the body into memory now: an error body always; a success body unless the call
    streams it (``with_streaming_response``, a download, an event stream)."""
    if prepared.defer_body and response.is_success:
        return False
    return client._needs_body(endpoint, response)


def exchange(
    client: BaseClient[httpx.Client, Any],
    http: httpx.Client,
    request: httpx.Request,
    prepared: PreparedRequest,
    endpoint: AnyEndpoint,
) -> httpx.Response:
    """The response to ``request`` after redirects, its body read unless it is streamed.

    httpx never follows redirects here (``_redirects`` decides what a hop may carry); a hop to
    another origin is sent without auth, even the ``http_client``'s own.
    """
    auth = client._flow_auth(endpoint)
    response = http.send(request, stream=True, auth=auth, follow_redirects=False)
    if is_redirect(response):
        redirects = _chain(request, prepared)
        while is_redirect(response):
            try:
                hop = redirects.follow(response)
            finally:
                response.close()
            _log_hop(prepared, hop, redirects)
            hop_auth = None if redirects.crossed else auth
            response = http.send(hop, stream=True, auth=hop_auth, follow_redirects=False)
    if _read_now(client, endpoint, response, prepared):
        read_body(response)
    return response


async def aexchange(
    client: BaseClient[httpx.AsyncClient, Any],
    http: httpx.AsyncClient,
    request: httpx.Request,
    prepared: PreparedRequest,
    endpoint: AnyEndpoint,
) -> httpx.Response:
    """Async twin of ``exchange``, within the call's ``total_timeout`` if any."""
    limits = limits_of(request)
    if limits.deadline is None:
        return await _attempt(client, http, request, prepared, endpoint)
    import asyncio  # here, not at the top: importing the package does not import asyncio

    try:
        async with asyncio.timeout(limits.remaining()):
            return await _attempt(client, http, request, prepared, endpoint)
    except TimeoutError as exc:
        raise limits.timeout_error(request) from exc


async def _attempt(
    client: BaseClient[httpx.AsyncClient, Any],
    http: httpx.AsyncClient,
    request: httpx.Request,
    prepared: PreparedRequest,
    endpoint: AnyEndpoint,
) -> httpx.Response:
    auth = client._flow_auth(endpoint)
    response = await http.send(request, stream=True, auth=auth, follow_redirects=False)
    if is_redirect(response):
        redirects = _chain(request, prepared)
        while is_redirect(response):
            try:
                hop = redirects.follow(response)
            finally:
                await response.aclose()
            _log_hop(prepared, hop, redirects)
            hop_auth = None if redirects.crossed else auth
            response = await http.send(hop, stream=True, auth=hop_auth, follow_redirects=False)
    if _read_now(client, endpoint, response, prepared):
        await aread_body(response)
    return response
