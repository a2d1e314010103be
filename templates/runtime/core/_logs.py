"""The package logger and secret redaction for logs, reprs and exception messages."""

from __future__ import annotations

import itertools
import logging
import threading
import weakref
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from urllib.parse import quote, quote_plus

from ._auth import Auth
from ._constants import REDACTED, SENSITIVE_HEADERS

__all__ = ["Redactor", "hidden_from_httpx_logs", "logger", "register_auth"]

logger = logging.getLogger(__name__.rsplit(".", 1)[0])
"""``logging.getLogger("<package>")``: DEBUG per request/response, INFO per retry, WARNING for
responses that fail validation in lenient mode."""


class Redactor:
    """Replaces known secrets (and their URL-encoded forms) with ``[REDACTED]``.

    Built on every request, so the variants are only computed when first needed.
    """

    __slots__ = ("_raw", "_secrets")

    def __init__(self, secrets: Iterable[str]) -> None:
        self._raw = tuple(secrets)
        self._secrets: tuple[str, ...] | None = None

    @property
    def secrets(self) -> tuple[str, ...]:
        """The secrets as given."""
        return self._raw

    def _variants(self) -> tuple[str, ...]:
        if self._secrets is None:
            variants: set[str] = set()
            for secret in self._raw:
                if len(secret) < 4:  # too short to redact without mangling unrelated text
                    continue
                variants.update((secret, quote(secret, safe=""), quote_plus(secret, safe="")))
            # Longest first, so a secret containing another one is replaced whole.
            self._secrets = tuple(sorted(variants, key=len, reverse=True))
        return self._secrets

    def __call__(self, text: str) -> str:
        for secret in self._variants():
            if secret in text:
                text = text.replace(secret, REDACTED)
        return text

    def headers(self, headers: Mapping[str, str]) -> dict[str, str]:
        """A copy of ``headers`` safe to log."""
        return {
            name: REDACTED if name.lower() in SENSITIVE_HEADERS else self(value)
            for name, value in headers.items()
        }


def sensitive_header_values(headers: Mapping[str, str]) -> list[str]:
    return [value for name, value in headers.items() if name.lower() in SENSITIVE_HEADERS]


# httpx logs every request URL at INFO; an API key sent as a query parameter would leak there.
# A filter on the "httpx" logger redacts the secrets of every live Auth object, and those of
# requests in flight that registered some (a pre-signed URL's query string).
_live_auths: weakref.WeakSet[Auth] = weakref.WeakSet()
_in_flight: dict[int, tuple[str, ...]] = {}
_in_flight_ids = itertools.count()
_in_flight_lock = threading.Lock()


class _HttpxSecretFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        secrets = [secret for auth in list(_live_auths) for secret in auth.secrets()]
        secrets.extend(secret for group in list(_in_flight.values()) for secret in group)
        if secrets:
            message = record.getMessage()
            redacted = Redactor(secrets)(message)
            if redacted != message:
                record.msg, record.args = redacted, None
        return True


_httpx_filter = _HttpxSecretFilter()


def _install_filter() -> None:
    httpx_logger = logging.getLogger("httpx")
    if _httpx_filter not in httpx_logger.filters:
        httpx_logger.addFilter(_httpx_filter)


def register_auth(auth: Auth | None) -> None:
    """Make ``auth``'s secrets redacted from the ``httpx`` logger's records too."""
    if auth is None:
        return
    try:
        _live_auths.add(auth)
    except TypeError:  # not weak-referenceable: only our own log records are redacted
        return
    _install_filter()


@contextmanager
def hidden_from_httpx_logs(secrets: Iterable[str]) -> Iterator[None]:
    """Redact ``secrets`` from the ``httpx`` logger's records while the block runs."""
    key = next(_in_flight_ids)
    with _in_flight_lock:
        _in_flight[key] = tuple(secret for secret in secrets if secret)
    _install_filter()
    try:
        yield
    finally:
        with _in_flight_lock:
            del _in_flight[key]
