"""Sentinel and type aliases used in generated signatures."""

from __future__ import annotations

import os
from collections.abc import Mapping
from types import TracebackType
from typing import IO, Final, Literal, Self, TypeAlias, TypeVar, cast

import httpx

__all__ = [
    "NOT_GIVEN",
    "AsyncClosing",
    "Body",
    "Closing",
    "FileContent",
    "FileTypes",
    "Headers",
    "NotGiven",
    "NotGivenOr",
    "Query",
    "Timeout",
]

_T = TypeVar("_T")


class NotGiven:
    """Marks an argument the caller did not pass (distinct from an explicit ``None``).

    ``NOT_GIVEN`` is a falsy singleton: ``value is NOT_GIVEN`` and ``if not value`` both work.
    """

    __slots__ = ()
    _instance: NotGiven | None = None

    def __new__(cls) -> Self:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cast(Self, cls._instance)

    def __bool__(self) -> Literal[False]:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"

    def __reduce__(self) -> str:
        return "NOT_GIVEN"

    def __copy__(self) -> NotGiven:
        return self

    def __deepcopy__(self, memo: object) -> NotGiven:
        return self


NOT_GIVEN: Final[NotGiven] = NotGiven()

NotGivenOr: TypeAlias = _T | NotGiven

Headers = Mapping[str, str]
Query = Mapping[str, object]
Body = Mapping[str, object]

Timeout = float | httpx.Timeout | None

FileContent = bytes | IO[bytes] | os.PathLike[str]
FileTypes = (
    FileContent | tuple[str | None, FileContent] | tuple[str | None, FileContent, str | None]
)


class Closing:
    """``with x:`` gives ``x`` and calls ``x.close()`` when the block ends (clients, binary responses,
    event streams)."""

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class AsyncClosing:
    """``async with x:`` gives ``x`` and awaits ``x.close()`` when the block ends."""

    async def close(self) -> None:
        raise NotImplementedError

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()
