"""Rate-limit headers: ``X-RateLimit-*`` (and IETF ``RateLimit-*``), ``Retry-After``."""

from __future__ import annotations

import email.utils
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from . import _clock

__all__ = ["RateLimit", "parse_rate_limit", "parse_retry_after", "seconds_until_reset"]

_NUMBER = r"\s*(\d+(?:\.\d+)?)"  # compiled on first use (`re` keeps it), not on import

# Reset values above this are absolute Unix timestamps; smaller ones are seconds from now.
_EPOCH_THRESHOLD = 1_000_000_000.0


@dataclass(frozen=True, slots=True)
class RateLimit:
    """The server's rate-limit state as reported on a response."""

    limit: int | None
    remaining: int | None
    reset: datetime | None

    def seconds_until_reset(self) -> float | None:
        """Seconds from now until ``reset`` (never negative), or ``None`` when unknown."""
        if self.reset is None:
            return None
        return max(0.0, self.reset.timestamp() - _clock.now())


def _first_number(value: str | None) -> float | None:
    if value is None:
        return None
    match = re.match(_NUMBER, value)
    return float(match.group(1)) if match else None


def _header(headers: Mapping[str, str], *names: str) -> str | None:
    for name in names:
        value = headers.get(name)
        if value is not None:
            return value
    return None


def _reset_time(value: str | None) -> datetime | None:
    number = _first_number(value)
    if number is None:
        if value:
            return _http_date(value)
        return None
    if number > _EPOCH_THRESHOLD * 1000:  # milliseconds since the epoch
        number /= 1000
    timestamp = number if number > _EPOCH_THRESHOLD else _clock.now() + number
    try:
        return datetime.fromtimestamp(timestamp, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _http_date(value: str) -> datetime | None:
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def parse_rate_limit(headers: Mapping[str, str]) -> RateLimit | None:
    """``RateLimit`` from ``X-RateLimit-Limit/Remaining/Reset`` (``None`` if none is present).

    ``headers`` must be case-insensitive (``httpx.Headers``). A reset value larger than 10^9 is a
    Unix timestamp (seconds, or milliseconds above 10^12); a smaller one is seconds from now.
    """
    limit = _header(headers, "x-ratelimit-limit", "ratelimit-limit")
    remaining = _header(headers, "x-ratelimit-remaining", "ratelimit-remaining")
    reset = _header(headers, "x-ratelimit-reset", "ratelimit-reset")
    if limit is None and remaining is None and reset is None:
        return None
    limit_number = _first_number(limit)
    remaining_number = _first_number(remaining)
    return RateLimit(
        limit=None if limit_number is None else int(limit_number),
        remaining=None if remaining_number is None else int(remaining_number),
        reset=_reset_time(reset),
    )


def parse_retry_after(headers: Mapping[str, str]) -> float | None:
    """Seconds the server asks us to wait: ``Retry-After-Ms``, ``Retry-After`` (delay or date)."""
    millis = _first_number(headers.get("retry-after-ms"))
    if millis is not None:
        return millis / 1000
    value = headers.get("retry-after")
    if value is None:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    date = _http_date(value)
    if date is None:
        return None
    return max(0.0, date.timestamp() - _clock.now())


def seconds_until_reset(headers: Mapping[str, str]) -> float | None:
    """Seconds until ``X-RateLimit-Reset`` if the response says the quota is exhausted."""
    rate_limit = parse_rate_limit(headers)
    if rate_limit is None or rate_limit.remaining not in (0, None):
        return None
    return rate_limit.seconds_until_reset()


class Pacer:
    """Client-side pacing: after a response reporting ``remaining == 0``, wait for the reset.

    Shared between a client and its ``with_options`` copies (they share the same quota).
    """

    __slots__ = ("_lock", "_resume_at")

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._resume_at = 0.0

    def observe(self, headers: Mapping[str, str]) -> None:
        remaining = _first_number(_header(headers, "x-ratelimit-remaining", "ratelimit-remaining"))
        if remaining is None:
            return
        if remaining > 0:
            self._resume_at = 0.0
            return
        rate_limit = parse_rate_limit(headers)
        if rate_limit is None or rate_limit.reset is None:
            return
        with self._lock:
            self._resume_at = max(self._resume_at, rate_limit.reset.timestamp())

    def reset(self) -> None:
        """Forget the wait (called after having waited for it)."""
        self._resume_at = 0.0

    def delay(self) -> float:
        """Seconds to wait before the next request may be sent."""
        resume_at = self._resume_at
        if not resume_at:
            return 0.0
        delay = resume_at - _clock.now()
        if delay <= 0:
            with self._lock:
                if self._resume_at == resume_at:
                    self._resume_at = 0.0
            return 0.0
        return delay
