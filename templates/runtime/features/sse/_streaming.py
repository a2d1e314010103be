"""``Stream`` / ``AsyncStream``: the server-sent events of a ``text/event-stream`` response.

Events are parsed as they arrive (``_lines`` splits the body, ``_sse`` parses the fields), each
event's ``data`` validated into the operation's declared type. The stream ends at the end of the
body or at an event whose data is the terminator (``[DONE]``); the connection is closed then, when
the caller leaves a ``for`` loop over the stream early (``break``, an exception), on ``close()``,
and at the end of a ``with`` block. Iterating is bounded per wait by the read timeout, and each
line / event by ``DEFAULT_MAX_EVENT_SIZE`` characters; the stream as a whole is not limited.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Generic, TypeVar, cast

import httpx

from ._binary import _wrap_transport_error
from ._constants import DEFAULT_MAX_EVENT_SIZE
from ._endpoint import ResponseSpec
from ._exceptions import ResponseTooLargeError
from ._lines import LineDecoder, LineTooLong
from ._logs import Redactor, logger
from ._parse import decode_text
from ._sse import EventTooLarge, ServerSentEvent, SSEDecoder
from ._types import AsyncClosing, Closing

__all__ = ["AsyncStream", "ServerSentEvent", "Stream"]

T = TypeVar("T")


class _StreamBase(Generic[T]):
    def __init__(
        self,
        response: httpx.Response,
        *,
        spec: ResponseSpec,
        strict: bool,
        redact: Redactor,
        max_event_size: int | None = DEFAULT_MAX_EVENT_SIZE,
    ) -> None:
        self.http_response = response
        self._spec = spec
        self._strict = strict
        self._redact = redact
        self._text = spec.model is None or spec.model is str
        self._lines = LineDecoder(max_line=max_event_size, strip_bom=True)
        self._decoder = SSEDecoder(max_size=max_event_size)
        self._count = 0
        self._done = False

    @property
    def max_event_size(self) -> int | None:
        """Longest line and event (characters) held in memory; ``None``: unbounded. Set it
        before iterating to change it for this stream."""
        return self._decoder.max_size

    @max_event_size.setter
    def max_event_size(self, value: int | None) -> None:
        self._decoder.max_size = self._lines.max_line = value

    @property
    def status_code(self) -> int:
        return self.http_response.status_code

    @property
    def headers(self) -> httpx.Headers:
        return self.http_response.headers

    @property
    def is_closed(self) -> bool:
        return self.http_response.is_closed

    @property
    def last_event_id(self) -> str | None:
        """The last event ID the server sent (``None`` if none): resume with a
        ``Last-Event-ID`` header, where the API supports it."""
        return self._decoder.last_event_id

    @property
    def retry(self) -> int | None:
        """The latest reconnection time (ms) the server asked for. The stream never reconnects
        by itself."""
        return self._decoder.retry

    def _feed(self, chunk: bytes) -> Iterator[ServerSentEvent[T]]:
        """The events ``chunk`` completes, one by one, up to the terminator (which sets
        ``_done``)."""
        try:
            for line in self._lines.feed(chunk):
                sse = self._decoder.line(line)
                if sse is None:
                    continue
                if sse.data == self._spec.terminator:
                    self._done = True
                    return
                yield self._event(sse)
        except (LineTooLong, EventTooLarge) as exc:
            raise self._too_large(exc.limit) from None

    def _event(self, sse: ServerSentEvent[str]) -> ServerSentEvent[T]:
        self._count += 1
        if self._text:
            return cast("ServerSentEvent[T]", sse)
        value, errors = decode_text(
            sse.data,
            self._spec,
            strict=self._strict,
            response=self.http_response,
            redact=self._redact,
            what=f"Event {self._count} ({sse.event!r})",
        )
        return ServerSentEvent(value, sse.event, sse.id, sse.retry, sse.raw_data, errors or [])

    def _end(self) -> None:
        """The body ended: an event it ended in the middle of is discarded (with a WARNING)."""
        rest = self._lines.finish()
        if rest or self._decoder.pending:
            logger.warning(
                "The event stream from %s ended in the middle of an event (no blank line after "
                "it); the incomplete event was discarded",
                self._where(),
            )

    def _where(self) -> str:
        request = self.http_response.request
        return self._redact(f"{request.method} {request.url}")

    def _too_large(self, limit: int) -> ResponseTooLargeError:
        return ResponseTooLargeError(
            f"An event in the stream from {self._where()} is larger than {limit:,} characters "
            "(a line or an event without its ending blank line); the stream was closed",
            response=self.http_response,
            limit=limit,
        )

    def __repr__(self) -> str:
        return f"<{type(self).__name__} [{self.status_code}] {self._where()}>"


class Stream(_StreamBase[T], Closing):
    """The events of a ``text/event-stream`` response: ``for event in stream:`` yields
    ``ServerSentEvent[T]`` (``event.data`` is a ``T``) as each arrives.

    Leaving the loop early (``break``, an exception) closes the connection; so do ``close()``
    and the end of a ``with stream:`` block. ``next(stream)`` takes one event without closing.
    """

    def __init__(
        self,
        response: httpx.Response,
        *,
        spec: ResponseSpec,
        strict: bool,
        redact: Redactor,
        max_event_size: int | None = DEFAULT_MAX_EVENT_SIZE,
    ) -> None:
        super().__init__(
            response, spec=spec, strict=strict, redact=redact, max_event_size=max_event_size
        )
        self._iterator = self._events()

    def __iter__(self) -> Iterator[ServerSentEvent[T]]:
        try:
            yield from self._iterator
        finally:
            self.close()

    def __next__(self) -> ServerSentEvent[T]:
        return next(self._iterator)

    def iter_data(self) -> Iterator[T]:
        """Only the events' ``data`` (like iterating an OpenAI SDK stream)."""
        for event in self:
            yield event.data

    def _events(self) -> Iterator[ServerSentEvent[T]]:
        response = self.http_response
        if response.is_closed:
            return
        try:
            chunks = response.iter_bytes()
            while not response.is_closed:  # closed by the caller between two events: done
                chunk = next(chunks, None)
                if chunk is None:
                    self._end()
                    return
                yield from self._feed(chunk)
                if self._done:
                    return
        except httpx.TransportError as exc:
            raise _wrap_transport_error(exc, response.request) from exc
        finally:
            response.close()

    def close(self) -> None:
        """Close the connection (the server sees the stream end); later iteration yields nothing."""
        self.http_response.close()


