"""Annotations of generated model fields whose type when read differs from what they accept when set.

One model class serves requests and responses, so a field can need two types:

- ``Omittable[X]``: an optional field that is not nullable. Reading it gives ``X | None`` (``None``:
  the server left it out, or nobody set it); setting it (the constructor, assignment) takes only ``X``, so
  type checkers refuse ``None``. At run time it is ``X | None`` marked ``OMITTABLE``: a ``None`` is read
  as "left out" — never sent (``_models.complete_dump``), refused by strict response validation
  (``_checks``), accepted by lenient parsing and by ``Model.model_validate(other.model_dump())``.
- ``Coerced[X, W]``: reads as ``X``, also takes ``W`` when set (a ``uuid.UUID`` field takes its text
  form, ``str``; validation converts it). ``OmittableCoerced[X, W]``: both.

For type checkers they are descriptors, whose ``__get__`` / ``__set__`` types PEP 681 dataclass transforms
(pydantic models) use for attribute reads and ``__init__`` arguments. ``UNSET`` is the default of such fields:
``None`` at run time, typed ``Any`` so a type checker accepts it as the default of a descriptor field.

``Rest`` marks a tuple annotation with a variadic tail (``tuple[A, B, *tuple[R, ...]]``, JSON Schema
``prefixItems`` with ``items``) that pydantic cannot build by itself.
"""

from __future__ import annotations

import typing
from typing import TYPE_CHECKING, Annotated, Any, Optional

from pydantic.fields import FieldInfo
from pydantic_core import core_schema

__all__ = ["OMITTABLE", "UNSET", "Coerced", "Omittable", "OmittableCoerced", "Rest", "is_omittable"]

if TYPE_CHECKING:
    from typing import Generic, Self, TypeVar, overload

    _X = TypeVar("_X")
    _W = TypeVar("_W")

    class Omittable(Generic[_X]):
        @overload
        def __get__(self, obj: None, owner: Any) -> Self: ...
        @overload
        def __get__(self, obj: object, owner: Any) -> _X | None: ...
        def __get__(self, obj: object, owner: Any) -> Any: ...
        def __set__(self, obj: object, value: _X) -> None: ...

    class OmittableCoerced(Generic[_X, _W]):
        @overload
        def __get__(self, obj: None, owner: Any) -> Self: ...
        @overload
        def __get__(self, obj: object, owner: Any) -> _X | None: ...
        def __get__(self, obj: object, owner: Any) -> Any: ...
        def __set__(self, obj: object, value: _X | _W) -> None: ...

    class Coerced(Generic[_X, _W]):
        @overload
        def __get__(self, obj: None, owner: Any) -> Self: ...
        @overload
        def __get__(self, obj: object, owner: Any) -> _X: ...
        def __get__(self, obj: object, owner: Any) -> Any: ...
        def __set__(self, obj: object, value: _X | _W) -> None: ...

    UNSET: Any
else:

    class _ReadType:
        """``Coerced[X, W]`` is ``X`` at run time."""

        def __class_getitem__(cls, item: object) -> object:
            return item[0] if isinstance(item, tuple) else item

    class _OmittableType:
        """``Omittable[X]`` is ``Annotated[X | None, OMITTABLE]`` at run time."""

        def __class_getitem__(cls, item: object) -> object:
            read = item[0] if isinstance(item, tuple) else item
            return Annotated[Optional[read], OMITTABLE]  # noqa: UP045 - `read` may be a string

    class Omittable(_OmittableType):
        pass

    class OmittableCoerced(_OmittableType):
        pass

    class Coerced(_ReadType):
        pass

    UNSET = None


class _Marker:
    __slots__ = ()

    def __repr__(self) -> str:
        return "OMITTABLE"


OMITTABLE = _Marker()
"""In a field's metadata: an optional field that is not nullable (never sent as ``null``)."""


def is_omittable(info: FieldInfo) -> bool:
    return OMITTABLE in info.metadata


class _RestItems:
    """``Annotated[tuple[A, B, *tuple[R, ...]], Rest]``: a pydantic tuple schema whose items after the
    fixed ones are all ``R``."""

    __slots__ = ()

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> core_schema.CoreSchema:
        items: list[core_schema.CoreSchema] = []
        variadic: int | None = None
        for index, arg in enumerate(typing.get_args(source)):
            unpacked = typing.get_origin(arg) is typing.Unpack
            if unpacked or getattr(arg, "__unpacked__", False):
                inner = typing.get_args(arg)[0] if unpacked else arg
                arg, variadic = typing.get_args(inner)[0], index
            items.append(handler.generate_schema(arg))
        return core_schema.tuple_schema(items, variadic_item_index=variadic)

    def __repr__(self) -> str:
        return "Rest"


Rest = _RestItems()
