"""Read a response body into memory within a size bound and a deadline.

``gzip`` / ``deflate`` bodies are decoded here with a bounded output buffer, so a compression bomb
stops at the size bound instead of inflating one network chunk into hundreds of megabytes; other
encodings httpx can decode (``br``, ``zstd`` when their packages are installed) are checked chunk by
chunk after httpx decoded them. The deadline is checked between chunks; a sync read blocked in
between is cut by ``_watchdog``, an async one by ``asyncio.timeout``.
"""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterable, Iterable
from typing import Any, cast

import httpx

from . import _clock, _watchdog
from ._constants import MAX_ERROR_BODY_BYTES
from ._exceptions import ResponseTooLargeError
from ._limits import CallLimits, limits_of

__all__ = ["aread_body", "read_body"]

_PIECE = 64 * 1024
_MAX_ENCODINGS = 4
_OURS = frozenset({"gzip", "x-gzip", "deflate", "identity", ""})


class _TooLarge(Exception):
    pass


class _Inflate:
    """One gzip/deflate stage; ``deflate`` accepts zlib-wrapped and raw streams as httpx does."""

    def __init__(self, encoding: str) -> None:
        self._deflate = encoding == "deflate"
        self._started = False
        self._obj = zlib.decompressobj(zlib.MAX_WBITS | (0 if self._deflate else 16))

    def pieces(self, data: bytes) -> Iterable[bytes]:
        """Decode ``data`` in outputs of at most 64 KiB each."""
        while True:
            try:
                out = self._obj.decompress(data, _PIECE)
            except zlib.error:
                if not (self._deflate and not self._started):
                    raise
                self._obj = zlib.decompressobj(-zlib.MAX_WBITS)
                out = self._obj.decompress(data, _PIECE)
            self._started = True
            data = self._obj.unconsumed_tail
            if out:
                yield out
            if not data and len(out) < _PIECE:
                return

    def flush(self) -> bytes:
        return self._obj.flush() if self._started else b""


class Decoder:
    """Raw body bytes in, decoded bytes collected up to ``limit``."""

    def __init__(self, content_encoding: str | None, limit: int | None) -> None:
        names = [v.strip().lower() for v in (content_encoding or "").split(",")]
        names = [name for name in names if name not in ("", "identity")]
        if len(names) > _MAX_ENCODINGS:
            raise zlib.error(f"{len(names)} content encodings (at most {_MAX_ENCODINGS})")
        self.stages = [_Inflate(name) for name in reversed(names)]
        self.limit = limit
        self.size = 0
        self.parts: list[bytes] = []

    def _emit(self, data: bytes) -> None:
        limit = self.limit
        if limit is not None and self.size + len(data) > limit:
            self.parts.append(data[: limit - self.size])
            self.size = limit
            raise _TooLarge
        self.parts.append(data)
        self.size += len(data)

    def _push(self, stage: int, data: bytes) -> None:
        if stage == len(self.stages):
            self._emit(data)
            return
        for piece in self.stages[stage].pieces(data):
            self._push(stage + 1, piece)

    def feed(self, data: bytes) -> None:
        if data:
            self._push(0, data)

    def finish(self) -> bytes:
        for index, stage in enumerate(self.stages):
            rest = stage.flush()
            if rest:
                self._push(index + 1, rest)
        return b"".join(self.parts)

    def prefix(self) -> bytes:
        return b"".join(self.parts)


def _already_read(response: httpx.Response) -> bytes | None:
    try:
        return response.content
    except httpx.ResponseNotRead:
        return None


def _uses_httpx_decoder(response: httpx.Response) -> bool:
    encodings = (response.headers.get("content-encoding") or "").split(",")
    return any(value.strip().lower() not in _OURS for value in encodings)


def _declared_too_large(response: httpx.Response, limit: int | None) -> bool:
    if limit is None or response.headers.get("content-encoding"):
        return False
    length = response.headers.get("content-length", "")
    return length.isdigit() and int(length) > limit


def _too_large(response: httpx.Response, limit: int) -> ResponseTooLargeError:
    request = response.request
    return ResponseTooLargeError(
        f"The response to {request.method} {request.url.copy_with(query=None)} is larger than "
        f"max_response_bytes ({limit:,} bytes decoded); raise max_response_bytes on the client, "
        "or stream it (a binary response: iter_bytes() / write_to_file())",
        response=response,
        limit=limit,
    )


def _deadline_error(response: httpx.Response, limits: CallLimits) -> httpx.TimeoutException:
    if limits.expired():
        return limits.timeout_error(response.request)
    read = response.request.extensions.get("timeout", {}).get("read")
    within = f" ({read:g} s)" if isinstance(read, (int, float)) else ""
    return httpx.ReadTimeout(
        f"the response body did not arrive within the read timeout{within}",
        request=response.request,
    )


