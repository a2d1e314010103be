"""When to retry, and how long to wait first.

Retried: connection errors, timeouts, 408, 429 and 5xx responses. Requests that may already have
reached the server are only retried when they are idempotent: GET/HEAD/OPTIONS/PUT/DELETE, or a
POST/PATCH carrying an ``Idempotency-Key`` header. Failures before the request was sent
(connection refused, connect/pool timeout) are retried for every method. A response header
``x-should-retry: true|false`` from the server overrides the status-based decision.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import httpx

from ._constants import INITIAL_RETRY_DELAY, MAX_RETRY_DELAY
from ._limits import CallLimits
from ._ratelimit import parse_retry_after, seconds_until_reset

__all__ = ["RetryDecision", "backoff_delay", "retry_exception", "retry_status", "within_deadline"]

_PRE_SEND_ERRORS = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
_RETRYABLE_ERRORS = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)


@dataclass(frozen=True, slots=True)
class RetryDecision:
    delay: float | None
    """Seconds to wait before retrying, or ``None`` to give up."""
    reason: str | None = None
    """Why a retryable failure is not retried (appended to the final error's message)."""


_GIVE_UP = RetryDecision(None)


def backoff_delay(retry_number: int) -> float:
    """Exponential backoff from ``INITIAL_RETRY_DELAY``, capped, minus up to 25 % jitter."""
    delay = min(INITIAL_RETRY_DELAY * 2.0 ** (retry_number - 1), MAX_RETRY_DELAY)
    return delay * (1.0 - 0.25 * random.random())


def is_retryable_status(status_code: int) -> bool:
    return status_code in (408, 429) or status_code >= 500


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
    if should_retry != "true":
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
