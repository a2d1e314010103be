"""Webhook signature verification: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`.

Comparison is constant-time; stale timestamps are rejected; a malformed header (not ASCII, over 4 KiB, a
second timestamp, a timestamp that is not 1–12 digits, a v1 value that is not 64 hex digits) raises
`WebhookVerificationError`, never another exception; messages never contain the secret or the body.
Several v1 signatures are accepted (any may match: secret rotation).
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


_MAX_HEADER = 4096
_MAX_TIMESTAMP_DIGITS = 12  # Unix seconds stay below 10**12 for tens of thousands of years
_HEX = frozenset("0123456789abcdef")
_FORMAT = "signature header must look like 't=<unix seconds>,v1=<hex digest>'"


def _parse(header: object) -> tuple[int, list[str]]:
    """``(timestamp, signatures)``; any malformed header raises ``WebhookVerificationError``."""
    if isinstance(header, (bytes, bytearray)):
        try:
            header = bytes(header).decode("ascii")
        except UnicodeDecodeError:
            raise WebhookVerificationError("signature header is not ASCII") from None
    if not isinstance(header, str):
        raise WebhookVerificationError(_FORMAT)
    if len(header) > _MAX_HEADER:
        raise WebhookVerificationError(f"signature header is longer than {_MAX_HEADER} characters")
    if not header.isascii():
        raise WebhookVerificationError("signature header is not ASCII")
    timestamp: int | None = None
    signatures: list[str] = []
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        value = value.strip()
        if key == "t":
            if timestamp is not None:
                raise WebhookVerificationError("signature header has more than one timestamp")
            if not value.isdigit() or len(value) > _MAX_TIMESTAMP_DIGITS:
                raise WebhookVerificationError("signature header has an invalid timestamp")
            timestamp = int(value)
        elif key == "v1":
            value = value.lower()
            if len(value) != 64 or not _HEX.issuperset(value):
                raise WebhookVerificationError("signature header has a malformed v1 signature")
            signatures.append(value)
    if timestamp is None or not signatures:
        raise WebhookVerificationError(_FORMAT)
    return timestamp, signatures


def verify_signature(
    raw_body: bytes | str,
    header: str | bytes | None,
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
    current = int(time.time() if now is None else now)
    if tolerance > 0 and abs(current - timestamp) > tolerance:
        raise WebhookVerificationError(
            f"signature timestamp is {abs(current - timestamp)} s away from now (tolerance {tolerance} s)"
        )
    expected = sign(raw_body, secret, timestamp).split("v1=", 1)[1]
    if not any(hmac.compare_digest(expected, candidate) for candidate in signatures):
        raise WebhookVerificationError("signature does not match the body")
    return timestamp
