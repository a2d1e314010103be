"""A frozen dataclass's `__init__` that sets its slots directly (issue 18).

`@dataclass(frozen=True)` makes an `__init__` that assigns each field through
`object.__setattr__(self, name, value)`, the frozen class's own `__setattr__` being the one that
refuses. Each of those calls looks the attribute up by name on the type before it reaches the slot.
A slotted class's fields are member descriptors, and a descriptor's `__set__` stores the value in
its slot at once: the same object, made in about half the time (a 14-field `Field`: ≈ 2.0 → 1.1 µs).
A GitHub generation makes ≈ 150,000 IR objects before the render fork, all on the one-core path.

`quick_init` takes a class `@dataclass(frozen=True, slots=True)` made and replaces only its
`__init__`, with the same parameters, defaults and annotations; everything else — equality, hashing,
`repr`, the refusal of assignment, pickling, `dataclasses.replace` — is still the dataclass's. It
accepts what the IR uses (positional fields with plain defaults) and refuses the rest at import
time: `default_factory`, `InitVar`, `field(init=False)`, keyword-only fields, `__post_init__`.

In a module compiled with mypyc (pyproject.toml's list) it is called after the class, not used as its
decorator: mypyc keeps a class native (its `__init__` compiled) only under `dataclass` alone, and
`quick_init` leaves a compiled class as it is; the pure-Python install gets the quick `__init__`.
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Callable
from operator import attrgetter
from types import MemberDescriptorType
from typing import Any, TypeVar

_T = TypeVar("_T")
# each class `quick_init` made of two fields or more → a getter of all its fields, and each
# field's position (`quick_replace`)
_FIELDS: dict[type, tuple[Callable[[Any], tuple[Any, ...]], dict[str, int]]] = {}


def quick_init(cls: type[_T]) -> type[_T]:
    """`cls` with an `__init__` that sets each field's slot through its descriptor; a class compiled
    with mypyc (whose `__init__` is native code already) as it is."""
    if "__mypyc_attrs__" in cls.__dict__:
        return cls  # compiled by mypyc: a native class, made by compiled code
    original: Any = cls.__dict__.get("__init__")
    fields = _checked_fields(cls, original)
    code = original.__code__
    self_name = code.co_varnames[0]  # `self`, unless a field is called that
    setters = {f"__quick_set_{i}": getattr(cls, f.name).__set__ for i, f in enumerate(fields)}
    defaults: tuple[Any, ...] = original.__defaults__ or ()
    first_default = len(fields) - len(defaults)
    params = [
        f.name if i < first_default else f"{f.name}=None"  # the real defaults are set below
        for i, f in enumerate(fields)
    ]
    body = [
        f"        {setter}({self_name}, {f.name})"
        for setter, f in zip(setters, fields, strict=True)
    ]
    source = (
        f"def __quick_make__({', '.join(setters)}):\n"
        f"    def __init__({', '.join([self_name, *params])}):\n"
        + "\n".join(body or ["        pass"])
        + "\n    return __init__\n"
    )
    namespace: dict[str, Any] = {}
    # the text is made above from the dataclass's field names. Run by the `exec` that `dataclasses`
    # runs the class's other methods with, in the class's module: the one `import generator`
    # installs, which keeps the compiled code beside the module's bytecode
    # (generator/dataclass_code.py), or the builtin
    run = vars(dataclasses).get("exec", exec)
    module = sys.modules.get(cls.__module__)
    run(source, vars(module) if module is not None else {}, namespace)
    made = namespace["__quick_make__"](**setters)
    made.__defaults__ = original.__defaults__
    made.__annotations__ = dict(original.__annotations__)
    made.__qualname__ = original.__qualname__
    made.__module__ = original.__module__
    made.__doc__ = original.__doc__
    setattr(cls, "__init__", made)  # noqa: B010 - mypy refuses assigning a method
    if len(fields) > 1:
        names = [f.name for f in fields]
        _FIELDS[cls] = (attrgetter(*names), {name: i for i, name in enumerate(names)})
    return cls


def quick_replace(obj: _T, /, **changes: Any) -> _T:
    """`dataclasses.replace(obj, **changes)`, made as one positional call of the class when
    `quick_init` made its `__init__` (its fields are all positional: no `InitVar`, no
    `init=False`), without the `fields()` and the mapping of every field `replace` makes each
    time (3,400 calls before GitHub's render fork); anything else goes to `dataclasses.replace`."""
    made = _FIELDS.get(type(obj))
    if made is None:
        return dataclasses.replace(obj, **changes)  # type: ignore[type-var]
    get, index = made
    values = list(get(obj))
    for name, value in changes.items():
        at = index.get(name)
        if at is None:  # not a field: `replace`'s own error
            return dataclasses.replace(obj, **changes)  # type: ignore[type-var]
        values[at] = value
    return type(obj)(*values)


def fill_once(obj: Any, name: str, value: Any) -> bool:
    """Set the field `name` of a frozen, slotted dataclass object that still holds `None` there, and
    say whether it did: the one write an IR object may take after it is made, by the code that made
    it and before anyone else has it (parse's `SchemaBuilder.finish` gives each schema its naming
    hints, known only once the last schema is built, without making every schema again).

    False, and nothing written, when the field is not a slot of the object's frozen dataclass (a
    class mypyc compiled keeps its own storage) or holds a value already: the caller then makes a
    copy (`quick_replace`). The write goes through the slot's descriptor, as `quick_init`'s
    `__init__` does; the frozen class's `__setattr__` still refuses every other assignment."""
    cls = type(obj)
    params = getattr(cls, "__dataclass_params__", None)
    slot = cls.__dict__.get(name)
    if (
        params is None
        or not params.frozen
        or type(slot) is not MemberDescriptorType
        or slot.__get__(obj, cls) is not None
    ):
        return False
    slot.__set__(obj, value)
    return True


def _checked_fields(cls: type[Any], original: Any) -> tuple[dataclasses.Field[Any], ...]:
    """The dataclass's fields, when `quick_init` makes the same `__init__` for them."""
    params = getattr(cls, "__dataclass_params__", None)
    if params is None or not params.frozen or "__slots__" not in cls.__dict__:
        raise TypeError(f"quick_init: {cls.__qualname__} is not a frozen dataclass with slots")
    if hasattr(cls, "__post_init__"):
        raise TypeError(f"quick_init: {cls.__qualname__} has a __post_init__")
    fields = dataclasses.fields(cls)
    for f in fields:
        if not f.init or f.kw_only or f.default_factory is not dataclasses.MISSING:
            raise TypeError(
                f"quick_init: {cls.__qualname__}.{f.name} is not a positional field with a plain "
                "default or none"
            )
    code = original.__code__
    # the dataclass's own `__init__` takes exactly the fields, in order (no `InitVar` besides them)
    if code.co_varnames[1 : code.co_argcount] != tuple(f.name for f in fields):
        raise TypeError(f"quick_init: {cls.__qualname__}'s __init__ takes more than its fields")
    if code.co_kwonlyargcount:
        raise TypeError(f"quick_init: {cls.__qualname__} has keyword-only parameters")
    return fields
