"""Hooks: your code around every request — tracing, signing, metrics — passed to the client as
``hooks=Hooks(...)`` (sync) or ``hooks=AsyncHooks(...)`` (async; a hook may be a coroutine function).

- ``before_request(RequestEvent)``: before each attempt is sent (retries too), after the credentials
  were added; it may change ``event.request.headers`` (a trace header, a signature). It sees the
  request as sent — credentials included — so text it logs should go through ``event.redact``.
  Redirect hops are not shown to it (hops to another origin drop every credential header, its own
  too).
- ``after_response(ResponseEvent)``: with each attempt's response (any status, before a retry
  decision), its body read (bounded by ``max_response_bytes``) — except a file download's, which is
  streamed to the caller afterwards and must not be read here.
- ``on_error(ErrorEvent)``: once, with the exception a call is about to raise (``APIError`` and its
  subclasses: status errors after retries, connection errors, timeouts, validation errors).

Hooks run in the order given, in the calling thread or task; an exception a hook raises ends the
call with that exception.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

import httpx

from ._exceptions import APIError

__all__ = ["AsyncHooks", "ErrorEvent", "Hooks", "RequestEvent", "ResponseEvent"]


@dataclass(frozen=True, slots=True)
class RequestEvent:
    """What ``before_request`` hooks get: one attempt's request, about to be sent."""

    request: httpx.Request
    """The request of this attempt, about to be sent; its headers may be changed."""
    operation_id: str
    attempt: int
    """1 for the first try, 2 for the first retry, …"""
    redact: Callable[[str], str]
    """Hides the call's secrets (credentials, their URL-encoded forms) in a text you log."""


@dataclass(frozen=True, slots=True)
class ResponseEvent:
    """What ``after_response`` hooks get: one attempt's response."""

    response: httpx.Response
    """Status, headers and (but for a file download) the body, already read."""
    operation_id: str
    attempt: int
    elapsed: float
    """Seconds from sending the request to the response (its body read, but for a download)."""
    redact: Callable[[str], str]

    @property
    def request(self) -> httpx.Request:
        return self.response.request


@dataclass(frozen=True, slots=True)
class ErrorEvent:
    """What ``on_error`` hooks get: the exception a call is about to raise."""

    error: APIError
    """The exception the call raises (its message is already redacted)."""
    operation_id: str


@dataclass(frozen=True, slots=True)
class Hooks:
    """Hooks of a sync client: plain functions."""

    before_request: Sequence[Callable[[RequestEvent], None]] = ()
    after_response: Sequence[Callable[[ResponseEvent], None]] = ()
    on_error: Sequence[Callable[[ErrorEvent], None]] = ()


@dataclass(frozen=True, slots=True)
class AsyncHooks:
    """Hooks of an async client: coroutine functions or plain functions."""

    before_request: Sequence[Callable[[RequestEvent], Awaitable[None] | None]] = ()
    after_response: Sequence[Callable[[ResponseEvent], Awaitable[None] | None]] = ()
    on_error: Sequence[Callable[[ErrorEvent], Awaitable[None] | None]] = ()


NO_HOOKS = Hooks()
NO_ASYNC_HOOKS = AsyncHooks()


def run(hooks: Sequence[Callable[[Any], None]], event: object) -> None:
    for hook in hooks:
        hook(event)


async def arun(hooks: Sequence[Callable[[Any], Awaitable[None] | None]], event: object) -> None:
    for hook in hooks:
        result = hook(event)
        if inspect.isawaitable(result):
            await result
