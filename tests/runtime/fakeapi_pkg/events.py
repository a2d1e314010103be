"""Event-stream (`text/event-stream`) operations and streaming-response wrappers, as generated."""

from __future__ import annotations

from functools import cached_property

from ._base_client import AsyncAPIClient, AsyncAPIResource, SyncAPIClient, SyncAPIResource
from ._endpoint import Endpoint, ResponseSpec
from ._response import (
    APIResponse,
    AsyncAPIResponse,
    AsyncResponseContextManager,
    ResponseContextManager,
    async_to_streamed_response_wrapper,
    to_streamed_response_wrapper,
)
from ._streaming import AsyncStream, ServerSentEvent, Stream
from ._types import NOT_GIVEN, Headers, NotGiven, Query, Timeout
from .resources import AsyncReferrals, Referrals
from .types import Referral

_STREAMS = (Stream, AsyncStream)
_WATCH: Endpoint[Stream[Referral], AsyncStream[Referral]] = Endpoint(
    "GET",
    "/referrals/{id}/events",
    {"200": ResponseSpec("sse", Referral, streams=_STREAMS)},
    operation_id="watch",
)
_LOG: Endpoint[Stream[str], AsyncStream[str]] = Endpoint(
    "GET", "/log", {"200": ResponseSpec("sse", str, streams=_STREAMS)}, operation_id="log"
)
_RAW: Endpoint[Stream[str], AsyncStream[str]] = Endpoint(
    "GET", "/raw-events", {"200": ResponseSpec("sse", None, terminator=None, streams=_STREAMS)}
)


class Events(SyncAPIResource):
    def watch(
        self,
        id: str,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Stream[Referral]:
        return self._client.request(
            _WATCH,
            path={"id": id},
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
            max_retries=max_retries,
        )

    def log(self) -> Stream[str]:
        return self._client.request(_LOG)

    def raw(self) -> Stream[str]:
        return self._client.request(_RAW)

    @cached_property
    def with_streaming_response(self) -> EventsWithStreamingResponse:
        return EventsWithStreamingResponse(self)


class EventsWithStreamingResponse:
    def __init__(self, events: Events) -> None:
        self.watch = to_streamed_response_wrapper(events.watch)
        self.log = to_streamed_response_wrapper(events.log)


class AsyncEvents(AsyncAPIResource):
    async def watch(
        self, id: str, *, timeout: Timeout | NotGiven = NOT_GIVEN
    ) -> AsyncStream[Referral]:
        return await self._client.request(_WATCH, path={"id": id}, timeout=timeout)

    async def log(self) -> AsyncStream[str]:
        return await self._client.request(_LOG)

    @cached_property
    def with_streaming_response(self) -> AsyncEventsWithStreamingResponse:
        return AsyncEventsWithStreamingResponse(self)


class AsyncEventsWithStreamingResponse:
    def __init__(self, events: AsyncEvents) -> None:
        self.watch = async_to_streamed_response_wrapper(events.watch)


class ReferralsWithStreamingResponse:
    def __init__(self, referrals: Referrals) -> None:
        self.retrieve = to_streamed_response_wrapper(referrals.retrieve)
        self.list = to_streamed_response_wrapper(referrals.list)


class AsyncReferralsWithStreamingResponse:
    def __init__(self, referrals: AsyncReferrals) -> None:
        self.retrieve = async_to_streamed_response_wrapper(referrals.retrieve)
        self.list = async_to_streamed_response_wrapper(referrals.list)


def events(client: SyncAPIClient) -> Events:
    return Events(client)


def async_events(client: AsyncAPIClient) -> AsyncEvents:
    return AsyncEvents(client)


def _typing_checks(s: ReferralsWithStreamingResponse, e: Events) -> None:
    """Never called: mypy checks that the streaming wrappers keep precise types."""
    manager: ResponseContextManager[APIResponse[Referral]] = s.retrieve("x")
    with manager as response:
        parsed: Referral = response.parse()
        del parsed
    stream: Stream[Referral] = e.watch("x")
    for event in stream:
        typed: ServerSentEvent[Referral] = event
        name: str = event.data.patient_name
        del typed, name
    with e.with_streaming_response.watch("x") as streamed:
        again: Stream[Referral] = streamed.parse()
        del again

    async def _inner(a: AsyncReferralsWithStreamingResponse, ae: AsyncEvents) -> None:
        amanager: AsyncResponseContextManager[AsyncAPIResponse[Referral]] = a.retrieve("x")
        async with amanager as aresponse:
            aparsed: Referral = await aresponse.parse()
            del aparsed
        astream: AsyncStream[Referral] = await ae.watch("x")
        async for aevent in astream:
            aname: str = aevent.data.patient_name
            del aname

    del _inner
