"""When to retry, and how long to wait first.

What the server did not process is retried for every method (POST and PATCH included): failures
before the request was sent (connection refused, connect/pool timeout), 429 Too Many Requests, 503
Service Unavailable, and any response carrying ``x-should-retry: true``. What the server may have
processed (timeouts and broken connections after sending, 408, 500, 502, 504 and the non-standard
5xx of proxies, >= 520) is retried only when the request is idempotent: GET/HEAD/OPTIONS/PUT/DELETE/
TRACE, or a POST/PATCH carrying an ``Idempotency-Key`` header. Never retried: ``x-should-retry:
false``, other 4xx, and the 5xx that say the request cannot succeed as sent (501 Not Implemented,
505 HTTP Version Not Supported, 506, 507, 508, 510, 511).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from ._constants import INITIAL_RETRY_DELAY, MAX_RETRY_DELAY
from ._exceptions import APIConnectionError, APITimeoutError
from ._limits import CallLimits
from ._ratelimit import parse_retry_after, seconds_until_reset

__all__ = [
    "RetryDecision",
    "backoff_delay",
    "connection_error",
    "retry_exception",
    "retry_status",
    "within_deadline",
]

_PRE_SEND_ERRORS = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
_RETRYABLE_ERRORS = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)


@dataclass(frozen=True, slots=True)
class RetryDecision:
    """Whether to retry a failed attempt, and after how long."""

    delay: float | None
    """Seconds to wait before retrying, or ``None`` to give up."""
    reason: str | None = None
    """Why a retryable failure is not retried (appended to the final error's message)."""


_GIVE_UP = RetryDecision(None)


def backoff_delay(retry_number: int) -> float:
    """Exponential backoff from ``INITIAL_RETRY_DELAY``, capped at ``MAX_RETRY_DELAY``, with
    "equal jitter": a uniformly random wait between half and all of it, so that the clients of a
    burst that failed together come back spread out instead of together."""
    delay = min(INITIAL_RETRY_DELAY * 2.0 ** (retry_number - 1), MAX_RETRY_DELAY)
    return delay * (1.0 - 0.5 * random.random())


_UNPROCESSED_STATUSES = frozenset({429, 503})
"""The server says it did not process the request: safe to retry whatever the method."""
_TRANSIENT_STATUSES = frozenset({408, 500, 502, 504})
"""Transient, but the request may have been processed: retried only when idempotent."""
_FIRST_PROXY_STATUS = 520
"""From here on, non-standard 5xx of proxies and CDNs (Cloudflare's 52x, 529 overloaded)."""


def is_retryable_status(status_code: int) -> bool:
    return (
        status_code in _UNPROCESSED_STATUSES
        or status_code in _TRANSIENT_STATUSES
        or 600 > status_code >= _FIRST_PROXY_STATUS
    )


def is_unprocessed_status(status_code: int) -> bool:
    """429 and 503: the server refused the request without processing it."""
    return status_code in _UNPROCESSED_STATUSES


def retry_exception(
    exc: httpx.RequestError,
    *,
    idempotent: bool,
    replayable: bool,
    attempt: int,
    max_retries: int,
) -> RetryDecision:
    """Decision after a transport error on attempt number ``attempt`` (1-based)."""
    if attempt > max_retries:
        return _GIVE_UP
    if isinstance(exc, _PRE_SEND_ERRORS):
        return RetryDecision(backoff_delay(attempt))
    if not isinstance(exc, _RETRYABLE_ERRORS):
        return _GIVE_UP
    if not idempotent:
        return RetryDecision(
            None, "not retried: the request may have been processed and is not idempotent"
        )
    if not replayable:
        return RetryDecision(None, "not retried: the request body cannot be sent again")
    return RetryDecision(backoff_delay(attempt))


def retry_status(
    response: httpx.Response,
    *,
    idempotent: bool,
    replayable: bool,
    attempt: int,
    max_retries: int,
    max_wait: float,
) -> RetryDecision:
    """Decision after an error status on attempt number ``attempt`` (1-based)."""
    headers = response.headers
    should_retry = headers.get("x-should-retry")
    if should_retry == "false" or attempt > max_retries:
        return _GIVE_UP
    if should_retry != "true" and not is_unprocessed_status(response.status_code):
        if not is_retryable_status(response.status_code):
            return _GIVE_UP
        if not idempotent:
            return RetryDecision(
                None,
                f"not retried: {response.request.method} without an Idempotency-Key header",
            )
    if not replayable:
        return RetryDecision(None, "not retried: the request body cannot be sent again")
    wait = parse_retry_after(headers)
    if wait is None:
        wait = seconds_until_reset(headers)
    if wait is None:
        return RetryDecision(backoff_delay(attempt))
    if wait > max_wait:
        return RetryDecision(
            None, f"not retried: server asked to wait {wait:.0f} s (max_retry_wait={max_wait:g} s)"
        )
    return RetryDecision(wait)


def within_deadline(decision: RetryDecision, limits: CallLimits) -> RetryDecision:
    """No retry that could not finish before the call's ``total_timeout`` runs out."""
    if decision.delay is None or limits.deadline is None:
        return decision
    left = limits.remaining()
    if left is not None and decision.delay >= left:
        return RetryDecision(
            None, f"not retried: the call's total_timeout of {limits.total_timeout:g} s ran out"
        )
    return decision


def connection_error(
    exc: httpx.RequestError,
    request: httpx.Request,
    redact: Callable[[str], str],
    attempts: int,
    decision: RetryDecision,
) -> APIConnectionError:
    """The error raised for a transport failure that is not (or no longer) retried."""
    what = redact(f"{request.method} {request.url}")
    detail = redact(str(exc)) or type(exc).__name__
    message = f"{what}: {detail}"
    if attempts > 1:
        message += f" [after {attempts} attempts]"
    if decision.reason:
        message += f"; {decision.reason}"
    if isinstance(exc, httpx.TimeoutException):
        return APITimeoutError(f"Request timed out: {message}", request=request, attempts=attempts)
    return APIConnectionError(f"Connection error: {message}", request=request, attempts=attempts)
