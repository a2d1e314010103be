"""Defaults shared by the runtime. Generated clients may override them per client or per call."""

from __future__ import annotations

from typing import Final

import httpx

DEFAULT_TIMEOUT: Final[httpx.Timeout] = httpx.Timeout(60.0, connect=10.0)
"""Per-request timeout: 60 s for reads/writes/pool, 10 s to establish a connection."""

DEFAULT_MAX_RETRIES: Final[int] = 4
"""Retries after the first attempt (so at most 5 attempts). With the backoff below the retries of
one call span 3.75 to 7.5 s (unless the server asks for longer waits): enough for a burst of 35
concurrent calls to a server that serves 3 at a time (50 ms each) and answers 503 to the rest to
succeed, short enough that a server that is down fails a call within seconds."""

INITIAL_RETRY_DELAY: Final[float] = 0.5
"""Backoff before the first retry, in seconds; doubles with every further retry. Each wait is
drawn uniformly between half and all of the computed backoff (jitter)."""

MAX_RETRY_DELAY: Final[float] = 8.0
"""Upper bound of the computed exponential backoff, in seconds."""

DEFAULT_MAX_RETRY_WAIT: Final[float] = 60.0
"""Longest server-requested wait (Retry-After, X-RateLimit-Reset) honoured before giving up."""

DEFAULT_CONNECTION_LIMITS: Final[httpx.Limits] = httpx.Limits(
    max_connections=100, max_keepalive_connections=20
)

DEFAULT_MAX_RESPONSE_BYTES: Final[int] = 64 * 1024 * 1024
"""Largest decoded body (after gzip/deflate) read into memory; larger → ``ResponseTooLargeError``.
Binary downloads streamed with ``iter_bytes()`` / ``write_to_file()`` are not limited."""

MAX_ERROR_BODY_BYTES: Final[int] = 1024 * 1024
"""Error bodies are read up to this many decoded bytes (and ``max_response_bytes``); the rest is
dropped, the status error is raised from the prefix."""

DEFAULT_MAX_REDIRECTS: Final[int] = 10
"""Redirect hops followed per attempt (an ``http_client`` passed in brings its own
``max_redirects``)."""

SAFE_REDIRECT_HEADERS: Final[frozenset[str]] = frozenset(
    {"accept", "accept-encoding", "accept-language", "user-agent"}
)
"""The only request headers (lower case) sent on after a redirect to another origin."""

IDEMPOTENCY_HEADER: Final[str] = "Idempotency-Key"

SENSITIVE_HEADERS: Final[frozenset[str]] = frozenset(
    {"authorization", "proxy-authorization", "x-api-key", "api-key", "cookie", "set-cookie"}
)
"""Header names (lower case) whose values never appear in logs, reprs or exception messages."""

REDACTED: Final[str] = "[REDACTED]"

DEFAULT_MAX_EVENT_SIZE: Final[int] = 16 * 1024 * 1024
"""Longest line, and longest server-sent event (its field lines together), in decoded characters,
that a stream holds in memory; longer → ``ResponseTooLargeError``. Iterating a stream is otherwise
not limited (``max_response_bytes`` bounds only bodies read into memory)."""

SSE_TERMINATOR: Final[str] = "[DONE]"
"""An event whose ``data`` is exactly this ends a server-sent event stream (OpenAI's convention);
it is not yielded."""
