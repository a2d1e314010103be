"""JSON:API documents: request documents from keyword arguments, `included` resolution, error objects.

Methods of JSON:API operations return the primary data (a resource, or a page of resources); the whole
document stays attached (``get_envelope(resource)``), so related resources side-loaded with ``include``
are reachable from the resource itself::

    provider = client.providers.get_provider(provider_id, include="facility_location")
    location = provider.related("facility_location")        # a typed ``Location`` (or None)

The registry of resource types (``type`` → model class) is generated per package in
``_jsonapi_types.py`` and imported lazily, so an ``included`` resource is parsed into its own model.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, TypeVar, overload

import pydantic

from ._models import GeneratedModel, get_envelope, get_field
from ._serialize import to_jsonable
from ._types import NotGiven

__all__ = [
    "JsonApiErrorObject",
    "JsonApiResource",
    "build_document",
    "errors_of",
    "identifier",
    "resource_class",
]

_M = TypeVar("_M", bound=pydantic.BaseModel)
_INDEX_KEY = "_clientgen_included_index"


@cache
def _registry() -> Mapping[str, tuple[str, str]]:
    try:
        module = importlib.import_module(f"{__package__}._jsonapi_types")
    except ImportError:
        return {}
    types: Mapping[str, tuple[str, str]] = module.RESOURCE_TYPES
    return types


@cache
def resource_class(type_name: str) -> type[pydantic.BaseModel] | None:
    """The generated model of a resource ``type`` (``None`` for types the spec does not describe)."""
    entry = _registry().get(type_name)
    if entry is None:
        return None
    module = importlib.import_module(entry[0], __package__)
    cls: type[pydantic.BaseModel] = getattr(module, entry[1])
    return cls


def identifier(value: object) -> dict[str, str] | None:
    """A resource identifier ``{"type", "id"}`` from a resource, an identifier, a mapping or a pair."""
    if value is None:
        return None
    if isinstance(value, tuple) and len(value) == 2:
        return {"type": str(value[0]), "id": str(value[1])}
    type_, id_ = get_field(value, "type"), get_field(value, "id")
    if type_ is None or id_ is None:
        raise TypeError(f"Not a JSON:API resource or identifier: {value!r}")
    type_ = getattr(type_, "value", type_)
    return {"type": str(type_), "id": str(id_)}


def _linkage(value: object) -> object:
    """A relationship value as a relationship object ``{"data": ...}``."""
    if isinstance(value, pydantic.BaseModel) and "data" in type(value).model_fields:
        return to_jsonable(value)
    if isinstance(value, Mapping) and "data" in value:
        return to_jsonable(value)
    if isinstance(value, (list, tuple)) and not (
        len(value) == 2 and isinstance(value, tuple) and isinstance(value[0], str)
    ):
        return {"data": [identifier(item) for item in value]}
    return {"data": identifier(value)}


def build_document(
    type_name: str,
    *,
    id: object = None,
    attributes: object = None,
    relationships: object = None,
) -> dict[str, Any]:
    """``{"data": {"type", "id"?, "attributes"?, "relationships"?}}`` for a create or update request.

    ``relationships`` values may be resources, identifiers, ``(type, id)`` pairs, lists of those
    (to-many), ``None`` (clear a to-one) or ready relationship objects.
    """
    data: dict[str, Any] = {"type": type_name}
    if id is not None and not isinstance(id, NotGiven):
        data["id"] = str(id)
    if attributes is not None and not isinstance(attributes, NotGiven):
        data["attributes"] = to_jsonable(attributes)
    if relationships is not None and not isinstance(relationships, NotGiven):
        if isinstance(relationships, pydantic.BaseModel):
            relationships = to_jsonable(relationships)
        if not isinstance(relationships, Mapping):
            raise TypeError("relationships must be a mapping of relationship name to value")
        data["relationships"] = {str(k): _linkage(v) for k, v in relationships.items()}
    return {"data": data}


def _index(document: object) -> dict[tuple[str, str], object]:
    """``(type, id)`` → raw or parsed included resource, cached on the document."""
    if isinstance(document, pydantic.BaseModel):
        cached = document.__dict__.get(_INDEX_KEY)
        if cached is not None:
            return cached  # type: ignore[no-any-return]
    index: dict[tuple[str, str], object] = {}
    for item in get_field(document, "included") or ():
        ident = identifier(item) if get_field(item, "type") is not None else None
        if ident is not None:
            index[(ident["type"], ident["id"])] = item
    if isinstance(document, pydantic.BaseModel):
        document.__dict__[_INDEX_KEY] = index
    return index


def _typed(raw: object, as_: type[_M] | None) -> object:
    type_name = identifier(raw)["type"]  # type: ignore[index]
    cls = as_ or resource_class(type_name)
    if cls is None or isinstance(raw, cls):
        return raw
    data = (
        raw.model_dump(mode="json", by_alias=True) if isinstance(raw, pydantic.BaseModel) else raw
    )
    return cls.model_validate(data)


class JsonApiResource(GeneratedModel):
    """Base of generated JSON:API resource models: ``related()`` reads the document's ``included``."""

    @overload
    def related(self, name: str) -> Any: ...
    @overload
    def related(self, name: str, as_: type[_M]) -> _M | list[_M] | None: ...
    def related(self, name: str, as_: type[_M] | None = None) -> Any:
        """The resource(s) of relationship ``name`` from the response's ``included``.

        A to-one relationship gives one resource or ``None``; a to-many one gives a list. Resources
        are parsed into their generated models (``as_`` chooses the class explicitly). Raises
        ``LookupError`` when the relationship is present but its resources were not included
        (request them with ``include=``).
        """
        relationships = get_field(self, "relationships")
        relationship = get_field(relationships, name)
        if relationship is None:
            return None
        linkage = get_field(relationship, "data")
        document = get_envelope(self)
        index = _index(document) if document is not None else {}
        if linkage is None:
            return None
        many = isinstance(linkage, list)
        found = []
        for item in linkage if many else [linkage]:
            ident = identifier(item)
            assert ident is not None
            raw = index.get((ident["type"], ident["id"]))
            if raw is None:
                raise LookupError(
                    f"{ident['type']} {ident['id']} (relationship {name!r}) is not in the "
                    f"response's included resources; request it with include={name!r}"
                )
            found.append(_typed(raw, as_))
        return found if many else found[0]

    def identifier(self) -> dict[str, str]:
        """``{"type": ..., "id": ...}`` of this resource (for relationships of other resources)."""
        ident = identifier(self)
        assert ident is not None
        return ident


@dataclass(frozen=True, slots=True)
class JsonApiErrorObject:
    """One entry of a JSON:API error document's ``errors`` array."""

    status: str | None
    code: str | None
    title: str | None
    detail: str | None
    pointer: str | None
    parameter: str | None
    meta: Any = None


def _str(value: object) -> str | None:
    return None if value is None else str(value)


def errors_of(body: object) -> list[JsonApiErrorObject]:
    """The error objects of a JSON:API error document (empty when ``body`` is not one)."""
    errors = body.get("errors") if isinstance(body, dict) else None
    if not isinstance(errors, list):
        return []
    out = []
    for item in errors:
        if not isinstance(item, dict):
            continue
        raw_source = item.get("source")
        source: dict[str, Any] = raw_source if isinstance(raw_source, dict) else {}
        out.append(
            JsonApiErrorObject(
                status=_str(item.get("status")),
                code=_str(item.get("code")),
                title=_str(item.get("title")),
                detail=_str(item.get("detail")),
                pointer=_str(source.get("pointer")),
                parameter=_str(source.get("parameter")),
                meta=item.get("meta"),
            )
        )
    return out