def _store(response: httpx.Response, content: bytes) -> bytes:
    response._content = content  # what httpx's own read() stores; content/text/json work as usual
    return content


def _limit(response: httpx.Response) -> tuple[CallLimits, int | None, bool]:
    """(the call's limits, decoded bytes to read, whether to keep a prefix instead of failing).
    A success body fails past ``max_bytes``; any other body is read up to
    ``MAX_ERROR_BODY_BYTES`` (and ``max_bytes``) and the prefix kept: the status error is raised
    using that prefix."""
    limits = limits_of(response.request)
    if response.is_success:
        return limits, limits.max_bytes, False
    if limits.max_bytes is None:
        return limits, MAX_ERROR_BODY_BYTES, True
    return limits, min(limits.max_bytes, MAX_ERROR_BODY_BYTES), True


def _socket_of(response: httpx.Response) -> Any:
    stream = response.extensions.get("network_stream")
    return stream.get_extra_info("socket") if stream is not None else None


def read_body(response: httpx.Response) -> bytes:
    """Read the body (sync) within the call's limits (``_limit``) before the body deadline, and
    close the response. Too large: ``ResponseTooLargeError``; past the deadline:
    ``httpx.ReadTimeout``. A response already read is only checked."""
    limits, max_bytes, truncate = _limit(response)
    content = _already_read(response)
    if content is not None:
        if max_bytes is not None and len(content) > max_bytes and not truncate:
            raise _too_large(response, max_bytes)
        return content
    if _declared_too_large(response, max_bytes) and not truncate:
        response.close()
        assert max_bytes is not None
        raise _too_large(response, max_bytes)
    deadline = limits.body_deadline(response.request)
    sock = _socket_of(response) if deadline is not None else None
    alarm = _watchdog.arm(deadline, sock) if sock is not None and deadline is not None else None
    decoder = Decoder(None, max_bytes)
    try:
        decoder = Decoder(response.headers.get("content-encoding"), max_bytes)
        if _uses_httpx_decoder(response):
            decoder.stages = []
            chunks: Iterable[bytes] = response.iter_bytes()
        else:
            chunks = cast(Iterable[bytes], response.stream)
        for chunk in chunks:
            decoder.feed(chunk)
            if deadline is not None and _clock.monotonic() > deadline:
                raise _deadline_error(response, limits)
        content = decoder.finish()
    except _TooLarge:
        if not truncate:
            raise _too_large(response, decoder.limit or 0) from None
        content = decoder.prefix()
    except zlib.error as exc:
        raise httpx.DecodingError(f"cannot decode the response body: {exc}") from exc
    except httpx.TransportError as exc:
        if alarm is not None and alarm.fired:
            raise _deadline_error(response, limits) from exc
        raise
    finally:
        if alarm is not None:
            _watchdog.disarm(alarm)
        response.close()
    return _store(response, content)


async def aread_body(response: httpx.Response) -> bytes:
    """Async twin of ``read_body`` (the deadline is an ``asyncio.timeout``)."""
    import asyncio  # here, not at the top: importing the package does not import asyncio

    limits, max_bytes, truncate = _limit(response)
    content = _already_read(response)
    if content is not None:
        if max_bytes is not None and len(content) > max_bytes and not truncate:
            raise _too_large(response, max_bytes)
        return content
    if _declared_too_large(response, max_bytes) and not truncate:
        await response.aclose()
        assert max_bytes is not None
        raise _too_large(response, max_bytes)
    deadline = limits.body_deadline(response.request)
    decoder = Decoder(None, max_bytes)
    try:
        decoder = Decoder(response.headers.get("content-encoding"), max_bytes)
        if _uses_httpx_decoder(response):
            decoder.stages = []
            chunks: AsyncIterable[bytes] = response.aiter_bytes()
        else:
            chunks = cast(AsyncIterable[bytes], response.stream)
        loop = asyncio.get_running_loop()
        async with asyncio.timeout_at(
            None if deadline is None else loop.time() + (deadline - _clock.monotonic())
        ):
            async for chunk in chunks:
                decoder.feed(chunk)
        content = decoder.finish()
    except _TooLarge:
        if not truncate:
            raise _too_large(response, decoder.limit or 0) from None
        content = decoder.prefix()
    except zlib.error as exc:
        raise httpx.DecodingError(f"cannot decode the response body: {exc}") from exc
    except TimeoutError as exc:
        raise _deadline_error(response, limits) from exc
    finally:
        await response.aclose()
    return _store(response, content)
