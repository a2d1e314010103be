"""The arguments of one ``request()`` call, kept so that pagination can repeat the call."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from ._types import NOT_GIVEN, Body, Headers, NotGiven, Query, Timeout

__all__ = ["RequestOptions"]


@dataclass(frozen=True, slots=True)
class RequestOptions:
    path: Mapping[str, object] | None = None
    query: Mapping[str, object] | None = None
    headers: Mapping[str, object] | None = None
    body: object = NOT_GIVEN
    extra_headers: Headers | None = None
    extra_query: Query | None = None
    extra_body: Body | None = None
    timeout: Timeout | NotGiven = NOT_GIVEN
    max_retries: int | NotGiven = NOT_GIVEN
    cookies: Mapping[str, object] | None = None

    def with_query_param(self, name: str, value: object) -> RequestOptions:
        """A copy with one query parameter set (used to request the next page)."""
        query = dict(self.query or {})
        query[name] = value
        return replace(self, query=query)
