"""The wrappers behind ``with_raw_response`` and ``with_streaming_response``, and the context
managers streaming methods return.

A wrapper sets the response mode of the call (a context variable) that the first ``request()`` of
the call consumes: ``"raw"`` returns the ``APIResponse`` with its body read (errors still raise);
``"stream"`` returns it with the success body left on the socket.
"""

from __future__ import annotations

import contextvars
import functools
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Generic, Literal, ParamSpec, Protocol, TypeVar, cast

from ._response import APIResponse, AsyncAPIResponse

__all__ = [
    "AsyncResponseContextManager",
    "ResponseContextManager",
    "async_to_raw_response_wrapper",
    "async_to_streamed_response_wrapper",
    "consume_response_mode",
    "to_raw_response_wrapper",
    "to_streamed_response_wrapper",
]

P = ParamSpec("P")
R = TypeVar("R")

ResponseMode = Literal["", "raw", "stream"]
_RESPONSE_MODE: contextvars.ContextVar[ResponseMode] = contextvars.ContextVar(
    "clientgen_response_mode", default=""
)


def consume_response_mode() -> ResponseMode:
    """``"raw"`` / ``"stream"`` (once) when the current call was made through a raw-response /
    streaming-response wrapper, else ``""``."""
    mode = _RESPONSE_MODE.get()
    if mode:
        _RESPONSE_MODE.set("")  # only the outermost request of the wrapped call is raw
    return mode


class _Closeable(Protocol):
    def close(self) -> object: ...


class _AsyncCloseable(Protocol):
    def close(self) -> Awaitable[object]: ...


_R = TypeVar("_R", bound=_Closeable)
_AR = TypeVar("_AR", bound=_AsyncCloseable)


class ResponseContextManager(Generic[_R]):
    """``with method(...) as response:`` sends the request on entry (a status error is raised
    there, as by the plain call) and closes the response on exit, read or not, also when the
    block raises."""

    def __init__(self, send: Callable[[], _R]) -> None:
        self._send = send
        self._response: _R | None = None

    def __enter__(self) -> _R:
        self._response = self._send()
        return self._response

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._response is not None:
            self._response.close()


class AsyncResponseContextManager(Generic[_AR]):
    """Async twin of ``ResponseContextManager`` (``async with``)."""

    def __init__(self, send: Callable[[], Awaitable[_AR]]) -> None:
        self._send = send
        self._response: _AR | None = None

    async def __aenter__(self) -> _AR:
        self._response = await self._send()
        return self._response

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._response is not None:
            await self._response.close()


def to_raw_response_wrapper(func: Callable[P, R]) -> Callable[P, APIResponse[R]]:
    """Wrap a generated method so it returns the ``APIResponse`` instead of the parsed value."""

    @functools.wraps(func)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> APIResponse[R]:
        token = _RESPONSE_MODE.set("raw")
        try:
            return cast("APIResponse[R]", func(*args, **kwargs))
        finally:
            _RESPONSE_MODE.reset(token)

    return wrapped


def async_to_raw_response_wrapper(
    func: Callable[P, Awaitable[R]],
) -> Callable[P, Awaitable[AsyncAPIResponse[R]]]:
    """Async twin of ``to_raw_response_wrapper``."""

    @functools.wraps(func)
    async def wrapped(*args: P.args, **kwargs: P.kwargs) -> AsyncAPIResponse[R]:
        token = _RESPONSE_MODE.set("raw")
        try:
            return cast("AsyncAPIResponse[R]", await func(*args, **kwargs))
        finally:
            _RESPONSE_MODE.reset(token)

    return wrapped


def to_streamed_response_wrapper(
    func: Callable[P, R],
) -> Callable[P, ResponseContextManager[APIResponse[R]]]:
    """Wrap a generated method so it returns a context manager: ``with`` sends the request and
    gives the ``APIResponse`` with its body still unread; leaving the block closes it."""

    @functools.wraps(func)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> ResponseContextManager[APIResponse[R]]:
        def send() -> APIResponse[R]:
            token = _RESPONSE_MODE.set("stream")
            try:
                return cast("APIResponse[R]", func(*args, **kwargs))
            finally:
                _RESPONSE_MODE.reset(token)

        return ResponseContextManager(send)

    return wrapped


def async_to_streamed_response_wrapper(
    func: Callable[P, Awaitable[R]],
) -> Callable[P, AsyncResponseContextManager[AsyncAPIResponse[R]]]:
    """Async twin of ``to_streamed_response_wrapper`` (``async with``)."""

    @functools.wraps(func)
    def wrapped(
        *args: P.args, **kwargs: P.kwargs
    ) -> AsyncResponseContextManager[AsyncAPIResponse[R]]:
        async def send() -> AsyncAPIResponse[R]:
            token = _RESPONSE_MODE.set("stream")
            try:
                return cast("AsyncAPIResponse[R]", await func(*args, **kwargs))
            finally:
                _RESPONSE_MODE.reset(token)

        return AsyncResponseContextManager(send)

    return wrapped
