"""Build a valid JSON-ready dict for a generated pydantic model (required fields only, typed values)."""

from __future__ import annotations

import datetime as dt
import enum
import types
import typing
import uuid
from typing import Any

import pydantic


def sample_value(annotation: Any, depth: int = 0) -> Any:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return sample_value(args[0], depth) if args else None
    if origin is typing.Literal:
        return typing.get_args(annotation)[0]
    if origin in (list, tuple, set):
        return []
    if origin is dict:
        return {}
    if isinstance(annotation, type):
        if issubclass(annotation, enum.Enum):
            return next(iter(annotation)).value
        if issubclass(annotation, pydantic.BaseModel):
            return sample(annotation, depth + 1)
        if issubclass(annotation, bool):
            return False
        if issubclass(annotation, int):
            return 1
        if issubclass(annotation, float):
            return 1.5
        if issubclass(annotation, dt.datetime):
            return "2026-03-31T16:00:00.000Z"
        if issubclass(annotation, dt.date):
            return "2026-03-31"
        if issubclass(annotation, str):
            return "x"
        if issubclass(annotation, uuid.UUID):
            return "00000000-0000-4000-8000-000000000001"
    return None


def sample(model: type[pydantic.BaseModel], depth: int = 0, **overrides: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, field in model.model_fields.items():
        if field.is_required() and depth < 6:
            out[field.serialization_alias or field.alias or name] = sample_value(
                field.annotation, depth
            )
    out.update(overrides)
    return out
