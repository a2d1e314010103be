"""Open enums: a value the spec does not list still parses, as an `UNKNOWN` pseudo-member.

`Status("brand_new")` returns a member whose `.value` is `"brand_new"` (and, for str/int enums, which
compares equal to the plain value), so responses from a newer server never fail to parse and the type
stays `Status` for type checkers.
"""

from __future__ import annotations

import enum
from typing import Any

__all__ = ["OpenEnum", "OpenIntEnum", "OpenStrEnum"]


def _pseudo_member(cls: type[enum.Enum], value: Any, base: Any) -> Any:
    member: Any = base.__new__(cls, value) if base is not None else object.__new__(cls)
    member._name_ = "UNKNOWN"
    member._value_ = value
    try:
        cls._value2member_map_[value] = member  # later lookups return the same object
    except TypeError:  # unhashable value
        pass
    return member


class OpenStrEnum(str, enum.Enum):
    """A string enum that accepts values it does not list."""

    @classmethod
    def _missing_(cls, value: object) -> Any:
        return _pseudo_member(cls, value, str) if isinstance(value, str) else None


class OpenIntEnum(int, enum.Enum):
    """An integer enum that accepts values it does not list."""

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            return _pseudo_member(cls, value, int)
        return None


class OpenEnum(enum.Enum):
    """An enum of mixed JSON values that accepts values it does not list."""

    @classmethod
    def _missing_(cls, value: object) -> Any:
        return (
            _pseudo_member(cls, value, None)
            if value is None or isinstance(value, (str, int, float, bool))
            else None
        )
