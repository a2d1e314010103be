"""Base class of generated models, and the side data the runtime attaches to parsed results."""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import pydantic

from ._fields import is_omittable

__all__ = [
    "BaseModel",
    "GeneratedModel",
    "complete_dump",
    "get_envelope",
    "get_field",
    "get_validation_errors",
]

# Side data lives in the instance ``__dict__`` under names pydantic never uses for fields (a
# leading underscore), rather than in pydantic private attributes: private attributes make
# validation of every (nested) instance several times slower.
_ENVELOPE_KEY = "_clientgen_envelope"
_ERRORS_KEY = "_clientgen_validation_errors"


class BaseModel(pydantic.BaseModel):
    """Base of every generated model: unknown fields are kept, fields accept name or alias."""

    model_config = pydantic.ConfigDict(
        extra="allow",
        populate_by_name=True,
        protected_namespaces=(),
        arbitrary_types_allowed=False,
        defer_build=True,  # a model's validator is built on its first use, not when it is imported
    )

    def to_dict(self, *, exclude_unset: bool = True, exclude_none: bool = False) -> dict[str, Any]:
        """The model as JSON-safe data (dates as ISO strings, enums as their values, bytes as
        base64) under the wire names, unknown fields a server sent included, and the constant fields
        (discriminator tags: always part of the object). ``exclude_unset``: leave out the fields
        neither the server nor you set (the default, so the result is what was received);
        ``exclude_none``: leave out the fields that are ``None``."""
        data = self.model_dump(
            mode="json", by_alias=True, exclude_unset=exclude_unset, exclude_none=exclude_none
        )
        complete_dump(self, data, request=False)
        return data

    def to_json(
        self, *, indent: int | None = 2, exclude_unset: bool = True, exclude_none: bool = False
    ) -> str:
        """``to_dict()`` as a JSON document (``indent=None``: on one line)."""
        data = self.to_dict(exclude_unset=exclude_unset, exclude_none=exclude_none)
        separators = (",", ":") if indent is None else None
        return json.dumps(data, indent=indent, separators=separators, ensure_ascii=False)


# A model of yours that subclasses this one takes its fields' descriptions from their attribute
# docstrings. Set after the class is made, so that subclasses inherit it (pydantic merges the bases'
# ``model_config`` into each new model's) but this class, which has no fields, skips the extraction: it
# reads the source through ``inspect.getmodule``, whose first call resolves the path of every loaded
# module (≈ 10 ms), then tokenizes and parses each class.
BaseModel.model_config["use_attribute_docstrings"] = True


class GeneratedModel(BaseModel, use_attribute_docstrings=False):
    """Base of the generated models. Each field's description is written in its ``Field(description=…)``
    (the text of the attribute docstring below it), so pydantic reads no source when a model is made.
    A subclass of yours that wants descriptions from docstrings sets ``use_attribute_docstrings=True``."""


def complete_dump(value: object, data: object, *, request: bool) -> None:
    """Finish ``data``, the ``exclude_unset`` dump of ``value``, in place, models inside it too: add the
    constant fields (``__clientgen_constants__``, wire name: value) nobody set, drop a ``None`` set on a
    field that is not nullable (``_fields.Omittable``: it is never sent as ``null``), and for a request
    (``request=True``) remove the read-only fields (``__clientgen_read_only__``: set by the server, e.g.
    a model from a response sent back in an update)."""
    if isinstance(value, pydantic.BaseModel) and isinstance(data, dict):
        cls = type(value)
        for key, constant in getattr(cls, "__clientgen_constants__", _NONE).items():
            data.setdefault(key, constant)
        if request:
            for key in getattr(cls, "__clientgen_read_only__", ()):
                data.pop(key, None)
        for name, info in cls.model_fields.items():
            key = info.serialization_alias or info.alias or name
            if key not in data:
                continue
            if data[key] is None and is_omittable(info):  # not nullable: `None` means left out
                del data[key]
                continue
            complete_dump(getattr(value, name, None), data[key], request=request)
    elif isinstance(value, (list, tuple)) and isinstance(data, list):
        for item, dumped in zip(value, data):
            complete_dump(item, dumped, request=request)
    elif isinstance(value, Mapping) and isinstance(data, dict):
        for key, item in value.items():
            if key in data:
                complete_dump(item, data[key], request=request)


_NONE: Mapping[str, object] = {}


class ResultList(list[Any]):
    """A ``list`` returned for an unwrapped or leniently parsed array, carrying side data."""

    __slots__ = (_ENVELOPE_KEY, _ERRORS_KEY)


def _side_data(obj: object, key: str) -> Any:
    if isinstance(obj, pydantic.BaseModel):
        return obj.__dict__.get(key)
    if isinstance(obj, ResultList):
        return getattr(obj, key, None)
    return None


def attach(obj: object, *, envelope: object = None, errors: list[Any] | None = None) -> object:
    """Attach the envelope / validation errors to ``obj``; lists are wrapped in ``ResultList``."""
    if isinstance(obj, list) and not isinstance(obj, ResultList):
        obj = ResultList(obj)
    if isinstance(obj, pydantic.BaseModel):
        if envelope is not None:
            obj.__dict__[_ENVELOPE_KEY] = envelope
        if errors:
            obj.__dict__[_ERRORS_KEY] = errors
    elif isinstance(obj, ResultList):
        if envelope is not None:
            setattr(obj, _ENVELOPE_KEY, envelope)
        if errors:
            setattr(obj, _ERRORS_KEY, errors)
    return obj


def get_envelope(obj: object) -> Any:
    """The full parsed response body an unwrapped result came from (``None`` if not unwrapped).

    Works for models and lists returned by methods whose response is unwrapped (``data``).
    """
    return _side_data(obj, _ENVELOPE_KEY)


def get_validation_errors(obj: object) -> list[dict[str, Any]]:
    """Validation errors of a leniently parsed result (empty when the response was valid)."""
    errors = _side_data(obj, _ERRORS_KEY)
    return list(errors) if errors else []


@lru_cache(maxsize=1024)
def _attribute_for(cls: type[pydantic.BaseModel], wire_name: str) -> str | None:
    fields = cls.model_fields
    if wire_name in fields:
        return wire_name
    for name, info in fields.items():
        if wire_name in (info.alias, info.validation_alias, info.serialization_alias):
            return name
    return None


def get_field(obj: object, wire_name: str, default: Any = None) -> Any:
    """Read the field called ``wire_name`` in JSON from a model (by alias) or a mapping."""
    if isinstance(obj, pydantic.BaseModel):
        attr = _attribute_for(type(obj), wire_name)
        if attr is not None:
            return getattr(obj, attr, default)
        extra = obj.__pydantic_extra__
        if extra is not None and wire_name in extra:
            return extra[wire_name]
        return default
    if isinstance(obj, dict):
        return obj.get(wire_name, default)
    return default
