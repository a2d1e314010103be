"""The arguments of one ``request()`` call, kept so that pagination can repeat the call."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from ._types import NOT_GIVEN, Body, Headers, NotGiven, Query, Timeout

__all__ = ["RequestOptions"]


@dataclass(frozen=True, slots=True)
class RequestOptions:
    """The arguments of one call, as the generated method passes them to ``request()``."""

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
    url: str | None = None
    """An absolute URL requested instead of the endpoint's path and query (a next-page link)."""

    def with_query_param(self, name: str, value: object) -> RequestOptions:
        """A copy with one query parameter set (used to request the next page)."""
        query = dict(self.query or {})
        query[name] = value
        return replace(self, query=query)

    def with_body_param(self, name: str, value: object) -> RequestOptions:
        """A copy with one field of the JSON body set (a POST search's next page)."""
        extra = dict(self.extra_body or {})
        extra[name] = value
        return replace(self, extra_body=extra)

    def with_url(self, url: str) -> RequestOptions:
        """A copy that requests ``url`` (its query included) instead of the endpoint's path."""
        return replace(self, url=url, query=None, extra_query=None)
