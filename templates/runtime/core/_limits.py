"""Per-call bounds (time, size, redirect hops) carried on every request the call sends.

The client puts a ``CallLimits`` into the extensions of each request it builds (key ``LIMITS_KEY``),
so that code which only sees the request (the auth flows' login/refresh/token requests, binary
responses read later) applies the same bounds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import httpx

from . import _clock
from ._constants import DEFAULT_MAX_REDIRECTS, DEFAULT_MAX_RESPONSE_BYTES

__all__ = ["LIMITS_KEY", "CallLimits", "limits_of"]

LIMITS_KEY = "clientgen.limits"
_PHASES = ("connect", "read", "write", "pool")


@dataclass(frozen=True, slots=True)
class CallLimits:
    """``deadline``: monotonic time by which the whole call must end (``None``: no total bound).
    ``max_bytes``: largest decoded body read into memory (``None``: unlimited)."""

    deadline: float | None = None
    max_bytes: int | None = None
    max_redirects: int = DEFAULT_MAX_REDIRECTS
    total_timeout: float | None = None

    @classmethod
    def start(
        cls, *, total_timeout: float | None, max_bytes: int | None, max_redirects: int
    ) -> CallLimits:
        deadline = None if total_timeout is None else _clock.monotonic() + total_timeout
        return cls(deadline, max_bytes, max_redirects, total_timeout)

    def remaining(self) -> float | None:
        """Seconds left for the whole call (``None``: unbounded; never negative)."""
        if self.deadline is None:
            return None
        return max(0.0, self.deadline - _clock.monotonic())

    def expired(self) -> bool:
        return self.deadline is not None and _clock.monotonic() >= self.deadline

    def timeout_error(self, request: httpx.Request | None) -> httpx.TimeoutException:
        return httpx.ReadTimeout(
            f"the call's total_timeout of {self.total_timeout:g} s ran out", request=request
        )

    def capped(self, timeout: dict[str, Any] | httpx.Timeout) -> httpx.Timeout:
        """httpx's per-phase timeouts, each at most the time left for the call."""
        values = timeout.as_dict() if isinstance(timeout, httpx.Timeout) else dict(timeout)
        left = self.remaining()
        if left is not None:
            left = max(left, 0.001)  # 0 would make the socket non-blocking, not time out
            for phase in _PHASES:
                value = values.get(phase)
                values[phase] = left if value is None else min(value, left)
        return httpx.Timeout(**{phase: values.get(phase) for phase in _PHASES})

    def body_deadline(self, request: httpx.Request) -> float | None:
        """When a body read into memory must be complete: its request's read timeout after the
        headers arrived (httpx alone bounds each wait between two chunks), and the call's deadline."""
        read = request.extensions.get("timeout", {}).get("read")
        end = math.inf if read is None else _clock.monotonic() + read
        if self.deadline is not None:
            end = min(end, self.deadline)
        return None if end == math.inf else end


_NO_LIMITS = CallLimits(max_bytes=DEFAULT_MAX_RESPONSE_BYTES)


def limits_of(request: httpx.Request) -> CallLimits:
    """The bounds of the call ``request`` belongs to (defaults for a request built elsewhere)."""
    limits = request.extensions.get(LIMITS_KEY)
    return limits if isinstance(limits, CallLimits) else _NO_LIMITS
