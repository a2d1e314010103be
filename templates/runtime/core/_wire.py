"""Request bodies written as dicts: the keys of a `…Param` TypedDict are Python names, the wire wants the
spec's names. ``to_wire`` renames them, guided by the generated models (their fields' aliases and
annotations): a dict that stands for a model gets that model's wire names, recursively, and its
constant fields (``__clientgen_constants__``: discriminator tags, ``const``) when it leaves them out;
nothing else changes — values are not validated or converted, unknown keys pass as they are, models pass
untouched (the serializer dumps them by alias).
"""

from __future__ import annotations

import collections.abc
import types
import typing
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import pydantic

from ._types import NotGiven

__all__ = ["to_wire"]

_MAX_DEPTH = 64

_Plan = dict[str, tuple[str, Any]]  # a model's fields: Python name → (wire name, annotation)


def to_wire(value: object, annotation: Any, *, wire_keys: bool = False) -> object:
    """``value`` with the keys of every dict that stands for a model renamed to wire names.

    ``wire_keys``: the top-level mapping's keys are wire names already (a body the method built from
    its keyword arguments); only the values are walked.
    """
    if wire_keys and isinstance(value, Mapping):
        models = _models(annotation)
        if not models:
            return value
        by_wire = {wire: ann for plan in map(_plan, models) for wire, ann in plan.values()}
        return {
            key: item if key not in by_wire else _walk(item, by_wire[key], 1)
            for key, item in value.items()
        }
    return _walk(value, annotation, 0)


def _walk(value: object, annotation: Any, depth: int) -> object:
    if depth > _MAX_DEPTH or value is None or isinstance(value, (str, bytes, NotGiven)):
        return value
    if isinstance(value, pydantic.BaseModel):
        return value
    if isinstance(value, Mapping):
        model = _model_for(value, annotation)
        if model is not None:
            plan = _plan(model)
            out: dict[object, object] = {}
            for key, item in value.items():
                entry = plan.get(key) if isinstance(key, str) else None
                if entry is None:
                    out[key] = item
                else:
                    out[entry[0]] = _walk(item, entry[1], depth + 1)
            for key, constant in getattr(model, "__clientgen_constants__", {}).items():
                out.setdefault(key, constant)  # a tag the dict left out: always sent
            return out
        inner = _mapping_values(annotation)
        if inner is None:
            return value
        return {key: _walk(item, inner, depth + 1) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        inner = _sequence_items(annotation)
        if inner is None:
            return value
        return [_walk(item, inner, depth + 1) for item in value]
    return value


def _model_for(value: Mapping[Any, Any], annotation: Any) -> type[pydantic.BaseModel] | None:
    """The model a dict stands for: the only one the annotation allows, else the first whose fields
    hold every key of the dict (a union of several models), else the first."""
    models = _models(annotation)
    if len(models) <= 1:
        return models[0] if models else None
    keys = set(value)
    for model in models:
        if keys <= set(_plan(model)):
            return model
    return models[0]


@lru_cache(maxsize=1024)
def _plan(model: type[pydantic.BaseModel]) -> _Plan:
    fields = model.model_fields
    if any(_unresolved(info.annotation) for info in fields.values()):
        model.model_rebuild()  # a forward reference the module resolves at its end
        fields = model.model_fields
    return {
        name: (info.serialization_alias or info.alias or name, info.annotation)
        for name, info in fields.items()
    }


def _unresolved(annotation: Any) -> bool:
    return isinstance(annotation, (str, typing.ForwardRef))


def _models(annotation: Any) -> tuple[type[pydantic.BaseModel], ...]:
    """The model classes an annotation admits directly (through unions, `Annotated`, aliases)."""
    out: list[type[pydantic.BaseModel]] = []
    for arg in _members(annotation):
        if isinstance(arg, type) and issubclass(arg, pydantic.BaseModel):
            out.append(arg)
    return tuple(out)


def _members(annotation: Any) -> list[Any]:
    annotation = _unalias(annotation)
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _members(typing.get_args(annotation)[0])
    if origin is typing.Union or origin is types.UnionType:
        return [m for arg in typing.get_args(annotation) for m in _members(arg)]
    return [annotation]


def _unalias(annotation: Any) -> Any:
    value = getattr(annotation, "__value__", None)  # a TypeAliasType (recursive aliases)
    return annotation if value is None else value


def _sequence_items(annotation: Any) -> Any:
    for arg in _members(annotation):
        origin = typing.get_origin(arg)
        if origin in (list, tuple, collections.abc.Sequence):
            args = typing.get_args(arg)
            if args and (origin is not tuple or len(args) == 2 and args[1] is Ellipsis):
                return args[0]
    return None


def _mapping_values(annotation: Any) -> Any:
    for arg in _members(annotation):
        if typing.get_origin(arg) in (dict, collections.abc.Mapping):
            args = typing.get_args(arg)
            if len(args) == 2:
                return args[1]
    return None
