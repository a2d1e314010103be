"""Raw and streamed responses (``with_raw_response``, ``with_streaming_response``) and the parsing
shared with normal calls."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable, Iterator
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

import httpx

from ._binary import AsyncBinaryResponse, BinaryResponse, _wrap_transport_error
from ._body import aread_body, read_body
from ._constants import DEFAULT_MAX_EVENT_SIZE
from ._exceptions import ResponseTooLargeError
from ._lines import LineDecoder, LineTooLong
from ._logs import Redactor
from ._models import get_field
from ._nonjson import decode_success
from ._parse import shape_result
from ._ratelimit import RateLimit, parse_rate_limit

if TYPE_CHECKING:
    from ._endpoint import ResponseSpec

__all__ = [
    "APIResponse",
    "AsyncAPIResponse",
]

R = TypeVar("R")

_UNSET: Any = object()


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
    def http_request(self) -> httpx.Request:
        return self.http_response.request

    @property
    def is_closed(self) -> bool:
        """Whether the connection is released: after the body was read, or ``close()``."""
        return self.http_response.is_closed

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

    def _stream(self, which: int) -> Any:
        """The events of an event stream, unread: ``ResponseSpec.streams[which]`` (0: ``Stream``,
        1: ``AsyncStream``) over this response."""
        streams = self._spec.streams
        if streams is None:
            raise TypeError("ResponseSpec(kind='sse') needs streams=(Stream, AsyncStream)")
        return streams[which](
            self.http_response, spec=self._spec, strict=self._strict, redact=self._redact
        )

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__} [{self.status_code} {self.http_response.reason_phrase}] "
            f"{self._redact(f'{self.method} {self.url}')}>"
        )


class APIResponse(_BaseAPIResponse[R]):
    """The HTTP response of a call made through ``with_raw_response`` (body already read) or
    ``with_streaming_response`` (body still on the socket until read, iterated or closed)."""

    def parse(self) -> R:
        """What the normal (non-raw) call returns; computed once. Reads the body within
        ``max_response_bytes`` and the read timeout (an event stream or a download is not read:
        it is returned to be iterated)."""
        kind = self._spec.kind
        if self._parsed is _UNSET:
            if kind == "binary":
                self._parsed = BinaryResponse(self.http_response)
            elif kind == "sse":
                self._parsed = self._stream(0)
            else:
                self.read()
                self._parse_read()
        return cast(R, self._parsed)

    def envelope(self) -> Any:
        """The full parsed JSON body (before ``unwrap`` or pagination is applied)."""
        if self._spec.kind in ("binary", "sse"):
            return None
        self.read()
        return self._decode()

    def read(self) -> bytes:
        """The body (read within ``max_response_bytes`` and the read timeout)."""
        try:
            return read_body(self.http_response)
        except httpx.TransportError as exc:
            raise _wrap_transport_error(exc, self.http_response.request) from exc

    def text(self) -> str:
        self.read()
        return self.http_response.text

    def json(self) -> Any:
        return json.loads(self.read())

    def iter_bytes(self, chunk_size: int | None = None) -> Iterator[bytes]:
        """The body, decoded (gzip …), as it arrives; not limited by ``max_response_bytes``.
        The connection is closed when the iteration ends or is left."""
        try:
            yield from self.http_response.iter_bytes(chunk_size)
        except httpx.TransportError as exc:
            raise _wrap_transport_error(exc, self.http_response.request) from exc
        finally:
            self.http_response.close()

    def iter_text(self, chunk_size: int | None = None) -> Iterator[str]:
        """The body as text (the response's charset, else UTF-8), as it arrives."""
        try:
            yield from self.http_response.iter_text(chunk_size)
        except httpx.TransportError as exc:
            raise _wrap_transport_error(exc, self.http_response.request) from exc
        finally:
            self.http_response.close()

    def iter_lines(self) -> Iterator[str]:
        """The body's lines (UTF-8; ended by CR LF, LF or CR, which are not included), each as it
        is complete; a line longer than ``DEFAULT_MAX_EVENT_SIZE`` characters raises
        ``ResponseTooLargeError``."""
        lines = LineDecoder(max_line=DEFAULT_MAX_EVENT_SIZE)
        try:
            for chunk in self.http_response.iter_bytes():
                yield from lines.feed(chunk)
            rest = lines.finish()
            if rest:
                yield rest
        except LineTooLong as exc:
            raise _line_too_long(self.http_response, exc) from None
        except httpx.TransportError as exc:
            raise _wrap_transport_error(exc, self.http_response.request) from exc
        finally:
            self.http_response.close()

    def close(self) -> None:
        self.http_response.close()


class AsyncAPIResponse(_BaseAPIResponse[R]):
    """Async twin of ``APIResponse``: ``await parse()``, ``await read()``, ``async for`` over
    ``iter_bytes()`` / ``iter_text()`` / ``iter_lines()``."""

    async def parse(self) -> R:
        kind = self._spec.kind
        if self._parsed is _UNSET:
            if kind == "binary":
                self._parsed = AsyncBinaryResponse(self.http_response)
            elif kind == "sse":
                self._parsed = self._stream(1)
            else:
                await self.read()
                self._parse_read()
        return cast(R, self._parsed)

    async def envelope(self) -> Any:
        if self._spec.kind in ("binary", "sse"):
            return None
        await self.read()
        return self._decode()

    async def read(self) -> bytes:
        try:
            return await aread_body(self.http_response)
        except httpx.TransportError as exc:
            raise _wrap_transport_error(exc, self.http_response.request) from exc

    async def text(self) -> str:
        await self.read()
        return self.http_response.text

    async def json(self) -> Any:
        return json.loads(await self.read())

    async def iter_bytes(self, chunk_size: int | None = None) -> AsyncIterator[bytes]:
        try:
            async for chunk in self.http_response.aiter_bytes(chunk_size):
                yield chunk
        except httpx.TransportError as exc:
            raise _wrap_transport_error(exc, self.http_response.request) from exc
        finally:
            await self.http_response.aclose()

    async def iter_text(self, chunk_size: int | None = None) -> AsyncIterator[str]:
        try:
            async for text in self.http_response.aiter_text(chunk_size):
                yield text
        except httpx.TransportError as exc:
            raise _wrap_transport_error(exc, self.http_response.request) from exc
        finally:
            await self.http_response.aclose()

    async def iter_lines(self) -> AsyncIterator[str]:
        lines = LineDecoder(max_line=DEFAULT_MAX_EVENT_SIZE)
        try:
            async for chunk in self.http_response.aiter_bytes():
                for line in lines.feed(chunk):
                    yield line
            rest = lines.finish()
            if rest:
                yield rest
        except LineTooLong as exc:
            raise _line_too_long(self.http_response, exc) from None
        except httpx.TransportError as exc:
            raise _wrap_transport_error(exc, self.http_response.request) from exc
        finally:
            await self.http_response.aclose()

    async def close(self) -> None:
        await self.http_response.aclose()


def _line_too_long(response: httpx.Response, exc: LineTooLong) -> ResponseTooLargeError:
    request = response.request
    return ResponseTooLargeError(
        f"A line of the response to {request.method} {request.url.copy_with(query=None)} is "
        f"longer than {exc.limit:,} characters",
        response=response,
        limit=exc.limit,
    )
