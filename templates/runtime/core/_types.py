"""Sentinel and type aliases used in generated signatures."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import IO, Final, Literal, Self, TypeAlias, TypeVar, cast

import httpx

__all__ = [
    "NOT_GIVEN",
    "Body",
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
