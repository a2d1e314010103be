"""Resource classes as the generator emits them."""

from __future__ import annotations

import builtins
from collections.abc import Mapping
from datetime import date
from functools import cached_property
from typing import Any

from ._base_client import AsyncAPIResource, SyncAPIResource
from ._binary import AsyncBinaryResponse, BinaryResponse
from ._endpoint import Endpoint, PageSpec, ResponseSpec
from ._pagination import AsyncPage, SyncPage
from ._response import (
    APIResponse,
    AsyncAPIResponse,
    async_to_raw_response_wrapper,
    to_raw_response_wrapper,
)
from ._types import NOT_GIVEN, Body, FileTypes, Headers, NotGiven, NotGivenOr, Query, Timeout
from .types import Document, Referral, ReferralCreate, ReferralEnvelope, ReferralList, Status, Token

_RETRIEVE: Endpoint[Any, Any] = Endpoint(
    "GET",
    "/referrals/{id}",
    {"200": ResponseSpec("json", ReferralEnvelope, unwrap="data")},
    operation_id="getReferral",
)
_LIST: Endpoint[Any, Any] = Endpoint(
    "GET",
    "/referrals",
    {
        "200": ResponseSpec(
            "json",
            ReferralList,
            page=PageSpec(
                limit_param="limit",
                pagination_field="pagination",
                has_more_field=("pagination", "hasMore"),
                total_pages_field=("pagination", "totalPages"),
                total_items_field=("pagination", "total"),
                page_field=("pagination", "page"),
                limit_field=("pagination", "limit"),
            ),
        )
    },
    query_styles={
        "status": ("form", False),
        "filter": ("deepObject", True),
        "ids": ("pipeDelimited", False),
        "words": ("spaceDelimited", False),
    },
    operation_id="listReferrals",
)
_SEARCH: Endpoint[Any, Any] = Endpoint(
    "GET",
    "/referrals/search",
    {"2XX": ResponseSpec("json", list[Referral])},
    operation_id="searchReferrals",
)
_CREATE: Endpoint[Any, Any] = Endpoint(
    "POST",
    "/referrals",
    {"201": ResponseSpec("json", ReferralEnvelope, unwrap="data")},
    body_media="application/json",
    operation_id="createReferral",
)
_UPDATE: Endpoint[Any, Any] = Endpoint(
    "PATCH",
    "/referrals/{id}",
    {"200": ResponseSpec("json", ReferralEnvelope, unwrap="data")},
    body_media="application/json",
)
_REPLACE: Endpoint[Any, Any] = Endpoint(
    "PUT",
    "/referrals/{id}",
    {"200": ResponseSpec("json", ReferralEnvelope, unwrap="data")},
    body_media="application/json",
)
_DELETE: Endpoint[Any, Any] = Endpoint("DELETE", "/referrals/{id}", {"204": ResponseSpec("empty")})
_UPLOAD: Endpoint[Any, Any] = Endpoint(
    "POST",
    "/referrals/{id}/documents",
    {"201": ResponseSpec("json", Document)},
    body_media="multipart/form-data",
)
_UPLOAD_RAW: Endpoint[Any, Any] = Endpoint(
    "PUT",
    "/documents/{id}/content",
    {"200": ResponseSpec("json", Document)},
    body_media="application/octet-stream",
)
_DOWNLOAD: Endpoint[Any, Any] = Endpoint(
    "GET",
    "/documents/{id}/content",
    {"200": ResponseSpec("binary"), "default": ResponseSpec("json")},
)
_NOTE: Endpoint[Any, Any] = Endpoint(
    "PUT", "/referrals/{id}/note", {"200": ResponseSpec("text")}, body_media="text/plain"
)
_TOKEN: Endpoint[Any, Any] = Endpoint(
    "POST",
    "/oauth/token",
    {"200": ResponseSpec("json", Token)},
    body_media="application/x-www-form-urlencoded",
    auth=False,
)
_HEALTH: Endpoint[Any, Any] = Endpoint("GET", "/health", {"200": ResponseSpec("text")}, auth=False)


