"""Discriminated unions (OpenAPI ``discriminator``): pick the member from one property's value.

Generated annotations look like::

    Annotated[Annotated[Cat, Tag("Cat")] | Annotated[Dog, Tag("Dog")],
              discriminator("pet_type", {"cat": "Cat", "dog": "Dog"})]

Each member is tagged with its class name; the mapping goes from the wire value of the
discriminator property (explicit ``mapping`` entries and implicit schema names) to that tag.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any

import pydantic
from pydantic import Tag
from pydantic_core import core_schema

from ._models import get_field

__all__ = ["Tag", "Tagger", "discriminator"]


class Tagger:
    """The callable behind ``pydantic.Discriminator``: value → member tag.

    A model instance of a member class is tagged by its class; otherwise the discriminator
    property is read (from a mapping or a model) and looked up. An unknown value yields a tag
    no member has (``"<property>=<value>"``), so validation reports it; a missing one yields
    ``None``.
    """

    __slots__ = ("__name__", "classes", "prop", "tags")

    def __init__(self, prop: str, tags: Mapping[str, str]) -> None:
        self.__name__ = prop  # pydantic names the discriminator in its error messages
        self.prop = prop
        self.tags = dict(tags)
        self.classes = frozenset(self.tags.values())

    def __call__(self, value: Any) -> str | None:
        if isinstance(value, pydantic.BaseModel) and type(value).__name__ in self.classes:
            return type(value).__name__
        raw = value.get(self.prop) if isinstance(value, Mapping) else get_field(value, self.prop)
        if isinstance(raw, enum.Enum):
            raw = raw.value
        if raw is None:
            return None
        key = raw if isinstance(raw, str) else str(raw)
        return self.tags.get(key, f"{self.prop}={key}")

    def __repr__(self) -> str:
        return f"Tagger({self.prop!r})"


class _Discriminator(pydantic.Discriminator):
    """``pydantic.Discriminator`` that also works for a one-member union of a model being built.

    pydantic folds a one-member union into its member; when that member is a model still under
    construction (a base referenced from inside its only subtype: ``Error.details: list[ErrorBase]``)
    the schema is a reference pydantic cannot resolve yet (``MissingDefinitionForUnionRef``). Such a
    reference is put back into a one-member union first, which is what pydantic does with it once it
    can resolve it.
    """

    def __get_pydantic_core_schema__(
        self, source_type: Any, handler: pydantic.GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        schema = handler(source_type)
        if schema.get("type") == "definition-ref":
            schema = core_schema.union_schema([schema])
        return self._convert_schema(schema, handler)


def discriminator(prop: str, tags: Mapping[str, str]) -> pydantic.Discriminator:
    """The ``Discriminator`` annotation of a union keyed by the property ``prop``."""
    return _Discriminator(Tagger(prop, tags))