class AsyncStream(_StreamBase[T], AsyncClosing):
    """Async twin of ``Stream``: ``async for event in stream:``, ``await stream.close()``,
    ``async with stream:``. Leaving an ``async for`` early closes the connection when the loop's
    iterator is finalized (at once for ``async with`` / ``close()``)."""

    def __init__(
        self,
        response: httpx.Response,
        *,
        spec: ResponseSpec,
        strict: bool,
        redact: Redactor,
        max_event_size: int | None = DEFAULT_MAX_EVENT_SIZE,
    ) -> None:
        super().__init__(
            response, spec=spec, strict=strict, redact=redact, max_event_size=max_event_size
        )
        self._iterator = self._events()

    async def __aiter__(self) -> AsyncIterator[ServerSentEvent[T]]:
        try:
            async for event in self._iterator:
                yield event
        finally:
            await self.close()

    async def __anext__(self) -> ServerSentEvent[T]:
        return await self._iterator.__anext__()

    async def iter_data(self) -> AsyncIterator[T]:
        """Only the events' ``data``."""
        async for event in self:
            yield event.data

    async def _events(self) -> AsyncIterator[ServerSentEvent[T]]:
        response = self.http_response
        if response.is_closed:
            return
        try:
            chunks = response.aiter_bytes()
            while not response.is_closed:  # closed by the caller between two events: done
                chunk = await anext(chunks, None)
                if chunk is None:
                    self._end()
                    return
                for event in self._feed(chunk):
                    yield event
                if self._done:
                    return
        except httpx.TransportError as exc:
            raise _wrap_transport_error(exc, response.request) from exc
        finally:
            await response.aclose()

    async def close(self) -> None:
        await self.http_response.aclose()
