"""Base classes of generated resource classes (``client.referrals``)."""

from __future__ import annotations

import copy
import functools
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from ._base_client import AsyncAPIClient, SyncAPIClient

__all__ = ["AsyncAPIResource", "SyncAPIResource", "rebind_resources"]


class SyncAPIResource:
    """Base of generated resource classes (``client.referrals``)."""

    _client: SyncAPIClient

    def __init__(self, client: SyncAPIClient) -> None:
        self._client = client


class AsyncAPIResource:
    """Base of generated async resource classes."""

    _client: AsyncAPIClient

    def __init__(self, client: AsyncAPIClient) -> None:
        self._client = client


def rebind_resources(obj: object, old: object, new: object, memo: dict[int, object]) -> None:
    """Point resources reachable from a copied client at the copy instead of the original.

    Values cached by ``functools.cached_property`` (lazily built resources, raw-response
    wrappers holding bound methods) are dropped so they are rebuilt for the copy.
    """
    attributes = vars(obj)
    for name, value in list(attributes.items()):
        if isinstance(getattr(type(obj), name, None), functools.cached_property):
            del attributes[name]
            continue
        if not isinstance(value, (SyncAPIResource, AsyncAPIResource)):
            continue
        if id(value) not in memo:
            clone = copy.copy(value)
            if clone._client is old:
                clone._client = cast(Any, new)
            memo[id(value)] = clone
            rebind_resources(clone, old, new, memo)
        attributes[name] = memo[id(value)]
