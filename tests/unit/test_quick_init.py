"""A frozen dataclass's `__init__` that sets its slots through their descriptors (`generator/ir/quick_init.py`,
issue 18): the objects, the signature and the errors are the dataclass's own; only the way the
fields are stored differs. What it cannot make the same, it refuses when the class is defined."""

from __future__ import annotations

import dataclasses
import inspect
import pickle
from dataclasses import FrozenInstanceError, InitVar, dataclass, field
from typing import Any

import pytest

import generator.ir.models
import generator.ir.operations
import generator.ir.types
import generator.naming.routes
import generator.render.apidoc_views
import generator.render.extension
import generator.render.field_views
import generator.render.model_views
import generator.render.resource_views
from generator.ir import MISSING, Field, ModelRef, Primitive
from generator.ir.quick_init import quick_init, quick_replace
from generator.ir.types import Kind
from generator.naming.routes import Segment
from generator.render.field_views import FieldView
from generator.render.model_views import SchemaView

_MARK = object()  # a default is passed on as the object it is


@dataclass(frozen=True, slots=True)
class Plain:
    name: str
    kind: Any
    size: int = 3
    tags: tuple[str, ...] = ("a",)
    mark: object = field(default=_MARK, hash=False, compare=False)


@quick_init
@dataclass(frozen=True, slots=True)
class Quick:
    name: str
    kind: Any
    size: int = 3
    tags: tuple[str, ...] = ("a",)
    mark: object = field(default=_MARK, hash=False, compare=False)


@quick_init
@dataclass(frozen=True, slots=True)
class Selfish:  # a field called `self`: the dataclass names its first parameter otherwise
    self: int
    other: int = 0


def _state(obj: object) -> tuple[object, ...]:
    return tuple(getattr(obj, f.name) for f in dataclasses.fields(obj))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        (("n", 1), {}),
        (("n", 1, 5), {}),
        (("n", None, 5, ("x", "y")), {}),
        ((), {"name": "n", "kind": 2}),
        (("n",), {"kind": 2, "tags": ()}),
        ((), {"tags": ("t",), "kind": 1.5, "name": "m", "size": 0, "mark": [9]}),
    ],
)
def test_the_object_is_the_one_the_dataclass_makes(
    args: tuple[Any, ...], kwargs: dict[str, Any]
) -> None:
    plain, quick = Plain(*args, **kwargs), Quick(*args, **kwargs)
    assert _state(quick) == _state(plain)
    assert all(a is b for a, b in zip(_state(quick), _state(plain), strict=True))
    assert repr(quick) == repr(plain).replace("Plain(", "Quick(", 1)
    assert quick == Quick(*args, **kwargs) and hash(quick) == hash(Quick(*args, **kwargs))


def test_the_signature_and_the_errors_are_the_dataclass_s() -> None:
    assert str(inspect.signature(Quick)) == str(inspect.signature(Plain))
    assert Quick.__init__.__qualname__ == "Quick.__init__"
    assert Quick.__init__.__module__ == __name__
    for args, kwargs in [((), {}), (("n",), {}), (("n", 1, 2, (), [], 6), {})]:
        with pytest.raises(TypeError) as plain:
            Plain(*args, **kwargs)
        with pytest.raises(TypeError) as quick:
            Quick(*args, **kwargs)
        assert str(quick.value) == str(plain.value).replace("Plain", "Quick")
    with pytest.raises(TypeError, match="unexpected keyword argument 'colour'"):
        Quick("n", 1, colour=2)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="multiple values for argument 'name'"):
        Quick("n", 1, name="m")  # type: ignore[misc]
    assert _state(Selfish(1, other=2)) == (1, 2)
    assert str(inspect.signature(Selfish)) == "(self: 'int', other: 'int' = 0) -> None"


def test_it_stays_frozen_hashable_replaceable_and_picklable() -> None:
    quick = Quick("n", 1)
    with pytest.raises(FrozenInstanceError):
        quick.size = 4  # type: ignore[misc]
    with pytest.raises(FrozenInstanceError):
        del quick.name  # type: ignore[misc]
    assert not hasattr(quick, "__dict__")
    assert dataclasses.replace(quick, size=9) == Quick("n", 1, 9)
    assert pickle.loads(pickle.dumps(quick)) == quick
    assert {quick: 1}[Quick("n", 1)] == 1


def _frozen(cls: type[Any]) -> type[Any]:
    return dataclass(frozen=True, slots=True)(cls)


class _Factory:
    x: list[int] = field(default_factory=list)


class _NoInit:
    x: int = field(default=0, init=False)


class _KwOnly:
    x: int = field(default=0, kw_only=True)


