"""The ``httpx`` client of a generated client, created on first use."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

import httpx

__all__ = ["LazyHttp"]

_HttpxT = TypeVar("_HttpxT", httpx.Client, httpx.AsyncClient)


class LazyHttp(Generic[_HttpxT]):
    """The ``httpx`` client, created on first use (building one costs ~25 ms of imports and SSL
    setup); shared by a client and its ``with_options`` copies."""

    __slots__ = ("_client", "_closed", "_factory", "_lock")
    _client: _HttpxT | None
    _factory: Callable[[], _HttpxT]

    def __init__(self, client: _HttpxT | None, factory: Callable[[], _HttpxT]) -> None:
        self._client = client
        self._factory = factory
        self._closed = False
        self._lock = threading.Lock()

    def get(self) -> _HttpxT:
        client = self._client
        if client is None:
            with self._lock:
                if self._client is None:
                    if self._closed:
                        raise RuntimeError("Cannot send a request, as the client has been closed.")
                    self._client = self._factory()
                client = self._client
        return client

    @property
    def created(self) -> _HttpxT | None:
        """The ``httpx`` client if it exists yet."""
        return self._client

    @property
    def is_closed(self) -> bool:
        return self._client.is_closed if self._client is not None else self._closed

    def mark_closed(self) -> None:
        """Closing before the first request: nothing to close, later requests fail as in httpx."""
        self._closed = True
