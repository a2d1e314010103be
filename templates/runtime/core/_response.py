"""Raw responses (``with_raw_response``) and the parsing shared with normal calls."""

from __future__ import annotations

import contextvars
import functools
import json
from collections.abc import Awaitable, Callable
from typing import Any, Generic, ParamSpec, TypeVar, cast

import httpx

from ._binary import AsyncBinaryResponse, BinaryResponse
from ._body import aread_body, read_body
from ._endpoint import ResponseSpec
from ._logs import Redactor
from ._models import get_field
from ._nonjson import decode_success
from ._parse import shape_result
from ._ratelimit import RateLimit, parse_rate_limit

__all__ = [
    "APIResponse",
    "AsyncAPIResponse",
    "async_to_raw_response_wrapper",
    "to_raw_response_wrapper",
]

P = ParamSpec("P")
R = TypeVar("R")

_RAW_RESPONSE: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "clientgen_raw_response", default=False
)
_UNSET: Any = object()


def consume_raw_response_flag() -> bool:
    """True (once) when the current call was made through a raw-response wrapper."""
    if _RAW_RESPONSE.get():
        _RAW_RESPONSE.set(False)  # only the outermost request of the wrapped call is raw
        return True
    return False


class _BaseAPIResponse(Generic[R]):
    def __init__(
        self,
        http_response: httpx.Response,
        *,
        spec: ResponseSpec,
        strict: bool,
        attempts: int,
        elapsed: float,
        redact: Redactor,
        make_page: Callable[[Any], Any] | None = None,
    ) -> None:
        self.http_response = http_response
        self.attempts = attempts
        """How many attempts the call took (1 when it succeeded at once)."""
        self.elapsed = elapsed
        """Seconds from sending the last attempt to receiving its response headers."""
        self._spec = spec
        self._strict = strict
        self._redact = redact
        self._make_page = make_page
        self._envelope: Any = _UNSET
        self._errors: list[dict[str, Any]] | None = None
        self._not_json = False
        self._parsed: Any = _UNSET

    @property
    def status_code(self) -> int:
        return self.http_response.status_code

    @property
    def headers(self) -> httpx.Headers:
        return self.http_response.headers

    @property
    def url(self) -> httpx.URL:
        return self.http_response.request.url

    @property
    def method(self) -> str:
        return self.http_response.request.method

    @property
    def request_id(self) -> str | None:
        """``X-Request-Id`` header, else ``meta.requestId`` (or ``requestId``) of a JSON body."""
        value: str | None = self.http_response.headers.get("x-request-id")
        if value:
            return value
        if self._spec.kind != "json":
            return None
        source = self._envelope
        if source is _UNSET:
            try:
                source = json.loads(self.http_response.content)
            except (ValueError, httpx.ResponseNotRead):
                return None
        meta = get_field(source, "meta")
        found = get_field(meta, "requestId") if meta is not None else None
        if found is None:
            found = get_field(source, "requestId")
        return found if isinstance(found, str) else None

    @property
    def rate_limit(self) -> RateLimit | None:
        return parse_rate_limit(self.http_response.headers)

    @property
    def validation_errors(self) -> list[dict[str, Any]]:
        """Errors found while validating the body in lenient mode (after parsing)."""
        return list(self._errors or [])

    def _decode(self) -> Any:
        if self._envelope is _UNSET:
            spec = self._spec
            if spec.kind == "json":
                self._envelope, self._errors, self._not_json = decode_success(
                    self.http_response,
                    spec,
                    strict=self._strict,
                    attempts=self.attempts,
                    redact=self._redact,
                )
            elif spec.kind == "text":
                self._envelope = self.http_response.text
            else:
                self._envelope = None
        return self._envelope

    def _parse_read(self) -> Any:
        if self._parsed is _UNSET:
            envelope = self._decode()
            if self._spec.kind == "json" and not self._not_json:
                self._parsed = shape_result(envelope, self._spec, self._errors, self._make_page)
            else:
                self._parsed = envelope
        return self._parsed

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__} [{self.status_code} {self.http_response.reason_phrase}] "
            f"{self._redact(f'{self.method} {self.url}')}>"
        )


class APIResponse(_BaseAPIResponse[R]):
    """The HTTP response of a call made through ``with_raw_response``."""

    def parse(self) -> R:
        """What the normal (non-raw) call returns; computed once."""
        if self._spec.kind == "binary":
            if self._parsed is _UNSET:
                self._parsed = BinaryResponse(self.http_response)
            return cast(R, self._parsed)
        return cast(R, self._parse_read())

    def envelope(self) -> Any:
        """The full parsed JSON body (before ``unwrap`` or pagination is applied)."""
        if self._spec.kind == "binary":
            return None
        return self._decode()

    def read(self) -> bytes:
        """The body (read within ``max_response_bytes`` and the read timeout)."""
        return read_body(self.http_response)

    def text(self) -> str:
        read_body(self.http_response)
        return self.http_response.text

    def json(self) -> Any:
        return json.loads(self.read())

    def close(self) -> None:
        self.http_response.close()


class AsyncAPIResponse(_BaseAPIResponse[R]):
    """Async twin of ``APIResponse``: ``await parse()``, ``await envelope()``."""

    async def parse(self) -> R:
        if self._spec.kind == "binary":
            if self._parsed is _UNSET:
                self._parsed = AsyncBinaryResponse(self.http_response)
            return cast(R, self._parsed)
        await aread_body(self.http_response)
        return cast(R, self._parse_read())

    async def envelope(self) -> Any:
        if self._spec.kind == "binary":
            return None
        await aread_body(self.http_response)
        return self._decode()

    async def read(self) -> bytes:
        return await aread_body(self.http_response)

    async def text(self) -> str:
        await aread_body(self.http_response)
        return self.http_response.text

    async def json(self) -> Any:
        return json.loads(await self.read())

    async def close(self) -> None:
        await self.http_response.aclose()


def to_raw_response_wrapper(func: Callable[P, R]) -> Callable[P, APIResponse[R]]:
    """Wrap a generated method so it returns the ``APIResponse`` instead of the parsed value."""

    @functools.wraps(func)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> APIResponse[R]:
        token = _RAW_RESPONSE.set(True)
        try:
            return cast("APIResponse[R]", func(*args, **kwargs))
        finally:
            _RAW_RESPONSE.reset(token)

    return wrapped


def async_to_raw_response_wrapper(
    func: Callable[P, Awaitable[R]],
) -> Callable[P, Awaitable[AsyncAPIResponse[R]]]:
    """Async twin of ``to_raw_response_wrapper``."""

    @functools.wraps(func)
    async def wrapped(*args: P.args, **kwargs: P.kwargs) -> AsyncAPIResponse[R]:
        token = _RAW_RESPONSE.set(True)
        try:
            return cast("AsyncAPIResponse[R]", await func(*args, **kwargs))
        finally:
            _RAW_RESPONSE.reset(token)

    return wrapped