class _InitVar:
    x: int
    y: InitVar[int] = 0


class _PostInit:
    x: int

    def __post_init__(self) -> None:
        pass


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (
            lambda: dataclass(slots=True)(type("Mutable", (), {"__annotations__": {"x": int}})),
            "frozen",
        ),
        (
            lambda: dataclass(frozen=True)(type("NoSlots", (), {"__annotations__": {"x": int}})),
            "slots",
        ),
        (lambda: type("NotADataclass", (), {}), "frozen dataclass"),
        (lambda: _frozen(_Factory), "_Factory.x is not a positional field"),
        (lambda: _frozen(_NoInit), "_NoInit.x is not a positional field"),
        (lambda: _frozen(_KwOnly), "_KwOnly.x is not a positional field"),
        (lambda: _frozen(_InitVar), "takes more than its fields"),
        (lambda: _frozen(_PostInit), "__post_init__"),
    ],
)
def test_what_it_cannot_make_the_same_is_refused(make: Any, says: str) -> None:
    with pytest.raises(TypeError, match=says):
        quick_init(make())


def _quick_classes() -> list[type[Any]]:
    found = []
    for module in (
        generator.ir.models,
        generator.ir.operations,
        generator.ir.types,
        generator.naming.routes,
        generator.render.apidoc_views,
        generator.render.extension,
        generator.render.field_views,
        generator.render.model_views,
        generator.render.resource_views,
    ):
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and value.__module__ == module.__name__
                and dataclasses.is_dataclass(value)
                and value.__init__.__code__.co_name == "__init__"
                and "__quick_make__" in value.__init__.__code__.co_qualname
            ):
                found.append(value)
    return found


def test_the_hot_classes_take_what_their_dataclass_declares() -> None:
    quick = _quick_classes()
    assert {Field, Primitive, ModelRef, FieldView, SchemaView, Segment} <= set(quick)
    for cls in quick:
        # the same fields through `dataclass` alone: the signature of the `__init__` it makes
        twin = dataclasses.make_dataclass(
            cls.__name__,
            [
                (f.name, f.type)
                if f.default is dataclasses.MISSING
                else (f.name, f.type, field(default=f.default))
                for f in dataclasses.fields(cls)
            ],
            frozen=True,
            slots=True,
        )
        assert inspect.signature(cls) == inspect.signature(twin), cls
    made = Field("id", Primitive(Kind.INTEGER), True, doc="The id.")
    assert made == Field("id", Primitive(Kind.INTEGER), True, "The id.", MISSING)
    assert (made.wire_name, made.required, made.doc, made.secret) == ("id", True, "The id.", False)


def test_a_class_compiled_by_mypyc_is_left_as_it_is() -> None:
    """A native class (mypyc notes its attributes in `__mypyc_attrs__`, has no `__slots__` and keeps
    a dataclass's metadata) is returned unchanged, `__init__` and all."""

    @dataclass(frozen=True)
    class Native:
        x: int = 0

    type.__setattr__(Native, "__mypyc_attrs__", ("x",))
    init = Native.__dict__["__init__"]
    assert quick_init(Native) is Native
    assert Native.__dict__["__init__"] is init


def test_quick_replace_makes_what_dataclasses_replace_makes() -> None:
    """`quick_replace` (one positional call of a `quick_init` class) against `dataclasses.replace`:
    the same object field by field, for one field, several, none, and a field compared by identity;
    its error for a name that is not a field; any other class handed to `dataclasses.replace`."""
    mark = object()
    quick = Quick("n", 1, 4, ("x",), mark)
    for changes in ({}, {"size": 9}, {"name": "m", "tags": ()}, {"mark": _MARK, "kind": None}):
        made, expected = quick_replace(quick, **changes), dataclasses.replace(quick, **changes)
        assert type(made) is Quick and made is not quick
        assert _state(made) == _state(expected)
        assert all(a is b for a, b in zip(_state(made), _state(expected), strict=True))
    with pytest.raises(TypeError, match="unexpected keyword argument 'colour'"):
        quick_replace(quick, size=2, colour="red")
    plain = Plain("n", 1)  # not made by `quick_init`: `dataclasses.replace` itself
    assert _state(quick_replace(plain, size=5)) == _state(Plain("n", 1, 5))
    field = Field("w", Primitive(Kind.STRING), True, doc="d", example=3)
    assert quick_replace(field, required=False, default=MISSING) == dataclasses.replace(
        field, required=False, default=MISSING
    )
    one = Selfish(1)  # a class of two fields, the first called `self`
    assert quick_replace(one, self=2) == Selfish(2)
