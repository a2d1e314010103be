"""Best-effort construction of typed results from JSON that failed validation (lenient mode).

Models are built with ``model_construct`` recursively, following the field annotations, so
attribute access keeps working for the parts of the payload that are fine; values that do not
fit their annotation are kept as the raw JSON value.
"""

from __future__ import annotations

import functools
import sys
import types
import typing
from collections.abc import Mapping, Sequence
from typing import Any, Union

import pydantic

from ._unions import Tagger

__all__ = ["construct_type"]

_MAX_DEPTH = 64


def construct_type(type_: Any, value: object, _depth: int = 0) -> Any:
    """Build ``value`` as ``type_`` without validation, as far as the shapes line up."""
    if value is None or _depth > _MAX_DEPTH:
        return value
    if _is_alias(type_):
        return construct_type(_alias_value(type_), value, _depth + 1)
    origin = typing.get_origin(type_)
    if origin is typing.Annotated:
        inner, *metadata = typing.get_args(type_)
        tagger = next((m.discriminator for m in metadata if _is_tagged(m)), None)
        if isinstance(tagger, Tagger):
            # a one-member union is flattened by Annotated: that member is the whole annotation
            members = typing.get_args(inner) if _is_union(inner) else (type_,)
            return _construct_tagged(members, tagger, value, _depth)
        return construct_type(inner, value, _depth + 1)
    if _is_union(type_):
        return _construct_union(typing.get_args(type_), value, _depth)
    if isinstance(type_, type) and issubclass(type_, pydantic.BaseModel):
        if isinstance(value, dict):
            return _construct_model(type_, value, _depth)
        return value
    if origin is tuple and isinstance(value, list):
        types_ = _tuple_types(typing.get_args(type_), len(value))
        return [construct_type(t, item, _depth + 1) for t, item in zip(types_, value)]
    if origin in (list, Sequence, set, frozenset) and isinstance(value, list):
        args = typing.get_args(type_)
        item_type = args[0] if args else Any
        return [construct_type(item_type, item, _depth + 1) for item in value]
    if origin in (dict, Mapping) and isinstance(value, dict):
        args = typing.get_args(type_)
        value_type = args[1] if len(args) == 2 else Any
        return {key: construct_type(value_type, item, _depth + 1) for key, item in value.items()}
    return value


def _tuple_types(args: tuple[Any, ...], count: int) -> list[Any]:
    """The type of each of ``count`` items of a tuple annotation: ``tuple[A, B]``, ``tuple[A, ...]``,
    ``tuple[A, *tuple[R, ...]]`` (items past the fixed ones are ``R``; past a closed tuple, ``Any``)."""
    fixed: list[Any] = []
    rest: Any = Any
    for arg in args:
        if arg is Ellipsis:
            rest = fixed.pop() if fixed else Any
        elif typing.get_origin(arg) is typing.Unpack or getattr(arg, "__unpacked__", False):
            inner = typing.get_args(arg)[0] if typing.get_origin(arg) is typing.Unpack else arg
            rest = typing.get_args(inner)[0] if typing.get_args(inner) else Any
        else:
            fixed.append(arg)
    return [fixed[i] if i < len(fixed) else rest for i in range(count)]


def _is_alias(type_: Any) -> bool:
    """A recursive type alias: generated as typing_extensions' `TypeAliasType("Name", "annotation")`
    (Python 3.12+ has its own class of the same name)."""
    return type(type_).__name__ == "TypeAliasType" and hasattr(type_, "__value__")


@functools.lru_cache(maxsize=256)
def _alias_value(alias: Any) -> Any:
    """The aliased type, its string form evaluated in the alias's module (as pydantic does)."""
    value = alias.__value__
    if not isinstance(value, str):
        return value
    module = sys.modules.get(alias.__module__)
    holder = types.SimpleNamespace(__annotations__={"value": value})
    namespace = vars(module) if module is not None else {}
    try:
        return typing.get_type_hints(holder, globalns=namespace, include_extras=True)["value"]
    except (NameError, SyntaxError, TypeError):
        return Any  # not resolvable here: the value is kept as it is


def _is_union(type_: Any) -> bool:
    origin = typing.get_origin(type_)
    return origin is Union or origin is types.UnionType


def _is_tagged(meta: object) -> bool:
    return isinstance(meta, pydantic.Discriminator) and isinstance(meta.discriminator, Tagger)


def _construct_tagged(members: tuple[Any, ...], tagger: Tagger, value: object, depth: int) -> Any:
    # A discriminated union: only the member the discriminator names is tried; an unknown or
    # missing discriminator value keeps the raw JSON value (nothing is guessed).
    tag = tagger(value)
    for member in members:
        metadata = (
            typing.get_args(member)[1:] if typing.get_origin(member) is typing.Annotated else ()
        )
        if any(isinstance(m, pydantic.Tag) and m.tag == tag for m in metadata):
            return _construct_union((typing.get_args(member)[0],), value, depth)
    return value


def _construct_union(members: tuple[Any, ...], value: object, depth: int) -> Any:
    # Prefer a member that validates cleanly; otherwise the first model member for an object.
    for member in members:
        if member is type(None):
            continue
        try:
            return pydantic.TypeAdapter(member).validate_python(value)
        except (pydantic.ValidationError, pydantic.PydanticSchemaGenerationError, TypeError):
            continue
    if isinstance(value, dict):
        for member in members:
            base = _alias_value(member) if _is_alias(member) else member
            if typing.get_origin(base) is typing.Annotated:
                if any(_is_tagged(m) for m in typing.get_args(base)[1:]):
                    return construct_type(base, value, depth + 1)  # a nullable discriminated union
                base = typing.get_args(base)[0]
            if isinstance(base, type) and issubclass(base, pydantic.BaseModel):
                return _construct_model(base, value, depth)
    # a list (or map) that failed as a whole: its items are still built one by one
    shape = (list, Sequence, tuple, set, frozenset) if isinstance(value, list) else (dict, Mapping)
    if isinstance(value, (list, dict)):
        for member in members:
            if typing.get_origin(member) in shape:
                return construct_type(member, value, depth + 1)
    return value


def _construct_model(cls: type[pydantic.BaseModel], data: dict[str, Any], depth: int) -> Any:
    values: dict[str, Any] = {}
    remaining = dict(data)
    for name, info in cls.model_fields.items():
        alias = info.validation_alias if isinstance(info.validation_alias, str) else info.alias
        key = alias if alias is not None and alias in remaining else name
        if key not in remaining:
            continue
        values[name] = construct_type(info.annotation, remaining.pop(key), depth + 1)
    allows_extra = cls.model_config.get("extra") == "allow"
    instance = cls.model_construct(_fields_set=set(values), **values)
    if allows_extra and remaining:
        if instance.__pydantic_extra__ is None:
            object.__setattr__(instance, "__pydantic_extra__", {})
        assert instance.__pydantic_extra__ is not None
        instance.__pydantic_extra__.update(remaining)
    return instance
