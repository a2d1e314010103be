"""Webhook signature verification: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`.

Comparison is constant-time; stale timestamps are rejected; messages never contain the secret or the body.
"""

from __future__ import annotations

import hashlib
import hmac
import time

__all__ = ["WebhookVerificationError", "sign", "verify_signature"]


class WebhookVerificationError(Exception):
    """The delivery is not authentic or is too old: do not process it."""


def _as_bytes(raw_body: bytes | str) -> bytes:
    return raw_body.encode("utf-8") if isinstance(raw_body, str) else bytes(raw_body)


def sign(raw_body: bytes | str, secret: str, timestamp: int) -> str:
    """The header value a sender computes (useful for tests and local replays)."""
    digest = hmac.new(
        secret.encode(), str(timestamp).encode() + b"." + _as_bytes(raw_body), hashlib.sha256
    )
    return f"t={timestamp},v1={digest.hexdigest()}"


def _parse(header: str) -> tuple[int, list[str]]:
    timestamp: int | None = None
    signatures: list[str] = []
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        if key == "t":
            try:
                timestamp = int(value)
            except ValueError:
                raise WebhookVerificationError(
                    "signature header has a non-numeric timestamp"
                ) from None
        elif key == "v1" and value:
            signatures.append(value.strip().lower())
    if timestamp is None or not signatures:
        raise WebhookVerificationError(
            "signature header must look like 't=<unix seconds>,v1=<hex digest>'"
        )
    return timestamp, signatures


def verify_signature(
    raw_body: bytes | str,
    header: str | None,
    secret: str,
    *,
    tolerance: int = 300,
    now: float | None = None,
) -> int:
    """Check the signature; return its timestamp. Raise WebhookVerificationError when it does not verify.

    Pass the body exactly as received (bytes), before any JSON parsing or re-encoding.
    """
    if not secret:
        raise WebhookVerificationError("no webhook secret given")
    if not header:
        raise WebhookVerificationError("the signature header is missing")
    timestamp, signatures = _parse(header)
    current = time.time() if now is None else now
    if tolerance > 0 and abs(current - timestamp) > tolerance:
        raise WebhookVerificationError(
            f"signature timestamp is {int(abs(current - timestamp))} s away from now (tolerance {tolerance} s)"
        )
    expected = sign(raw_body, secret, timestamp).split("v1=", 1)[1]
    if not any(hmac.compare_digest(expected, candidate) for candidate in signatures):
        raise WebhookVerificationError("signature does not match the body")
    return timestamp