class Referrals(SyncAPIResource):
    def retrieve(
        self,
        id: str,
        *,
        x_trace_id: NotGivenOr[str] = NOT_GIVEN,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Referral:
        return self._client.request(  # type: ignore[no-any-return]
            _RETRIEVE,
            path={"id": id},
            headers={"X-Trace-Id": x_trace_id},
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
            max_retries=max_retries,
        )

    def list(
        self,
        *,
        page: NotGivenOr[int] = NOT_GIVEN,
        limit: NotGivenOr[int] = NOT_GIVEN,
        status: NotGivenOr[builtins.list[Status | str]] = NOT_GIVEN,
        filter: NotGivenOr[Mapping[str, object]] = NOT_GIVEN,
        ids: NotGivenOr[builtins.list[str]] = NOT_GIVEN,
        words: NotGivenOr[builtins.list[str]] = NOT_GIVEN,
        since: NotGivenOr[date] = NOT_GIVEN,
        urgent: NotGivenOr[bool | None] = NOT_GIVEN,
        extra_query: Query | None = None,
    ) -> SyncPage[Referral]:
        return self._client.request(
            _LIST,
            query={
                "page": page,
                "limit": limit,
                "status": status,
                "filter": filter,
                "ids": ids,
                "words": words,
                "since": since,
                "urgent": urgent,
            },
            extra_query=extra_query,
        )

    def search(self, *, q: str) -> builtins.list[Referral]:
        return self._client.request(_SEARCH, query={"q": q})

    def create(
        self,
        *,
        body: ReferralCreate | Mapping[str, Any],
        idempotency_key: NotGivenOr[str] = NOT_GIVEN,
        extra_headers: Headers | None = None,
        extra_body: Body | None = None,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Referral:
        return self._client.request(  # type: ignore[no-any-return]
            _CREATE,
            body=body,
            headers={"Idempotency-Key": idempotency_key},
            extra_headers=extra_headers,
            extra_body=extra_body,
            max_retries=max_retries,
        )

    def update(self, id: str, *, notes: NotGivenOr[str | None] = NOT_GIVEN) -> Referral:
        return self._client.request(  # type: ignore[no-any-return]
            _UPDATE, path={"id": id}, body={"notes": notes}
        )

    def replace(self, id: str, *, body: ReferralCreate) -> Referral:
        return self._client.request(_REPLACE, path={"id": id}, body=body)  # type: ignore[no-any-return]

    def delete(self, id: str) -> None:
        self._client.request(_DELETE, path={"id": id})

    def upload_document(
        self,
        id: str,
        *,
        file: FileTypes,
        description: NotGivenOr[str] = NOT_GIVEN,
        extra: NotGivenOr[Mapping[str, object]] = NOT_GIVEN,
    ) -> Document:
        return self._client.request(  # type: ignore[no-any-return]
            _UPLOAD,
            path={"id": id},
            body={"file": file, "description": description, "extra": extra},
        )

    def set_note(self, id: str, *, note: str) -> str:
        return self._client.request(_NOTE, path={"id": id}, body=note)  # type: ignore[no-any-return]

    @cached_property
    def with_raw_response(self) -> ReferralsWithRawResponse:
        return ReferralsWithRawResponse(self)


class ReferralsWithRawResponse:
    def __init__(self, referrals: Referrals) -> None:
        self.retrieve = to_raw_response_wrapper(referrals.retrieve)
        self.list = to_raw_response_wrapper(referrals.list)
        self.create = to_raw_response_wrapper(referrals.create)


class Documents(SyncAPIResource):
    def download(self, id: str, *, max_retries: int | NotGiven = NOT_GIVEN) -> BinaryResponse:
        return self._client.request(  # type: ignore[no-any-return]
            _DOWNLOAD, path={"id": id}, max_retries=max_retries
        )

    def upload_content(self, id: str, *, content: FileTypes) -> Document:
        return self._client.request(  # type: ignore[no-any-return]
            _UPLOAD_RAW, path={"id": id}, body=content
        )

    @cached_property
    def with_raw_response(self) -> DocumentsWithRawResponse:
        return DocumentsWithRawResponse(self)


class DocumentsWithRawResponse:
    def __init__(self, documents: Documents) -> None:
        self.download = to_raw_response_wrapper(documents.download)


class Auth(SyncAPIResource):
    def token(self, *, client_id: str, client_secret: str, scope: list[str]) -> Token:
        return self._client.request(  # type: ignore[no-any-return]
            _TOKEN,
            body={
                "grant_type": "client_credentials",
                "client_id": client_id,
                "client_secret": client_secret,
                "scope": scope,
            },
        )

    def health(self) -> str:
        return self._client.request(_HEALTH)  # type: ignore[no-any-return]


class AsyncReferrals(AsyncAPIResource):
    async def retrieve(self, id: str, *, max_retries: int | NotGiven = NOT_GIVEN) -> Referral:
        return await self._client.request(_RETRIEVE, path={"id": id}, max_retries=max_retries)

    async def list(
        self, *, page: NotGivenOr[int] = NOT_GIVEN, limit: NotGivenOr[int] = NOT_GIVEN
    ) -> AsyncPage[Referral]:
        return await self._client.request(_LIST, query={"page": page, "limit": limit})

    async def create(
        self,
        *,
        body: ReferralCreate | Mapping[str, Any],
        idempotency_key: NotGivenOr[str] = NOT_GIVEN,
    ) -> Referral:
        return await self._client.request(
            _CREATE, body=body, headers={"Idempotency-Key": idempotency_key}
        )

    async def upload_document(self, id: str, *, file: FileTypes) -> Document:
        return await self._client.request(_UPLOAD, path={"id": id}, body={"file": file})

    @cached_property
    def with_raw_response(self) -> AsyncReferralsWithRawResponse:
        return AsyncReferralsWithRawResponse(self)


class AsyncReferralsWithRawResponse:
    def __init__(self, referrals: AsyncReferrals) -> None:
        self.retrieve = async_to_raw_response_wrapper(referrals.retrieve)
        self.list = async_to_raw_response_wrapper(referrals.list)


class AsyncDocuments(AsyncAPIResource):
    async def download(self, id: str) -> AsyncBinaryResponse:
        return await self._client.request(_DOWNLOAD, path={"id": id})


def _typing_checks(r: ReferralsWithRawResponse, a: AsyncReferralsWithRawResponse) -> None:
    """Never called: mypy checks that the raw wrappers keep precise types."""
    raw: APIResponse[Referral] = r.retrieve("x")
    parsed: Referral = raw.parse()
    del parsed

    async def _inner() -> None:
        araw: AsyncAPIResponse[Referral] = await a.retrieve("x")
        aparsed: Referral = await araw.parse()
        del aparsed

    del _inner
